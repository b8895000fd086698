"""Action plans: a milestone of a proposal's plan."""
from datetime import date, timedelta

from app.core.cycles import city_today
from app.core.extensions import db
from app.models import Milestone, Proposal, User


def milestone(proposal_: Proposal, what: str = "Uji coba di dua kelurahan", due: date | None = None,
              done_on: date | None = None, done_by: User | None = None, attachment=None) -> Milestone:
    """A milestone due in a month unless `due` says otherwise; done when `done_on` is given (by `done_by`,
    default the proposal's author)."""
    if done_on is not None and done_by is None:
        done_by = proposal_.author
    obj = Milestone(proposal_id=proposal_.id, what=what, due_on=due or city_today() + timedelta(days=30),
                    done_on=done_on, done_by_id=done_by.id if done_by else None,
                    attachment_id=attachment.id if attachment else None)
    db.session.add(obj)
    db.session.flush()
    return obj
