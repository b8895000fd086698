"""Lab events (kegiatan), registrations and signed declarations."""
from datetime import datetime
from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.models._types import UTCDateTime, enum_check, typed_text, utcnow
from app.models.core import User

EVENT_KINDS = ("sosialisasi", "drum_up", "diagnose", "design", "deliver", "display", "coaching")
REGISTRATION_STATUSES = ("registered", "waitlisted", "cancelled", "attended")


class Event(db.Model):
    """A workshop, coaching clinic or expo of the innovation lab."""

    __tablename__ = "event"
    __table_args__ = (
        enum_check("kind", EVENT_KINDS, "kind"),
        CheckConstraint("ends_at >= starts_at", name="time_order"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = typed_text(200)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = typed_text(200, default="")
    capacity: Mapped[Optional[int]] = mapped_column(Integer)  # None: no limit
    description: Mapped[str] = typed_text(10000, default="")
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    registration_open: Mapped[bool] = mapped_column(Boolean, default=True)
    declaration_text: Mapped[str] = typed_text(5000, default="")
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # iCalendar SEQUENCE: bumped when time, place or state change, so calendar
    # applications that imported the event replace their copy.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    registrations: Mapped[list["Registration"]] = relationship(
        back_populates="event", order_by="Registration.id", cascade="all, delete-orphan"
    )

    @property
    def is_past(self) -> bool:
        """Over already: its seats no longer matter (lists and page show no "seats left")."""
        return self.ends_at < utcnow()


class Registration(db.Model):
    """A person's place at an event.

    `queue_number` orders the waitlist: it is assigned (the event's highest + 1)
    inside the same locked transaction that decides the status, and again when a
    cancelled registration is renewed, so someone who comes back queues at the end.
    """

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        enum_check("status", REGISTRATION_STATUSES, "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    queue_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    attended_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="registrations")
    user: Mapped[User] = relationship()


# Registrations holding a seat: checked-in people keep theirs.
SEAT_STATUSES = ("registered", "attended")
# Registrations still in play: a seat, or a place on the waitlist (not cancelled). Registering
# again while in one of these changes nothing.
ACTIVE_REGISTRATION_STATUSES = ("registered", "waitlisted", "attended")
# Still to come: a seat or a waitlist place, not attended yet. These may cancel, and are
# the ones told when the event itself is cancelled.
PENDING_REGISTRATION_STATUSES = ("registered", "waitlisted")


class Signature(db.Model):
    """A signed event declaration (the innovation pledge); name and agency as signed."""

    __tablename__ = "signature"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    signer_name: Mapped[str] = typed_text(120)
    agency_name: Mapped[str] = typed_text(200, default="")
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


MAX_EVENT_IDEAS = 50


class EventReport(db.Model):
    """An event's close report (DESIGN §11), written by an admin once it has ended: the minutes
    (internal), a summary the public may read, and the ideas born there (EventIdea). The
    attendance is counted from check-ins, and the proposals discussed are those linked to the
    event (Proposal.event_id), so neither is typed here."""

    __tablename__ = "event_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    minutes: Mapped[str] = typed_text(20000, default="")
    public_summary: Mapped[str] = typed_text(3000, default="")
    written_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic lock: an edit read at an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    event: Mapped[Event] = relationship()
    written_by: Mapped[Optional[User]] = relationship()
    ideas: Mapped[list["EventIdea"]] = relationship(
        back_populates="report", order_by="EventIdea.position", cascade="all, delete-orphan")


class EventIdea(db.Model):
    """One idea born at an event, a short title, in the order the report lists them."""

    __tablename__ = "event_idea"
    __table_args__ = (
        UniqueConstraint("report_id", "position", name="one_idea_per_position"),
        CheckConstraint(f"position BETWEEN 1 AND {MAX_EVENT_IDEAS}", name="position_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("event_report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = typed_text(200)

    report: Mapped[EventReport] = relationship(back_populates="ideas")
