"""Test set-up: one app per session; every test inside one transaction, rolled back.

The `database` fixture (autouse) opens one connection per test and begins a
transaction on it; every db.session of the test, of each request (each runs in
its own app context, as in production) and of every app over the test database
(proxied_app, csrf_app) runs on that connection, and the app's own commits
release SAVEPOINTs inside the transaction (SQLAlchemy's "joining a session into
an external transaction", join_transaction_mode="create_savepoint"). The data
version of the shared pages is read on it too (app.core.live.read_version_on). At
the end the transaction is rolled back: nothing to delete, and no two tests see
each other's rows.

Tests marked `committing` commit for real, and their tables are emptied after
them, because something outside the test's connection must see their rows:
- tests/test_votes_concurrency.py and the two concurrent-registration tests of
  tests/test_events_registration.py (threads, each with its own connection);
- tests/test_scale_out.py (gunicorn processes);
- the backup and restore tests of tests/test_cli.py (they copy or replace the file);
- the browser tests, tests/e2e (a server thread; marked in tests/e2e/conftest.py);
- /healthz in tests/test_security_matrix.py: its write probe runs on a connection of
  its own, which on SQLite waits for the lock the test's transaction holds.

Set DATABASE_URL to run the same suite on PostgreSQL (as .ci/run does); the
schema there is dropped and rebuilt at the start of the run.
"""
import os
import socket

import pytest
from aiosmtpd.controller import Controller
from alembic.migration import MigrationContext
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text

from app import create_app
from app.core import live
from app.core.config import normalise_database_url
from app.core.database import create_sqlite_file, script_directory
from app.core.extensions import db, limiter
from app.web import caching
from tests import factories

DATABASE_URL = os.environ.get("DATABASE_URL")


def is_postgres() -> bool:
    return bool(DATABASE_URL) and DATABASE_URL.startswith(("postgres", "postgresql"))


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own
    database session and a fresh `g` (so a logged-in user never leaks between requests)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(tmp_path_factory, **overrides):
    tmp = tmp_path_factory.mktemp("apusida")
    url = DATABASE_URL or f"sqlite:///{tmp}/test.db"
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_DIR": str(tmp / "uploads"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
        # Every poll reads the data version, so a test sees its change at once
        # (test_leaderboard_poll holds the production memo to its half second).
        "POLL_VERSION_SECONDS": 0,
    }
    config.update(overrides)
    application = create_app(config)
    application.test_client_class = FreshContextClient
    return application


def reset_schema(application) -> None:
    """Build the schema from the models, stamped with the migrations' head (as
    `db upgrade` leaves it), so /healthz finds the database migrated."""
    with application.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            create_sqlite_file(db.engine.url)  # the app itself never creates the file
            db.drop_all()
        db.create_all()
        with db.engine.begin() as conn:
            MigrationContext.configure(conn).stamp(script_directory(), "heads")
    seed_reference_data(application)


def seed_reference_data(application) -> None:
    """What the migrations store besides the schema (the shipped rubrics), so a schema built
    from the models holds it too; every test starts with it."""
    from app.reviews import rubrics

    with application.app_context():
        rubrics.load_shipped()
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    application = make_app(tmp_path_factory)
    reset_schema(application)
    return application


def app_over_the_test_database(tmp_path_factory, app, **overrides):
    """Another app (other settings) over the main test app's database, whose set-up it shares."""
    return make_app(tmp_path_factory, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], **overrides)


@pytest.fixture(scope="session")
def proxied_app(tmp_path_factory, app):
    """The app behind one proxy (TRUST_PROXY=1)."""
    return app_over_the_test_database(tmp_path_factory, app, TRUST_PROXY=1)


@pytest.fixture
def proxied(proxied_app, app_ctx):
    """A client of proxied_app, which believes X-Forwarded-For and X-Forwarded-Proto."""
    return proxied_app.test_client()


@pytest.fixture(scope="session")
def csrf_app(tmp_path_factory, app):
    """The app with CSRF protection on, as in production."""
    return app_over_the_test_database(tmp_path_factory, app, WTF_CSRF_ENABLED=True)


@pytest.fixture
def csrf_client(csrf_app, app_ctx):
    return csrf_app.test_client()


@pytest.fixture(scope="session")
def rollback_engine(app):
    """The engine of the connection each test runs on. On SQLite with SQLAlchemy's recipe
    for SAVEPOINT: pysqlite begins a transaction only before a write, so a first SAVEPOINT
    would begin one of its own and its RELEASE would commit. Here the driver begins none,
    SQLAlchemy's begin emits BEGIN, and SAVEPOINTs nest inside it."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _no_driver_transactions(dbapi_connection, connection_record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN")

    yield engine
    engine.dispose()


def wipe_tables(application) -> None:
    """Empty every table (after a test that committed for real)."""
    with application.app_context():
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
    seed_reference_data(application)


def bind_sessions(application, connection, join_transaction_mode: str) -> None:
    """Every db.session made from now on, in any app, runs on `connection` (None: on the app's engine)."""
    with application.app_context():  # configure() checks, in an app context, that no session is open yet
        db.session.configure(bind=connection, join_transaction_mode=join_transaction_mode)


@pytest.fixture(autouse=True)
def database(request):
    """Every test that uses the app runs inside one transaction, on one connection, that is rolled
    back at its end: the app's own commits (views commit) release SAVEPOINTs inside it. Yields
    that connection, or None for a `committing` test, which commits for real and whose tables
    are emptied afterwards. Rate limits and the page cache start afresh too."""
    if "app" not in request.fixturenames:
        yield None
        return
    application = request.getfixturevalue("app")
    if request.node.get_closest_marker("committing"):
        yield None
        with application.app_context():
            db.session.remove()
        wipe_tables(application)
    else:
        connection = request.getfixturevalue("rollback_engine").connect()
        transaction = connection.begin()
        bind_sessions(application, connection, "create_savepoint")
        live.read_version_on(connection)
        yield connection
        live.read_version_on(None)
        bind_sessions(application, None, "conditional_savepoint")  # SQLAlchemy's default
        transaction.rollback()
        connection.close()
    limiter.reset()
    with application.app_context():
        caching.clear()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app, app_ctx):
    return app.test_client()


@pytest.fixture
def make(app_ctx):
    """The factories, inside an app context: make.user(role="admin")."""
    return factories


def login(client, user_or_email, password: str = factories.PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def clients_of(app, *users):
    """A test client per user, each logged in as that user (people who share a page)."""
    clients = []
    for user in users:
        clients.append(app.test_client())
        login(clients[-1], user)
    return clients


@pytest.fixture
def login_as(client, make):
    """Create a user of a role, commit, log the test client in as them."""

    def _login_as(role: str = "innovator", **fields):
        user = make.user(role=role, **fields)
        db.session.commit()
        login(client, user)
        return user

    return _login_as


SAVEPOINT_STATEMENTS = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(SAVEPOINT_STATEMENTS):
            return  # in a test they stand where the driver begins and ends transactions, uncounted
        self.count += 1
        self.statements.append(statement)

    def __enter__(self):
        self.count = 0
        self.statements = []
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)


@pytest.fixture
def count_queries(app_ctx, database):
    """`with count_queries() as counter: ...; counter.count` counts SQL statements."""
    return lambda: QueryCounter(database.engine if database is not None else db.engine)


@pytest.fixture
def version_reads(monkeypatch):
    """Counts reads of the data version, which go straight through the driver
    (app.core.live) and so are not seen by count_queries."""
    calls = []
    original = live._read_version_row

    def counted(engine, name):
        calls.append(name)
        return original(engine, name)

    monkeypatch.setattr(live, "_read_version_row", counted)
    return calls



class Inbox:
    """The messages the `smtp` fixture's server received (aiosmtpd envelopes: rcpt_tos, content)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    """A local SMTP server the app mails to (MAIL_SERVER set): `smtp.messages` are what arrived."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    yield inbox
    controller.stop()
