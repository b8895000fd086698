"""The lab events' part of an innovation's timeline (DESIGN §8): the events it was linked to,
at their dates, and each lab stage it moved to (both kept in the audit log when they happen).
While blind review hides the proposal's agency, an event is not named: its title may name it;
the public page names public events only. A cancelled event is left out."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.core import signals
from app.core.extensions import db
from app.core.labels import label
from app.models import AuditEntry, Event, Proposal
from app.proposals.visibility import hides_identity

ACTIONS = ("proposal_linked_to_event", "lab_stage_changed")


@signals.timeline_entries.connect
def event_moments(proposal: Proposal, public: bool = False, viewer=None, **extra) -> list[signals.TimelineEntry]:
    logged = db.session.execute(
        select(AuditEntry.action, AuditEntry.created_at, AuditEntry.details)
        .where(AuditEntry.target_type == "proposal", AuditEntry.target_id == proposal.id,
               AuditEntry.action.in_(ACTIONS))
        .order_by(AuditEntry.created_at)).all()
    entries, linked = [], set()
    for action, when, details in logged:
        if action == "lab_stage_changed":
            entries.append(signals.TimelineEntry(when, "lab_stage",
                                                 _("Masuk tahap %(stage)s", stage=label("lab_stage", details.get("new")))))
        elif details.get("event_id"):
            linked.add(details["event_id"])
    if proposal.event_id is not None:
        linked.add(proposal.event_id)  # also one linked before links were logged
    if not linked:
        return entries
    blind = not public and hides_identity(viewer, proposal)
    for event in db.session.scalars(select(Event).where(Event.id.in_(linked), Event.cancelled.is_(False))):
        unnamed = blind or (public and not event.is_public)  # the public page names public events only
        text = (_("Sebuah kegiatan laboratorium") if unnamed
                else _("Kegiatan “%(title)s”", title=event.title))
        entries.append(signals.TimelineEntry(event.starts_at, "event", text, label("event_kind", event.kind)))
    return entries
