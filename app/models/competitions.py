"""Competitions (lomba) within a cycle (DESIGN §10): their tracks, the proposals entered,
the reviewers assigned to each entry, and the judge's final ranking."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, UniqueConstraint, exists, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.core.extensions import db
from app.models._types import UTCDateTime, typed_text, utcnow
from app.models.core import Cycle, User
from app.models.proposals import Proposal
from app.models.reviews import Rubric

MAX_TRACKS = 10


class Competition(db.Model):
    """A contest of one cycle, judged on one rubric version, in one or more tracks."""

    __tablename__ = "competition"
    __table_args__ = (
        UniqueConstraint("cycle_id", "name", name="one_name_per_cycle"),
        CheckConstraint("review_deadline >= entry_deadline", name="review_after_entry"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    name: Mapped[str] = typed_text(200)
    description: Mapped[str] = typed_text(2000, default="")
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id"), index=True)
    entry_deadline: Mapped[date] = mapped_column(Date)
    review_deadline: Mapped[date] = mapped_column(Date)
    # Reviewers of this competition do not see who entered (DESIGN §1's blind review, per contest).
    blind_review: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the judge's ranking and winners are public (the showcase marks the winners).
    results_published: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship()
    rubric: Mapped[Rubric] = relationship()
    tracks: Mapped[list["CompetitionTrack"]] = relationship(
        back_populates="competition", order_by="CompetitionTrack.position", cascade="all, delete-orphan")

    def accepts_entries(self, today: date) -> bool:
        return not self.cycle.closed and today <= self.entry_deadline


class CompetitionTrack(db.Model):
    """A track (kategori) of a competition: opd, sekolah, puskesmas, masyarakat..."""

    __tablename__ = "competition_track"
    __table_args__ = (UniqueConstraint("competition_id", "code", name="one_code_per_competition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = typed_text(40)
    name: Mapped[str] = typed_text(120)
    position: Mapped[int] = mapped_column(Integer, default=0)

    competition: Mapped[Competition] = relationship(back_populates="tracks")


class CompetitionEntry(db.Model):
    """A proposal entered in a competition's track; a proposal enters one competition."""

    __tablename__ = "competition_entry"
    __table_args__ = (
        UniqueConstraint("proposal_id", name="one_competition_per_proposal"),
        CheckConstraint("final_rank IS NULL OR final_rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competition.id"), index=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("competition_track.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    entered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The judge's decision, apart from the reviewers' scores (DESIGN §10).
    final_rank: Mapped[Optional[int]] = mapped_column(Integer)
    winner: Mapped[bool] = mapped_column(Boolean, default=False)
    judge_note: Mapped[str] = typed_text(2000, default="")

    competition: Mapped[Competition] = relationship()
    track: Mapped[CompetitionTrack] = relationship()
    proposal: Mapped[Proposal] = relationship()
    assignments: Mapped[list["ReviewAssignment"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="ReviewAssignment.id")


class ReviewAssignment(db.Model):
    """A reviewer the admin assigned to an entry; at most once per entry."""

    __tablename__ = "review_assignment"
    __table_args__ = (UniqueConstraint("entry_id", "reviewer_id", name="one_assignment_per_reviewer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("competition_entry.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    assigned_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entry: Mapped[CompetitionEntry] = relationship(back_populates="assignments")
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])


# Blind review per competition (DESIGN §10): whether the proposal is entered in a competition
# whose reviewers must not see who entered it. A column of every Proposal loaded (a correlated
# EXISTS), so lists ask no extra query per row and SQL filters can use it as well.
Proposal.in_blind_competition = column_property(
    exists(select(CompetitionEntry.id).join(Competition, Competition.id == CompetitionEntry.competition_id)
           .where(CompetitionEntry.proposal_id == Proposal.id, Competition.blind_review.is_(True))
           .correlate_except(CompetitionEntry, Competition)),
    deferred=False)
