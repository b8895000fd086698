"""All models, importable from one place: `from app.models import Proposal`."""
from app.models.core import AGENCY_KINDS, ROLES, Agency, AuditEntry, ChangeCounter, Cycle, RoleChecks, User
from app.models.events import EVENT_KINDS, REGISTRATION_STATUSES, Event, Registration, Signature
from app.models.maturity import CLAIM_STATUSES, VERIFIED_STATUSES, Claim, Indicator, IndicatorLevel
from app.models.notifications import Notification
from app.models.proposals import (
    FORMS,
    INITIATORS,
    INNOVATION_TYPES,
    LAB_STAGES,
    MATURITIES,
    SHOWCASE_STATUSES,
    STATUSES,
    SUBMITTED_STATUSES,
    VOTABLE_STATUSES,
    Attachment,
    Comment,
    Proposal,
    StatusChange,
)
from app.models.reviews import RECOMMENDATIONS, RUBRIC, ConflictDeclaration, Review, Vote

__all__ = [name for name in dir() if not name.startswith("_")]
