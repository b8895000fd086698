"""Competitions (DESIGN §10): set one up, enter a proposal, assign reviewers, judge.

Services check who may act (NotAllowed → 403), validate, change, flush and audit; the
view commits. A refused action changes nothing and its message says why.
"""
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from statistics import fmean, pstdev

from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.core import audit, signals
from app.core.extensions import db
from app.core.labels import label
from app.models import (
    MAX_TRACKS,
    COMPETING_STATUSES,
    Competition,
    CompetitionEntry,
    CompetitionTrack,
    ConflictDeclaration,
    Cycle,
    Proposal,
    Review,
    ReviewAssignment,
    Rubric,
    User,
)
from app.proposals import permissions
from app.reviews.services import calibrate

TRACK_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
REVIEWERS_PER_ENTRY = 2  # DESIGN §10: at least two per entry


class CompetitionError(ValueError):
    """A refused action; the message says why, and nothing changed. `field` names the form
    field the message belongs beside, when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotAllowed(CompetitionError):
    """The person may not do this at all (the view answers 403)."""


# --- competitions -------------------------------------------------------------

def parse_tracks(text: str) -> list[tuple[str, str]]:
    """Lines "code: name" (the name may be left out: the code is used) → [(code, name)].
    Raises CompetitionError naming the line of the first problem."""
    tracks: list[tuple[str, str]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        code, _sep, name = line.partition(":")
        code, name = code.strip().lower(), (name.strip() or code.strip())
        if not TRACK_CODE.match(code):
            raise CompetitionError(_("Baris %(line)d: kode kategori \"%(code)s\" hanya boleh huruf kecil, angka, - "
                                     "dan _ (paling banyak 40 karakter).", line=number, code=code[:40]))
        if len(name) > 120:
            raise CompetitionError(_("Baris %(line)d: nama kategori paling banyak 120 karakter.", line=number))
        if code in {c for c, _n in tracks}:
            raise CompetitionError(_("Baris %(line)d: kode kategori \"%(code)s\" sudah dipakai.", line=number, code=code))
        tracks.append((code, name))
    if not tracks:
        raise CompetitionError(_("Tuliskan paling sedikit satu kategori."))
    if len(tracks) > MAX_TRACKS:
        raise CompetitionError(_("Paling banyak %(count)d kategori.", count=MAX_TRACKS))
    return tracks


def tracks_text(competition: Competition) -> str:
    return "\n".join(f"{t.code}: {t.name}" for t in competition.tracks)


def has_reviews(competition: Competition) -> bool:
    """Whether any entry of the competition has a review."""
    return bool(db.session.scalar(select(exists().where(
        Review.proposal_id == CompetitionEntry.proposal_id, CompetitionEntry.competition_id == competition.id))))


def save_competition(competition: Competition | None, *, cycle: Cycle, name: str, description: str, rubric: Rubric,
                     entry_deadline: date, review_deadline: date, blind_review: bool, tracks: list[tuple[str, str]],
                     actor: User) -> Competition:
    """Create or change a competition. Its rubric is fixed once an entry has a review (the
    scores given must stay comparable); a track that holds entries cannot be removed."""
    if review_deadline < entry_deadline:
        raise CompetitionError(_("Batas penilaian tidak boleh sebelum batas pendaftaran."), "review_deadline")
    created = competition is None
    if created:
        competition = Competition(cycle=cycle)
    elif competition.rubric_id != rubric.id and has_reviews(competition):
        raise CompetitionError(_("Rubrik tidak dapat diganti: peserta lomba ini sudah dinilai dengan rubrik "
                                 "%(name)s.", name=competition.rubric.title), "rubric_id")
    elif competition.cycle_id != cycle.id and competition_entries_count(competition):
        raise CompetitionError(_("Siklus tidak dapat diganti: lomba ini sudah punya peserta."), "cycle_id")
    clash = db.session.scalar(select(Competition.id).where(
        Competition.cycle_id == cycle.id, func.lower(Competition.name) == name.strip().lower(),
        Competition.id != (competition.id or -1)))
    if clash:
        raise CompetitionError(_("Sudah ada lomba bernama \"%(name)s\" pada siklus ini.", name=name.strip()), "name")

    existing = {t.code: t for t in competition.tracks}
    wanted = dict(tracks)
    for code, track in existing.items():
        if code not in wanted and db.session.scalar(select(exists().where(CompetitionEntry.track_id == track.id))):
            raise CompetitionError(_("Kategori \"%(name)s\" tidak dapat dihapus: sudah ada pesertanya.",
                                     name=track.name), "tracks")
    competition.cycle = cycle
    competition.name = name.strip()
    competition.description = (description or "").strip()
    competition.rubric = rubric
    competition.entry_deadline, competition.review_deadline = entry_deadline, review_deadline
    competition.blind_review = bool(blind_review)
    kept = []
    for position, (code, track_name) in enumerate(tracks, start=1):
        track = existing.get(code) or CompetitionTrack(code=code)
        track.name, track.position = track_name, position
        kept.append(track)
    competition.tracks = kept
    db.session.add(competition)
    db.session.flush()
    audit.record("competition_created" if created else "competition_updated", target=competition, actor=actor,
                 summary=competition.name)
    return competition


def competition_entries_count(competition: Competition) -> int:
    return db.session.scalar(select(func.count(CompetitionEntry.id)).where(
        CompetitionEntry.competition_id == competition.id)) or 0


# --- entering -----------------------------------------------------------------

def entry_of(proposal: Proposal) -> CompetitionEntry | None:
    return db.session.scalar(select(CompetitionEntry).options(
        selectinload(CompetitionEntry.competition), selectinload(CompetitionEntry.track))
        .where(CompetitionEntry.proposal_id == proposal.id))


def may_enter(user: User, proposal: Proposal) -> bool:
    """The proposal's agency (or an admin) enters it once it is submitted, and not after it ended."""
    return bool(getattr(user, "is_authenticated", False)
                and (permissions.is_member(user, proposal) or user.is_admin)
                and proposal.status in COMPETING_STATUSES)


def open_competitions(proposal: Proposal, today: date) -> list[Competition]:
    """The competitions of the proposal's cycle still taking entries, with their tracks."""
    rows = db.session.scalars(select(Competition).options(selectinload(Competition.tracks))
                              .join(Cycle, Cycle.id == Competition.cycle_id)
                              .where(Competition.cycle_id == proposal.cycle_id, Competition.entry_deadline >= today,
                                     Cycle.closed.is_(False)).order_by(Competition.name))
    return list(rows)


def enter(proposal: Proposal, track: CompetitionTrack, actor: User, today: date) -> CompetitionEntry:
    """Enter a proposal in a competition's track, before the entry deadline."""
    if not may_enter(actor, proposal):
        raise NotAllowed(_("Hanya perangkat daerah pengusul yang dapat mengikutkan usulan ini ke lomba."))
    competition = track.competition
    if competition.cycle_id != proposal.cycle_id:
        raise CompetitionError(_("Lomba ini untuk siklus lain."))
    if not competition.accepts_entries(today):
        raise CompetitionError(_("Pendaftaran %(name)s sudah ditutup.", name=competition.name))
    if entry_of(proposal) is not None:
        raise CompetitionError(_("Usulan ini sudah diikutkan ke lomba. Satu usulan mengikuti satu lomba."))
    entry = CompetitionEntry(competition=competition, track=track, proposal=proposal, entered_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(entry)
    except IntegrityError:
        raise CompetitionError(_("Usulan ini sudah diikutkan ke lomba. Satu usulan mengikuti satu lomba.")) from None
    audit.record("competition_entered", target=proposal, actor=actor, summary=proposal.title,
                 competition=competition.name, track=track.name)
    return entry


def withdraw_entry(entry: CompetitionEntry, actor: User, today: date) -> None:
    """Take a proposal out of a competition, before the entry deadline."""
    proposal = entry.proposal
    if not may_enter(actor, proposal) and not getattr(actor, "is_admin", False):
        raise NotAllowed(_("Hanya perangkat daerah pengusul yang dapat menarik usulan ini dari lomba."))
    if not entry.competition.accepts_entries(today) and not actor.is_admin:
        raise CompetitionError(_("Pendaftaran sudah ditutup: hubungi tim lab untuk menarik usulan dari lomba."))
    audit.record("competition_withdrawn", target=proposal, actor=actor, summary=proposal.title,
                 competition=entry.competition.name)
    db.session.delete(entry)
    db.session.flush()


# --- reviewer assignment ------------------------------------------------------

def reviewer_pool() -> list[User]:
    """Everyone who may be assigned: active reviewers (admins may be assigned by hand)."""
    return list(db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(("reviewer", "admin")))
                                   .order_by(User.name, User.id)))


def conflicts_of(proposal_ids) -> set[tuple[int, int]]:
    """{(proposal id, reviewer id)} of declared conflicts, in one query."""
    ids = list(proposal_ids)
    if not ids:
        return set()
    return {tuple(row) for row in db.session.execute(select(
        ConflictDeclaration.proposal_id, ConflictDeclaration.reviewer_id).where(ConflictDeclaration.proposal_id.in_(ids)))}


def refusal(entry: CompetitionEntry, reviewer: User, conflicts: set[tuple[int, int]] | None = None) -> str | None:
    """Why `reviewer` may not be assigned to `entry`, or None: the one assignment rule."""
    if not (reviewer.active and reviewer.role in ("reviewer", "admin")):
        return _("%(name)s bukan penilai aktif.", name=reviewer.name)
    if reviewer.agency_id is not None and reviewer.agency_id == entry.proposal.agency_id:
        return _("%(name)s berasal dari perangkat daerah pengusul.", name=reviewer.name)
    if conflicts is None:
        conflicts = conflicts_of([entry.proposal_id])
    if (entry.proposal_id, reviewer.id) in conflicts:
        return _("%(name)s menyatakan konflik kepentingan atas usulan ini.", name=reviewer.name)
    return None


def assign(entry: CompetitionEntry, reviewer: User, actor: User) -> ReviewAssignment:
    """Assign a reviewer to an entry by hand; refused for the entry's agency or a declared conflict."""
    reason = refusal(entry, reviewer)
    if reason:
        raise CompetitionError(reason)
    if any(a.reviewer_id == reviewer.id for a in entry.assignments):
        raise CompetitionError(_("%(name)s sudah ditugaskan untuk usulan ini.", name=reviewer.name))
    assignment = ReviewAssignment(reviewer=reviewer, assigned_by_id=actor.id)
    entry.assignments.append(assignment)
    db.session.flush()
    audit.record("reviewer_assigned", target=entry.proposal, actor=actor, summary=entry.proposal.title,
                 reviewer=reviewer.name)
    signals.reviewers_assigned.send(entry.competition, assignments=[(reviewer, entry.proposal)], actor=actor)
    return assignment


def unassign(assignment: ReviewAssignment, actor: User) -> None:
    entry = assignment.entry
    audit.record("reviewer_unassigned", target=entry.proposal, actor=actor, summary=entry.proposal.title,
                 reviewer=assignment.reviewer.name)
    entry.assignments.remove(assignment)
    db.session.flush()


@dataclass
class BulkResult:
    added: int = 0
    # Entries that could not get enough eligible reviewers: (entry, how many are missing).
    short: list[tuple[CompetitionEntry, int]] = field(default_factory=list)


def entries_of(competition: Competition) -> list[CompetitionEntry]:
    """Every entry with its proposal, track and assignments (a constant number of queries)."""
    return list(db.session.scalars(
        select(CompetitionEntry).options(
            selectinload(CompetitionEntry.proposal).selectinload(Proposal.agency),
            selectinload(CompetitionEntry.track),
            selectinload(CompetitionEntry.assignments).selectinload(ReviewAssignment.reviewer))
        .where(CompetitionEntry.competition_id == competition.id).order_by(CompetitionEntry.id)))


def assign_balanced(competition: Competition, actor: User, per_entry: int = REVIEWERS_PER_ENTRY) -> BulkResult:
    """Give every entry `per_entry` reviewers, keeping the assignments already made, each
    time taking the eligible reviewer (role reviewer) with the fewest assignments in this
    competition so far (ties: by name), so the load stays balanced; the admin adjusts by hand."""
    entries = entries_of(competition)
    pool = [u for u in reviewer_pool() if u.role == "reviewer"]
    conflicts = conflicts_of(e.proposal_id for e in entries)
    load = Counter(a.reviewer_id for e in entries for a in e.assignments)
    result = BulkResult()
    made: list[tuple[User, Proposal]] = []
    # Entries with the fewest eligible reviewers first, so the scarce ones are not used up.
    eligible = {e.id: [u for u in pool if refusal(e, u, conflicts) is None] for e in entries}
    for entry in sorted(entries, key=lambda e: (len(eligible[e.id]), e.id)):
        have = {a.reviewer_id for a in entry.assignments}
        candidates = sorted((u for u in eligible[entry.id] if u.id not in have),
                            key=lambda u: (load[u.id], u.name, u.id))
        missing = max(0, per_entry - len(have))
        for reviewer in candidates[:missing]:
            entry.assignments.append(ReviewAssignment(reviewer=reviewer, assigned_by_id=actor.id))
            made.append((reviewer, entry.proposal))
            load[reviewer.id] += 1
            result.added += 1
        if len(candidates) < missing:
            result.short.append((entry, missing - len(candidates)))
    db.session.flush()
    audit.record("reviewers_assigned_in_bulk", target=competition, actor=actor, summary=competition.name,
                 added=result.added)
    if made:
        signals.reviewers_assigned.send(competition, assignments=made, actor=actor)
    return result


# --- results and the judge ----------------------------------------------------

@dataclass
class EntryResult:
    """An entry as the results show it: its reviews on the competition's rubric."""

    entry: CompetitionEntry
    reviews: int
    assigned: int
    mean: float | None
    calibrated: float | None
    # Population standard deviation of its weighted scores: how far the reviewers disagree.
    spread: float | None


@dataclass
class TrackResults:
    track: CompetitionTrack
    rows: list[EntryResult]


def competition_reviews(competition: Competition):
    """The statement of every review of the competition: its entries' reviews scored on the
    competition's rubric (a review given before the proposal entered, on another rubric,
    is not comparable and stays out)."""
    return (select(Review).join(CompetitionEntry, CompetitionEntry.proposal_id == Review.proposal_id)
            .where(CompetitionEntry.competition_id == competition.id, Review.rubric_id == competition.rubric_id))


def results(competition: Competition, entries: list[CompetitionEntry] | None = None) -> list[TrackResults]:
    """Per track, the entries ranked by calibrated mean (reviewers' harshness evened out over
    the whole competition, as in the cycle's calibration), with mean, spread and the number
    of reviews in against the number assigned. Entries without a review come last."""
    entries = entries_of(competition) if entries is None else entries
    rows = db.session.execute(competition_reviews(competition).with_only_columns(
        Review.proposal_id, Review.reviewer_id, Review.weighted_score)).all()
    summaries = calibrate([(proposal_id, reviewer_id, float(score)) for proposal_id, reviewer_id, score in rows])
    scores: dict[int, list[float]] = {}
    for proposal_id, _reviewer, score in rows:
        scores.setdefault(proposal_id, []).append(float(score))
    by_track: dict[int, list[EntryResult]] = {track.id: [] for track in competition.tracks}
    for entry in entries:
        summary = summaries.get(entry.proposal_id)
        values = scores.get(entry.proposal_id, [])
        by_track.setdefault(entry.track_id, []).append(EntryResult(
            entry=entry, reviews=len(values), assigned=len(entry.assignments),
            mean=summary.mean if summary else None, calibrated=summary.calibrated if summary else None,
            spread=pstdev(values) if len(values) > 1 else None))
    for rows_of_track in by_track.values():
        rows_of_track.sort(key=lambda r: (r.calibrated is None, -(r.calibrated or 0), -(r.mean or 0), r.entry.id))
    return [TrackResults(track, by_track.get(track.id, [])) for track in competition.tracks]


@dataclass
class Judgement:
    """The judge's decision on one entry: final rank (or none), winner, note."""

    entry: CompetitionEntry
    rank: int | None
    winner: bool
    note: str


def judge_track(track: CompetitionTrack, judgements: list[Judgement], actor: User) -> None:
    """Record the final ranking and the winners of one track, apart from the reviewers'
    scores. Ranks run 1..number of entries, each at most once; a winner has a rank."""
    entries = {j.entry.id for j in judgements}
    if any(j.entry.track_id != track.id for j in judgements):
        raise CompetitionError(_("Peserta tidak termasuk kategori ini."))
    limit = len(entries)
    seen: dict[int, str] = {}
    for j in judgements:
        title = j.entry.proposal.title
        if j.rank is not None:
            if not 1 <= j.rank <= limit:
                raise CompetitionError(_("Peringkat “%(title)s” harus antara 1 dan %(count)d.", title=title,
                                         count=limit))
            if j.rank in seen:
                raise CompetitionError(_("Peringkat %(rank)d diberikan dua kali: “%(first)s” dan “%(second)s”.",
                                         rank=j.rank, first=seen[j.rank], second=title))
            seen[j.rank] = title
        elif j.winner:
            raise CompetitionError(_("Beri peringkat untuk pemenang “%(title)s”.", title=title))
        if len(j.note or "") > 2000:
            raise CompetitionError(_("Catatan untuk “%(title)s” terlalu panjang.", title=title))
    for j in judgements:
        j.entry.final_rank, j.entry.winner, j.entry.judge_note = j.rank, j.winner, (j.note or "").strip()
    db.session.flush()
    audit.record("competition_judged", target=track.competition, actor=actor, summary=track.competition.name,
                 track=track.name, winners=sum(1 for j in judgements if j.winner))


def publish_results(competition: Competition, published: bool, actor: User) -> None:
    """Announce the winners (the showcase marks them), or take the announcement back."""
    if published and not db.session.scalar(select(exists().where(
            CompetitionEntry.competition_id == competition.id, CompetitionEntry.winner.is_(True)))):
        raise CompetitionError(_("Catat pemenang lebih dulu: belum ada pemenang pada lomba ini."))
    competition.results_published = published
    db.session.flush()
    audit.record("competition_results_published" if published else "competition_results_withdrawn",
                 target=competition, actor=actor, summary=competition.name)


@dataclass
class Award:
    """A winner as the showcase names it."""

    competition: str
    year: int
    track: str
    rank: int | None


def awards(proposal_ids) -> dict[int, Award]:
    """{proposal id: award} of the winners among `proposal_ids` whose competition announced
    its results, in one query (the showcase marks them)."""
    ids = list(proposal_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(CompetitionEntry.proposal_id, Competition.name, Cycle.year, CompetitionTrack.name,
               CompetitionEntry.final_rank)
        .join(Competition, Competition.id == CompetitionEntry.competition_id)
        .join(Cycle, Cycle.id == Competition.cycle_id)
        .join(CompetitionTrack, CompetitionTrack.id == CompetitionEntry.track_id)
        .where(CompetitionEntry.proposal_id.in_(ids), CompetitionEntry.winner.is_(True),
               Competition.results_published.is_(True)))
    return {pid: Award(name, year, track, rank) for pid, name, year, track, rank in rows}


# --- exports and reviewer statistics -----------------------------------------

def review_rows(competition: Competition) -> tuple[list[str], list[list]]:
    """Every review of the competition for the XLSX: track, entry, agency, reviewer, each
    criterion's score (the competition's rubric), total, recommendation, comment, dates."""
    criteria = list(competition.rubric.criteria)
    reviews = db.session.scalars(competition_reviews(competition).options(
        selectinload(Review.reviewer), selectinload(Review.criterion_scores),
        selectinload(Review.proposal).selectinload(Proposal.agency))
        .order_by(CompetitionEntry.track_id, CompetitionEntry.id, Review.created_at, Review.id)).all()
    tracks = {t.id: t.name for t in competition.tracks}
    entry_track = dict(db.session.execute(select(CompetitionEntry.proposal_id, CompetitionEntry.track_id)
                                          .where(CompetitionEntry.competition_id == competition.id)).all())
    header = [_("Kategori"), _("Nomor usulan"), _("Judul usulan"), _("Perangkat daerah"), _("Penilai")]
    header += [f"{c.text} ({c.weight})" for c in criteria]
    header += [_("Skor tertimbang"), _("Rekomendasi"), _("Komentar"), _("Dinilai"), _("Diubah")]
    rows = []
    for review in reviews:
        scores = review.scores
        rows.append([tracks.get(entry_track.get(review.proposal_id), ""), review.proposal_id, review.proposal.title,
                     review.proposal.agency.name, review.reviewer.name]
                    + [scores.get(c.code) for c in criteria]
                    + [round(review.weighted_score, 1), label("recommendation", review.recommendation),
                       review.comment, review.created_at, review.updated_at])
    return header, rows


@dataclass
class ReviewerLoad:
    """What a reviewer was given in a competition and what they did with it."""

    reviewer: User
    assigned: int
    done: int
    overdue: int
    mean: float | None
    spread: float | None
    # Mean days from assignment to the review (of the assigned entries reviewed).
    days_to_review: float | None


def reviewer_loads(competition: Competition, today: date, entries: list[CompetitionEntry] | None = None
                   ) -> list[ReviewerLoad]:
    """Every reviewer assigned in the competition or who reviewed one of its entries, in a
    constant number of queries; the ones with work overdue first."""
    entries = entries_of(competition) if entries is None else entries
    reviews = db.session.execute(competition_reviews(competition).with_only_columns(
        Review.proposal_id, Review.reviewer_id, Review.weighted_score, Review.created_at)).all()
    reviewed = {(proposal_id, reviewer_id): created for proposal_id, reviewer_id, _s, created in reviews}
    scores: dict[int, list[float]] = {}
    for _p, reviewer_id, score, _c in reviews:
        scores.setdefault(reviewer_id, []).append(float(score))
    past_deadline = today > competition.review_deadline
    loads: dict[int, dict] = {}
    people: dict[int, User] = {}
    for entry in entries:
        for assignment in entry.assignments:
            people[assignment.reviewer_id] = assignment.reviewer
            load = loads.setdefault(assignment.reviewer_id, {"assigned": 0, "done": 0, "overdue": 0, "days": []})
            load["assigned"] += 1
            created = reviewed.get((entry.proposal_id, assignment.reviewer_id))
            if created is not None:
                load["done"] += 1
                load["days"].append(max(0.0, (created - assignment.assigned_at).total_seconds() / 86400))
            elif past_deadline:
                load["overdue"] += 1
    missing = [rid for rid in scores if rid not in people]
    if missing:
        people.update({u.id: u for u in db.session.scalars(select(User).where(User.id.in_(missing)))})
    result = []
    for reviewer_id, reviewer in people.items():
        load = loads.get(reviewer_id, {"assigned": 0, "done": 0, "overdue": 0, "days": []})
        values = scores.get(reviewer_id, [])
        result.append(ReviewerLoad(
            reviewer=reviewer, assigned=load["assigned"], done=load["done"], overdue=load["overdue"],
            mean=fmean(values) if values else None, spread=pstdev(values) if len(values) > 1 else None,
            days_to_review=fmean(load["days"]) if load["days"] else None))
    result.sort(key=lambda r: (-r.overdue, -(r.assigned - r.done), r.reviewer.name))
    return result
