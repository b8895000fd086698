"""Innovation proposals (usulan inovasi) and what hangs on them."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import (
    Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, SmallInteger, String, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.extensions import db
from app.models._types import UTCDateTime, enum_check, typed_text, utcnow
from app.models.core import Agency, Cycle, User

MATURITIES = ("inisiatif", "uji_coba", "penerapan")
INITIATORS = ("kepala_daerah", "dprd", "opd", "asn", "masyarakat")
INNOVATION_TYPES = ("digital", "non_digital")
FORMS = ("pelayanan_publik", "tata_kelola", "lainnya")
LAB_STAGES = ("drum_up", "diagnose", "design", "deliver", "display")
STATUSES = (
    "draft",
    "submitted",
    "in_review",
    "revision_requested",
    "approved",
    "rejected",
    "implemented",
    "withdrawn",
)
# Status groups. Each rule about statuses has its one name here; code imports it from
# app.models and templates read it as a global of the same name (app.web.templating).
#
# Submitted: reached through submission, so neither a draft nor withdrawn. The leaderboard
# counts these (DESIGN §3), and so does an agency's progress to its target.
SUBMITTED_STATUSES = ("submitted", "in_review", "revision_requested", "approved", "rejected", "implemented")
# Under review: submitted and not decided yet. Only now do reviewers score and declare conflicts.
IN_REVIEW_STATUSES = ("submitted", "in_review")
# Decided: where an admin's decision moves a proposal (approve, request revision, reject,
# mark implemented). From then on blind review no longer hides who proposed it.
DECIDED_STATUSES = ("revision_requested", "approved", "rejected", "implemented")
# The decisions that must say why: what to revise, or why it was rejected.
NOTE_REQUIRED_STATUSES = ("revision_requested", "rejected")
# Approved, whether or not it has been implemented since (that comes after approval). The
# leaderboard's "approved", and what an admin may publish. So the showcase (approved and
# published) and the national index's evidence hold these too: they are the same rule.
APPROVED_STATUSES = ("approved", "implemented")
# DESIGN §2: votes go to proposals that are submitted, in review, approved or implemented.
VOTABLE_STATUSES = ("submitted", "in_review", "approved", "implemented")
# The agency's turn to write: a draft, or a proposal sent back for revision.
EDITABLE_STATUSES = ("draft", "revision_requested")
# Ended without an innovation. No more evidence is added to these.
ENDED_STATUSES = ("rejected", "withdrawn")
# What another agency may copy: any submitted proposal that has not ended.
REPLICABLE_STATUSES = tuple(status for status in SUBMITTED_STATUSES if status not in ENDED_STATUSES)
# What its agency may enter in a competition (DESIGN §10): likewise submitted and not ended.
COMPETING_STATUSES = REPLICABLE_STATUSES
# The moves of a published innovation that its public timeline shows.
PUBLIC_MILESTONES = ("submitted", "approved", "implemented")

# The national competitions' fields (DESIGN §10). The 17 Sustainable Development Goals by
# number; their names are data (app/data/sdg_goals.csv, read by app.core.sdgs).
SDG_GOALS = tuple(range(1, 18))
# The innovation team: a competition entry names a handful of people, twenty is plenty.
MAX_TEAM_MEMBERS = 20
# What an attachment is: evidence of the innovation, or the decree (SK) naming its team.
ATTACHMENT_KINDS = ("evidence", "team_decree")


class Proposal(db.Model):
    """One innovation, with the fields of the national innovation profile."""

    __tablename__ = "proposal"
    __table_args__ = (
        enum_check("status", STATUSES, "status"),
        enum_check("lab_stage", LAB_STAGES, "lab_stage"),
        enum_check("maturity", MATURITIES, "maturity"),
        enum_check("initiator", INITIATORS, "initiator"),
        enum_check("innovation_type", INNOVATION_TYPES, "innovation_type"),
        enum_check("form", FORMS, "form"),
        # A link people follow from the page: the web's own schemes only, never javascript: or data:
        # (the forms and services say why; the check holds for whatever bypasses them).
        CheckConstraint("video_url = '' OR substr(video_url, 1, 7) = 'http://' OR substr(video_url, 1, 8) = 'https://'",
                        name="video_url_scheme"),
        # The showcase: public rows newest publication first, and its ETag's
        # count/max read from the index alone (no scan of the wide rows).
        Index("ix_proposal_showcase", "published", "published_at", "status", "updated_at"),
        # The leaderboard's per-agency counts of one cycle.
        Index("ix_proposal_cycle_status_agency", "cycle_id", "status", "agency_id"),
        # Covers the list's visibility rule (permissions.visible_to), so counting
        # what a person may see reads the index alone, not every row.
        Index("ix_proposal_visibility", "agency_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)

    # Limits far above what a real profile holds: the summary is at most 200
    # words by design, a rancang bangun of a few thousand words is long.
    title: Mapped[str] = typed_text(200)
    summary: Mapped[str] = typed_text(4000, default="")
    problem: Mapped[str] = typed_text(20000, default="")
    design: Mapped[str] = typed_text(30000, default="")  # rancang bangun
    goals: Mapped[str] = typed_text(10000, default="")
    benefits: Mapped[str] = typed_text(10000, default="")
    results: Mapped[str] = typed_text(10000, default="")
    maturity: Mapped[Optional[str]] = mapped_column(String(20))
    initiator: Mapped[Optional[str]] = mapped_column(String(20))
    innovation_type: Mapped[Optional[str]] = mapped_column(String(20), index=True)
    form: Mapped[Optional[str]] = mapped_column(String(20))
    affair: Mapped[Optional[str]] = mapped_column(String(40), index=True)
    trial_date: Mapped[Optional[date]] = mapped_column(Date)
    implementation_date: Mapped[Optional[date]] = mapped_column(Date)
    contact: Mapped[str] = typed_text(200, default="")
    # A video of the innovation (at most 3 minutes, as the national competitions ask), linked, never embedded.
    video_url: Mapped[str] = typed_text(500, default="", server_default="")
    lab_stage: Mapped[str] = mapped_column(String(20), default="drum_up", index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Optimistic lock: forms carry the version they were read at, and the
    # mapper adds "WHERE version = ?" to every UPDATE.
    version: Mapped[int] = mapped_column(Integer, default=1)
    replicates_id: Mapped[Optional[int]] = mapped_column(ForeignKey("proposal.id"), index=True)
    event_id: Mapped[Optional[int]] = mapped_column(ForeignKey("event.id"), index=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    published_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    submitted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Indexed for the list's sort orders (newest, oldest).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, index=True)

    __mapper_args__ = {"version_id_col": version}

    cycle: Mapped[Cycle] = relationship()
    agency: Mapped[Agency] = relationship()
    author: Mapped[User] = relationship()
    replicates: Mapped[Optional["Proposal"]] = relationship(remote_side=[id])
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="proposal", order_by="Attachment.created_at", cascade="all, delete-orphan"
    )
    status_changes: Mapped[list["StatusChange"]] = relationship(
        back_populates="proposal", order_by="StatusChange.created_at", cascade="all, delete-orphan"
    )
    comments: Mapped[list["Comment"]] = relationship(
        back_populates="proposal", order_by="Comment.created_at", cascade="all, delete-orphan"
    )
    sdg_links: Mapped[list["ProposalSdg"]] = relationship(
        back_populates="proposal", order_by="ProposalSdg.goal", cascade="all, delete-orphan"
    )
    team_members: Mapped[list["TeamMember"]] = relationship(
        back_populates="proposal", order_by="TeamMember.position", cascade="all, delete-orphan"
    )

    @property
    def on_showcase(self) -> bool:
        return self.published and self.status in APPROVED_STATUSES

    @property
    def sdg_goals(self) -> list[int]:
        """The numbers of the Sustainable Development Goals this innovation serves, in order."""
        return [link.goal for link in self.sdg_links]

    @property
    def team(self) -> list[tuple[str, str]]:
        """The team as (name, role) pairs, in the order they were written."""
        return [(member.name, member.role) for member in self.team_members]

    @property
    def team_decree(self) -> Optional["Attachment"]:
        """The decree (SK) naming the team: the newest attachment of that kind, or None."""
        decrees = [attachment for attachment in self.attachments if attachment.kind == "team_decree"]
        return decrees[-1] if decrees else None

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.status}>"


class Attachment(db.Model):
    """An evidence file, or the decree naming the team; stored under UPLOAD_DIR by a generated name."""

    __tablename__ = "attachment"
    __table_args__ = (enum_check("kind", ATTACHMENT_KINDS, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Checked and stored by the same rule whatever its kind (app.proposals.services.add_attachment).
    kind: Mapped[str] = mapped_column(String(20), default="evidence", server_default="evidence")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User] = relationship()


class StatusChange(db.Model):
    """One move along the status machine: who, when, from, to and why."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user_account.id"))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = typed_text(5000, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="status_changes")
    actor: Mapped[Optional[User]] = relationship()


class Comment(db.Model):
    """Internal discussion on a proposal; never public."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = typed_text(5000)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class ProposalSdg(db.Model):
    """One Sustainable Development Goal a proposal serves (DESIGN §10): one row per goal, so
    the showcase filters by goal with one indexed lookup."""

    __tablename__ = "proposal_sdg"
    __table_args__ = (
        CheckConstraint(f"goal BETWEEN {SDG_GOALS[0]} AND {SDG_GOALS[-1]}", name="goal_range"),
        # The showcase's filter: the proposals of one goal, read from the index alone.
        Index("ix_proposal_sdg_goal", "goal", "proposal_id"),
    )

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True)
    goal: Mapped[int] = mapped_column(SmallInteger, primary_key=True)

    proposal: Mapped[Proposal] = relationship(back_populates="sdg_links")


class TeamMember(db.Model):
    """One person of the innovation's team, with their role in it (DESIGN §10)."""

    __tablename__ = "team_member"
    __table_args__ = (
        UniqueConstraint("proposal_id", "position", name="one_member_per_position"),
        CheckConstraint(f"position BETWEEN 1 AND {MAX_TEAM_MEMBERS}", name="position_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = typed_text(120)
    role: Mapped[str] = typed_text(120)

    proposal: Mapped[Proposal] = relationship(back_populates="team_members")
