"""The action plan's part of an innovation's timeline (DESIGN §11): each milestone done is a
moment. The public page shows them for published innovations only, with no one's name."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core import signals
from app.core.extensions import db
from app.models import Milestone, Proposal
from app.proposals.visibility import hides_identity


def marked_by(milestone: Milestone, proposal: Proposal, blind: bool) -> str:
    """Who marked the milestone done, as the viewer may read it (blind review hides the agency's people)."""
    if milestone.done_by is None:
        return ""
    if blind and milestone.done_by.agency_id == proposal.agency_id:
        return _("Tim pengusul")
    return milestone.done_by.name


@signals.timeline_entries.connect
def milestone_moments(proposal: Proposal, public: bool = False, viewer=None, **extra) -> list[signals.TimelineEntry]:
    if public and not proposal.on_showcase:
        return []
    done = db.session.scalars(
        select(Milestone).options(joinedload(Milestone.done_by))
        .where(Milestone.proposal_id == proposal.id, Milestone.done_on.is_not(None))
        .order_by(Milestone.done_on, Milestone.id)).all()
    blind = not public and hides_identity(viewer, proposal)
    return [signals.TimelineEntry(milestone.done_on, "milestone", _("Tonggak rencana aksi selesai: %(what)s",
                                                                    what=milestone.what),
                                  "" if public else marked_by(milestone, proposal, blind))
            for milestone in done]
