"""State changes of lab events: create, edit, cancel, register, check in, sign, link ideas.

Services flush and never commit; the view commits. Seats are decided inside the
database transaction: on PostgreSQL the event row is locked (SELECT ... FOR
UPDATE) before anything is counted; on SQLite the deciding statement is the
first write of the transaction, so it holds the database's single write lock
while it counts.
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import has_request_context, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, insert, literal, select, update
from sqlalchemy.orm import selectinload

from app.core import audit
from app.core.extensions import db
from app.core.i18n import N_
from app.core.messages import StoredText, stored
from app.models import (
    ACTIVE_REGISTRATION_STATUSES,
    LAB_STAGES,
    MAX_EVENT_IDEAS,
    Agency,
    EventIdea,
    EventReport,
    PENDING_REGISTRATION_STATUSES,
    Event,
    Notification,
    Proposal,
    Registration,
    Signature,
    User,
)
from app.models._types import UTCDateTime, utcnow
from app.models.events import SEAT_STATUSES
from app.proposals.permissions import is_member
from app.web.inputs import max_length

JAKARTA = ZoneInfo("Asia/Jakarta")


class EventError(Exception):
    """A refusal to show the person as it is (registration closed, event full...)."""


class EventFieldError(EventError):
    """A refusal caused by one form field (named), shown beside it (app.web.inputs.show_refusal)."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


# --- time ------------------------------------------------------------------

def local_to_utc(value: datetime) -> datetime:
    """A date-time typed in a form (wall clock in Kota Probolinggo, WIB) as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=JAKARTA)
    return value.astimezone(timezone.utc)


def utc_to_local(value: datetime) -> datetime:
    """For filling a datetime-local input: WIB wall clock without tzinfo."""
    return value.astimezone(JAKARTA).replace(tzinfo=None)


# --- reading ---------------------------------------------------------------

def can_see(user: User, event: Event) -> bool:
    """Public events for everyone; internal ones for logged-in staff only."""
    return event.is_public or bool(user.is_authenticated)


def visible_events(user: User):
    """The same rule as can_see, as a SQL condition for lists."""
    if user.is_authenticated:
        return True
    return Event.is_public.is_(True)


def week_of(day: date) -> tuple[datetime, datetime]:
    """The week (Monday to Sunday, in WIB) that `day` falls in, as UTC [start, end)."""
    monday = day - timedelta(days=day.weekday())
    start = local_to_utc(datetime.combine(monday, time.min))
    return start, start + timedelta(days=7)


def events_this_week(today: date) -> list[Event]:
    """The events of the week of `today` (Monday to Sunday, WIB) that are not cancelled,
    by start: any that starts before the week ends and has not ended before it began."""
    start, end = week_of(today)
    return list(db.session.scalars(
        select(Event).where(Event.starts_at < end, Event.ends_at >= start, Event.cancelled.is_(False))
        .order_by(Event.starts_at, Event.id)
    ))


def seats_taken(event_id: int) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event_id, Registration.status.in_(SEAT_STATUSES)
        )
    ) or 0


def seat_counts(event_ids: list[int]) -> dict[int, int]:
    """Seats taken per event, in one query (for lists)."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(Registration.event_id, func.count(Registration.id))
        .where(Registration.event_id.in_(event_ids), Registration.status.in_(SEAT_STATUSES))
        .group_by(Registration.event_id)
    )
    return dict(rows.all())


def waitlist_place(registration: Registration) -> int | None:
    """1 for the first in the queue; None when not waitlisted."""
    if registration.status != "waitlisted":
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.status == "waitlisted",
            Registration.queue_number < registration.queue_number,
        )
    )
    return (ahead or 0) + 1


def registration_of(event: Event, user: User) -> Registration | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.user_id == user.id)
    )


def registration_problem(event: Event, now: datetime | None = None) -> str | None:
    """Why nobody can register now, or None when registration is possible."""
    now = now or utcnow()
    if event.cancelled:
        return _("Kegiatan ini dibatalkan.")
    if event.ends_at < now:
        return _("Kegiatan ini sudah selesai.")
    if not event.registration_open:
        return _("Pendaftaran kegiatan ini ditutup.")
    return None


def _event_link(event_id: int) -> str:
    if has_request_context():
        return url_for("events.detail", event_id=event_id)
    return f"/events/{event_id}"


def _notify(user_id: int, message: StoredText, event_id: int) -> None:
    """The bell shows `message` in the reader's language (app.core.messages)."""
    db.session.add(Notification.written(user_id, message, _event_link(event_id)))


def _lock_event(event_id: int) -> None:
    """Serialise seat decisions for one event (PostgreSQL row lock; SQLite ignores
    FOR UPDATE and is serialised by its write lock instead)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Event.id).where(Event.id == event_id).with_for_update())


# --- events ----------------------------------------------------------------

EVENT_FIELDS = ("title", "kind", "starts_at", "ends_at", "place", "capacity", "description",
                "is_public", "registration_open", "declaration_text")
# Changing one of these makes calendar applications update their copy.
CALENDAR_FIELDS = ("title", "starts_at", "ends_at", "place", "description")


def save_event(event: Event | None, actor: User, **fields) -> Event:
    """Create an event or change one. Times are aware datetimes (UTC stored).

    Capacity may not drop below the seats already taken (nobody loses a seat
    they were given); raising it lets the waitlist in, in order.
    """
    creating = event is None
    if creating:
        event = Event(created_by_id=actor.id, sequence=0)
        db.session.add(event)
    else:
        _lock_event(event.id)
        taken = seats_taken(event.id)
        if fields.get("capacity") is not None and fields["capacity"] < taken:
            raise EventError(_("Kapasitas tidak boleh kurang dari %(taken)d kursi yang sudah terisi.", taken=taken))
    changed = [name for name in EVENT_FIELDS if getattr(event, name) != fields[name]]
    for name in EVENT_FIELDS:
        setattr(event, name, fields[name])
    if not creating and any(name in CALENDAR_FIELDS for name in changed):
        event.sequence = (event.sequence or 0) + 1
    db.session.flush()
    if creating:
        audit.record("event_created", event, summary=event.title)
    else:
        audit.record("event_updated", event, summary=event.title, fields=changed)
        if "capacity" in changed:
            fill_seats(event)
    return event


def cancel_event(event: Event, actor: User) -> int:
    """Cancel the whole event; tells everyone registered or waitlisted. Returns how many were told."""
    if event.cancelled:
        raise EventError(_("Kegiatan ini sudah dibatalkan."))
    _lock_event(event.id)
    event.cancelled = True
    event.cancelled_at = utcnow()
    event.registration_open = False
    event.sequence = (event.sequence or 0) + 1
    db.session.flush()
    people = db.session.scalars(
        select(Registration.user_id).where(
            Registration.event_id == event.id, Registration.status.in_(PENDING_REGISTRATION_STATUSES)
        )
    ).all()
    for user_id in people:
        _notify(user_id, stored(N_("Kegiatan \"%(title)s\" dibatalkan."), title=event.title), event.id)
    audit.record("event_cancelled", event, summary=event.title, notified=len(people))
    return len(people)


# --- registration -----------------------------------------------------------

def _status_decision(event_id: int):
    """SQL deciding 'registered' or 'waitlisted' from the rows as they are now:
    a seat only when one is free and nobody is already waiting for it."""
    capacity = select(Event.capacity).where(Event.id == event_id).scalar_subquery()
    taken = (
        select(func.count(Registration.id))
        .where(Registration.event_id == event_id, Registration.status.in_(SEAT_STATUSES))
        .scalar_subquery()
    )
    waiting = (
        select(func.count(Registration.id))
        .where(Registration.event_id == event_id, Registration.status == "waitlisted")
        .scalar_subquery()
    )
    return case(
        (capacity.is_(None), literal("registered")),
        (and_(taken < capacity, waiting == 0), literal("registered")),
        else_=literal("waitlisted"),
    )


def _next_queue_number(event_id: int):
    return (
        select(func.coalesce(func.max(Registration.queue_number), 0) + 1)
        .where(Registration.event_id == event_id)
        .scalar_subquery()
    )


def register(event: Event, user: User) -> Registration:
    """Give the user a seat, or a place at the end of the waitlist when full.

    The count and the write are one SQL statement (INSERT ... SELECT or UPDATE
    with a CASE over a count), run after the event row is locked on PostgreSQL:
    the capacity holds however many people press the button at once.
    Registering again while registered or waitlisted changes nothing.
    """
    if not user.is_authenticated or not user.is_active:
        raise EventError(_("Masuk terlebih dahulu untuk mendaftar."))
    problem = registration_problem(event)
    if problem:
        raise EventError(problem)
    _lock_event(event.id)
    existing = registration_of(event, user)
    if existing is not None and existing.status in ACTIVE_REGISTRATION_STATUSES:
        return existing
    now = utcnow()
    if existing is None:
        db.session.execute(
            insert(Registration).from_select(
                ["event_id", "user_id", "status", "queue_number", "created_at", "updated_at"],
                select(
                    literal(event.id), literal(user.id), _status_decision(event.id),
                    _next_queue_number(event.id), literal(now, UTCDateTime), literal(now, UTCDateTime),
                ),
            )
        )
    else:
        # A cancelled registration comes back at the end of the queue.
        db.session.execute(
            update(Registration)
            .where(Registration.id == existing.id, Registration.status == "cancelled")
            .values(status=_status_decision(event.id), queue_number=_next_queue_number(event.id),
                    cancelled_at=None, attended_at=None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.expire(existing)
    registration = db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.user_id == user.id)
        .execution_options(populate_existing=True)
    )
    audit.record("event_registered", event, summary=event.title, actor=user, status=registration.status)
    return registration


def cancel_registration(event: Event, user: User) -> list[Registration]:
    """Give up a seat or a waitlist place; the first waiting person gets the seat
    in the same transaction and is notified. Returns the promoted registrations."""
    _lock_event(event.id)
    registration = registration_of(event, user)
    if registration is None or registration.status not in PENDING_REGISTRATION_STATUSES:
        if registration is not None and registration.status == "attended":
            raise EventError(_("Kehadiran Anda sudah dicatat; pendaftaran tidak dapat dibatalkan lagi."))
        raise EventError(_("Anda tidak terdaftar pada kegiatan ini."))
    if event.ends_at < utcnow():
        raise EventError(_("Kegiatan ini sudah selesai."))
    registration.status = "cancelled"
    registration.cancelled_at = utcnow()
    db.session.flush()
    audit.record("event_registration_cancelled", event, summary=event.title, actor=user)
    return fill_seats(event)


def fill_seats(event: Event) -> list[Registration]:
    """Move people from the waitlist, first come first served, into free seats."""
    if event.cancelled:
        return []
    promoted = []
    capacity = db.session.scalar(select(Event.capacity).where(Event.id == event.id))
    while capacity is None or seats_taken(event.id) < capacity:
        first = db.session.scalar(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == "waitlisted")
            .order_by(Registration.queue_number, Registration.id)
            .limit(1)
        )
        if first is None:
            break
        first.status = "registered"
        db.session.flush()
        _notify(first.user_id, stored(N_("Ada kursi untuk Anda: Anda kini terdaftar pada \"%(title)s\"."), title=event.title),
                event.id)
        audit.record("event_waitlist_promoted", event, summary=event.title, user_id=first.user_id)
        promoted.append(first)
    return promoted


# --- attendance ---------------------------------------------------------------

def toggle_attendance(registration: Registration, actor: User) -> Registration:
    """Check a registered person in, or undo a check-in made by mistake."""
    if registration.status == "registered":
        registration.status = "attended"
        registration.attended_at = utcnow()
    elif registration.status == "attended":
        registration.status = "registered"
        registration.attended_at = None
    else:
        raise EventError(_("Hanya peserta terdaftar yang dapat dicatat hadir."))
    db.session.flush()
    audit.record("event_attendance", registration.event, summary=registration.user.name,
                 user_id=registration.user_id, attended=registration.status == "attended")
    return registration


def attendance_counts(event_id: int) -> dict[str, int]:
    """Seats given (registered), checked in (attended) and the rest (no-show)."""
    rows = dict(db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.event_id == event_id, Registration.status.in_(SEAT_STATUSES))
        .group_by(Registration.status)
    ).all())
    attended = rows.get("attended", 0)
    registered = attended + rows.get("registered", 0)
    return {"registered": registered, "attended": attended, "no_show": registered - attended}


# --- the pledge ---------------------------------------------------------------

def sign_declaration(event: Event, user: User) -> tuple[Signature, bool]:
    """Sign the event's declaration once, with name and agency as they are today.
    Returns (signature, True) when signed now, (the earlier one, False) when signed before."""
    if not user.is_authenticated:
        raise EventError(_("Masuk terlebih dahulu untuk menandatangani."))
    if not event.declaration_text.strip():
        raise EventError(_("Kegiatan ini tidak memiliki naskah deklarasi."))
    if event.cancelled:
        raise EventError(_("Kegiatan ini dibatalkan."))
    existing = db.session.scalar(
        select(Signature).where(Signature.event_id == event.id, Signature.user_id == user.id)
    )
    if existing is not None:
        return existing, False
    signature = Signature(
        event_id=event.id, user_id=user.id, signer_name=user.name,
        agency_name=user.agency.name if user.agency else "",
    )
    db.session.add(signature)
    db.session.flush()  # the unique (event, user) constraint refuses a parallel double click
    audit.record("declaration_signed", event, summary=event.title, actor=user)
    return signature, True


def signature_counts(event_id: int) -> tuple[int, int]:
    """(people who signed, distinct agencies among them)."""
    people, agencies = db.session.execute(
        select(func.count(Signature.id), func.count(func.distinct(func.nullif(Signature.agency_name, ""))))
        .where(Signature.event_id == event_id)
    ).one()
    return people or 0, agencies or 0


# --- ideas born at workshops ------------------------------------------------------

def can_link(user: User, proposal: Proposal) -> bool:
    """Admins, and the proposal's own agency, say at which event an idea was born."""
    return bool(user.is_authenticated and (user.is_admin or is_member(user, proposal)))


def link_proposal(event: Event, proposal: Proposal, actor: User) -> None:
    """Record that the proposal was born at this event."""
    if proposal.event_id == event.id:
        return
    proposal.event_id = event.id
    db.session.flush()
    audit.record("proposal_linked_to_event", proposal, summary=event.title, event_id=event.id)


def unlink_proposal(event: Event, proposal: Proposal, actor: User) -> None:
    if proposal.event_id != event.id:
        raise EventError(_("Usulan ini tidak terhubung dengan kegiatan ini."))
    proposal.event_id = None
    db.session.flush()
    audit.record("proposal_unlinked_from_event", proposal, summary=event.title, event_id=event.id)


def next_stage(stage: str) -> str | None:
    index = LAB_STAGES.index(stage) if stage in LAB_STAGES else -1
    return LAB_STAGES[index + 1] if 0 <= index < len(LAB_STAGES) - 1 else None


def advance_stage(event: Event, proposal: Proposal, actor: User) -> str:
    """Move a linked proposal one lab stage forward (Drum-up → … → Display).

    The lab stage is not a status: no status machine, but audited and shown live.
    """
    if proposal.event_id != event.id:
        raise EventError(_("Usulan ini tidak terhubung dengan kegiatan ini."))
    target = next_stage(proposal.lab_stage)
    if target is None:
        raise EventError(_("Usulan ini sudah berada di tahap terakhir."))
    old = proposal.lab_stage
    proposal.lab_stage = target
    db.session.flush()
    audit.record("lab_stage_changed", proposal, summary=proposal.title, old=old, new=target, event_id=event.id)
    return target


# --- the close report -----------------------------------------------------------------

class StaleEventReport(EventError):
    """The close report was changed by someone else after the form was read."""


def close_refusal(event: Event, now: datetime | None = None) -> str | None:
    """Why the event cannot have its close report (yet), or None when it can."""
    if event.cancelled:
        return _("Kegiatan ini dibatalkan; tidak ada laporan penutupan.")
    if event.ends_at > (now or utcnow()):
        return _("Laporan penutupan ditulis setelah kegiatan selesai, %(when)s WIB.",
                 when=format_datetime(event.ends_at, "d MMMM y HH.mm"))
    return None


def report_of(event: Event) -> EventReport | None:
    """The event's close report with its ideas, or None while it has none."""
    return db.session.scalar(select(EventReport).options(selectinload(EventReport.ideas))
                             .where(EventReport.event_id == event.id))


def parse_ideas(text: str) -> list[str]:
    """The idea titles typed one a line (blank lines skipped, spaces tidied); EventFieldError
    naming the first line that is too long, or when there are too many."""
    ideas = []
    limit = max_length(EventIdea.title)
    for number, line in enumerate((text or "").splitlines(), start=1):
        title = " ".join(line.split())
        if not title:
            continue
        if len(title) > limit:
            raise EventFieldError(_("Baris %(line)d terlalu panjang: %(length)d karakter, paling banyak %(max)d.",
                                    line=number, length=len(title), max=limit), "ideas")
        ideas.append(title)
    if len(ideas) > MAX_EVENT_IDEAS:
        raise EventFieldError(_("Paling banyak %(max)d ide; ada %(count)d.", max=MAX_EVENT_IDEAS, count=len(ideas)),
                              "ideas")
    return ideas


def save_close_report(event: Event, actor: User, minutes: str, public_summary: str, ideas_text: str,
                      version: int | None) -> tuple[EventReport, bool]:
    """Write or correct the event's close report; returns it and whether it is new. Refused before
    the event has ended, for a cancelled one, or when the form was read at an older version."""
    refusal = close_refusal(event)
    if refusal:
        raise EventError(refusal)
    ideas = parse_ideas(ideas_text)
    report = report_of(event)
    if report is not None and version != report.version:
        raise StaleEventReport(_("Laporan penutupan ini diubah orang lain setelah Anda membukanya. Isian Anda belum "
                           "disimpan; periksa isinya yang sekarang, lalu simpan lagi."))
    created = report is None
    if created:
        report = EventReport(event_id=event.id)
        db.session.add(report)
    report.minutes = (minutes or "").replace("\r\n", "\n").strip()
    report.public_summary = (public_summary or "").replace("\r\n", "\n").strip()
    report.written_by_id = actor.id
    report.ideas.clear()
    db.session.flush()  # the old positions go before the new ones take them
    report.ideas.extend(EventIdea(position=number, title=title) for number, title in enumerate(ideas, start=1))
    db.session.flush()
    audit.record("event_report_created" if created else "event_report_updated", event, summary=event.title,
                 actor=actor, ideas=len(ideas), attended=attendance_counts(event.id)["attended"])
    return report, created


def attendance_by_agency(event_id: int) -> list[tuple[str, str, int]]:
    """(agency kind, agency name, people checked in) of the event, by kind then name; people
    without an agency (lab staff) under kind and name "" (counted, never named)."""
    rows = db.session.execute(
        select(func.coalesce(Agency.kind, ""), func.coalesce(Agency.name, ""), func.count(Registration.id))
        .select_from(Registration).join(User, User.id == Registration.user_id)
        .outerjoin(Agency, Agency.id == User.agency_id)
        .where(Registration.event_id == event_id, Registration.status == "attended")
        .group_by(Agency.kind, Agency.name).order_by(func.coalesce(Agency.kind, ""), func.coalesce(Agency.name, "")))
    return [tuple(row) for row in rows]
