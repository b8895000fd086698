"""Pooled database connections: tested when they come back from being idle.

SQLAlchemy's pool_pre_ping tests every connection on every checkout, which
costs a round trip on every request (a quarter to half a millisecond to
PostgreSQL here, on a page answered in one or two). A connection used a
moment ago is alive; one that sat idle may have been cut by a database
restart or a firewall. So only a connection idle for longer than
IDLE_SECONDS is tested, and a dead one is swapped for a fresh one before the
request sees it (SQLAlchemy's "custom pessimistic ping" recipe). A restart
under steady traffic is still caught: the first error on a dead connection
makes SQLAlchemy discard the whole pool.
"""
import time

from sqlalchemy import event, exc
from sqlalchemy.pool import Pool

IDLE_SECONDS = 10


@event.listens_for(Pool, "checkin")
def _note_return_time(dbapi_connection, connection_record):
    connection_record.info["returned_at"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _test_connection_after_idling(dbapi_connection, connection_record, connection_proxy):
    returned_at = connection_record.info.get("returned_at")
    if returned_at is None or time.monotonic() - returned_at < IDLE_SECONDS:
        return  # new, or in use a moment ago
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()  # end the transaction the test may have begun
    except Exception as error:
        # The pool drops this connection and checks out another.
        raise exc.DisconnectionError() from error
