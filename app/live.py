"""Change counters behind the ETags of live pages (the leaderboard)."""
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ChangeCounter
from app.models._types import utcnow

LEADERBOARD = "leaderboard"


def touch(name: str = LEADERBOARD) -> None:
    """Bump a counter in the caller's transaction (an atomic UPDATE, no read first)."""
    result = db.session.execute(
        update(ChangeCounter).where(ChangeCounter.name == name)
        .values(value=ChangeCounter.value + 1, changed_at=utcnow())
    )
    if result.rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(ChangeCounter(name=name, value=1, changed_at=utcnow()))
        except IntegrityError:  # another request created it meanwhile
            touch(name)


def current(name: str = LEADERBOARD) -> int:
    return db.session.scalar(select(ChangeCounter.value).where(ChangeCounter.name == name)) or 0
