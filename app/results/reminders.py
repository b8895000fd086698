"""Reminders of yearly reports (DESIGN §8, §11): an agency whose innovations owe the current cycle a
report hears it 7 days before the submission window closes (reports are due in that window), and
once more when the report is late (the admin's city list marks it so), until the cycle closes.
One reminder per agency and cycle in each case, counting its innovations, to its active people
(signals.reminders_due; sent once by app.notifications.reminders)."""
from datetime import date, timedelta

from sqlalchemy.orm import joinedload

from app.core import signals
from app.core.cycles import current_cycle
from app.core.extensions import db
from app.core.i18n import N_
from app.core.messages import day, stored
from app.models import Proposal
from app.proposals.reminders import active_members
from app.results import rules

DAYS_BEFORE_CLOSING = 7
DUE = N_("Pengingat: laporan tahunan %(year)d belum diisi untuk %(count)d inovasi %(agency)s. "
         "Batasnya %(closes)s.")
LATE = N_("Laporan tahunan %(year)d untuk %(count)d inovasi %(agency)s terlambat: batasnya %(closes)s sudah lewat. "
          "Laporan masih diterima sampai siklus ditutup.")


def reports_link(proposals: list[Proposal]) -> str:
    """The innovation's reports page when one is missing; else the dashboard, which lists them all."""
    return f"/proposals/{proposals[0].id}/reports" if len(proposals) == 1 else "/dashboard"


@signals.reminders_due.connect
def report_reminders(today: date, **extra) -> list[signals.Reminder]:
    """The agencies with missing reports of the current cycle, 7 days before its window closes or once late."""
    cycle = current_cycle(today)
    if cycle is None or not rules.report_open(cycle):
        return []
    if rules.report_late(cycle, today):
        key, message = f"report-late:{cycle.id}", LATE
    elif cycle.submission_closes - timedelta(days=DAYS_BEFORE_CLOSING) == today:
        key, message = f"report-due:{DAYS_BEFORE_CLOSING}d:{cycle.id}", DUE
    else:
        return []
    missing: dict[int, list[Proposal]] = {}
    for proposal in db.session.scalars(rules.missing_reports(cycle).options(joinedload(Proposal.agency))
                                       .order_by(Proposal.agency_id, Proposal.id)):
        missing.setdefault(proposal.agency_id, []).append(proposal)
    if not missing:
        return []
    members = active_members(list(missing))
    return [signals.Reminder(f"{key}:{agency_id}", members.get(agency_id, []),
                             stored(message, year=cycle.year, count=len(proposals), agency=proposals[0].agency.name,
                                    closes=day(cycle.submission_closes)), reports_link(proposals))
            for agency_id, proposals in missing.items()]
