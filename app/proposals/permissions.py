"""Who may do what with a proposal (DESIGN §1). Used by views, services and templates.

Hiding a button is never the check: every view calls these on the server.
"""
from flask import abort
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from app.core.extensions import db
from app.models import (
    EDITABLE_STATUSES,
    ENDED_STATUSES,
    IN_REVIEW_STATUSES,
    VOTABLE_STATUSES,
    Proposal,
    User,
)


def is_member(user: User, proposal: Proposal) -> bool:
    """The user works at the proposal's agency."""
    return bool(user.is_authenticated and user.agency_id is not None and user.agency_id == proposal.agency_id)


def writes_for_agency(user: User, proposal: Proposal) -> bool:
    """What the proposal's agency keeps up after submission (its results, its action plan): its
    members write it, and admins may write it on the agency's behalf."""
    return bool(user.is_authenticated and (is_member(user, proposal) or user.is_admin))


def can_view(user: User, proposal: Proposal) -> bool:
    """Internal proposal page: own agency and admins always; others once it was submitted."""
    if not user.is_authenticated:
        return False
    if user.is_admin or is_member(user, proposal):
        return True
    if proposal.status == "draft":
        return False
    # A draft withdrawn before it was ever submitted stays private.
    return proposal.status != "withdrawn" or proposal.submitted_at is not None


def visible_to(user: User):
    """The same rule as can_view, as a SQL condition for list queries."""
    if user.is_admin:
        return True
    shared = and_(
        Proposal.status != "draft",
        or_(Proposal.status != "withdrawn", Proposal.submitted_at.is_not(None)),
    )
    if user.agency_id is None:
        return shared
    return or_(Proposal.agency_id == user.agency_id, shared)


def can_edit(user: User, proposal: Proposal) -> bool:
    """Drafts and proposals sent back for revision, by their agency (or an admin)."""
    return (is_member(user, proposal) or user.is_admin) and proposal.status in EDITABLE_STATUSES


def can_comment(user: User, proposal: Proposal) -> bool:
    return can_view(user, proposal)


def can_upload(user: User, proposal: Proposal) -> bool:
    """Evidence: the agency while it is not decided against, and admins."""
    if user.is_authenticated and user.is_admin:
        return True
    return is_member(user, proposal) and proposal.status not in ENDED_STATUSES


def can_vote(user: User, proposal: Proposal) -> bool:
    """Support another agency's submitted, reviewed, approved or implemented idea."""
    return (
        user.is_authenticated
        and proposal.status in VOTABLE_STATUSES
        and not is_member(user, proposal)
        and can_view(user, proposal)
    )


def can_review(user: User, proposal: Proposal) -> bool:
    """Reviewers and admins score other agencies' proposals until the decision."""
    return (
        user.is_authenticated
        and user.is_reviewer
        and not is_member(user, proposal)
        and proposal.status in IN_REVIEW_STATUSES
    )


def can_decide(user: User, proposal: Proposal) -> bool:
    return user.is_authenticated and user.is_admin


def load_with_evidence(proposal_id: int, check) -> Proposal:
    """The proposal with its agency, cycle and attachments loaded (the pages under a proposal
    that offer its evidence: maturity, yearly reports); 404 when absent, 403 when `check` refuses."""
    from flask_login import current_user

    proposal = db.session.scalar(
        select(Proposal).options(joinedload(Proposal.agency), joinedload(Proposal.cycle),
                                 selectinload(Proposal.attachments))
        .where(Proposal.id == proposal_id))
    if proposal is None:
        abort(404)
    if not check(current_user, proposal):
        abort(403)
    return proposal


# What the permission rules above read of a proposal: enough to load for an action that shows
# nothing more of it (a vote), without its narrative texts.
RULE_COLUMNS = (Proposal.id, Proposal.agency_id, Proposal.status, Proposal.submitted_at)


def load_proposal(proposal_id: int, check=can_view, only=()) -> Proposal:
    """The proposal (only the columns `only`, when given), or 404 when it does not exist and
    403 when `check` refuses."""
    from flask_login import current_user

    if only:
        proposal = db.session.scalar(select(Proposal).where(Proposal.id == proposal_id).options(load_only(*only)))
        if proposal is None:
            abort(404)
    else:
        proposal = db.get_or_404(Proposal, proposal_id)
    if not check(current_user, proposal):
        abort(403)
    return proposal
