"""Results after approval: an innovation of an earlier year, its indicators and yearly reports."""
import itertools
from datetime import date

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import Cycle, ReportValue, ResultIndicator, YearlyReport
from tests.factories.core import cycle
from tests.factories.proposals import proposal_in

_counter = itertools.count(1)


def cycle_of(year: int, **fields) -> Cycle:
    """The cycle of `year`, made when there is none yet."""
    found = db.session.query(Cycle).filter_by(year=year).one_or_none()
    return found or cycle(year=year, submission_opens=date(year, 1, 1), submission_closes=date(year, 12, 31), **fields)


def earlier_innovation(status: str = "approved", years_ago: int = 1, agency_=None, author=None,
                       **fields):
    """An approved (or implemented) proposal of a cycle `years_ago` before this year's:
    one that owes this year a yearly report."""
    return proposal_in(status, agency_=agency_, author=author,
                       cycle_=cycle_of(city_today().year - years_ago), **fields)


def result_indicator(proposal_, name: str | None = None, unit: str = "hari", baseline: float = 14,
                     target: float = 3, direction: str = "down", position: int | None = None) -> ResultIndicator:
    n = next(_counter)
    obj = ResultIndicator(proposal_id=proposal_.id, name=name or f"Lama layanan {n}", unit=unit,
                          baseline=baseline, target=target, direction=direction,
                          position=position if position is not None else n)
    db.session.add(obj)
    db.session.flush()
    return obj


def yearly_report(proposal_, cycle_: Cycle | None = None, status: str = "continuing", values: dict | None = None,
                  reason: str = "", reporter=None, attachment=None) -> YearlyReport:
    """A report for `cycle_` (default: this year's), with {indicator: actual} values."""
    cycle_ = cycle_ or cycle_of(city_today().year)
    if status == "stopped" and not reason:
        reason = "Anggaran tidak tersedia lagi."
    obj = YearlyReport(proposal_id=proposal_.id, cycle_id=cycle_.id, status=status, reason=reason,
                       reporter_id=(reporter or proposal_.author).id,
                       attachment_id=attachment.id if attachment else None)
    obj.values = [ReportValue(indicator_id=indicator.id, actual=actual) for indicator, actual in (values or {}).items()]
    db.session.add(obj)
    db.session.flush()
    return obj
