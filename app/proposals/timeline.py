"""The proposals feature's part of an innovation's timeline (DESIGN §8): its first draft and
every status move. On the public page only the milestones the public follows (first
submission, approval, implementation, publication), never who moved it or the notes."""
from flask_babel import gettext as _
from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload

from app.core import signals
from app.core.extensions import db
from app.core.labels import label
from app.models import PUBLIC_MILESTONES, Proposal, StatusChange
from app.proposals.visibility import hides_identity, shown_author


def _mover(change: StatusChange, proposal: Proposal, blind: bool) -> str:
    if change.actor is None:
        return _("Sistem")
    if blind and change.actor.agency_id == proposal.agency_id:
        return _("Tim pengusul")
    return change.actor.name


def _changes_of(proposal: Proposal) -> list[StatusChange]:
    """The proposal's status moves, oldest first, with who made them."""
    if "status_changes" not in inspect(proposal).unloaded:
        # The proposal page loaded them already, with their actors (routes._load_full): two queries saved.
        return sorted(proposal.status_changes, key=lambda change: (change.created_at, change.id))
    return db.session.scalars(select(StatusChange).options(selectinload(StatusChange.actor))
                              .where(StatusChange.proposal_id == proposal.id)
                              .order_by(StatusChange.created_at, StatusChange.id)).all()


@signals.timeline_entries.connect
def status_moments(proposal: Proposal, public: bool = False, viewer=None, **extra) -> list[signals.TimelineEntry]:
    changes = _changes_of(proposal)
    if public:
        entries = [signals.TimelineEntry(proposal.created_at, "draft", _("Mulai disusun"))]
        reached = set()
        for change in changes:  # the first time it reached each milestone
            if change.to_status in PUBLIC_MILESTONES and change.to_status not in reached:
                reached.add(change.to_status)
                entries.append(signals.TimelineEntry(change.created_at, "status", label("status", change.to_status)))
        if proposal.published and proposal.published_at:
            entries.append(signals.TimelineEntry(proposal.published_at, "status", _("Dipublikasikan di etalase")))
        return entries
    blind = hides_identity(viewer, proposal)
    entries = [signals.TimelineEntry(proposal.created_at, "draft", _("Draf pertama dibuat"),
                                     shown_author(viewer, proposal))]
    for change in changes:
        mover = _mover(change, proposal, blind)
        entries.append(signals.TimelineEntry(
            change.created_at, "status",
            _("%(old)s → %(new)s", old=label("status", change.from_status), new=label("status", change.to_status)),
            f"{mover}\n\n{change.note}" if change.note else mover))
    return entries
