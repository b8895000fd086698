"""Rubrics (versioned data), reviews scored on them, declared conflicts and votes (dukungan)."""
from datetime import datetime
from typing import Optional

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.models._types import UTCDateTime, enum_check, typed_text, utcnow
from app.models.core import User
from app.models.proposals import Proposal

RECOMMENDATIONS = ("approve", "revise", "reject")
SCORE_MIN, SCORE_MAX = 1, 5  # every criterion of every rubric is scored on this scale
# A weighted score runs from 20 (every criterion 1) to 100 (every criterion 5), on any rubric.
WEIGHTED_MIN, WEIGHTED_MAX = 20, 100


def _locale_is_english() -> bool:
    from flask_babel import get_locale

    locale = get_locale()
    return bool(locale and locale.language == "en")


class Rubric(db.Model):
    """One version of a scoring rubric (DESIGN §10). A version that scored a review is never
    changed: a new weighting is a new version, so a score once given stays what it was."""

    __tablename__ = "rubric"
    __table_args__ = (
        UniqueConstraint("code", "version", name="one_rubric_per_code_and_version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = typed_text(40)
    version: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = typed_text(200)
    name_en: Mapped[str] = typed_text(200, default="")
    source: Mapped[str] = typed_text(300, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criteria: Mapped[list["RubricCriterion"]] = relationship(
        back_populates="rubric", order_by="RubricCriterion.position", cascade="all, delete-orphan",
        lazy="selectin")

    @property
    def title(self) -> str:
        """The name in the reader's language (English when chosen and given)."""
        return self.name_en if self.name_en and _locale_is_english() else self.name

    @property
    def weights(self) -> dict[str, int]:
        return {criterion.code: criterion.weight for criterion in self.criteria}

    def weighted(self, scores: dict[str, int]) -> float:
        """DESIGN §10's score of {criterion code: 1–5}: Σ weight × score / 5, scaled so that
        every score 1 gives 20 and every score 5 gives 100 (with weights summing to 100, as
        KIPP's do, exactly Σ weight × score / 5). The one formula of every review score."""
        weights = self.weights
        return sum(weight * scores[code] for code, weight in weights.items()) * WEIGHTED_MAX / (SCORE_MAX * sum(weights.values()))


class RubricCriterion(db.Model):
    """A criterion of a rubric version: code, label, weight and guidance for the reviewer."""

    __tablename__ = "rubric_criterion"
    __table_args__ = (
        UniqueConstraint("rubric_id", "code", name="one_code_per_rubric"),
        CheckConstraint("weight > 0", name="weight_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = typed_text(40)
    label: Mapped[str] = typed_text(200)
    label_en: Mapped[str] = typed_text(200, default="")
    weight: Mapped[int] = mapped_column(Integer)
    guidance: Mapped[str] = typed_text(1000, default="")
    guidance_en: Mapped[str] = typed_text(1000, default="")

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")

    @property
    def text(self) -> str:
        return self.label_en if self.label_en and _locale_is_english() else self.label

    @property
    def hint(self) -> str:
        return self.guidance_en if self.guidance_en and _locale_is_english() else self.guidance


class Review(db.Model):
    """One reviewer's scores for one proposal, on the rubric version it was scored with.

    `weighted_score` is stored when the scores are saved, by that version's formula
    (Rubric.weighted): the version never changes once used, so neither does the score, and
    a board averages a column instead of recomputing every review's criteria."""

    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("proposal_id", "reviewer_id"),
        enum_check("recommendation", RECOMMENDATIONS, "recommendation"),
        CheckConstraint(f"weighted_score BETWEEN {WEIGHTED_MIN} AND {WEIGHTED_MAX}", name="weighted_score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id"), index=True)
    weighted_score: Mapped[float] = mapped_column(Float)
    recommendation: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = typed_text(5000, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    proposal: Mapped[Proposal] = relationship()
    reviewer: Mapped[User] = relationship()
    rubric: Mapped[Rubric] = relationship()
    criterion_scores: Mapped[list["ReviewScore"]] = relationship(
        back_populates="review", cascade="all, delete-orphan", lazy="selectin")

    @property
    def scores(self) -> dict[str, int]:
        """{criterion code: 1–5} of this review."""
        return {item.criterion.code: item.score for item in self.criterion_scores}

    def set_scores(self, rubric: Rubric, scores: dict[str, int]) -> None:
        """Score on `rubric` (every criterion, 1–5: the caller validated) and store the
        weighted score by its formula; the rubric is the review's from now on."""
        self.rubric = rubric
        by_code = {item.criterion.code: item for item in self.criterion_scores
                   if item.criterion.rubric_id == rubric.id}
        self.criterion_scores = [
            by_code[c.code] if c.code in by_code else ReviewScore(criterion=c, score=scores[c.code])
            for c in rubric.criteria]
        for item in self.criterion_scores:
            item.score = scores[item.criterion.code]
        self.weighted_score = rubric.weighted(scores)


class ReviewScore(db.Model):
    """A review's score on one criterion of its rubric."""

    __tablename__ = "review_score"
    __table_args__ = (CheckConstraint(f"score BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="score_range"),)

    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("rubric_criterion.id"), primary_key=True, index=True)
    score: Mapped[int] = mapped_column(SmallInteger)

    review: Mapped[Review] = relationship(back_populates="criterion_scores")
    criterion: Mapped[RubricCriterion] = relationship(lazy="joined")


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
