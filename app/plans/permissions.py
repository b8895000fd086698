"""Who may see and change a proposal's action plan (DESIGN §1, §11). Used by views and templates;
every view checks these on the server."""
from app.models import ENDED_STATUSES, PLAN_STAGES, Proposal, User
from app.proposals.permissions import can_view, writes_for_agency


def has_plan(proposal: Proposal) -> bool:
    """A plan is written from the Design stage on, for a proposal that has not ended."""
    return proposal.lab_stage in PLAN_STAGES and proposal.status not in ENDED_STATUSES


def can_see(user: User, proposal: Proposal) -> bool:
    """The plan page: whoever may see the internal proposal page."""
    return can_view(user, proposal)


def can_edit_plan(user: User, proposal: Proposal) -> bool:
    """The proposal's agency keeps its plan, admins may on its behalf: the results' rule."""
    return writes_for_agency(user, proposal) and has_plan(proposal)
