"""Reminders of the submission window (DESIGN §11): an agency below its target hears it 7 days
and 1 day before the window closes (signals.reminders_due; sent once by app.notifications.reminders)."""
from datetime import date, timedelta

from sqlalchemy import func, select

from app.core import signals
from app.core.extensions import db
from app.core.i18n import N_
from app.core.messages import day, stored
from app.models import SUBMITTED_STATUSES, Agency, Cycle, Proposal, User

# Days before the window's last day on which an agency below target is reminded, and what it is told.
DAYS_BEFORE_CLOSING = {
    7: N_("Pengingat: %(agency)s baru mengajukan %(submitted)d dari target %(target)d inovasi siklus %(year)d. "
          "Pengajuan ditutup seminggu lagi, %(closes)s."),
    1: N_("Pengingat: %(agency)s baru mengajukan %(submitted)d dari target %(target)d inovasi siklus %(year)d. "
          "Pengajuan ditutup besok, %(closes)s."),
}
# The dashboard shows the agency's progress to its target (DESIGN §4).
LINK = "/dashboard"


def below_target(cycle: Cycle) -> list[tuple[Agency, int]]:
    """(agency, proposals submitted) of every active agency below the cycle's target, in two queries."""
    submitted = (select(Proposal.agency_id, func.count(Proposal.id).label("n"))
                 .where(Proposal.cycle_id == cycle.id, Proposal.status.in_(SUBMITTED_STATUSES))
                 .group_by(Proposal.agency_id).subquery())
    rows = db.session.execute(
        select(Agency, func.coalesce(submitted.c.n, 0))
        .outerjoin(submitted, submitted.c.agency_id == Agency.id)
        .where(Agency.active.is_(True), func.coalesce(submitted.c.n, 0) < cycle.target_per_agency)
        .order_by(Agency.id)).all()
    return [(agency, count) for agency, count in rows]


def active_members(agency_ids: list[int]) -> dict[int, list[User]]:
    """{agency id: its active people}, in one query."""
    members: dict[int, list[User]] = {}
    if agency_ids:
        for user in db.session.scalars(select(User).where(User.agency_id.in_(agency_ids), User.active.is_(True))
                                       .order_by(User.id)):
            members.setdefault(user.agency_id, []).append(user)
    return members


@signals.reminders_due.connect
def below_target_reminders(today: date, **extra) -> list[signals.Reminder]:
    """Agencies below target in a cycle whose window closes in exactly 7 days or 1 day."""
    reminders = []
    for days, message in DAYS_BEFORE_CLOSING.items():
        cycles = db.session.scalars(select(Cycle).where(
            Cycle.closed.is_(False), Cycle.submission_closes == today + timedelta(days=days))).all()
        for cycle in cycles:
            lagging = below_target(cycle)
            members = active_members([agency.id for agency, _ in lagging])
            for agency, submitted in lagging:
                reminders.append(signals.Reminder(
                    f"below-target:{days}d:{cycle.id}:{agency.id}", members.get(agency.id, []),
                    stored(message, agency=agency.name, submitted=submitted, target=cycle.target_per_agency,
                           year=cycle.year, closes=day(cycle.submission_closes)), LINK))
    return reminders
