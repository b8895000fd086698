"""The change counter behind the ETags and page caches of the public pages.

Every write that changes what the leaderboard or the showcase shows bumps it
(votes, decisions, publishing, edits, agencies, cycles, maturity). It lives in
the database, so every app server behind the load balancer sees the same
version at once.
"""
import threading
import weakref

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine
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


# The version read, in each driver's parameter style. It is the one query of
# a poll answered 304 and of a shared public page, so it runs on a connection
# kept for it in autocommit mode (one round trip, no BEGIN and ROLLBACK
# around it) and straight through the driver, without SQLAlchemy's statement
# and result machinery.
_VERSION_SQL = {
    "postgresql": "SELECT value, changed_at FROM change_counter WHERE name = %s",
    "sqlite": "SELECT value, changed_at FROM change_counter WHERE name = ?",
}

# Per engine, per thread: the pooled connection kept for version reads.
_READERS: "weakref.WeakKeyDictionary[Engine, threading.local]" = weakref.WeakKeyDictionary()
_READERS_LOCK = threading.Lock()


# A connection to read the version on in place of the kept reader (see read_version_on).
_read_on: Connection | None = None


def read_version_on(connection: Connection | None) -> None:
    """Read the data version on `connection`, inside its transaction, from now on (None: on the
    kept autocommit reader again). For the tests, which run each test in one transaction that
    is rolled back at its end: only that transaction's connection sees the test's rows."""
    global _read_on
    _read_on = connection


def _fetch_version_row(dbapi_connection, sql: str, name: str):
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(sql, (name,))
        return cursor.fetchone()
    finally:
        cursor.close()


def _reader(engine: Engine) -> threading.local:
    with _READERS_LOCK:
        reader = _READERS.get(engine)
        if reader is None:
            reader = _READERS[engine] = threading.local()
        return reader


def _read_version_row(engine: Engine, name: str):
    sql = _VERSION_SQL[engine.dialect.name]  # Apusida runs on these two (DESIGN §6)
    if _read_on is not None:
        return _fetch_version_row(_read_on.connection, sql, name)
    reader = _reader(engine)
    for attempt in (1, 2):
        connection = getattr(reader, "connection", None)
        if connection is None:
            # Made lazily, so each worker process (after gunicorn's fork) and thread has its own.
            connection = engine.raw_connection()
            driver = connection.driver_connection
            if engine.dialect.name == "postgresql":
                driver.autocommit = True
            else:
                driver.isolation_level = None  # sqlite3: no implicit transactions
            reader.connection = connection
        try:
            return _fetch_version_row(connection, sql, name)
        except engine.dialect.loaded_dbapi.Error:
            # A broken connection (say, the database restarted): drop it and try once more.
            reader.connection = None
            connection.invalidate()
            if attempt == 2:
                raise
    return None


def version(name: str = LEADERBOARD, engine: Engine | None = None) -> str:
    """The data version of the public pages, from one primary-key read.

    The time of the last change is part of it: a restored backup or a
    re-created database starts the count again, but not at the same moment.
    """
    row = _read_version_row(engine or db.engine, name)
    if row is None:
        return "0"
    value, changed_at = row
    return f"{value}@{changed_at}"
