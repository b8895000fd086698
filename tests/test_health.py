"""Health that tells the truth: /healthz checks the database is reachable,
migrated to head and writable; a SQLite file is never created by starting the
app; a database that is locked or unreachable gives a 503 page asking to try again."""
import logging
import sqlite3

import pytest
from sqlalchemy import event, exc, text

from app import create_app
from app.core import database
from app.core.extensions import db
from app.main import routes as main_routes
from app.web import errors


@pytest.fixture
def logs(caplog, monkeypatch):
    # Alembic's logging set-up (test_migrations) disables the loggers that existed before it.
    for logger in (database.log, errors.log):
        monkeypatch.setattr(logger, "disabled", False)
    caplog.set_level(logging.WARNING)
    return caplog


def test_healthz_is_ok_when_the_database_is_migrated_and_writable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def version_row(app):
    """The alembic_version row, put back as it was after the test."""
    with app.app_context():
        with db.engine.connect() as connection:
            original = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    yield original
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": original})


def test_healthz_is_503_when_the_database_is_not_at_the_head_revision(client, app, version_row, logs):
    with app.app_context():
        heads = database.migration_heads()
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'dd0623341e98'"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == f"database not migrated (at dd0623341e98, head {heads[0]})"
    assert response.headers["Cache-Control"] == "no-store"
    assert version_row == heads[0]  # the test set-up stamps the schema it builds


def test_healthz_is_503_when_never_migrated(client, app, version_row):
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True).startswith("database not migrated (at none, head ")
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version_row})


@pytest.fixture
def read_only_database(app):
    """Every new connection of the app's engine may read but not write, as on a
    read-only file system, a PostgreSQL standby or a full disk's refusal."""

    def make_read_only(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        if db.engine.dialect.name == "postgresql":
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        else:
            cursor.execute("PRAGMA query_only = ON")
        cursor.close()
        dbapi_connection.commit()  # PostgreSQL's SET is undone by a rollback otherwise

    with app.app_context():
        engine = db.engine
    engine.dispose()
    event.listen(engine, "connect", make_read_only)
    yield
    event.remove(engine, "connect", make_read_only)
    engine.dispose()


def test_healthz_is_503_when_the_database_refuses_writes(client, read_only_database, logs):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "database read-only"
    assert "refuses a write" in logs.text


def test_a_missing_sqlite_file_is_not_created_and_the_log_says_how_to_make_it(tmp_path, logs):
    path = tmp_path / "apusida.db"
    missing = create_app({
        "TESTING": True, "SECRET_KEY": "x", "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
    })
    page = missing.test_client().get("/")
    assert page.status_code == 503 and page.headers["Retry-After"]
    health = missing.test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_data(as_text=True) == "database missing (run flask --app wsgi db upgrade)"
    assert not path.exists()
    messages = [record.getMessage() for record in logs.records]
    assert any(f"The SQLite database {path} does not exist" in m and "flask --app wsgi db upgrade" in m
               for m in messages), messages


def locked(*args, **kwargs):
    raise exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))


def test_a_locked_database_gives_a_503_page_asking_to_try_again(client, login_as, monkeypatch, logs):
    login_as("innovator")
    monkeypatch.setattr(main_routes, "current_cycle", locked)
    response = client.get("/dashboard")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Cache-Control"] == "private, no-store"  # a logged-in person's answer
    assert 'class="site-header"' in html and "Coba lagi sebentar lagi" in html
    assert "Database unavailable on GET /dashboard: database is locked" in logs.text
    client.post("/language", data={"lang": "en", "next": "/"})
    english = client.get("/dashboard").get_data(as_text=True)
    assert "Try again in a moment" in english


def test_a_database_that_refuses_connections_gives_a_503_page(tmp_path, logs):
    # Nothing listens on port 1: psycopg's "connection refused" OperationalError.
    unreachable = create_app({
        "TESTING": True, "SECRET_KEY": "x", "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://apusida@127.0.0.1:1/apusida",
    })
    client = unreachable.test_client()
    for path in ("/", "/leaderboard", "/events"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "5"
        assert "Coba lagi sebentar lagi" in response.get_data(as_text=True)
    assert client.get("/healthz").get_data(as_text=True) == "database unreachable"
    assert "Database unavailable on GET /" in logs.text
