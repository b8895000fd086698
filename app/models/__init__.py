"""All models, importable from one place: `from app.models import Proposal`."""
from app.models.core import (
    AGENCY_KINDS, EMAIL_FREQUENCIES, ROLES, Agency, AuditEntry, ChangeCounter, Cycle, RoleChecks, User,
)
from app.models.coaching import (
    READINESS_MAX, READINESS_MIN, READINESS_QUESTIONS, ActionItem, CoachAssignment, CoachingSession, ReadinessAnswer,
    ReadinessAssessment,
)
from app.models.competitions import (
    MAX_TRACKS, Competition, CompetitionEntry, CompetitionTrack, ReviewAssignment,
)
from app.models.events import (
    ACTIVE_REGISTRATION_STATUSES, EVENT_KINDS, MAX_EVENT_IDEAS, PENDING_REGISTRATION_STATUSES, REGISTRATION_STATUSES,
    SEAT_STATUSES, Event, EventIdea, EventReport, Registration, Signature,
)
from app.models.maturity import (
    ASPECTS,
    CLAIM_STATUSES,
    VERIFIED_STATUSES,
    Claim,
    Indicator,
    IndicatorLevel,
    IndicatorSet,
    RegionClaim,
    SetLevel,
    VerifiedClaim,
)
from app.models.notifications import Notification, ReminderSent
from app.models.proposals import (
    ATTACHMENT_KINDS,
    FORMS,
    INITIATORS,
    INNOVATION_TYPES,
    LAB_STAGES,
    MATURITIES,
    MAX_TEAM_MEMBERS,
    SDG_GOALS,
    APPROVED_STATUSES,
    DECIDED_STATUSES,
    EDITABLE_STATUSES,
    ENDED_STATUSES,
    IN_REVIEW_STATUSES,
    NOTE_REQUIRED_STATUSES,
    PUBLIC_MILESTONES,
    REPLICABLE_STATUSES,
    COMPETING_STATUSES,
    STATUSES,
    SUBMITTED_STATUSES,
    VOTABLE_STATUSES,
    Attachment,
    Comment,
    Proposal,
    ProposalSdg,
    StatusChange,
    TeamMember,
)
from app.models.plans import (
    MAX_MILESTONES, MILESTONE_YEARS_AHEAD, MILESTONE_YEARS_BACK, PLAN_STAGES, Milestone,
)
from app.models.results import (
    DIRECTIONS, IN_USE_REPORT_STATUSES, MAX_RESULT_INDICATORS, MAX_RESULT_VALUE, REASON_REQUIRED_REPORT_STATUSES,
    REPORT_STATUSES, ReportValue, ResultIndicator, YearlyReport,
)
from app.models.reviews import (
    RECOMMENDATIONS, ConflictDeclaration, Review, ReviewScore, Rubric, RubricCriterion, Vote, vote_count_query, vote_counts,
)

__all__ = [name for name in dir() if not name.startswith("_")]
