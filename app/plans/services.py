"""Changes to a proposal's action plan: validate, change, flush, audit; never commit."""
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.core import audit
from app.core.cycles import city_today
from app.core.extensions import db
from app.models import (
    MAX_MILESTONES, MILESTONE_YEARS_AHEAD, MILESTONE_YEARS_BACK, Attachment, Milestone, Proposal, User,
)
from app.proposals.services import FieldError, ServiceError, add_attachment
from app.web.inputs import max_length, too_long


class StaleMilestone(ServiceError):
    """The milestone was changed or deleted by someone else after the form was read."""


# --- reading ------------------------------------------------------------------------

def milestones_of(proposal: Proposal) -> list[Milestone]:
    """The proposal's milestones by due date, with who marked them done and their evidence (one query each)."""
    return list(db.session.scalars(
        select(Milestone).options(joinedload(Milestone.done_by), joinedload(Milestone.attachment))
        .where(Milestone.proposal_id == proposal.id).order_by(Milestone.due_on, Milestone.id)))


def milestone_of(proposal: Proposal, milestone_id: int) -> Milestone | None:
    """The proposal's milestone by id; None when it is gone or belongs to another proposal."""
    milestone = db.session.get(Milestone, milestone_id)
    return milestone if milestone is not None and milestone.proposal_id == proposal.id else None


def overdue_milestones(today: date) -> list[Milestone]:
    """Every open milestone due before `today`, with its proposal (and the proposal's agency)
    loaded, oldest due first: what the reminders tell the agencies about."""
    return list(db.session.scalars(
        select(Milestone).options(selectinload(Milestone.proposal).joinedload(Proposal.agency))
        .where(Milestone.done_on.is_(None), Milestone.due_on < today)
        .order_by(Milestone.due_on, Milestone.id)))


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def due_range(today: date | None = None) -> tuple[date, date]:
    """The first and last day a milestone may be due, around today (the city's)."""
    today = today or city_today()
    return _years_from(today, -MILESTONE_YEARS_BACK), _years_from(today, MILESTONE_YEARS_AHEAD)


# --- changes ------------------------------------------------------------------------

@dataclass
class MilestoneInput:
    """What the milestone form says."""

    what: str
    due_on: date | None
    version: int | None = None  # the milestone's version the form was read at (an edit)


def _checked(given: MilestoneInput) -> MilestoneInput:
    """The input cleaned, or FieldError naming the first field that is wrong. No date reaches
    the database unchecked: the form's 1900–2100 bound is not enough for a plan."""
    what = " ".join((given.what or "").split())
    if not what:
        raise FieldError(_("Isi apa yang akan dikerjakan."), "what")
    if too_long(Milestone.what, what):
        raise FieldError(_("Paling banyak %(max)d karakter.", max=max_length(Milestone.what)), "what")
    if given.due_on is None:
        raise FieldError(_("Isi tanggal target."), "due_on")
    first, last = due_range()
    if not first <= given.due_on <= last:
        raise FieldError(_("Isi tanggal target antara %(first)s dan %(last)s.", first=format_date(first, "long"),
                           last=format_date(last, "long")), "due_on")
    return MilestoneInput(what=what, due_on=given.due_on, version=given.version)


def _audit(action: str, milestone: Milestone, actor: User) -> None:
    audit.record(action, target=milestone.proposal, actor=actor, summary=milestone.proposal.title,
                 milestone_id=milestone.id, what=milestone.what, due_on=milestone.due_on.isoformat(),
                 done_on=milestone.done_on.isoformat() if milestone.done_on else None,
                 attachment_id=milestone.attachment_id)


def add_milestone(proposal: Proposal, actor: User, given: MilestoneInput) -> Milestone:
    """A new milestone of the proposal's plan; at most MAX_MILESTONES."""
    # Locks the proposal's row (PostgreSQL) so that two parallel adds cannot pass the limit together.
    db.session.execute(select(Proposal.id).where(Proposal.id == proposal.id).with_for_update())
    count = db.session.scalar(select(func.count(Milestone.id)).where(Milestone.proposal_id == proposal.id)) or 0
    if count >= MAX_MILESTONES:
        raise ServiceError(_("Rencana aksi berisi paling banyak %(max)d tonggak; ubah atau hapus yang ada.",
                             max=MAX_MILESTONES))
    clean = _checked(given)
    milestone = Milestone(proposal=proposal, what=clean.what, due_on=clean.due_on)
    db.session.add(milestone)
    db.session.flush()
    _audit("milestone_added", milestone, actor)
    return milestone


def _current(proposal: Proposal, milestone_id: int, version: int | None) -> Milestone:
    milestone = milestone_of(proposal, milestone_id)
    if milestone is None:
        raise StaleMilestone(_("Tonggak ini sudah dihapus orang lain; muat ulang halaman."))
    if version != milestone.version:
        raise StaleMilestone(_("Tonggak “%(what)s” diubah orang lain setelah Anda membukanya. Isian Anda belum "
                               "disimpan; periksa isinya yang sekarang, lalu ubah lagi.", what=milestone.what))
    return milestone


def update_milestone(proposal: Proposal, milestone_id: int, actor: User, given: MilestoneInput) -> Milestone:
    """Correct what a milestone says or when it is due; refused (StaleMilestone) when it changed since."""
    milestone = _current(proposal, milestone_id, given.version)
    clean = _checked(given)
    milestone.what, milestone.due_on = clean.what, clean.due_on
    db.session.flush()
    _audit("milestone_updated", milestone, actor)
    return milestone


@dataclass
class DoneInput:
    """The mark-done form: the evidence (an attachment of the proposal, or a new file), and the version."""

    attachment_id: int | None = None
    filename: str | None = None
    stream: object = None
    version: int | None = None


def mark_done(proposal: Proposal, milestone_id: int, actor: User, given: DoneInput) -> Milestone:
    """Mark an open milestone done today by `actor`, with its evidence if given; a done one is
    opened again (a mark made by mistake), keeping its evidence."""
    milestone = _current(proposal, milestone_id, given.version)
    if milestone.done:
        milestone.done_on, milestone.done_by = None, None
        db.session.flush()
        _audit("milestone_reopened", milestone, actor)
        return milestone
    attachment = None
    if given.attachment_id:
        attachment = db.session.get(Attachment, given.attachment_id)
        if attachment is None or attachment.proposal_id != proposal.id:
            raise FieldError(_("Pilih dokumen dari lampiran usulan ini atau unggah berkas baru."), "attachment_id")
    if given.filename:
        # Checked last so that a refused mark never leaves an uploaded file behind.
        attachment = add_attachment(proposal, actor, given.filename, given.stream)
    if attachment is not None:
        milestone.attachment = attachment
    milestone.done_on, milestone.done_by = city_today(), actor
    db.session.flush()
    _audit("milestone_done", milestone, actor)
    return milestone


def delete_milestone(proposal: Proposal, milestone_id: int, actor: User, version: int | None) -> str:
    """Delete a milestone; returns what it said. Its evidence stays among the proposal's attachments."""
    milestone = _current(proposal, milestone_id, version)
    what = milestone.what
    _audit("milestone_deleted", milestone, actor)
    db.session.delete(milestone)
    db.session.flush()
    return what
