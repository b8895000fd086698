"""An innovation's life after approval (DESIGN §8): the result indicators its agency
commits to, and the yearly report of each later cycle with each indicator's actual value."""
from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.models._types import UTCDateTime, enum_check, typed_text, utcnow
from app.models.core import Cycle, User
from app.models.proposals import Attachment, Proposal

# Which way is better for an indicator: more (residents served) or less (days to a permit).
DIRECTIONS = ("up", "down")
REPORT_STATUSES = ("continuing", "developed", "stopped")
# Still in use that year: what the leaderboard's 2 points count (DESIGN §8) and what the
# national index counts as an innovation in use.
IN_USE_REPORT_STATUSES = ("continuing", "developed")
# The report that must say why.
REASON_REQUIRED_REPORT_STATUSES = ("stopped",)
MAX_RESULT_INDICATORS = 5
# The largest magnitude an indicator's baseline, target or actual value may have: far above a
# count of residents a month or days to a permit, and well inside a float's exact integers.
MAX_RESULT_VALUE = 1_000_000_000


class ResultIndicator(db.Model):
    """One measurable result an agency commits to for its innovation (indikator hasil)."""

    __tablename__ = "result_indicator"
    __table_args__ = (
        enum_check("direction", DIRECTIONS, "direction"),
        CheckConstraint(f"baseline BETWEEN -{MAX_RESULT_VALUE} AND {MAX_RESULT_VALUE}", name="baseline_range"),
        CheckConstraint(f"target BETWEEN -{MAX_RESULT_VALUE} AND {MAX_RESULT_VALUE}", name="target_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    name: Mapped[str] = typed_text(200)
    unit: Mapped[str] = typed_text(60)
    baseline: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(10), default="up")
    position: Mapped[int] = mapped_column(Integer, default=0)  # the order the agency listed them in
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic lock: an edit or a delete read at an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    proposal: Mapped[Proposal] = relationship()

    def __repr__(self) -> str:
        return f"<ResultIndicator {self.proposal_id}/{self.name!r}>"


class YearlyReport(db.Model):
    """An innovation's report for one later cycle (laporan tahunan): still in use, developed
    further, or stopped and why. One per innovation per cycle; editable until the cycle closes."""

    __tablename__ = "yearly_report"
    __table_args__ = (
        UniqueConstraint("proposal_id", "cycle_id", name="one_report_per_cycle"),
        enum_check("status", REPORT_STATUSES, "status"),
        CheckConstraint("status <> 'stopped' OR length(reason) > 0", name="stopped_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = typed_text(2000, default="")  # why it stopped; what was developed
    attachment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("attachment.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic lock, as on proposals: an edit read at an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    proposal: Mapped[Proposal] = relationship()
    cycle: Mapped[Cycle] = relationship()
    attachment: Mapped[Optional[Attachment]] = relationship()
    reporter: Mapped[User] = relationship()
    values: Mapped[list["ReportValue"]] = relationship(back_populates="report", cascade="all, delete-orphan")

    @property
    def in_use(self) -> bool:
        return self.status in IN_USE_REPORT_STATUSES

    @property
    def actuals(self) -> dict[int, float]:
        """The actual value reported for each indicator, by indicator id."""
        return {value.indicator_id: value.actual for value in self.values}

    def __repr__(self) -> str:
        return f"<YearlyReport {self.proposal_id}/{self.cycle_id} {self.status}>"


class ReportValue(db.Model):
    """The actual value of one result indicator in one yearly report."""

    __tablename__ = "report_value"
    __table_args__ = (
        UniqueConstraint("report_id", "indicator_id", name="one_value_per_indicator"),
        CheckConstraint(f"actual BETWEEN -{MAX_RESULT_VALUE} AND {MAX_RESULT_VALUE}", name="actual_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("yearly_report.id"), index=True)
    # No cascade from the indicator: an indicator with reported values is kept (the
    # services refuse to delete it), so a year's history is never lost.
    indicator_id: Mapped[int] = mapped_column(ForeignKey("result_indicator.id"), index=True)
    actual: Mapped[float] = mapped_column(Float)

    report: Mapped[YearlyReport] = relationship(back_populates="values")
    indicator: Mapped[ResultIndicator] = relationship()
