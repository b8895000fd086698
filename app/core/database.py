"""The database itself: a SQLite file is never created by connecting to it, the
migrations' head, and the health check behind /healthz.

sqlite3 creates a missing file on connect, so a mistyped DATABASE_URL or a
forgotten `db upgrade` would leave an empty database behind and fail later on
"no such table". Here every SQLite connection opens the file read-write
without creating it (an SQLite URI with mode=rw); only the explicit steps that
build a database create the file: the migrations (`flask --app wsgi db
upgrade`, migrations/env.py), `restore`, and the tests' own set-up.
"""
import logging
import os
import sqlite3
from urllib.parse import quote

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import event, exc, text
from sqlalchemy.engine import URL, Engine, make_url

from app.core.extensions import db

log = logging.getLogger(__name__)

UPGRADE_COMMAND = "flask --app wsgi db upgrade"


class MissingDatabase(sqlite3.OperationalError):
    """The configured SQLite file does not exist. A DBAPI error, so SQLAlchemy
    reports it as an OperationalError like any other failed connection."""


def missing_database_message(path: str) -> str:
    return (f"The SQLite database {path} does not exist. Create it with `{UPGRADE_COMMAND}` "
            "(or `make run`), or restore a backup; the app does not create an empty one.")


def sqlite_file(url: str | URL) -> str | None:
    """The file of a SQLite database URL; None for another database, an
    in-memory one, or one already given as an SQLite URI (uri=true)."""
    url = make_url(url)
    if url.get_backend_name() != "sqlite" or url.query.get("uri") or url.database in (None, "", ":memory:"):
        return None
    return os.path.abspath(url.database)


def create_sqlite_file(url: str | URL) -> bool:
    """Create the empty SQLite file of `url` if it is missing (for the steps
    that build a database); True when it was created."""
    path = sqlite_file(url)
    if path is None or os.path.exists(path):
        return False
    sqlite3.connect(path).close()  # a zero-byte file is an empty SQLite database
    return True


@event.listens_for(Engine, "do_connect")
def _open_sqlite_without_creating(dialect, connection_record, cargs, cparams):
    # SQLAlchemy passes the file's absolute path as the one positional argument;
    # an SQLite URI with mode=rw opens the same file but never creates it.
    if dialect.name != "sqlite" or dialect.driver != "pysqlite" or cparams.get("uri"):
        return None
    path = cargs[0] if cargs else ":memory:"
    if path == ":memory:" or path.startswith("file:"):
        return None
    if not os.path.exists(path):
        raise MissingDatabase(missing_database_message(path))
    cargs[0] = "file:" + quote(path) + "?mode=rw"
    cparams["uri"] = True
    return None


def warn_if_missing(url: str | URL) -> None:
    """Say at start-up, in the log, that the SQLite file is missing and how to make it."""
    path = sqlite_file(url)
    if path is not None and not os.path.exists(path):
        log.warning(missing_database_message(path))


# --- migrations ------------------------------------------------------------------

def script_directory() -> ScriptDirectory:
    """The migrations/ script directory of the current app, read once."""
    script = current_app.extensions.get("apusida_migration_scripts")
    if script is None:
        config = current_app.extensions["migrate"].migrate.get_config()
        script = current_app.extensions["apusida_migration_scripts"] = ScriptDirectory.from_config(config)
    return script


def migration_heads() -> tuple[str, ...]:
    """The head revision(s) of migrations/ (one, unless branches were left unmerged)."""
    return tuple(sorted(script_directory().get_heads()))


def database_revisions(connection) -> tuple[str, ...]:
    """The revision(s) the database is stamped with; () when never migrated."""
    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


# --- health ----------------------------------------------------------------------

# A write that changes nothing: it still needs a writable database and a write
# lock (SQLite) or a read-write transaction (PostgreSQL), and is rolled back.
_WRITE_PROBE = text("UPDATE alembic_version SET version_num = version_num WHERE version_num IS NULL")


def health_problem() -> str | None:
    """None when the database is reachable, migrated to head and writable;
    otherwise a short reason, for /healthz and the operator."""
    try:
        connection = db.engine.connect()
    except exc.SQLAlchemyError as error:
        log.warning("Health check: cannot connect to the database: %s", getattr(error, "orig", error))
        if isinstance(getattr(error, "orig", None), MissingDatabase):
            return f"database missing (run {UPGRADE_COMMAND})"
        return "database unreachable"
    with connection:
        try:
            current = database_revisions(connection)
        except exc.SQLAlchemyError as error:
            log.warning("Health check: cannot read the schema version: %s", getattr(error, "orig", error))
            return "database unreachable"
        finally:
            connection.rollback()
        heads = migration_heads()
        if current != heads:
            return f"database not migrated (at {', '.join(current) or 'none'}, head {', '.join(heads)})"
        try:
            connection.execute(_WRITE_PROBE)
        except exc.SQLAlchemyError as error:
            reason = getattr(error, "orig", error)
            log.warning("Health check: the database refuses a write: %s", reason)
            return "database locked" if "locked" in str(reason).lower() else "database read-only"
        finally:
            connection.rollback()
    return None
