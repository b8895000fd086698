"""Who hears about what: receivers of app.core.signals that write the notifications.

Each message is stored as its msgid and parameters (app.core.messages), so
every reader sees it in the language they chose. Each runs inside the sender's transaction, after its change was flushed: the
in-app rows are committed with that change and the e-mail leaves after the
commit (app.notifications.services.notify), or neither when it is rolled back.
"""
from sqlalchemy import select

from app.core import signals
from app.core.extensions import db
from app.core.i18n import N_
from app.core.messages import label, stored, text
from app.models import Proposal, StatusChange, User
from app.notifications.services import notify, proposal_link
from app.proposals.visibility import hides_identity

# Blind review's neutral label (app.proposals.visibility.HIDDEN_AGENCY), kept as a text to translate.
HIDDEN_AGENCY = N_("Perangkat daerah disembunyikan (penilaian tertutup)")


def _active(stmt):
    return db.session.scalars(stmt.where(User.active.is_(True))).all()


def agency_members(proposal: Proposal) -> list[User]:
    return _active(select(User).where(User.agency_id == proposal.agency_id).order_by(User.id))


@signals.proposal_status_changed.connect
def notify_submitted(proposal: Proposal, change: StatusChange, **extra) -> None:
    """Tell the admins that a proposal was submitted (or resubmitted after revision).

    The agency is named as each recipient may read it (blind review), so those
    told alike share one message."""
    if change.to_status != "submitted":
        return
    admins = _active(select(User).where(User.role == "admin").order_by(User.id))
    by_hidden: dict[bool, list[User]] = {}
    for admin in admins:
        by_hidden.setdefault(hides_identity(admin, proposal), []).append(admin)
    for hidden, recipients in by_hidden.items():
        agency = text(HIDDEN_AGENCY) if hidden else proposal.agency.name
        notify(recipients, stored(N_("Usulan diajukan: \u201c%(title)s\u201d dari %(agency)s."),
                                  title=proposal.title, agency=agency), proposal_link(proposal))


@signals.review_saved.connect
def notify_reviewed(proposal: Proposal, created: bool, **extra) -> None:
    """Tell the proposal's agency that a reviewer scored it (the reviewer is not named);
    once, for the first save of a review, not for each edit of it."""
    if not created:
        return
    notify(agency_members(proposal), stored(N_("Usulan \u201c%(title)s\u201d mendapat penilaian baru."),
                                            title=proposal.title), proposal_link(proposal))


@signals.decision_made.connect
def notify_decided(proposal: Proposal, change: StatusChange, **extra) -> None:
    """Tell the agency the decision; the author gets what to revise when a revision is requested."""
    members = agency_members(proposal)
    link = proposal_link(proposal)
    decision = label("status", change.to_status)
    if change.to_status == "revision_requested":
        notify([proposal.author], stored(N_("Usulan \u201c%(title)s\u201d perlu direvisi: %(note)s"),
                                         title=proposal.title, note=change.note), link)
        members = [member for member in members if member.id != proposal.author_id]
    if change.note:
        message = stored(N_("Keputusan untuk usulan \u201c%(title)s\u201d: %(decision)s. Catatan: %(note)s"),
                         title=proposal.title, decision=decision, note=change.note)
    else:
        message = stored(N_("Keputusan untuk usulan \u201c%(title)s\u201d: %(decision)s."),
                         title=proposal.title, decision=decision)
    notify(members, message, link)


@signals.proposal_published.connect
def notify_published(proposal: Proposal, published: bool, **extra) -> None:
    """Tell the agency its innovation is on the public showcase (not when it is taken off)."""
    if not published:
        return
    notify(agency_members(proposal), stored(N_("Inovasi \u201c%(title)s\u201d kini tampil di etalase publik."),
                                            title=proposal.title), proposal_link(proposal))
