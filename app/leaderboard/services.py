"""Leaderboard figures (DESIGN §3), computed in the database.

The whole board is one grouped statement: every active agency left-joined to
per-agency aggregates of the cycle's proposals, votes and reviews, with the
points and the ordering done in SQL. Its cost does not grow with the number of
agencies in queries, only in rows.
"""
import sys
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from app.core.cycles import city_today
from app.core.extensions import db
from app.core.i18n import current_language
from app.models import (
    AGENCY_KINDS,
    APPROVED_STATUSES,
    SUBMITTED_STATUSES,
    Agency,
    Cycle,
    Proposal,
    Review,
    Vote,
    vote_count_query,
)
from app.results.rules import in_use_reports
from app.web.caching import make_etag
from app.web.inputs import int_arg

POINTS_SUBMITTED = 1
POINTS_APPROVED = 3
POINTS_IMPLEMENTED = 5
# Per innovation of an earlier cycle reported continuing or developed in the board's cycle (DESIGN §8).
POINTS_CONTINUING = 2
VOTES_PER_POINT = 10
# Polls revalidate every time: the browser may keep the fragment, but must ask.
BOARD_CACHE_CONTROL = "no-cache"


@dataclass
class Standing:
    """One agency's line on the board."""

    rank: int
    agency_id: int
    code: str
    name: str
    kind: str
    submitted: int
    approved: int
    implemented: int
    votes: int
    mean_score: float | None
    points: int
    first_time: bool
    met_target: bool
    continuing: int = 0  # innovations of earlier cycles reported still in use this cycle


@dataclass
class Board:
    """The board of one cycle, optionally of one kind of agency."""

    cycle: Cycle
    kind: str | None
    standings: list[Standing] = field(default_factory=list)

    @property
    def target(self) -> int:
        return self.cycle.target_per_agency

    @property
    def active_count(self) -> int:
        return len(self.standings)

    @property
    def participating(self) -> int:
        """Agencies with at least one submitted innovation this cycle."""
        return sum(1 for s in self.standings if s.submitted > 0)

    @property
    def share(self) -> float:
        return self.participating / self.active_count if self.active_count else 0.0

    @property
    def first_timers(self) -> list[Standing]:
        return [s for s in self.standings if s.first_time]

    @property
    def not_met(self) -> list[Standing]:
        """Agencies still below the cycle's target, by name."""
        return sorted((s for s in self.standings if not s.met_target), key=lambda s: s.name.casefold())

    @property
    def ranked(self) -> list[Standing]:
        """The lines of the table: agencies with any points, best first."""
        return [s for s in self.standings if s.points > 0]

    @property
    def without_points(self) -> list[Standing]:
        """Agencies with no points, by name: nothing submitted (each submission earns a point),
        so the page folds them under one line instead of a long tail of zeros."""
        return sorted((s for s in self.standings if s.points == 0), key=lambda s: s.name.casefold())

    @property
    def ranked_below_target(self) -> list[Standing]:
        """Agencies in the table that have not yet met the target (marked there, not listed again)."""
        return [s for s in self.ranked if not s.met_target]

    @property
    def order(self) -> str:
        """The ranking as agency ids, to notice a change of order between polls."""
        return ",".join(str(s.agency_id) for s in self.standings)


def standings_size(standings: list[Standing]) -> int:
    """The memory a computed board's lines take (what app.web.caching's byte bound counts)."""
    return sys.getsizeof(standings) + sum(
        sys.getsizeof(line) + sys.getsizeof(vars(line)) + sum(sys.getsizeof(value) for value in vars(line).values())
        for line in standings)


def requested_kind(args) -> str | None:
    """The agency kind asked for by ?kind= (the board and the trend); unknown kinds mean all."""
    kind = args.get("kind")
    return kind if kind in AGENCY_KINDS else None


def requested_board(args) -> tuple[int | None, str | None]:
    """(cycle year, agency kind) asked for by ?cycle= and ?kind=."""
    return int_arg("cycle", args), requested_kind(args)


def board_etag(version: str, year: int | None, kind: str | None, language: str | None = None) -> str:
    """The board's version: the data version, which board and in which language.

    Which cycle is current follows from the cycles (any change to them bumps
    the counter) and today's year, so neither needs reading to answer a poll.
    Computed by the view and ahead of Flask by app.leaderboard.poll, for the same answer.
    """
    return make_etag("leaderboard", version, year or f"current-{city_today().year}", kind or "all",
                     language or current_language())


def _cycle_proposals(cycle: Cycle):
    """Conditions for the proposals that count on the board: this cycle, submitted."""
    return (Proposal.cycle_id == cycle.id, Proposal.status.in_(SUBMITTED_STATUSES))


def board_statement(cycle: Cycle, kind: str | None = None):
    """The ranked board as one SELECT (exposed for the report and for tests)."""
    counts = (
        select(
            Proposal.agency_id.label("agency_id"),
            func.count(Proposal.id).label("submitted"),
            func.sum(case((Proposal.status.in_(APPROVED_STATUSES), 1), else_=0)).label("approved"),
            func.sum(case((Proposal.status == "implemented", 1), else_=0)).label("implemented"),
        )
        .where(*_cycle_proposals(cycle))
        .group_by(Proposal.agency_id)
        .subquery("counts")
    )
    votes = (
        vote_count_query(*_cycle_proposals(cycle), per=Proposal.agency_id)
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .subquery("votes")
    )
    scores = (
        select(Proposal.agency_id.label("agency_id"), func.avg(Review.weighted_score).label("mean_score"))
        .join(Review, Review.proposal_id == Proposal.id)
        .where(*_cycle_proposals(cycle))
        .group_by(Proposal.agency_id)
        .subquery("scores")
    )
    continuing_counts = in_use_reports(cycle).subquery("continuing")
    # "First time": nothing submitted in any earlier cycle (correlated EXISTS,
    # still part of the same statement).
    earlier = (
        select(Proposal.id)
        .join(Cycle, Cycle.id == Proposal.cycle_id)
        .where(Proposal.agency_id == Agency.id, Cycle.year < cycle.year, Proposal.status.in_(SUBMITTED_STATUSES))
        .exists()
    )
    submitted = func.coalesce(counts.c.submitted, 0)
    approved = func.coalesce(counts.c.approved, 0)
    implemented = func.coalesce(counts.c.implemented, 0)
    vote_count = func.coalesce(votes.c.votes, 0)
    continuing = func.coalesce(continuing_counts.c.continuing, 0)
    mean_score = scores.c.mean_score
    # Integer division on both SQLite and PostgreSQL: floor(votes / 10) for votes >= 0.
    points = (POINTS_SUBMITTED * submitted + POINTS_APPROVED * approved
              + POINTS_IMPLEMENTED * implemented + POINTS_CONTINUING * continuing + vote_count // VOTES_PER_POINT)
    stmt = (
        select(
            Agency.id, Agency.code, Agency.name, Agency.kind,
            submitted.label("submitted"), approved.label("approved"), implemented.label("implemented"),
            vote_count.label("votes"), mean_score.label("mean_score"), points.label("points"),
            earlier.label("has_earlier"), continuing.label("continuing"),
        )
        .outerjoin(counts, counts.c.agency_id == Agency.id)
        .outerjoin(votes, votes.c.agency_id == Agency.id)
        .outerjoin(scores, scores.c.agency_id == Agency.id)
        .outerjoin(continuing_counts, continuing_counts.c.agency_id == Agency.id)
        .where(Agency.active.is_(True))
        # Ties: higher mean score first, no score at all counts lowest, then name.
        .order_by(points.desc(), mean_score.is_(None), mean_score.desc(), Agency.name, Agency.id)
    )
    if kind:
        stmt = stmt.where(Agency.kind == kind)
    return stmt


def compute_board(cycle: Cycle, kind: str | None = None) -> Board:
    """Rank the active agencies of a cycle (one query)."""
    board = Board(cycle=cycle, kind=kind)
    for rank, row in enumerate(db.session.execute(board_statement(cycle, kind)), start=1):
        submitted = int(row.submitted)
        board.standings.append(Standing(
            rank=rank, agency_id=row.id, code=row.code, name=row.name, kind=row.kind,
            submitted=submitted, approved=int(row.approved), implemented=int(row.implemented),
            votes=int(row.votes), mean_score=float(row.mean_score) if row.mean_score is not None else None,
            points=int(row.points), first_time=submitted > 0 and not row.has_earlier,
            met_target=submitted >= cycle.target_per_agency, continuing=int(row.continuing),
        ))
    return board


@dataclass
class SubmissionWindow:
    """Where today stands in a cycle's submission window: "open" (with the days left after
    today, 0 on the last day), "not_open" yet (days until it opens) or "closed"."""

    state: str
    days: int = 0


def submission_window(cycle: Cycle, today: date) -> SubmissionWindow:
    if cycle.closed or today > cycle.submission_closes:
        return SubmissionWindow("closed")
    if today < cycle.submission_opens:
        return SubmissionWindow("not_open", (cycle.submission_opens - today).days)
    return SubmissionWindow("open", (cycle.submission_closes - today).days)


def cycles_newest_first() -> list[Cycle]:
    return list(db.session.scalars(select(Cycle).order_by(Cycle.year.desc())))
