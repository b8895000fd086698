"""Lab events, their registrations and signed declarations."""
import itertools
from datetime import datetime, timedelta, timezone

from app.core.extensions import db
from app.models import Event, Registration, Signature, User

_counter = itertools.count(1)


def event(days_ahead: float = 7, hours: float = 3, **fields) -> Event:
    """An event `days_ahead` days from now (negative: in the past), public and open by default."""
    n = next(_counter)
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=days_ahead)
    values = dict(
        title=f"Lokakarya Uji {n}", kind="diagnose", starts_at=starts, ends_at=starts + timedelta(hours=hours),
        place="Aula Bappeda Litbang", capacity=None, description="Lokakarya untuk perangkat daerah.",
        is_public=True, registration_open=True, declaration_text="", sequence=0,
    )
    values.update(fields)
    obj = Event(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def registration(event_: Event, user: User, status: str = "registered", queue_number: int | None = None) -> Registration:
    if queue_number is None:
        queue_number = len(event_.registrations) + 1
    obj = Registration(event=event_, user=user, status=status, queue_number=queue_number)
    db.session.add(obj)
    db.session.flush()
    return obj


def signature(event_: Event, user: User) -> Signature:
    obj = Signature(event_id=event_.id, user_id=user.id, signer_name=user.name,
                    agency_name=user.agency.name if user.agency else "")
    db.session.add(obj)
    db.session.flush()
    return obj
