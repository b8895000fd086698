"""The change counter behind the ETags and page caches of the public pages.

Every write that changes what the leaderboard or the showcase shows bumps it
(votes, decisions, publishing, edits, agencies, cycles, maturity). It lives in
the database, so every app server behind the load balancer sees the same
version at once.
"""
import weakref

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ChangeCounter
from app.models._types import utcnow

LEADERBOARD = "leaderboard"  # the name of the counter of all public data (kept from when only the board used it)


def touch(name: str = LEADERBOARD) -> None:
    """Bump a counter in the caller's transaction (an atomic UPDATE, no read first)."""
    db.session.info["live_touched"] = True  # lets the test set-up tell service writes from its own
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


# Built once: a poll answered 304 does little else than run this statement.
_counter = ChangeCounter.__table__.c
_VERSION = select(_counter.value, _counter.changed_at).where(_counter.name == bindparam("name"))


_AUTOCOMMIT_ENGINES: "weakref.WeakKeyDictionary[Engine, Engine]" = weakref.WeakKeyDictionary()


def _autocommit(engine: Engine) -> Engine:
    """The engine in autocommit mode, sharing its pool (made once per engine)."""
    derived = _AUTOCOMMIT_ENGINES.get(engine)
    if derived is None:
        derived = _AUTOCOMMIT_ENGINES[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return derived


def version(name: str = LEADERBOARD, engine: Engine | None = None) -> str:
    """The data version of the public pages, from one primary-key read.

    The time of the last change is part of it: a restored backup or a
    re-created database starts the count again, but not at the same moment.
    """
    # A connection of its own in autocommit mode: one round trip, no BEGIN and
    # ROLLBACK around it, which is all a poll answered 304 needs from the database.
    with _autocommit(engine or db.engine).connect() as connection:
        row = connection.execute(_VERSION, {"name": name}).first()
    if row is None:
        return "0"
    value, changed_at = row
    return f"{value}@{changed_at.timestamp() if changed_at else 0}"
