"""Who may see, claim, verify and publish maturity evidence. Used by views and templates;
every view checks these on the server."""
from app.models import APPROVED_STATUSES, Proposal, User
from app.proposals.permissions import can_view, is_member


def has_maturity(proposal: Proposal) -> bool:
    """Evidence is built only for approved or implemented innovations."""
    return proposal.status in APPROVED_STATUSES


def can_see(user: User, proposal: Proposal) -> bool:
    """The maturity page: whoever may see the internal proposal page."""
    return can_view(user, proposal)


def can_claim(user: User, proposal: Proposal) -> bool:
    """Only members of the proposal's agency claim, on an approved or implemented
    innovation of a cycle that is still open."""
    return (user.is_authenticated and is_member(user, proposal) and has_maturity(proposal)
            and not proposal.cycle.closed)


def can_verify(user: User, proposal: Proposal) -> bool:
    """Reviewers and admins verify, never for their own agency, while the cycle is open."""
    return (user.is_authenticated and user.is_reviewer and not is_member(user, proposal)
            and has_maturity(proposal) and not proposal.cycle.closed)


def can_publish(user: User, proposal: Proposal) -> bool:
    """Admins decide which verified evidence the public innovation page shows."""
    return user.is_authenticated and user.is_admin and has_maturity(proposal)


def can_manage(user: User) -> bool:
    """Indicators, levels, the city summary and the export are for admins."""
    return bool(user.is_authenticated and user.is_admin)
