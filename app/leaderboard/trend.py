"""Participation across the years (DESIGN §8): is every agency innovating, or the same few?

Three grouped statements, whatever the number of agencies, years or proposals: the
active agencies, their submissions per cycle year, and their innovations of earlier
cycles reported still in use per cycle year. Everything else (shares, first-timers,
the top five, the streaks) is counted from those rows in Python.
"""
import sys
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.core.extensions import db
from app.core.i18n import current_language
from app.models import SUBMITTED_STATUSES, Agency, Cycle, Proposal
from app.results.rules import in_use_by_year
from app.web.caching import make_etag

# "The five busiest agencies" of DESIGN §8: their share of a year's submissions.
BUSIEST_COUNT = 5


@dataclass
class AgencyYears:
    """One agency's row of the heat map: submissions and innovations still in use, by year."""

    agency_id: int
    name: str
    kind: str
    submitted: dict[int, int] = field(default_factory=dict)
    continuing: dict[int, int] = field(default_factory=dict)
    streak: int = 0  # years running, up to the newest year, with a submission or an innovation in use

    @property
    def total(self) -> int:
        return sum(self.submitted.values())

    def innovating(self, year: int) -> bool:
        return bool(self.submitted.get(year) or self.continuing.get(year))

    def heat(self, year: int) -> int:
        """The cell's shade, 0–4, by the year's submissions (0 with an innovation still in use is
        shaded apart by the template)."""
        count = self.submitted.get(year, 0)
        return 0 if count == 0 else 1 if count == 1 else 2 if count == 2 else 3 if count <= 4 else 4


@dataclass
class YearSummary:
    """One year's line: how widely the city innovated."""

    year: int
    agencies_submitting: int
    active_count: int
    submissions: int
    first_time: list[str]  # agency names, by name
    busiest_share: float | None  # share of the submissions from the five busiest agencies; None without any

    @property
    def share(self) -> float:
        return self.agencies_submitting / self.active_count if self.active_count else 0.0


@dataclass
class Trend:
    """The trend of one kind of agency (or all): the years, the heat map, the yearly lines."""

    kind: str | None
    years: list[int]
    rows: list[AgencyYears]  # agencies that ever innovated, busiest first
    never: list[str]  # active agencies that never submitted, by name
    summaries: list[YearSummary]
    active_count: int

    @property
    def newest_year(self) -> int | None:
        return self.years[-1] if self.years else None


def trend_etag(version: str, kind: str | None, language: str | None = None) -> str:
    """The trend's version: the data version, which kind and in which language (as board_etag).

    Nothing in the trend depends on today's date, so the counter alone tells a change."""
    return make_etag("trend", version, kind or "all", language or current_language())


def trend_size(trend: Trend) -> int:
    """The memory a computed trend takes, roughly (for app.web.caching's byte bound)."""
    rows = sum(sys.getsizeof(row) + sys.getsizeof(row.submitted) + sys.getsizeof(row.continuing)
               + len(row.name) for row in trend.rows)
    return sys.getsizeof(trend) + rows + sum(len(name) + 50 for name in trend.never) + 200 * len(trend.summaries)


def _active_agencies(kind: str | None):
    stmt = select(Agency.id, Agency.name, Agency.kind).where(Agency.active.is_(True))
    return stmt.where(Agency.kind == kind) if kind else stmt


def _submissions(kind: str | None):
    """(agency_id, year, count) of submitted proposals per active agency and cycle year."""
    stmt = (
        select(Proposal.agency_id, Cycle.year, func.count(Proposal.id))
        .join(Cycle, Cycle.id == Proposal.cycle_id)
        .join(Agency, Agency.id == Proposal.agency_id)
        .where(Proposal.status.in_(SUBMITTED_STATUSES), Agency.active.is_(True))
        .group_by(Proposal.agency_id, Cycle.year)
    )
    return stmt.where(Agency.kind == kind) if kind else stmt


def _in_use(kind: str | None):
    """(agency_id, year, count) of innovations still in use per active agency and cycle year."""
    return in_use_by_year().where(Proposal.agency_id.in_(_active_agencies(kind).with_only_columns(Agency.id)))


def compute_trend(kind: str | None = None) -> Trend:
    """The trend over every cycle year, for the active agencies (of one kind, if given)."""
    years = list(db.session.scalars(select(Cycle.year).order_by(Cycle.year)))
    agencies = {row.id: AgencyYears(row.id, row.name, row.kind) for row in db.session.execute(_active_agencies(kind))}
    for agency_id, year, count in db.session.execute(_submissions(kind)):
        agencies[agency_id].submitted[year] = int(count)
    for agency_id, year, count in db.session.execute(_in_use(kind)):
        agencies[agency_id].continuing[year] = int(count)

    by_name = sorted(agencies.values(), key=lambda a: a.name.casefold())
    for agency in by_name:
        agency.streak = _streak(agency, years)
    first_years = {a.agency_id: min(a.submitted) for a in by_name if a.submitted}
    summaries = []
    for year in years:
        counts = sorted((a.submitted[year] for a in by_name if a.submitted.get(year)), reverse=True)
        total = sum(counts)
        summaries.append(YearSummary(
            year=year, agencies_submitting=len(counts), active_count=len(agencies), submissions=total,
            first_time=[a.name for a in by_name if first_years.get(a.agency_id) == year],
            busiest_share=sum(counts[:BUSIEST_COUNT]) / total if total else None,
        ))
    return Trend(
        kind=kind, years=years,
        rows=sorted((a for a in by_name if a.submitted), key=lambda a: -a.total),  # stable: by name within a total
        never=[a.name for a in by_name if not a.submitted],
        summaries=summaries, active_count=len(agencies),
    )


def _streak(agency: AgencyYears, years: list[int]) -> int:
    """Cycle years running, back from the newest, in which the agency innovated."""
    streak = 0
    for year in reversed(years):
        if not agency.innovating(year):
            break
        streak += 1
    return streak
