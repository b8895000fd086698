"""Agencies, users, yearly cycles and the audit log."""
from datetime import date, datetime
from typing import Any, Optional

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.core.extensions import db
from app.models._types import UTCDateTime, enum_check, typed_text, utcnow

AGENCY_KINDS = ("opd", "kecamatan", "kelurahan")
ROLES = ("innovator", "reviewer", "admin")
# How a person's notifications reach their mailbox (DESIGN §11): each at once, gathered in one
# message a day or a week (app.notifications.reminders), or not by e-mail at all (the bell only).
EMAIL_FREQUENCIES = ("immediate", "daily", "weekly", "none")


class Agency(db.Model):
    """An OPD, kecamatan or kelurahan; a kelurahan has its kecamatan as parent."""

    __tablename__ = "agency"
    __table_args__ = (enum_check("kind", AGENCY_KINDS, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = typed_text(40, unique=True)
    name: Mapped[str] = typed_text(200)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agency.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Optional["Agency"]] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Agency"]] = relationship(back_populates="parent")
    users: Mapped[list["User"]] = relationship(back_populates="agency")

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


class RoleChecks:
    """What a role allows, read from `role` alone: one rule for a person (User) and
    for the Audience a shared fragment is rendered for (app.web.caching)."""

    __slots__ = ()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_reviewer(self) -> bool:
        """Reviewers and admins may score proposals."""
        return self.role in ("reviewer", "admin")


class User(RoleChecks, UserMixin, db.Model):
    """A person who logs in. Innovators always belong to an agency."""

    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL
    __table_args__ = (
        enum_check("role", ROLES, "role"),
        CheckConstraint("role <> 'innovator' OR agency_id IS NOT NULL", name="innovator_has_agency"),
        enum_check("email_frequency", EMAIL_FREQUENCIES, "email_frequency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = typed_text(254, unique=True)
    name: Mapped[str] = typed_text(120)
    role: Mapped[str] = mapped_column(String(20), default="innovator")
    agency_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agency.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    # Changes whenever the password changes or the account is deactivated, so
    # every session made before (on any app server) stops being valid.
    session_generation: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    email_frequency: Mapped[str] = mapped_column(String(20), default="immediate", server_default="immediate")

    agency: Mapped[Optional[Agency]] = relationship(back_populates="users")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.session_generation = (self.session_generation or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Flask-Login
    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Cycle(db.Model):
    """One year's round of innovation proposals."""

    __tablename__ = "cycle"
    __table_args__ = (
        CheckConstraint("target_per_agency >= 0", name="target_not_negative"),
        CheckConstraint("submission_closes >= submission_opens", name="window_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    submission_opens: Mapped[date] = mapped_column(Date)
    submission_closes: Mapped[date] = mapped_column(Date)
    target_per_agency: Mapped[int] = mapped_column(Integer, default=1)
    blind_review: Mapped[bool] = mapped_column(Boolean, default=False)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def accepts_submissions(self, today: date) -> bool:
        return not self.closed and self.submission_opens <= today <= self.submission_closes

    def __repr__(self) -> str:
        return f"<Cycle {self.year}>"


class AuditEntry(db.Model):
    """One recorded state change, decision, role change or failed login."""

    __tablename__ = "audit_entry"
    # An innovation's timeline reads its own entries (lab stages, linked events): by target.
    __table_args__ = (Index("ix_audit_entry_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[Optional[str]] = mapped_column(String(40))
    target_id: Mapped[Optional[int]] = mapped_column(Integer)
    ip_address: Mapped[Optional[str]] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[Optional[User]] = relationship()


class ChangeCounter(db.Model):
    """The data version of the shared pages, renewed in the transaction of every
    write of a model they show (app.core.live's session listener). Its value keys
    their ETags and kept copies, right across several app servers since it
    lives in the database."""

    __tablename__ = "change_counter"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
