"""Innovation maturity: the national index's indicator sets by year, their levels, per-cycle
level copies, and the evidence claimed per indicator (by an agency for an innovation, by
Bappeda for the region) with its verification."""
from datetime import datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.core.extensions import db
from app.models._types import UTCDateTime, enum_check, typed_text, utcnow
from app.models.core import Cycle, User
from app.models.proposals import Attachment, Proposal

CLAIM_STATUSES = ("pending", "accepted", "downgraded", "needs_evidence")
# Claims whose evidence a verifier confirmed (at the claimed or a lower level).
VERIFIED_STATUSES = ("accepted", "downgraded")
# The index's two aspects: the region's own readiness (satuan pemerintah daerah) and each innovation's.
ASPECTS = ("innovation", "region")


class IndicatorSet(db.Model):
    """The indicators of one aspect of the national index as the guide of one year sets them.
    A cycle uses the newest set of its year or before; the weight is the aspect's share of the index."""

    __tablename__ = "maturity_indicator_set"
    __table_args__ = (
        UniqueConstraint("year", "aspect", name="one_set_per_year_and_aspect"),
        enum_check("aspect", ASPECTS, "aspect"),
        CheckConstraint("weight >= 0 AND weight <= 1", name="weight_is_a_share"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    aspect: Mapped[str] = mapped_column(String(20))
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    source: Mapped[str] = typed_text(300, default="")  # the guide it comes from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="set", order_by="(Indicator.order, Indicator.id)")

    def __repr__(self) -> str:
        return f"<IndicatorSet {self.year} {self.aspect}>"


class Indicator(db.Model):
    """One indicator of a set of the national innovation index (Indeks Inovasi Daerah)."""

    __tablename__ = "maturity_indicator"
    __table_args__ = (
        UniqueConstraint("set_id", "code", name="one_code_per_set"),
        CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("maturity_indicator_set.id"), index=True)
    code: Mapped[str] = typed_text(40)
    name: Mapped[str] = typed_text(200)
    evidence: Mapped[str] = typed_text(4000, default="")  # what evidence proves it
    # Multiplies the points of every level: the guide weighs some indicators more than others.
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(1))
    order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    set: Mapped[IndicatorSet] = relationship(back_populates="indicators")
    set_levels: Mapped[list["SetLevel"]] = relationship(
        back_populates="indicator", order_by="SetLevel.level", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Indicator {self.code}>"


class SetLevel(db.Model):
    """A level of an indicator as its set defines it: what the evidence must show and its points.
    A cycle copies these when it first needs them (IndicatorLevel), so the set can be corrected
    before a cycle uses it without moving any cycle's scores."""

    __tablename__ = "maturity_set_level"
    __table_args__ = (
        UniqueConstraint("indicator_id", "level", name="one_set_level_number"),
        CheckConstraint("level >= 1", name="set_level_positive"),
        CheckConstraint("points >= 0", name="set_points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("maturity_indicator.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = typed_text(1000, default="")
    points: Mapped[int] = mapped_column(Integer)

    indicator: Mapped[Indicator] = relationship(back_populates="set_levels")


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


class VerifiedClaim:
    """What every claim holds beside its level and evidence: who claimed it when, and the
    verification (status, verified level, the points then, who, why, when). The verified
    points are a snapshot: later level edits never change them."""

    claimed_level: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = typed_text(2000, default="")
    claimant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    verified_level: Mapped[Optional[int]] = mapped_column(Integer)
    verified_points: Mapped[Optional[int]] = mapped_column(Integer)
    verifier_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = typed_text(2000, default="")
    verified_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    @declared_attr
    def claimant(cls) -> Mapped[User]:
        return relationship(foreign_keys=lambda: [cls.claimant_id])

    @declared_attr
    def verifier(cls) -> Mapped[Optional[User]]:
        return relationship(foreign_keys=lambda: [cls.verifier_id])

    @property
    def verified(self) -> bool:
        return self.status in VERIFIED_STATUSES


class Claim(VerifiedClaim, db.Model):
    """An agency's claimed level on one indicator for one innovation, with its evidence
    (an attachment of the proposal) and verification."""

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
    attachment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("attachment.id"), index=True)
    # Set by an admin: this verified evidence may appear on the public innovation page.
    public: Mapped[bool] = mapped_column(Boolean, default=False)

    proposal: Mapped[Proposal] = relationship()
    indicator: Mapped[Indicator] = relationship()
    attachment: Mapped[Optional[Attachment]] = relationship()

    def __repr__(self) -> str:
        return f"<Claim {self.proposal_id}/{self.indicator_id} {self.status}>"


class RegionClaim(VerifiedClaim, db.Model):
    """Bappeda's claimed level on one region indicator in one cycle, with its evidence file,
    verified by a second admin (never the claimant). The file is checked and stored like an
    attachment; its columns live here since region evidence belongs to no proposal."""

    __tablename__ = "maturity_region_claim"
    __table_args__ = (
        UniqueConstraint("cycle_id", "indicator_id", name="one_region_claim_per_indicator"),
        enum_check("status", CLAIM_STATUSES, "region_status"),
        CheckConstraint("claimed_level >= 1", name="region_claimed_level_positive"),
        CheckConstraint("verified_level IS NULL OR verified_level <= claimed_level",
                        name="region_verified_not_above_claim"),
        CheckConstraint("verifier_id IS NULL OR verifier_id <> claimant_id", name="verified_by_a_second_admin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("maturity_indicator.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    cycle: Mapped[Cycle] = relationship()
    indicator: Mapped[Indicator] = relationship()

    def __repr__(self) -> str:
        return f"<RegionClaim {self.cycle_id}/{self.indicator_id} {self.status}>"
