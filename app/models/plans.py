"""A proposal's action plan (DESIGN §11, the Design stage of the lab's method): its milestones,
each with what is to be done, when it is due, when it was done and by whom, and its evidence."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.models._types import UTCDateTime, typed_text, utcnow
from app.models.core import User
from app.models.proposals import Attachment, Proposal

# The lab stages from which a proposal has an action plan: it is written at Design and
# followed through Deliver and Display.
PLAN_STAGES = ("design", "deliver", "display")
MAX_MILESTONES = 20
# A milestone's due date lies within this many years before and after today: a plan is about
# the next few years, and a date outside is a slip of the keyboard (2204 for 2024).
MILESTONE_YEARS_BACK = 2
MILESTONE_YEARS_AHEAD = 5


class Milestone(db.Model):
    """One step of a proposal's action plan (tonggak rencana aksi)."""

    __tablename__ = "milestone"
    __table_args__ = (
        # Done means a day and a person, together; open means neither.
        CheckConstraint("(done_on IS NULL) = (done_by_id IS NULL)", name="done_whole"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = typed_text(200)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_on: Mapped[Optional[date]] = mapped_column(Date)
    done_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    # Its evidence: one attachment of the proposal (chosen from them, or uploaded for it).
    attachment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("attachment.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic lock: an edit, a mark or a delete read at an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    proposal: Mapped[Proposal] = relationship()
    done_by: Mapped[Optional[User]] = relationship()
    attachment: Mapped[Optional[Attachment]] = relationship()

    @property
    def done(self) -> bool:
        return self.done_on is not None

    def overdue(self, today: date) -> bool:
        """Open and due before `today`."""
        return self.done_on is None and self.due_on < today

    def __repr__(self) -> str:
        return f"<Milestone {self.proposal_id}/{self.what!r}>"
