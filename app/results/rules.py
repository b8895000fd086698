"""The rules of an innovation's years after approval, each written once (DESIGN §8).

Other features read them from here: the leaderboard counts the innovations still in
use, the showcase and open data show the latest yearly status, dashboards list what
is due. Each rule is a SQL expression or a select, so a page applies it in its own
query (a constant number of queries however many innovations there are).
"""
from datetime import date
from typing import NamedTuple

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased

from app.models import APPROVED_STATUSES, IN_USE_REPORT_STATUSES, Cycle, Proposal, YearlyReport

# The reports these conditions look into, under a name of their own, so that a query that
# also joins YearlyReport (the city list) does not correlate them with its own.
_Earlier = aliased(YearlyReport, name="earlier_report")
_Reported = aliased(YearlyReport, name="cycle_report")


def from_earlier_cycle(cycle: Cycle):
    """Condition on Proposal: it was proposed in a cycle before `cycle` (its later years start after)."""
    return Proposal.cycle_id.in_(select(Cycle.id).where(Cycle.year < cycle.year))


def stopped_before(cycle: Cycle):
    """Condition on Proposal: a report of a cycle before `cycle` said it stopped (nothing is due after)."""
    return exists().where(
        _Earlier.proposal_id == Proposal.id,
        _Earlier.status == "stopped",
        _Earlier.cycle_id.in_(select(Cycle.id).where(Cycle.year < cycle.year)),
    ).correlate(Proposal)


def needs_report_in(cycle: Cycle):
    """Condition on Proposal: it owes a yearly report for `cycle` (reported yet or not): approved or
    implemented in an earlier cycle, and not reported stopped before."""
    return and_(Proposal.status.in_(APPROVED_STATUSES), from_earlier_cycle(cycle), ~stopped_before(cycle))


def reported_in(cycle: Cycle):
    """Condition on Proposal: its report for `cycle` exists."""
    return exists().where(_Reported.proposal_id == Proposal.id, _Reported.cycle_id == cycle.id).correlate(Proposal)


def missing_reports(cycle: Cycle) -> Select:
    """The proposals that owe `cycle` a report and have not given it (add the viewer's own filters)."""
    return select(Proposal).where(needs_report_in(cycle), ~reported_in(cycle))


def in_use_reports(cycle: Cycle) -> Select:
    """(agency_id, continuing) of innovations from an earlier cycle reported continuing or developed
    in `cycle`: the leaderboard's 2 points each (DESIGN §8). The cycle's few reports are found
    first and their proposals read by key, so the cost follows the reports, not the proposals."""
    reported = select(YearlyReport.proposal_id).where(YearlyReport.cycle_id == cycle.id,
                                                      YearlyReport.status.in_(IN_USE_REPORT_STATUSES))
    return (
        select(Proposal.agency_id.label("agency_id"), func.count(Proposal.id).label("continuing"))
        .where(Proposal.id.in_(reported), from_earlier_cycle(cycle))
        .group_by(Proposal.agency_id)
    )


def in_use_by_year() -> Select:
    """(agency_id, year, continuing) for every cycle year: the innovations of an earlier cycle
    reported continuing or developed in it, the rule of `in_use_reports` over all years at once
    (the leaderboard's trend across years)."""
    report_cycle = aliased(Cycle, name="report_cycle")
    proposal_cycle = aliased(Cycle, name="proposal_cycle")
    return (
        select(Proposal.agency_id.label("agency_id"), report_cycle.year.label("year"),
               func.count(YearlyReport.id).label("continuing"))
        .join(Proposal, Proposal.id == YearlyReport.proposal_id)
        .join(report_cycle, report_cycle.id == YearlyReport.cycle_id)
        .join(proposal_cycle, proposal_cycle.id == Proposal.cycle_id)
        .where(YearlyReport.status.in_(IN_USE_REPORT_STATUSES), proposal_cycle.year < report_cycle.year)
        .group_by(Proposal.agency_id, report_cycle.year)
    )


def latest_reports() -> Select:
    """One row per proposal with a report: (proposal_id, status, year) of its newest report.
    Use as a subquery, outer-joined on proposal_id, for the latest yearly status."""
    newest = (
        select(YearlyReport.proposal_id, func.max(Cycle.year).label("year"))
        .join(Cycle, Cycle.id == YearlyReport.cycle_id)
        .group_by(YearlyReport.proposal_id)
        .subquery()
    )
    return (
        select(YearlyReport.proposal_id, YearlyReport.status, Cycle.year)
        .join(Cycle, Cycle.id == YearlyReport.cycle_id)
        .join(newest, and_(newest.c.proposal_id == YearlyReport.proposal_id, newest.c.year == Cycle.year))
    )


def report_open(cycle: Cycle) -> bool:
    """A cycle's reports may be written and edited until an admin closes the cycle."""
    return not cycle.closed


def report_late(cycle: Cycle, today: date) -> bool:
    """A missing report of `cycle` is late once the cycle's submission window has closed
    (reports are due in the same window as new proposals); it is still accepted until the cycle closes."""
    return today > cycle.submission_closes


class LifeStatus(NamedTuple):
    """Where an innovation stands after its latest yearly report: `status` of that report, in
    `year`, in use since `since` (the first in-use report after any stop; None when stopped)."""

    status: str
    year: int
    since: int | None


def life_status(reports: list[tuple[int, str]]) -> LifeStatus | None:
    """From (year, status) of an innovation's reports: its latest status; None before any report."""
    if not reports:
        return None
    ordered = sorted(reports)
    year, status = ordered[-1]
    if status not in IN_USE_REPORT_STATUSES:
        return LifeStatus(status, year, None)
    since = year
    for earlier_year, earlier_status in reversed(ordered):
        if earlier_status not in IN_USE_REPORT_STATUSES:
            break
        since = earlier_year
    return LifeStatus(status, year, since)
