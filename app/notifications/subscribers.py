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
from app.core.messages import data, label, stored, text
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


def evidence_link(proposal_id: int, indicator_id: int) -> str:
    """The page of one indicator of an innovation's maturity evidence, relative to the site."""
    return f"/proposals/{proposal_id}/maturity/{indicator_id}"


@signals.claim_verified.connect
def notify_claim_verified(proposal: Proposal, claim, actor: User, **extra) -> None:
    """Tell the innovation's agency the verdict on one indicator's evidence, with a link to it.
    The verifier is not named (as for reviews) and is never told of their own verdict.
    The indicator's name is shipped data with its English (app.maturity registers it)."""
    names = {"indicator": data("indicator", claim.indicator.name), "title": proposal.title}
    if claim.status == "accepted":
        message = stored(N_("Bukti \u201c%(indicator)s\u201d untuk inovasi \u201c%(title)s\u201d terverifikasi "
                            "pada level %(level)d."), level=claim.verified_level, **names)
    elif claim.status == "downgraded":
        message = stored(N_("Bukti \u201c%(indicator)s\u201d untuk inovasi \u201c%(title)s\u201d diverifikasi pada "
                            "level %(level)d, lebih rendah dari level %(claimed)d yang diklaim. Alasan: %(reason)s"),
                         level=claim.verified_level, claimed=claim.claimed_level, reason=claim.reason, **names)
    elif claim.status == "needs_evidence":
        message = stored(N_("Bukti \u201c%(indicator)s\u201d untuk inovasi \u201c%(title)s\u201d perlu dilengkapi: "
                            "%(reason)s"), reason=claim.reason, **names)
    else:
        return
    recipients = [member for member in agency_members(proposal) if member.id != actor.id]
    notify(recipients, message, evidence_link(proposal.id, claim.indicator_id))


@signals.reviewers_assigned.connect
def notify_assigned(competition, assignments, **extra) -> None:
    """Tell each reviewer what they were assigned: the entry itself when it is one, else how
    many entries, with a link to their queue (one message per reviewer and action)."""
    by_reviewer: dict[int, tuple[User, list[Proposal]]] = {}
    for reviewer, proposal in assignments:
        by_reviewer.setdefault(reviewer.id, (reviewer, []))[1].append(proposal)
    for reviewer, proposals in by_reviewer.values():
        if len(proposals) == 1:
            notify([reviewer], stored(N_("Anda ditugaskan menilai \u201c%(title)s\u201d pada %(competition)s."),
                                      title=proposals[0].title, competition=competition.name),
                   proposal_link(proposals[0]))
        else:
            notify([reviewer], stored(N_("Anda ditugaskan menilai %(count)s usulan pada %(competition)s."),
                                      count=len(proposals), competition=competition.name),
                   "/proposals/review-queue")  # DESIGN §4's path of the review queue
