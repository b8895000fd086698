"""Innovation maturity: national index indicators, per-cycle levels, and the
evidence an agency claims per indicator with its verification."""
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
from app.models.core import Cycle, User
from app.models.proposals import Attachment, Proposal

CLAIM_STATUSES = ("pending", "accepted", "downgraded", "needs_evidence")
# Claims whose evidence a verifier confirmed (at the claimed or a lower level).
VERIFIED_STATUSES = ("accepted", "downgraded")


class Indicator(db.Model):
    """One per-innovation indicator of the national innovation index (Indeks Inovasi Daerah)."""

    __tablename__ = "maturity_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = typed_text(40, unique=True)
    name: Mapped[str] = typed_text(200)
    evidence: Mapped[str] = typed_text(4000, default="")  # what evidence proves it
    order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Indicator {self.code}>"


class IndicatorLevel(db.Model):
    """A graded level of an indicator in one cycle, with its points (regions weigh them differently)."""

    __tablename__ = "maturity_level"
    __table_args__ = (
        UniqueConstraint("cycle_id", "indicator_id", "level", name="one_level_number"),
        CheckConstraint("level >= 1", name="level_positive"),
        CheckConstraint("points >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("maturity_indicator.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = typed_text(1000, default="")
    points: Mapped[int] = mapped_column(Integer)

    cycle: Mapped[Cycle] = relationship()
    indicator: Mapped[Indicator] = relationship()


class Claim(db.Model):
    """An agency's claimed level on one indicator for one innovation, with its evidence
    and verification. The verified points are a snapshot: later level edits never change them."""

    __tablename__ = "maturity_claim"
    __table_args__ = (
        UniqueConstraint("proposal_id", "indicator_id", name="one_claim_per_indicator"),
        enum_check("status", CLAIM_STATUSES, "status"),
        CheckConstraint("claimed_level >= 1", name="claimed_level_positive"),
        CheckConstraint("verified_level IS NULL OR verified_level <= claimed_level", name="verified_not_above_claim"),
        CheckConstraint("verified_points IS NULL OR verified_points >= 0", name="verified_points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("maturity_indicator.id"), index=True)
    claimed_level: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = typed_text(2000, default="")
    attachment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("attachment.id"), index=True)
    claimant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    verified_level: Mapped[Optional[int]] = mapped_column(Integer)
    verified_points: Mapped[Optional[int]] = mapped_column(Integer)
    verifier_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = typed_text(2000, default="")
    verified_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Set by an admin: this verified evidence may appear on the public innovation page.
    public: Mapped[bool] = mapped_column(Boolean, default=False)

    proposal: Mapped[Proposal] = relationship()
    indicator: Mapped[Indicator] = relationship()
    attachment: Mapped[Optional[Attachment]] = relationship()
    claimant: Mapped[User] = relationship(foreign_keys=[claimant_id])
    verifier: Mapped[Optional[User]] = relationship(foreign_keys=[verifier_id])

    @property
    def verified(self) -> bool:
        return self.status in VERIFIED_STATUSES

    def __repr__(self) -> str:
        return f"<Claim {self.proposal_id}/{self.indicator_id} {self.status}>"
