"""Changes to users, agencies and cycles; each is validated and audited.

Services flush but never commit: the view (or CLI command) commits once.
"""
import codecs
import csv
import hashlib
import io
from dataclasses import astuple, dataclass

from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.auth.services import require_good_password, unusable_password_hash
from app.core import audit
from app.core.cycles import cycle_of_year
from app.core.extensions import db
from app.models import AGENCY_KINDS, ROLES, Agency, Cycle, User
from app.web.inputs import max_length, too_long


class ServiceError(ValueError):
    """A change that is refused; the message is shown to the person."""


def length_problem(column, value: str, what: str) -> str | None:
    """What the forms say of a too long text, for the command line and the CSV import too."""
    if not too_long(column, value):
        return None
    return _("%(what)s lebih dari %(max)s karakter.", what=what, max=format_number(max_length(column)))


def _check_lengths(*checks) -> None:
    """Refuse the first too long text of (column, value, what) triples."""
    for column, value, what in checks:
        problem = length_problem(column, value, what)
        if problem:
            raise ServiceError(problem)


def email_taken(email: str, except_user: User | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.email) == email.strip().lower())
    if except_user is not None:
        stmt = stmt.where(User.id != except_user.id)
    return db.session.scalar(stmt) is not None


def create_user(email: str, name: str, role: str, agency: Agency | None, password: str | None,
                active: bool = True) -> User:
    """A new account. Without a password (None) it is an invitation: nobody can log in
    until its person sets one through a one-time link (app.auth.tokens)."""
    _check_lengths((User.email, email.strip(), _("Alamat email")), (User.name, name.strip(), _("Nama")))
    if role not in ROLES:
        raise ServiceError(_("Peran tidak dikenal: %(role)s", role=role))
    if role == "innovator" and agency is None:
        raise ServiceError(_("Inovator harus terhubung dengan perangkat daerah."))
    if email_taken(email):
        raise ServiceError(_("Alamat email %(email)s sudah dipakai.", email=email))
    if password is not None:
        require_good_password(password, email=email, name=name)  # WeakPassword
    user = User(email=email.strip().lower(), name=name.strip(), role=role, agency=agency, active=active)
    if password is None:
        user.password_hash = unusable_password_hash()
    else:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user_created", target=user, summary=user.email, role=role, agency=agency.code if agency else None,
                 invited=password is None)
    return user


def update_user(user: User, *, email: str, name: str, role: str, agency: Agency | None, active: bool,
                password: str | None = None, acting_admin: User | None = None) -> User:
    _check_lengths((User.email, email.strip(), _("Alamat email")), (User.name, name.strip(), _("Nama")))
    if role == "innovator" and agency is None:
        raise ServiceError(_("Inovator harus terhubung dengan perangkat daerah."))
    if email_taken(email, except_user=user):
        raise ServiceError(_("Alamat email %(email)s sudah dipakai.", email=email))
    if acting_admin is not None and acting_admin.id == user.id and (role != "admin" or not active):
        raise ServiceError(_("Anda tidak dapat mencabut peran admin atau menonaktifkan akun Anda sendiri."))
    if password:
        require_good_password(password, email=email, name=name, user=user)  # WeakPassword
    if role != user.role:
        audit.record("role_changed", target=user, summary=user.email, old=user.role, new=role)
    if active != user.active:
        audit.record("user_activated" if active else "user_deactivated", target=user, summary=user.email)
        if not active:
            user.session_generation += 1  # ends every open session of this account
    user.email = email.strip().lower()
    user.name = name.strip()
    user.role = role
    user.agency = agency
    user.active = active
    if password:
        user.set_password(password)
        audit.record("password_reset", target=user, summary=user.email)
    audit.record("user_updated", target=user, summary=user.email)
    db.session.flush()
    return user


def save_agency(agency: Agency | None, *, code: str, name: str, kind: str, parent: Agency | None, active: bool) -> Agency:
    code = code.strip().upper()
    _check_lengths((Agency.code, code, _("Kode")), (Agency.name, name.strip(), _("Nama")))
    clash = db.session.scalar(select(Agency).where(Agency.code == code))
    if clash is not None and clash is not agency:
        raise ServiceError(_("Kode %(code)s sudah dipakai.", code=code))
    if kind == "kelurahan" and (parent is None or parent.kind != "kecamatan"):
        raise ServiceError(_("Kelurahan harus memiliki kecamatan induk."))
    if kind != "kelurahan":
        parent = None
    created = agency is None
    if created:
        agency = Agency()
        db.session.add(agency)
    agency.code, agency.name, agency.kind, agency.parent, agency.active = code, name.strip(), kind, parent, active
    db.session.flush()
    audit.record("agency_created" if created else "agency_updated", target=agency, summary=f"{code} {name}")
    return agency


def save_cycle(cycle: Cycle | None, **fields) -> Cycle:
    clash = cycle_of_year(fields["year"])
    if clash is not None and clash is not cycle:
        raise ServiceError(_("Siklus tahun %(year)s sudah ada.", year=fields["year"]))
    created = cycle is None
    if created:
        cycle = Cycle()
        db.session.add(cycle)
    for key, value in fields.items():
        setattr(cycle, key, value)
    db.session.flush()
    audit.record("cycle_created" if created else "cycle_updated", target=cycle, summary=str(cycle.year))
    return cycle


@dataclass
class ImportResult:
    created: int
    updated: int
    unchanged: int = 0


class ImportError_(ServiceError):
    """A bad CSV: every problem with its line number; nothing was imported."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


AGENCY_CSV_COLUMNS = ("code", "name", "kind", "parent_code")
# A city has about ninety agencies and a large regency a few hundred: a file ten
# times longer is a mistake (or an attack), refused before anything is read into rows.
AGENCY_IMPORT_MAX_ROWS = 2000
# The upload page's limit (the command line reads any local file): 2,000 rows of long
# names fit, and the preview's signed copy of the file stays under the 500 KB that
# Flask takes of a form's text fields (MAX_FORM_MEMORY_SIZE) however badly it compresses.
AGENCY_IMPORT_MAX_BYTES = 256 * 1024


def csv_text(data: bytes) -> str:
    """The text of a CSV file to import, which must be UTF-8 (with or without a BOM)."""
    # UTF-16 (what "Unicode text" in some spreadsheet programs saves) starts with a BOM, or
    # without one has a NUL beside each ASCII letter, which UTF-8 would read without complaint.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or data[:2].count(0) == 1:
        raise ImportError_([_("Berkas tersimpan sebagai UTF-16, bukan UTF-8. Simpan ulang sebagai \"CSV UTF-8\" "
                              "lalu coba lagi.")])
    # A workbook (.xlsx is a ZIP archive) or another binary file picked by mistake.
    if data.startswith(b"PK\x03\x04"):
        raise ImportError_([_("Berkas ini buku kerja Excel (.xlsx), bukan CSV. Di Excel pilih Simpan Sebagai, "
                              "jenis \"CSV UTF-8\", lalu unggah berkas itu.")])
    if b"\x00" in data:
        raise ImportError_([_("Baris %(line)d: berkas memuat byte kosong (NUL), jadi bukan teks CSV.",
                              line=data[:data.index(b"\x00")].count(b"\n") + 1)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportError_([_("Baris %(line)d: berkas bukan teks UTF-8 (byte %(byte)s tidak dapat dibaca; mungkin "
                              "tersimpan sebagai Latin-1 atau Windows-1252). Simpan ulang sebagai \"CSV UTF-8\" "
                              "lalu coba lagi.", line=data[:error.start].count(b"\n") + 1,
                              byte=f"0x{data[error.start]:02X}")]) from error


def _csv_delimiter(text: str) -> str:
    """"," as DESIGN §5 says, or ";" when the header uses it: Excel in an Indonesian
    locale (where the comma is the decimal sign) saves its "CSV" with semicolons."""
    header = text.split("\n", 1)[0]
    return ";" if ";" in header and "," not in header else ","


@dataclass(frozen=True)
class AgencyRow:
    """One agency as the file gives it, and what importing it would do to the database."""

    line: int
    code: str
    name: str
    kind: str
    parent_code: str
    action: str  # "new", "changed" or "unchanged"
    old_name: str = ""
    old_kind: str = ""
    old_parent_code: str = ""


@dataclass
class ImportPlan:
    """What an agency import would change, worked out without writing anything (the preview)."""

    rows: list[AgencyRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    def fingerprint(self) -> str:
        """A digest of every change: the same file against a changed database gives another one."""
        digest = hashlib.sha256()
        for row in self.rows:
            digest.update(repr(astuple(row)).encode("utf-8"))
        return digest.hexdigest()


def _read_agency_rows(text: str) -> tuple[dict[str, dict], list[str]]:
    """The file's rows by code, and every problem found in them (with its line number)."""
    # strict: a quote left open or a stray one is an error, not a name that swallows the next rows.
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_csv_delimiter(text), strict=True)
    expected = list(AGENCY_CSV_COLUMNS)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as error:
        raise ImportError_([_("Baris %(line)d: bukan CSV yang dapat dibaca: periksa tanda kutip (\") yang "
                              "tidak ditutup atau salah letak, atau isian yang sangat panjang.", line=1)]) from error
    if fieldnames is None or [f.strip().lower() for f in fieldnames] != expected:
        raise ImportError_([_("Baris 1: kolom harus %(cols)s", cols=",".join(expected))])
    reader.fieldnames = expected  # "Code " or "NAME" in a hand-made header read as the columns they mean

    problems: list[str] = []
    rows: dict[str, dict] = {}
    line_no = reader.line_num + 1
    count = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:  # the csv module's reason is English and technical: ours instead
            raise ImportError_([_("Baris %(line)d: bukan CSV yang dapat dibaca: periksa tanda kutip (\") yang "
                                  "tidak ditutup atau salah letak, atau isian yang sangat panjang.",
                                  line=line_no)]) from error
        count += 1
        if count > AGENCY_IMPORT_MAX_ROWS:
            raise ImportError_([_("Berkas memuat lebih dari %(max)s baris data; pecah menjadi beberapa berkas.",
                                  max=format_number(AGENCY_IMPORT_MAX_ROWS))])
        _check_agency_row(row, line_no, rows, problems)
        line_no = reader.line_num + 1  # a quoted name may span lines: the next row starts after this one
    return rows, problems


def _check_agency_row(row: dict, line_no: int, rows: dict[str, dict], problems: list[str]) -> None:
    if None in row or any(value is None for value in row.values()):
        problems.append(_("Baris %(line)d: jumlah kolom salah.", line=line_no))
        return
    code = row["code"].strip().upper()
    name, kind, parent_code = row["name"].strip(), row["kind"].strip(), row["parent_code"].strip().upper()
    if not code:
        problems.append(_("Baris %(line)d: kode kosong.", line=line_no))
    elif code in rows:
        problems.append(_("Baris %(line)d: kode %(code)s ganda (sudah di baris %(first)d).",
                          line=line_no, code=code, first=rows[code]["line"]))
        return
    if not name:
        problems.append(_("Baris %(line)d: nama kosong.", line=line_no))
    for column, value, what in ((Agency.code, code, _("Kode")), (Agency.name, name, _("Nama"))):
        problem = length_problem(column, value, what)
        if problem:
            problems.append(_("Baris %(line)d: %(problem)s", line=line_no, problem=problem))
    if kind not in AGENCY_KINDS:
        problems.append(_("Baris %(line)d: jenis %(kind)s tidak dikenal (opd, kecamatan, kelurahan).",
                          line=line_no, kind=kind or "—"))
    if kind == "kelurahan" and not parent_code:
        problems.append(_("Baris %(line)d: kelurahan %(code)s tanpa kecamatan induk.", line=line_no, code=code))
    if kind != "kelurahan" and parent_code and kind in AGENCY_KINDS:
        problems.append(_("Baris %(line)d: hanya kelurahan yang memiliki kecamatan induk.", line=line_no))
    if code:
        rows[code] = {"line": line_no, "name": name, "kind": kind, "parent_code": parent_code}


def plan_agency_import(data: bytes) -> ImportPlan:
    """What importing CSV `code,name,kind,parent_code` (UTF-8) would do, without writing;
    ImportError_ with every problem (each with its line) when any row is wrong.

    Parents may be defined anywhere in the file or already be in the database.
    """
    rows, problems = _read_agency_rows(csv_text(data))
    existing = {a.code: a for a in db.session.scalars(select(Agency).options(joinedload(Agency.parent)))}
    for code, row in rows.items():
        parent_code = row["parent_code"]
        if not parent_code:
            continue
        parent_kind = rows[parent_code]["kind"] if parent_code in rows else (
            existing[parent_code].kind if parent_code in existing else None)
        if parent_kind is None:
            problems.append(_("Baris %(line)d: induk %(parent)s tidak ditemukan.", line=row["line"], parent=parent_code))
        elif parent_kind != "kecamatan":
            problems.append(_("Baris %(line)d: induk %(parent)s bukan kecamatan.", line=row["line"], parent=parent_code))
    if problems:
        raise ImportError_(sorted(problems, key=_line_of))
    if not rows:
        raise ImportError_([_("Berkas tidak memuat satu baris data pun di bawah judul kolom.")])

    planned = []
    for code, row in rows.items():
        agency = existing.get(code)
        if agency is None:
            planned.append(AgencyRow(row["line"], code, row["name"], row["kind"], row["parent_code"], "new"))
            continue
        old_parent = agency.parent.code if agency.parent else ""
        same = (agency.name, agency.kind, old_parent) == (row["name"], row["kind"], row["parent_code"])
        planned.append(AgencyRow(row["line"], code, row["name"], row["kind"], row["parent_code"],
                                 "unchanged" if same else "changed", agency.name, agency.kind, old_parent))
    return ImportPlan(planned)


def _line_of(problem: str) -> int:
    """The line number a problem names, to list them in the file's order."""
    digits = "".join(ch if ch.isdigit() else " " for ch in problem).split()
    return int(digits[0]) if digits else 0


def apply_agency_import(plan: ImportPlan) -> ImportResult:
    """Write a plan made by plan_agency_import (in this transaction): create the new
    agencies, update the changed ones; agencies the file does not name stay as they are."""
    existing = {a.code: a for a in db.session.scalars(select(Agency))}
    for row in plan.rows:
        agency = existing.get(row.code)
        if agency is None:
            agency = Agency(code=row.code, active=True)
            db.session.add(agency)
            existing[row.code] = agency
        agency.name, agency.kind = row.name, row.kind
    db.session.flush()
    for row in plan.rows:
        existing[row.code].parent = existing.get(row.parent_code) if row.parent_code else None
    db.session.flush()
    result = ImportResult(created=plan.count("new"), updated=plan.count("changed"), unchanged=plan.count("unchanged"))
    audit.record("agencies_imported", summary=_("%(created)d baru, %(updated)d diperbarui",
                                                created=result.created, updated=result.updated),
                 created=result.created, updated=result.updated)
    return result


def import_agencies(data: bytes) -> ImportResult:
    """Create or update agencies from CSV `code,name,kind,parent_code` (UTF-8), all or nothing
    (the command line; the admin page previews the plan first)."""
    return apply_agency_import(plan_agency_import(data))
