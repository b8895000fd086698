"""Who may see and write an innovation's result indicators and yearly reports (DESIGN §1, §8).
Used by views and templates; every view checks these on the server."""
from app.models import APPROVED_STATUSES, Cycle, Proposal, User
from app.proposals.permissions import can_view, writes_for_agency
from app.results.rules import report_open


def has_results(proposal: Proposal) -> bool:
    """Indicators and reports belong to approved or implemented innovations."""
    return proposal.status in APPROVED_STATUSES


def can_see(user: User, proposal: Proposal) -> bool:
    """The indicators and reports pages: whoever may see the internal proposal page."""
    return can_view(user, proposal)


def can_edit_indicators(user: User, proposal: Proposal) -> bool:
    """The agency sets its indicators from approval on."""
    return writes_for_agency(user, proposal) and has_results(proposal)


def can_report(user: User, proposal: Proposal, cycle: Cycle) -> bool:
    """The agency reports on its innovation once per later cycle, until that cycle closes.
    (Whether an earlier report stopped it is the services' check: it needs a query.)"""
    return (writes_for_agency(user, proposal) and has_results(proposal)
            and cycle.year > proposal.cycle.year and report_open(cycle))
