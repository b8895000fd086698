"""Rubric reviews, declared conflicts and votes (dukungan)."""
from datetime import datetime
from typing import Optional

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    SmallInteger,
    String,
    UniqueConstraint,
    cast,
    func,
    select,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
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


def rubric_score(scores):
    """DESIGN §2's weighted score of {criterion: score}: Σ weight × score / 5, from 20 (every
    score 1) to 100 (every score 5). The one formula: Review.weighted_score applies it to a
    review's numbers in Python and to its columns in SQL."""
    return sum(weight * scores[name] for name, weight in RUBRIC.items()) / 5


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

    @hybrid_property
    def weighted_score(self) -> float:
        """The rubric score of this review, from 20 (all ones) to 100 (all fives); in a query,
        the same as a SQL expression (`func.avg(Review.weighted_score)`)."""
        return rubric_score({name: getattr(self, f"score_{name}") for name in RUBRIC})

    @weighted_score.inplace.expression
    @classmethod
    def _weighted_score_expression(cls):
        # Floats, as Python's "/" gives: an integer division would floor on SQLite and PostgreSQL.
        return rubric_score({name: cast(getattr(cls, f"score_{name}"), Float) for name in RUBRIC})


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


def vote_count_query(*where, per=Vote.proposal_id):
    """The one vote count (DESIGN §2: counted from the rows, never kept in a counter column):
    SELECT per, votes FROM vote GROUP BY per, narrowed by `where`. Per proposal by default
    (a proposal without votes has no row); the board counts per agency (`per=Proposal.agency_id`,
    joining Proposal).

    Grouped on purpose: joined as a subquery, the board, a report or the open data count all
    their proposals in one pass over the votes. A correlated count per proposal reads the
    vote table's pages once per proposal (six times slower on PostgreSQL at 200,000 votes)."""
    return select(per, func.count(Vote.id).label("votes")).select_from(Vote).where(*where).group_by(per)


def vote_counts(proposal_ids) -> dict[int, int]:
    """{proposal id: votes} for one proposal or a page of them (0 for none), in one query."""
    counts = dict.fromkeys(proposal_ids, 0)
    if counts:
        counts.update(db.session.execute(vote_count_query(Vote.proposal_id.in_(list(counts)))).all())
    return counts
