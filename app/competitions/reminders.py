"""Reminders of competition reviews (DESIGN §10, §11): a reviewer whose assigned entries are not
reviewed yet hears it when the review deadline is 2 days away or nearer, and once more when it has
passed; one reminder per reviewer, competition and state, saying how many entries wait
(signals.reminders_due; sent once by app.notifications.reminders)."""
from datetime import date, timedelta

from sqlalchemy import exists, func, select

from app.core import signals
from app.core.extensions import db
from app.core.i18n import N_
from app.core.messages import day, stored
from app.models import (
    IN_REVIEW_STATUSES, Competition, CompetitionEntry, ConflictDeclaration, Cycle, Proposal, Review,
    ReviewAssignment, User,
)

DUE_SOON_DAYS = 2
DUE_SOON = N_("Pengingat: usulan pada %(competition)s yang menunggu penilaian Anda: %(count)d. "
              "Batas penilaian %(deadline)s.")
OVERDUE = N_("Batas penilaian %(competition)s sudah lewat (%(deadline)s). Usulan yang masih menunggu "
             "penilaian Anda: %(count)d.")
LINK = "/proposals/review-queue"  # DESIGN §4's path of the review queue


def waiting_assignments(today: date):
    """(reviewer, competition, entries waiting) for every assignment not reviewed yet, as the
    reviewer's queue counts it (the proposal still under review, no review and no declared conflict
    of theirs), in competitions of open cycles whose review deadline is at most 2 days away."""
    return db.session.execute(
        select(User, Competition, func.count(ReviewAssignment.id))
        .select_from(ReviewAssignment)
        .join(User, User.id == ReviewAssignment.reviewer_id)
        .join(CompetitionEntry, CompetitionEntry.id == ReviewAssignment.entry_id)
        .join(Competition, Competition.id == CompetitionEntry.competition_id)
        .join(Cycle, Cycle.id == Competition.cycle_id)
        .join(Proposal, Proposal.id == CompetitionEntry.proposal_id)
        .where(Cycle.closed.is_(False), User.active.is_(True),
               Competition.review_deadline <= today + timedelta(days=DUE_SOON_DAYS),
               Proposal.status.in_(IN_REVIEW_STATUSES),
               ~exists().where(Review.proposal_id == Proposal.id, Review.reviewer_id == User.id),
               ~exists().where(ConflictDeclaration.proposal_id == Proposal.id,
                               ConflictDeclaration.reviewer_id == User.id))
        .group_by(User.id, Competition.id)
        .order_by(Competition.id, User.id)).all()


@signals.reminders_due.connect
def review_reminders(today: date, **extra) -> list[signals.Reminder]:
    """Due soon (0 to 2 days left) or overdue: each state once per reviewer and competition."""
    reminders = []
    for reviewer, competition, count in waiting_assignments(today):
        state, message = ("review-overdue", OVERDUE) if competition.review_deadline < today else ("review-due", DUE_SOON)
        reminders.append(signals.Reminder(
            f"{state}:{competition.id}:{reviewer.id}", [reviewer],
            stored(message, competition=competition.name, count=count, deadline=day(competition.review_deadline)),
            LINK))
    return reminders
