"""Rubric reviews, declared conflicts and votes (dukungan)."""
from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models._types import UTCDateTime, enum_check, typed_text, utcnow
from app.models.core import User
from app.models.proposals import Proposal

# KIPP 2023 rubric: criterion code -> weight. Weighted score = sum(w * s) / 5.
RUBRIC = {
    "background": 10,
    "novelty": 15,
    "implementation": 5,
    "significance": 30,
    "adaptability": 20,
    "resources": 5,
    "sustainability": 15,
}
RECOMMENDATIONS = ("approve", "revise", "reject")


def _score_check(name: str) -> CheckConstraint:
    return CheckConstraint(f"score_{name} BETWEEN 1 AND 5", name=f"score_{name}_range")


class Review(db.Model):
    """One reviewer's rubric scores for one proposal."""

    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("proposal_id", "reviewer_id"),
        enum_check("recommendation", RECOMMENDATIONS, "recommendation"),
        *(_score_check(name) for name in RUBRIC),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    score_background: Mapped[int] = mapped_column(SmallInteger)
    score_novelty: Mapped[int] = mapped_column(SmallInteger)
    score_implementation: Mapped[int] = mapped_column(SmallInteger)
    score_significance: Mapped[int] = mapped_column(SmallInteger)
    score_adaptability: Mapped[int] = mapped_column(SmallInteger)
    score_resources: Mapped[int] = mapped_column(SmallInteger)
    score_sustainability: Mapped[int] = mapped_column(SmallInteger)
    recommendation: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = typed_text(5000, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    proposal: Mapped[Proposal] = relationship()
    reviewer: Mapped[User] = relationship()

    @property
    def weighted_score(self) -> float:
        """From 20 (all ones) to 100 (all fives)."""
        return sum(weight * getattr(self, f"score_{name}") for name, weight in RUBRIC.items()) / 5


class ConflictDeclaration(db.Model):
    """A reviewer's statement that they should not review a proposal."""

    __tablename__ = "conflict_declaration"
    __table_args__ = (UniqueConstraint("proposal_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str] = typed_text(1000, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Vote(db.Model):
    """One person's support for one proposal; the unique pair keeps counts exact."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[Optional[User]] = relationship()
