"""Test set-up: one app per session, a clean database for every test.

Set DATABASE_URL to run the same suite on PostgreSQL (as .ci/run does); the
schema there is dropped and rebuilt at the start of the run.
"""
import os

import pytest
from alembic.migration import MigrationContext
from flask import has_request_context
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from app import caching, create_app, live
from app.config import normalise_database_url
from app.database import create_sqlite_file, script_directory
from app.extensions import db, limiter
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


# Tests set up data with factories, straight into the database, where the app's
# services would have bumped the change counter behind the public pages' ETags
# and page cache (app.live). So a commit made by a test itself (outside any
# request) that wrote rows and did not bump the counter bumps it, as the
# services do.
@event.listens_for(Session, "after_flush")
def _note_test_side_write(session, flush_context):
    if not has_request_context():
        session.info["test_wrote"] = True


@event.listens_for(Session, "before_commit")
def _bump_counter_for_test_side_writes(session):
    if has_request_context() or not session.info.get("test_wrote") or session.info.get("live_touched"):
        return
    live.touch()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_test_side_writes(session):
    session.info.pop("test_wrote", None)
    session.info.pop("live_touched", None)


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


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    application = make_app(tmp_path_factory)
    reset_schema(application)
    return application


@pytest.fixture(scope="session")
def proxied_app(tmp_path_factory, app):
    """The app behind one proxy (TRUST_PROXY=1), over the main test app's database,
    which `app` builds and cleans."""
    return make_app(tmp_path_factory, TRUST_PROXY=1, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])


@pytest.fixture
def proxied(proxied_app, app_ctx):
    """A client of proxied_app, which believes X-Forwarded-For and X-Forwarded-Proto."""
    return proxied_app.test_client()


def wipe_tables(application) -> None:
    """Empty every table (faster than re-creating the schema per test)."""
    with application.app_context():
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Every test starts with empty tables and fresh rate limits."""
    yield
    if "app" in request.fixturenames:
        application = request.getfixturevalue("app")
        with application.app_context():
            db.session.remove()
        wipe_tables(application)
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


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, parameters, context, executemany):
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
def count_queries(app_ctx):
    """`with count_queries() as counter: ...; counter.count` counts SQL statements."""
    return lambda: QueryCounter(db.engine)


@pytest.fixture
def version_reads(monkeypatch):
    """Counts reads of the data version, which go straight through the driver
    (app.live) and so are not seen by count_queries."""
    calls = []
    original = live._read_version_row

    def counted(engine, name):
        calls.append(name)
        return original(engine, name)

    monkeypatch.setattr(live, "_read_version_row", counted)
    return calls

