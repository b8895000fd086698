"""Blind review: what a viewer may read of who proposed a proposal (its agency and author).

The proposal's identity is the proposals feature's subject, so the rule lives
here and every feature (reviews, events, maturity, the leaderboard report,
notifications) imports it from here; this module imports no other feature.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, false, literal, or_

from app.models import (  # blind review lifts once decided
    DECIDED_STATUSES,
    Agency,
    Attachment,
    Cycle,
    Proposal,
    User,
)
from app.proposals import permissions


def hides_identity(user: User, proposal: Proposal) -> bool:
    """Blind review: must the agency and author of `proposal` be hidden from `user`?

    In a cycle with blind review, or for an entry of a competition with blind review,
    reviewers who are neither admins nor members of the proposal's agency do not learn
    who proposed it until the decision. Innovators and the public see no reviews, so the
    rule is about reviewers.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_reviewer or user.is_admin:
        return False
    if permissions.is_member(user, proposal) or not (proposal.cycle.blind_review or proposal.in_blind_competition):
        return False
    return proposal.status not in DECIDED_STATUSES


def identity_hidden_condition(user: User):
    """hides_identity as a SQL condition over Proposal (needs Cycle joined), for list filters
    that must not let a blind reviewer find out which proposals an agency made."""
    if not getattr(user, "is_authenticated", False) or not user.is_reviewer or user.is_admin:
        return false()
    condition = and_(or_(Cycle.blind_review.is_(True), Proposal.in_blind_competition),
                     Proposal.status.not_in(DECIDED_STATUSES))
    if user.agency_id is not None:
        condition = and_(condition, Proposal.agency_id != user.agency_id)
    return condition


# What blind review shows in place of the name (a neutral label, never a hint).
HIDDEN_AGENCY = _l("Perangkat daerah disembunyikan (penilaian tertutup)")
HIDDEN_AUTHOR = _l("Pengusul disembunyikan (penilaian tertutup)")


def shown_agency(viewer: User, proposal: Proposal, code: bool = False) -> str:
    """The agency of `proposal` as `viewer` may read it next to the proposal: its name
    (or its code), or a neutral label while blind review hides it.

    Every page, fragment, form choice, notification and export that names a
    proposal's agency goes through here (or shown_agency_sql for a query), as
    the `shown_agency` template global. Like hides_identity it reads the viewer
    only through role and agency, so page parts shared per (role, agency) are
    rendered with the Audience as the viewer (app.web.caching). Public pages and open data hold published
    innovations only, decided by definition, so nothing is hidden there."""
    if hides_identity(viewer, proposal):
        return str(HIDDEN_AGENCY)
    return proposal.agency.code if code else proposal.agency.name


def shown_author(viewer: User, proposal: Proposal) -> str:
    """The author's name as `viewer` may read it, or a neutral label (see shown_agency)."""
    return str(HIDDEN_AUTHOR) if hides_identity(viewer, proposal) else proposal.author.name


def shown_agency_sql(viewer: User, column=Agency.name):
    """shown_agency as a SQL expression over Proposal (Agency and Cycle joined): the
    agency's `column` (name or code), or the neutral label where the identity is hidden."""
    return case((identity_hidden_condition(viewer), literal(str(HIDDEN_AGENCY))), else_=column)


# The team (DESIGN §10): its members' names and roles, and the decree (SK) naming them, tell who
# proposed as surely as the agency's name does; blind review hides them by the same rule.
def hides_team(viewer: User, proposal: Proposal) -> bool:
    """Must the team of `proposal` (names, roles, its decree) be hidden from `viewer`? The same
    rule as the agency and author: blind review, until the decision."""
    return hides_identity(viewer, proposal)


def may_open_attachment(viewer: User, proposal: Proposal, attachment: Attachment) -> bool:
    """May `viewer`, who may see `proposal`, see and download this file of it? Every file but
    the team's decree while blind review hides the team."""
    return attachment.kind != "team_decree" or not hides_team(viewer, proposal)


def shown_attachments(viewer: User, proposal: Proposal) -> list[Attachment]:
    """The files of `proposal` that `viewer` may see, in their order (may_open_attachment)."""
    if not hides_team(viewer, proposal):
        return list(proposal.attachments)
    return [attachment for attachment in proposal.attachments if may_open_attachment(viewer, proposal, attachment)]
