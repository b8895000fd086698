"""Reviews, scores, conflicts of interest, votes and decisions (DESIGN §1–§2).

Services check who may act (raising NotAllowed, which views turn into 403),
validate, change, flush and audit; they never commit: the view does. What
others need to hear of (a review saved, a vote, a decision) is sent through
app.core.signals once flushed: notifications, dashboards and boards subscribe there.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import fmean, pstdev

from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, literal, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app.core import audit, signals
from app.core.extensions import db
from app.models import (
    APPROVED_STATUSES,
    DECIDED_STATUSES,
    IN_REVIEW_STATUSES,
    RECOMMENDATIONS,
    Competition,
    CompetitionEntry,
    CompetitionTrack,
    ConflictDeclaration,
    Proposal,
    Review,
    ReviewAssignment,
    StatusChange,
    User,
    Vote,
    vote_count_query,
    vote_counts,
)
from app.models._types import utcnow
from app.models.reviews import SCORE_MAX, SCORE_MIN, WEIGHTED_MAX, WEIGHTED_MIN
from app.proposals import permissions
from app.proposals.status import change_status, set_published
from app.reviews import rubrics


class ReviewError(ValueError):
    """A refused action; the message says why, and nothing changed."""


class NotAllowed(ReviewError):
    """The person may not do this at all (the view answers 403)."""


# --- who sees and does what ---------------------------------------------------

def declared_conflict(user: User, proposal: Proposal) -> bool:
    return bool(db.session.scalar(select(exists().where(
        ConflictDeclaration.proposal_id == proposal.id, ConflictDeclaration.reviewer_id == user.id))))


def unassigned_entry(user: User, proposal: Proposal) -> str | None:
    """The name of the competition `proposal` is entered in, when `user` is not one of the
    reviewers the admin assigned to it: only they score an entry (DESIGN §10), admins
    excepted. None when the proposal is in no competition or `user` may score it. One query."""
    if not getattr(user, "is_authenticated", False) or user.is_admin:
        return None
    row = db.session.execute(
        select(Competition.name, exists().where(ReviewAssignment.entry_id == CompetitionEntry.id,
                                                ReviewAssignment.reviewer_id == user.id))
        .select_from(CompetitionEntry).join(Competition, Competition.id == CompetitionEntry.competition_id)
        .where(CompetitionEntry.proposal_id == proposal.id)).first()
    if row is None or row[1]:
        return None
    return row[0]


def unassigned_entries_condition(user: User):
    """unassigned_entry as a SQL condition over Proposal: entries `user` was not assigned to."""
    return exists().where(CompetitionEntry.proposal_id == Proposal.id, ~exists().where(
        ReviewAssignment.entry_id == CompetitionEntry.id, ReviewAssignment.reviewer_id == user.id))


def may_review(user: User, proposal: Proposal) -> bool:
    """Reviewer or admin, not of the proposal's agency, no declared conflict, before the
    decision, and assigned to it when it is a competition entry."""
    return (permissions.can_review(user, proposal) and not declared_conflict(user, proposal)
            and unassigned_entry(user, proposal) is None)


@dataclass
class Assignment:
    """A competition entry assigned to a reviewer, as their queue shows it."""

    competition: str
    track: str
    review_deadline: date


def assignments_of(user: User) -> dict[int, Assignment]:
    """{proposal id: its assignment} for every entry assigned to `user`, in one query."""
    rows = db.session.execute(
        select(CompetitionEntry.proposal_id, Competition.name, CompetitionTrack.name, Competition.review_deadline)
        .select_from(CompetitionEntry).join(ReviewAssignment, ReviewAssignment.entry_id == CompetitionEntry.id)
        .join(Competition, Competition.id == CompetitionEntry.competition_id)
        .join(CompetitionTrack, CompetitionTrack.id == CompetitionEntry.track_id)
        .where(ReviewAssignment.reviewer_id == user.id))
    return {proposal_id: Assignment(name, track, deadline) for proposal_id, name, track, deadline in rows}


def may_see_reviews(user: User, proposal: Proposal) -> bool:
    """Scores are for the review team: admins, and reviewers outside the proposal's agency."""
    return bool(getattr(user, "is_authenticated", False) and (
        user.is_admin or (user.is_reviewer and not permissions.is_member(user, proposal))))


def not_assigned_message(competition: str) -> str:
    return _("Usulan ini peserta %(name)s: hanya penilai yang ditugaskan admin yang menilainya.",
             name=competition)


# --- rubric arithmetic ----------------------------------------------------------

@dataclass
class ScoreSummary:
    """A proposal's review scores: how many, the plain mean and the calibrated mean."""

    count: int
    mean: float
    calibrated: float


def calibrate(entries: list[tuple[int, int, float]]) -> dict[int, ScoreSummary]:
    """Per-proposal means from (proposal_id, reviewer_id, weighted score) entries of one cycle.

    A harsh and a lenient reviewer should count alike, so each reviewer's scores
    become z-scores over all of that reviewer's reviews in the cycle (a reviewer
    with one review, or who gave every proposal the same score, says nothing
    about relative quality: z = 0). A proposal's z-scores are averaged and mapped
    back onto the scale with the mean and (population) spread of every review in
    the cycle, then kept within 20–100.
    """
    if not entries:
        return {}
    all_scores = [score for _, _, score in entries]
    overall_mean = fmean(all_scores)
    overall_sd = pstdev(all_scores) if len(all_scores) > 1 else 0.0

    by_reviewer: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for proposal_id, reviewer_id, score in entries:
        by_reviewer[reviewer_id].append((proposal_id, score))

    raw: dict[int, list[float]] = defaultdict(list)
    zs: dict[int, list[float]] = defaultdict(list)
    for items in by_reviewer.values():
        values = [score for _, score in items]
        mean = fmean(values)
        spread = pstdev(values) if len(values) > 1 else 0.0
        for proposal_id, score in items:
            raw[proposal_id].append(score)
            zs[proposal_id].append((score - mean) / spread if spread > 0 else 0.0)

    return {
        proposal_id: ScoreSummary(
            count=len(scores),
            mean=fmean(scores),
            calibrated=min(WEIGHTED_MAX, max(WEIGHTED_MIN, overall_mean + fmean(zs[proposal_id]) * overall_sd)),
        )
        for proposal_id, scores in raw.items()
    }


def cycle_scores(cycle_id: int) -> dict[int, ScoreSummary]:
    """Mean and calibrated mean of every reviewed proposal of a cycle, in one query."""
    rows = db.session.execute(
        select(Review.proposal_id, Review.reviewer_id, Review.weighted_score)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.cycle_id == cycle_id)
    )
    return calibrate([(proposal_id, reviewer_id, float(score)) for proposal_id, reviewer_id, score in rows])


@dataclass
class ReviewerStats:
    reviewer: User
    count: int
    mean: float | None
    spread: float | None
    # Mean minus the mean of all reviews: negative for a harsh reviewer.
    offset: float | None


def reviewer_stats(cycle_id: int) -> tuple[list[ReviewerStats], float | None]:
    """Every reviewer (and admin) with reviews done, mean and spread in the cycle; two queries.

    Reviewers with no review are listed too, so idle reviewers are visible.
    Returns the rows (fewest reviews first) and the mean of all reviews.
    """
    rows = db.session.execute(
        select(Review.reviewer_id, Review.weighted_score)
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.cycle_id == cycle_id)
    ).all()
    scores: dict[int, list[float]] = defaultdict(list)
    for reviewer_id, score in rows:
        scores[reviewer_id].append(float(score))
    overall = fmean(float(score) for _, score in rows) if rows else None
    reviewers = db.session.scalars(
        select(User).where(or_(
            User.role.in_(("reviewer", "admin")) & User.active.is_(True),
            User.id.in_(list(scores) or [-1]),
        ))
    ).all()
    stats = []
    for reviewer in reviewers:
        values = scores.get(reviewer.id, [])
        mean = fmean(values) if values else None
        stats.append(ReviewerStats(
            reviewer=reviewer, count=len(values), mean=mean,
            spread=pstdev(values) if len(values) > 1 else None,
            offset=(mean - overall) if values and overall is not None else None,
        ))
    stats.sort(key=lambda s: (s.count, s.reviewer.name))
    return stats, overall


# --- reviews --------------------------------------------------------------------

def save_review(proposal: Proposal, reviewer: User, scores: dict[str, int], recommendation: str,
                comment: str) -> tuple[Review, bool]:
    """Create or update the reviewer's one review of a proposal; returns (review, created).

    The first review of a submitted proposal moves it to in_review, with the
    reviewer as actor. Editable until the decision (can_review checks the status).
    """
    if not permissions.can_review(reviewer, proposal):
        raise NotAllowed(_("Anda tidak dapat menilai usulan ini."))
    if declared_conflict(reviewer, proposal):
        raise NotAllowed(_("Anda sudah menyatakan konflik kepentingan untuk usulan ini."))
    competition = unassigned_entry(reviewer, proposal)
    if competition is not None:
        raise NotAllowed(not_assigned_message(competition))
    review = db.session.scalar(select(Review).where(
        Review.proposal_id == proposal.id, Review.reviewer_id == reviewer.id))
    rubric = rubrics.rubric_for(proposal, review)
    if set(scores) != set(rubric.weights) or any(
            not isinstance(v, int) or not SCORE_MIN <= v <= SCORE_MAX for v in scores.values()):
        raise ReviewError(_("Setiap kriteria diberi nilai 1 sampai 5."))
    if recommendation not in RECOMMENDATIONS:
        raise ReviewError(_("Pilih rekomendasi."))
    comment = (comment or "").strip()
    if not comment:
        raise ReviewError(_("Tuliskan komentar untuk penilaian Anda."))

    values = {"recommendation": recommendation, "comment": comment}
    created = review is None
    if created:
        try:
            with db.session.begin_nested():
                review = Review(proposal_id=proposal.id, reviewer_id=reviewer.id, **values)
                review.set_scores(rubric, scores)
                db.session.add(review)
        except IntegrityError:
            # The same reviewer saved twice at once (a double click): the other
            # request created the row; update it instead.
            created = False
            review = db.session.scalar(select(Review).where(
                Review.proposal_id == proposal.id, Review.reviewer_id == reviewer.id))
    if not created:
        kept = rubrics.rubric_for(proposal, review)
        if set(scores) != set(kept.weights):
            # Only after a double click raced a rubric change: the review keeps its own version.
            raise ReviewError(_("Setiap kriteria diberi nilai 1 sampai 5."))
        for key, value in values.items():
            setattr(review, key, value)
        review.set_scores(kept, scores)
    db.session.flush()

    if proposal.status == "submitted":
        change_status(proposal, "in_review", reviewer, note=_("Penilaian pertama masuk."))
    audit.record("review_created" if created else "review_updated", target=proposal, actor=reviewer,
                 summary=proposal.title, weighted_score=review.weighted_score, recommendation=recommendation)
    signals.review_saved.send(proposal, review=review, created=created)
    return review, created


def declare_conflict(proposal: Proposal, reviewer: User, reason: str = "") -> bool:
    """Record that a reviewer will not review a proposal; returns False if already declared.

    A review the reviewer already gave is removed: a conflicted score must not count.
    """
    if not (getattr(reviewer, "is_authenticated", False) and reviewer.is_reviewer
            and permissions.can_view(reviewer, proposal)):
        raise NotAllowed(_("Hanya penilai yang dapat menyatakan konflik kepentingan."))
    if proposal.status not in IN_REVIEW_STATUSES:
        raise ReviewError(_("Konflik kepentingan dinyatakan selama usulan masih dinilai."))
    reason = (reason or "").strip()
    try:
        with db.session.begin_nested():
            db.session.add(ConflictDeclaration(proposal_id=proposal.id, reviewer_id=reviewer.id, reason=reason))
    except IntegrityError:
        return False
    removed = db.session.execute(delete(Review).where(
        Review.proposal_id == proposal.id, Review.reviewer_id == reviewer.id)).rowcount
    audit.record("review_conflict_declared", target=proposal, actor=reviewer, summary=proposal.title,
                 reason=reason, review_removed=bool(removed))
    return True


# --- decisions ------------------------------------------------------------------

def decide(proposal: Proposal, admin: User, to_status: str, note: str = "") -> StatusChange:
    """An admin's decision: approve, request revision, reject (note required) or mark implemented.

    Goes through the status machine (which checks the edge, the note and the
    evidence, records and audits); TransitionError passes through to the view.
    """
    if not permissions.can_decide(admin, proposal):
        raise NotAllowed(_("Hanya admin yang dapat memutuskan usulan."))
    if to_status not in DECIDED_STATUSES:
        raise ReviewError(_("Pilih keputusan."))
    change = change_status(proposal, to_status, admin, note)
    signals.decision_made.send(proposal, change=change, actor=admin)
    return change


def publish(proposal: Proposal, admin: User, published: bool) -> None:
    """Put an approved or implemented proposal on the public showcase, or take it off."""
    if not permissions.can_decide(admin, proposal):
        raise NotAllowed(_("Hanya admin yang dapat mempublikasikan inovasi."))
    set_published(proposal, published, admin)  # sends proposal_published when the flag changes


# --- votes ----------------------------------------------------------------------

def vote_count_and_mine(proposal: Proposal, user: User) -> tuple[int, bool]:
    """The proposal's votes (the one count, vote_count_query) and whether `user` is among them, in one query."""
    mine = func.count(Vote.id).filter(Vote.user_id == user.id) if user.is_authenticated else literal(0)
    row = db.session.execute(vote_count_query(Vote.proposal_id == proposal.id).add_columns(mine)).first()
    return (row[1], row[2] > 0) if row else (0, False)


def _insert_vote_once(proposal_id: int, user_id: int):
    """INSERT of a vote that does nothing when the person's vote is already there
    (RETURNING tells which happened: rowcount is not reliable for it on every driver)."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    return (insert(Vote.__table__).values(proposal_id=proposal_id, user_id=user_id, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["proposal_id", "user_id"]).returning(Vote.__table__.c.id))


def toggle_vote(proposal: Proposal, user: User, want: bool | None = None) -> tuple[bool, int]:
    """Support or un-support a proposal; returns (voted now, count).

    `want` makes the request idempotent (a double click does not undo itself);
    without it the vote flips. Exact under concurrent clicks: the unique
    (proposal, user) pair decides, never a read-modify-write of a count.
    """
    if not permissions.can_vote(user, proposal):
        raise NotAllowed(_("Anda tidak dapat mendukung usulan ini."))
    changed = False
    if want is not True:
        changed = db.session.execute(delete(Vote).where(
            Vote.proposal_id == proposal.id, Vote.user_id == user.id)).rowcount > 0
    if want is True or (want is None and not changed):
        # "ON CONFLICT DO NOTHING": if another request of this person got there
        # first, the unique pair keeps one row and this insert adds none.
        changed = db.session.execute(_insert_vote_once(proposal.id, user.id)).first() is not None
        voted = True
    else:
        voted = False
    if changed:
        signals.vote_toggled.send(proposal, voter=user, voted=voted)
    return voted, vote_counts([proposal.id])[proposal.id]


# --- the admin's decision queue (dashboard) --------------------------------------

QUEUE_LENGTH = 10  # rows of each list the dashboard shows; the total is counted apart


@dataclass
class AwaitingDecision:
    """A proposal waiting for the admin's decision, with its reviews so far."""

    proposal: Proposal
    review_count: int
    mean_score: float | None


def awaiting_decision(limit: int = QUEUE_LENGTH) -> tuple[list[AwaitingDecision], int]:
    """Proposals under review (submitted or in review), oldest submission first, each with
    its number of reviews and mean weighted score; and how many there are in all (two queries)."""
    stats = (
        select(Review.proposal_id.label("proposal_id"), func.count(Review.id).label("reviews"),
               func.avg(Review.weighted_score).label("mean"))
        .join(Proposal, Proposal.id == Review.proposal_id)
        .where(Proposal.status.in_(IN_REVIEW_STATUSES))
        .group_by(Review.proposal_id)
        .subquery("stats")
    )
    rows = db.session.execute(
        select(Proposal, stats.c.reviews, stats.c.mean)
        .outerjoin(stats, stats.c.proposal_id == Proposal.id)
        .options(joinedload(Proposal.agency), joinedload(Proposal.cycle))
        .where(Proposal.status.in_(IN_REVIEW_STATUSES))
        .order_by(Proposal.submitted_at.asc().nulls_last(), Proposal.id)
        .limit(limit)
    ).all()
    total = db.session.scalar(select(func.count(Proposal.id)).where(Proposal.status.in_(IN_REVIEW_STATUSES))) or 0
    waiting = [AwaitingDecision(proposal, int(reviews or 0), float(mean) if mean is not None else None)
               for proposal, reviews, mean in rows]
    return waiting, total


def pending_publication(limit: int = QUEUE_LENGTH) -> tuple[list[Proposal], int]:
    """Approved or implemented proposals not on the showcase yet, oldest submission first;
    and how many there are in all (two queries)."""
    condition = (Proposal.status.in_(APPROVED_STATUSES), Proposal.published.is_(False))
    proposals = db.session.scalars(
        select(Proposal).options(joinedload(Proposal.agency), joinedload(Proposal.cycle)).where(*condition)
        .order_by(Proposal.submitted_at.asc().nulls_last(), Proposal.id).limit(limit)
    ).all()
    total = db.session.scalar(select(func.count(Proposal.id)).where(*condition)) or 0
    return list(proposals), total
