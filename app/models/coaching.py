"""The lab's coaching (DESIGN §11): a coach (pendamping) per agency and cycle, the coaching
sessions they record with their action items, and the agency's readiness self-assessment."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.models._types import UTCDateTime, enum_check, typed_text, utcnow
from app.models.core import Agency, Cycle, User
from app.models.proposals import Proposal

# The readiness questionnaire's questions, in the order asked; their words are
# app.coaching.readiness.QUESTIONS (one entry per code here).
READINESS_QUESTIONS = ("leadership", "team", "budget", "data", "partners")
READINESS_MIN, READINESS_MAX = 1, 5


class CoachAssignment(db.Model):
    """The coach of one agency in one cycle (one at most)."""

    __tablename__ = "coach_assignment"
    __table_args__ = (UniqueConstraint("cycle_id", "agency_id", name="one_coach_per_agency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    assigned_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle: Mapped[Cycle] = relationship()
    agency: Mapped[Agency] = relationship()
    coach: Mapped[User] = relationship(foreign_keys=[coach_id])

    def __repr__(self) -> str:
        return f"<CoachAssignment {self.cycle_id}/{self.agency_id} {self.coach_id}>"


session_proposal = Table(
    "coaching_session_proposal", db.metadata,
    Column("session_id", ForeignKey("coaching_session.id", ondelete="CASCADE"), primary_key=True),
    Column("proposal_id", ForeignKey("proposal.id"), primary_key=True, index=True),
)


class CoachingSession(db.Model):
    """One coaching session with an agency, recorded after it happened."""

    __tablename__ = "coaching_session"
    __table_args__ = (Index("ix_coaching_session_agency_cycle", "agency_id", "cycle_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    coach_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)  # who recorded it
    held_on: Mapped[date] = mapped_column(Date)
    notes: Mapped[str] = typed_text(4000, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cycle: Mapped[Cycle] = relationship()
    agency: Mapped[Agency] = relationship()
    coach: Mapped[User] = relationship()
    proposals: Mapped[list[Proposal]] = relationship(secondary=session_proposal, order_by=Proposal.title)
    items: Mapped[list["ActionItem"]] = relationship(back_populates="session", cascade="all, delete-orphan",
                                                     order_by="ActionItem.due_on, ActionItem.id")

    def __repr__(self) -> str:
        return f"<CoachingSession {self.agency_id} {self.held_on}>"


class ActionItem(db.Model):
    """Something to do after a session: what, who, by when, and whether it is done."""

    __tablename__ = "action_item"
    __table_args__ = (Index("ix_action_item_open", "done", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("coaching_session.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = typed_text(300)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    done_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[CoachingSession] = relationship(back_populates="items")
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])

    def overdue(self, today: date) -> bool:
        return not self.done and self.due_on < today

    def __repr__(self) -> str:
        return f"<ActionItem {self.id} {'done' if self.done else 'open'}>"


class ReadinessAssessment(db.Model):
    """An agency's readiness self-assessment (Diagnose): once per cycle, editable until it closes."""

    __tablename__ = "readiness_assessment"
    __table_args__ = (UniqueConstraint("cycle_id", "agency_id", name="one_assessment_per_cycle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    filled_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cycle: Mapped[Cycle] = relationship()
    agency: Mapped[Agency] = relationship()
    filled_by: Mapped[User] = relationship()
    answers: Mapped[list["ReadinessAnswer"]] = relationship(back_populates="assessment", cascade="all, delete-orphan")

    @property
    def by_question(self) -> dict[str, "ReadinessAnswer"]:
        return {answer.question: answer for answer in self.answers}

    @property
    def mean(self) -> float | None:
        scores = [answer.score for answer in self.answers]
        return sum(scores) / len(scores) if scores else None


class ReadinessAnswer(db.Model):
    """One question's score (1–5) and optional note in a readiness self-assessment."""

    __tablename__ = "readiness_answer"
    __table_args__ = (
        UniqueConstraint("assessment_id", "question", name="one_answer_per_question"),
        enum_check("question", READINESS_QUESTIONS, "question"),
        CheckConstraint(f"score BETWEEN {READINESS_MIN} AND {READINESS_MAX}", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("readiness_assessment.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(20))
    score: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = typed_text(500, default="")

    assessment: Mapped[ReadinessAssessment] = relationship(back_populates="answers")
