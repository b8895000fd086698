"""State changes on proposals: drafts, edits with the version check, evidence
files, comments and the queries behind the list and the suggestions.

Services validate, change, flush and audit; they never commit (the view does).
"""
import hashlib
import io
import os
import re
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from app.core import audit
from app.core.extensions import db
from app.models import (
    ATTACHMENT_KINDS,
    MAX_TEAM_MEMBERS,
    REPLICABLE_STATUSES,
    SDG_GOALS,
    Attachment,
    AuditEntry,
    Comment,
    Proposal,
    ProposalSdg,
    TeamMember,
    User,
)
from app.models._types import utcnow
from app.proposals import search, storage
from app.proposals.permissions import visible_to
from app.proposals.status import REQUIRED_FIELDS, change_status
from app.web.inputs import max_length, normalised_web_address, too_long, web_address_problem

# The fields a person edits, in form order, with their names for messages.
EDITABLE_FIELDS = {
    **{name: label for name, label in REQUIRED_FIELDS.items() if name != "contact"},
    "trial_date": _l("Tanggal uji coba"),
    "implementation_date": _l("Tanggal penerapan"),
    "contact": REQUIRED_FIELDS["contact"],
    "lab_stage": _l("Tahap laboratorium"),
    "replicates_id": _l("Mereplikasi inovasi"),
    # The national competitions' fields (DESIGN §10); the goals and the team are rows of their own.
    "sdg_goals": _l("Tujuan Pembangunan Berkelanjutan (TPB/SDGs)"),
    "video_url": _l("Tautan video inovasi"),
    "team": _l("Tim inovasi"),
}
# Edited fields kept in rows of their own tables rather than in columns of the proposal.
ROW_FIELDS = ("sdg_goals", "team")


class ServiceError(ValueError):
    """A refused change; the message is for the person, and nothing changed."""


class FieldError(ServiceError):
    """A refused change because of one field of the form: the message goes beside it."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass
class OtherChange:
    """An edit someone else saved after the version a stale form started from."""

    who: str
    when: datetime
    fields: list[str]


class StaleEdit(ServiceError):
    """The proposal changed since the form was opened; the newer save is kept."""

    def __init__(self, message: str, changes: list[OtherChange], fields: list[str]):
        super().__init__(message)
        self.changes = changes
        self.fields = fields  # every field changed by others, in form order


def _clean(values: dict) -> dict:
    cleaned = {}
    for key in EDITABLE_FIELDS:
        if key not in values:
            continue
        value = values[key]
        if key == "team" and value is None:
            continue  # the team was not sent: it stays as it is
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()
            if key in ("maturity", "initiator", "innovation_type", "form", "affair") and not value:
                value = None
        if key == "replicates_id" and not value:
            value = None
        if key == "video_url":
            value = _checked_video_url(value)
        elif key == "sdg_goals":
            value = _checked_goals(value)
        elif key == "team":
            value = check_team(value)
        cleaned[key] = value
    return cleaned


def _checked_video_url(value: str | None) -> str:
    """The video link as stored: "" for none, else a web address with its scheme in lower case."""
    value = value or ""
    if not value:
        return ""
    if too_long(Proposal.video_url, value):
        raise FieldError(_("Tautan video paling banyak %(max)d karakter.", max=max_length(Proposal.video_url)),
                         "video_url")
    problem = web_address_problem(value)
    if problem:
        raise FieldError(problem, "video_url")
    return normalised_web_address(value)


def _checked_goals(goals) -> list[int]:
    """The goals' numbers, each once and in order; a number that is no goal is refused."""
    numbers = sorted(set(goals or []))
    if any(not isinstance(number, int) or number not in SDG_GOALS for number in numbers):
        raise FieldError(_("Pilih tujuan dari daftar: TPB nomor %(first)d sampai %(last)d.",
                           first=SDG_GOALS[0], last=SDG_GOALS[-1]), "sdg_goals")
    return numbers


def check_team(members) -> list[tuple[str, str]]:
    """The team as stored: (name, role) pairs with their spaces tidied, within the limits
    (app.proposals.team reads the form's box and names the line of each problem; this is the
    same rule for whatever else writes a team)."""
    tidy = [(" ".join(str(name).split()), " ".join(str(role).split())) for name, role in members or []]
    if len(tidy) > MAX_TEAM_MEMBERS:
        raise FieldError(_("Paling banyak %(max)d anggota tim.", max=MAX_TEAM_MEMBERS), "team")
    names = set()
    for name, role in tidy:
        if not name or not role or too_long(TeamMember.name, name) or too_long(TeamMember.role, role):
            raise FieldError(_("Setiap anggota tim perlu nama dan peran, masing-masing paling banyak %(max)d "
                               "karakter.", max=max_length(TeamMember.name)), "team")
        if name.casefold() in names:
            raise FieldError(_("%(name)s tertulis lebih dari sekali di tim.", name=name), "team")
        names.add(name.casefold())
    return tidy


def _set_goals(proposal: Proposal, goals: list[int]) -> None:
    """Keep the rows of the goals still chosen, add the new ones, remove the rest."""
    keep = set(goals)
    proposal.sdg_links[:] = [link for link in proposal.sdg_links if link.goal in keep]
    have = set(proposal.sdg_goals)
    proposal.sdg_links.extend(ProposalSdg(goal=goal) for goal in goals if goal not in have)
    proposal.sdg_links.sort(key=lambda link: link.goal)


def _set_team(proposal: Proposal, members: list[tuple[str, str]]) -> None:
    """Write the team position by position: a row keeps its position, so replacing a team never
    meets the unique (proposal, position) pair of a row about to go."""
    rows = proposal.team_members
    for position, (name, role) in enumerate(members, start=1):
        if position <= len(rows):
            rows[position - 1].name, rows[position - 1].role = name, role
        else:
            rows.append(TeamMember(position=position, name=name, role=role))
    del rows[len(members):]


def _add_decree(proposal: Proposal, uploader: User, upload) -> Attachment:
    """Store the decree naming the team: an attachment of its kind, by the one upload rule."""
    try:
        return add_attachment(proposal, uploader, upload.filename, upload.stream, kind="team_decree")
    except ServiceError as error:
        raise FieldError(str(error), "decree_file") from error


def replicable(user: User, exclude_agency_id: int | None):
    """Statement of the innovations this user may name as the one their proposal replicates."""
    stmt = select(Proposal).where(visible_to(user), Proposal.status.in_(REPLICABLE_STATUSES))
    if exclude_agency_id is not None:
        stmt = stmt.where(Proposal.agency_id != exclude_agency_id)
    return stmt


def _check_replicates(user: User, agency_id: int, replicates_id: int | None, own_id: int | None) -> None:
    if replicates_id is None:
        return
    found = db.session.scalar(replicable(user, agency_id).where(Proposal.id == replicates_id))
    if found is None or found.id == own_id:
        raise ServiceError(_("Pilih inovasi perangkat daerah lain yang sudah diajukan."))


def create_proposal(author: User, agency, cycle, values: dict, decree=None) -> Proposal:
    """A new draft of `agency` in `cycle`, written by `author`, with the decree naming its team
    (an uploaded file) if one is given."""
    values = _clean(values)
    _check_replicates(author, agency.id, values.get("replicates_id"), None)
    goals, team = values.pop("sdg_goals", []), values.pop("team", [])
    proposal = Proposal(author=author, agency=agency, cycle=cycle, status="draft", **values)
    _set_goals(proposal, goals)
    _set_team(proposal, team)
    db.session.add(proposal)
    db.session.flush()
    if decree is not None:
        _add_decree(proposal, author, decree)
    audit.record("proposal_created", target=proposal, actor=author, summary=proposal.title, version=proposal.version)
    return proposal


def changes_since(proposal: Proposal, version: int) -> list[OtherChange]:
    """Who changed which fields after `version`, from the audit trail of edits."""
    entries = db.session.execute(
        select(AuditEntry, User.name)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.target_type == "proposal", AuditEntry.target_id == proposal.id,
               AuditEntry.action == "proposal_updated")
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ).all()
    changes = []
    for entry, name in entries:
        if int(entry.details.get("version", 0)) > version:
            changes.append(OtherChange(name or "—", entry.created_at, list(entry.details.get("fields", []))))
    return changes


def update_proposal(proposal: Proposal, editor: User, values: dict, base_version: int, decree=None) -> list[str]:
    """Save an edit that started from `base_version`; returns the fields that changed (and
    "team_decree" when a new decree was uploaded with it).

    A stale edit (someone saved in between) raises StaleEdit naming what the
    other person changed, and writes nothing: the first save is kept.
    """
    if base_version != proposal.version:
        changes = changes_since(proposal, base_version)
        fields = [f for f in EDITABLE_FIELDS if any(f in c.fields for c in changes)]
        raise StaleEdit(_("Usulan ini sudah diubah orang lain sejak Anda membukanya. Simpanan Anda tidak "
                          "diterapkan agar perubahan mereka tidak tertimpa."), changes, fields)
    values = _clean(values)
    _check_replicates(editor, proposal.agency_id, values.get("replicates_id"), proposal.id)
    changed = [key for key, value in values.items() if getattr(proposal, key) != value]
    if not changed and decree is None:
        return []
    for key in changed:
        if key == "sdg_goals":
            _set_goals(proposal, values[key])
        elif key == "team":
            _set_team(proposal, values[key])
        else:
            setattr(proposal, key, values[key])
    if any(key in ROW_FIELDS for key in changed):
        # The goals and the team live in rows of their own; touching the proposal makes its
        # UPDATE (and so the version check and the new version) cover them too.
        proposal.updated_at = utcnow()
    # The mapper's version check ("WHERE version = ?") guards the moment between
    # the check above and this UPDATE; a race surfaces as StaleDataError.
    db.session.flush()
    if decree is not None:
        _add_decree(proposal, editor, decree)
        changed.append("team_decree")
    audit.record("proposal_updated", target=proposal, actor=editor, summary=proposal.title,
                 fields=changed, version=proposal.version)
    return changed


def submit_proposal(proposal: Proposal, actor: User, note: str = ""):
    """Submit a draft, or resubmit after a revision request (with the answer as note)."""
    return change_status(proposal, "submitted", actor, note)


def withdraw_proposal(proposal: Proposal, actor: User, note: str = ""):
    """Withdraw a draft, a submitted proposal or one sent back for revision."""
    return change_status(proposal, "withdrawn", actor, note)


def add_comment(proposal: Proposal, author: User, body: str) -> Comment:
    """Add an internal comment (stored as typed; shown escaped with its line breaks)."""
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ServiceError(_("Tulis komentar terlebih dahulu."))
    comment = Comment(proposal=proposal, author=author, body=body)
    db.session.add(comment)
    db.session.flush()
    audit.record("comment_added", target=proposal, actor=author, summary=proposal.title, comment_id=comment.id)
    return comment


# --- evidence files --------------------------------------------------------

ALLOWED_TYPES = {
    # kind: (content type, extensions that may name it)
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
}
KIND_NAMES = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)"}


# Limits for a DOCX or XLSX, far above any real office file, so that a ZIP built to unpack
# to gigabytes (a "zip bomb") is refused from its directory alone, before anything is unpacked,
# and the one part that is read is read a chunk at a time.
#
# Parts: a document has a few dozen; a workbook of hundreds of sheets, each with its relations,
# drawings and images, a few thousand. Counted in the raw bytes before zipfile reads the
# directory, since parsing 100,000 empty entries (10 MB of them) costs zipfile about 60 MB.
OFFICE_MAX_MEMBERS = 5000
# What the parts say they unpack to, each and all together: a full Excel sheet (1,048,576
# rows) is a few hundred MB of XML, far more than any evidence file of a few MB holds.
# Nothing but [Content_Types].xml is unpacked here; these protect whoever opens the file later.
OFFICE_MAX_MEMBER_BYTES = 512 * 1024 * 1024
OFFICE_MAX_TOTAL_BYTES = 1024 * 1024 * 1024
# XML deflates 5 to 20 times; a repetitive sheet, drawing or blank image now and then passes 100
# (Apache POI refuses 100 above 100 KB by default, and its users meet real files just over it).
# Bombs sit near deflate's ceiling of about 1,030. Parts under 1 MB are left out: their ratio
# says nothing (a 2 KB part of spaces shrinks 100 times).
OFFICE_MAX_RATIO = 250
OFFICE_RATIO_FROM_BYTES = 1024 * 1024
# The one part that is read: [Content_Types].xml is 1 to 3 KB; one override per part of
# OFFICE_MAX_MEMBERS parts stays under 1 MB. Read in chunks, and the actual bytes are counted,
# since a part's header may lie about its size.
CONTENT_TYPES = "[Content_Types].xml"
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
READ_CHUNK_BYTES = 64 * 1024
OFFICE_MARKERS = {"docx": (b"wordprocessingml", "word/"), "xlsx": (b"spreadsheetml", "xl/")}


class UnsafeArchive(ServiceError):
    """A ZIP that no real office file resembles: damaged, or unpacking to far too much."""

    def __init__(self):
        super().__init__(_("Berkas Word atau Excel ini ditolak: arsipnya tampak rusak atau isinya membengkak "
                           "terlalu besar bila dibuka. Simpan ulang berkas dari Word atau Excel lalu unggah lagi."))


def detect_kind(data: bytes) -> str | None:
    """The file's real type from its first bytes (and, for Office files, its ZIP directory).

    None for a type that is not allowed; UnsafeArchive for a ZIP over the limits above.
    """
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> str | None:
    """"docx" or "xlsx" when the ZIP names that kind's parts and content type, within the limits."""
    # Every directory entry zipfile accepts starts with this signature, so its count bounds theirs.
    if data.count(b"PK\x01\x02") > OFFICE_MAX_MEMBERS:
        raise UnsafeArchive()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_declared_sizes(members)
            names = {member.filename for member in members}
            if CONTENT_TYPES not in names:
                return None
            found = _markers_in(archive, archive.getinfo(CONTENT_TYPES))
    except UnsafeArchive:
        raise
    except (zipfile.BadZipFile, ValueError, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error):
        return None  # not a ZIP that can be read (a bad offset, name, method or password)
    for kind, (marker, folder) in OFFICE_MARKERS.items():
        if marker in found and any(name.startswith(folder) for name in names):
            return kind
    return None


def _check_declared_sizes(members: list[zipfile.ZipInfo]) -> None:
    """Refuse by the directory's word alone: the count of parts, each one's size, the total, the ratio."""
    if len(members) > OFFICE_MAX_MEMBERS:
        raise UnsafeArchive()
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > OFFICE_MAX_MEMBER_BYTES or total > OFFICE_MAX_TOTAL_BYTES:
            raise UnsafeArchive()
        if member.file_size > OFFICE_RATIO_FROM_BYTES and member.file_size > OFFICE_MAX_RATIO * member.compress_size:
            raise UnsafeArchive()


def _markers_in(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> set[bytes]:
    """Which of the kinds' content-type markers one part holds, read a chunk at a time."""
    if member.file_size > CONTENT_TYPES_MAX_BYTES:
        raise UnsafeArchive()
    markers = [marker for marker, _folder in OFFICE_MARKERS.values()]
    overlap = max(len(marker) for marker in markers) - 1
    found: set[bytes] = set()
    read = 0
    tail = b""
    try:
        with archive.open(member) as part:
            while chunk := part.read(READ_CHUNK_BYTES):
                read += len(chunk)
                if read > CONTENT_TYPES_MAX_BYTES:
                    raise UnsafeArchive()
                window = tail + chunk
                found.update(marker for marker in markers if marker in window)
                tail = window[-overlap:]
    except (zipfile.BadZipFile, EOFError, zlib.error) as error:  # e.g. a CRC mismatch: the part is not what it says
        raise UnsafeArchive() from error
    return found


def safe_display_name(filename: str | None, extension: str) -> str:
    """The name people see: only the last path part, no control characters, not empty."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if not name:
        name = _("lampiran") + extension
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name


@dataclass(frozen=True)
class StoredFile:
    """An uploaded file that passed the checks, stored under a generated name."""

    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str


def store_checked_file(filename: str | None, stream) -> StoredFile:
    """Check an uploaded file's size and real type (by its content, not its name) and store it
    under a generated name. The file takes that name when the caller's transaction commits and
    is gone if it does not (app.proposals.storage). The one upload rule: evidence files of
    proposals and the region's evidence (app.maturity) both come through here."""
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    data = stream.read(limit + 1)
    if not data:
        raise ServiceError(_("Pilih berkas yang akan diunggah; berkas kosong tidak dapat disimpan."))
    if len(data) > limit:
        raise ServiceError(_("Berkas terlalu besar. Ukuran paling besar %(max)d MB; perkecil atau pisahkan berkasnya.",
                             max=current_app.config["MAX_UPLOAD_MB"]))
    kind = detect_kind(data)
    if kind is None:
        raise ServiceError(_("Jenis berkas tidak diizinkan. Unggah PDF, PNG, JPEG, DOCX atau XLSX; isi berkas "
                             "diperiksa, bukan hanya namanya."))
    content_type, extensions = ALLOWED_TYPES[kind]
    extension = os.path.splitext(filename or "")[1].lower()
    if extension not in extensions:
        raise ServiceError(_("Isi berkas adalah %(kind)s, tetapi namanya berakhiran \"%(ext)s\". Simpan berkas "
                             "dengan jenis yang benar lalu unggah lagi.", kind=KIND_NAMES[kind], ext=extension or "—"))
    stored_name = f"{uuid.uuid4().hex}{extensions[0]}"
    storage.store_after_commit(data, stored_name)  # named stored_name once the row is committed
    return StoredFile(original_name=safe_display_name(filename, extensions[0]), stored_name=stored_name,
                      content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def add_attachment(proposal: Proposal, uploader: User, filename: str | None, stream,
                   kind: str = "evidence") -> Attachment:
    """Store a file of a proposal (store_checked_file) and its row: evidence, or the decree
    naming its team (ATTACHMENT_KINDS); both are checked alike."""
    if kind not in ATTACHMENT_KINDS:
        raise ValueError(f"unknown attachment kind {kind!r}")
    stored = store_checked_file(filename, stream)
    attachment = Attachment(
        proposal=proposal, uploaded_by_id=uploader.id, original_name=stored.original_name,
        stored_name=stored.stored_name, content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
        kind=kind,
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record("attachment_added", target=proposal, actor=uploader, summary=attachment.original_name,
                 attachment_id=attachment.id, sha256=attachment.sha256, size=attachment.size, kind=kind)
    return attachment


# --- queries ------------------------------------------------------------------

def search_condition(query: str, any_word: bool = False, narrowing=()):
    """A WHERE condition for the full-text search, or None when nothing to search.

    `narrowing` (conditions on Proposal's columns) is tested together with the
    match: the condition then stands for all of them."""
    dialect = db.engine.dialect.name
    ids = search.matching_ids(dialect, query, any_word, narrowing)
    if ids is None:
        return None
    if dialect == "postgresql" or not narrowing:
        return Proposal.id.in_(ids)
    return and_(Proposal.id.in_(ids), *narrowing)


def with_search(stmt, query: str, any_word: bool = False, narrowing=(), ranked: bool = True):
    """`stmt` (over Proposal) narrowed to the proposals matching the full-text search,
    and the match's score column (higher is better) to order by; (None, None) when
    the query has no searchable word. `narrowing` and `ranked` as for search.matches."""
    dialect = db.engine.dialect.name
    found = search.matches(dialect, query, any_word, narrowing, ranked)
    if found is None:
        return None, None
    stmt = stmt.join(found, found.c.id == Proposal.id)
    if dialect == "sqlite" and narrowing:
        stmt = stmt.where(*narrowing)
    return stmt, found.c.score


def suggestions(user: User, text_typed: str, agency_id: int | None, exclude_id: int | None = None, limit: int = 5):
    """Existing innovations of other agencies similar to what is being typed (best first):
    any of its telling words, stemmed ("Pendaftaran akta" finds "Daftar akta kelahiran")."""
    terms = [w for w in search.words(text_typed)
             if len(w) > 2 and w not in search.STOP_WORDS and search.stem(w) not in search.STOP_STEMS]
    stmt, score = with_search(replicable(user, agency_id), " ".join(terms), any_word=True)
    if stmt is None:
        return []
    if exclude_id is not None:
        stmt = stmt.where(Proposal.id != exclude_id)
    from sqlalchemy.orm import joinedload

    stmt = stmt.options(joinedload(Proposal.agency)).order_by(score.desc(), Proposal.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))
