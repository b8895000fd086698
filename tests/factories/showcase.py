"""Published innovations, as the showcase and the leaderboard show them."""
from datetime import datetime, timezone

from app.models._types import utcnow
from tests.factories.proposals import proposal
from tests.factories.reviews import status_change


def published(agency_=None, status: str = "approved", published_at: datetime | None = None, **fields):
    """An approved (or implemented) innovation on the showcase, with its milestones."""
    obj = proposal(agency_=agency_, status=status, published=True,
                   published_at=published_at or datetime.now(timezone.utc), submitted_at=utcnow(), **fields)
    status_change(obj, "submitted", "draft")
    status_change(obj, "approved", "submitted")
    if status == "implemented":
        status_change(obj, "implemented", "approved")
    return obj
