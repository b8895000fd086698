"""Migrations build the schema on an empty database, matching the models exactly."""
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from app import create_app
from app.core.config import normalise_database_url
from app.core.extensions import db
from tests.conftest import DATABASE_URL, is_postgres


@pytest.fixture
def empty_database_url(tmp_path):
    if not is_postgres():
        yield f"sqlite:///{tmp_path}/migrate.db"
        return
    # A throwaway database on the same server, so the suite's schema is untouched.
    name = f"apusida_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_database_url(DATABASE_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = normalise_database_url(DATABASE_URL).rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_builds_schema_identical_to_models(empty_database_url, tmp_path):
    application = create_app({
        "TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
    })
    with application.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"agency", "user_account", "cycle", "audit_entry", "proposal"} <= tables
        with db.engine.connect() as conn:
            # Search objects (FTS5 table, GIN index) are hand-written DDL outside the metadata.
            from app.proposals.search import include_name

            diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": include_name}), db.metadata)
        assert diff == [], f"models and migrations differ; run flask db migrate: {diff}"
        db.engine.dispose()


def _migrated_app(url, tmp_path):
    return create_app({
        "TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(tmp_path / "uploads"),
    })


def _check_constraints(engine) -> dict[str, set[str]]:
    inspector = inspect(engine)
    return {table: {c["name"] for c in inspector.get_check_constraints(table)}
            for table in inspector.get_table_names() if table != "alembic_version" and not table.startswith("proposal_fts")}


def test_upgrade_builds_every_check_constraint_of_the_models(empty_database_url, tmp_path):
    """compare_metadata does not compare CHECK constraints; the length limits among them are compared here."""
    application = _migrated_app(empty_database_url, tmp_path)
    with application.app_context():
        upgrade()
        expected = {table.name: {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
                    for table in db.metadata.sorted_tables}
        assert "ck_proposal_summary_length" in expected["proposal"]
        assert _check_constraints(db.engine) == expected
        db.engine.dispose()


def _row_counts(tables) -> dict[str, int]:
    return {table: db.session.scalar(text(f"SELECT count(*) FROM {table}")) for table in tables}


# From the revision before the length limits, from one further back (several revisions in one run), and
# from the one before the reminders (whose SQLite migration copies user_account, which every table points at).
@pytest.mark.parametrize("start", ["c41d7e2b9f10", "a5c742512fa6", "b150a18ad69b"])
def test_upgrading_a_database_with_data_keeps_its_rows_and_search(empty_database_url, tmp_path, start):
    from app.models import Proposal
    from app.proposals.services import search_condition
    from tests.factories import world

    application = _migrated_app(empty_database_url, tmp_path)
    with application.app_context():
        # The rows are written by today's models, so at today's schema, then taken
        # back down to `start` with them: a model column added later cannot break the setup.
        upgrade()
        w = world()
        w["draft"].title = "Pendaftaran bank sampah digital"
        db.session.commit()
        draft_id, submitted_id = w["draft"].id, w["submitted"].id
        tables = [t.name for t in db.metadata.sorted_tables]
        before = _row_counts(tables)
        db.session.remove()
        downgrade(revision=start)
        # Tables created after `start` go with their rows when taken down; the rest keep theirs.
        kept = [table for table in tables if table in inspect(db.engine).get_table_names()]
        later = {"c41d7e2b9f10": "result_indicator", "a5c742512fa6": "result_indicator", "b150a18ad69b": "milestone"}
        assert "proposal" in kept and later[start] not in kept

        upgrade()
        assert _row_counts(kept) == {table: before[table] for table in kept}
        found = db.session.scalars(select(Proposal.id).where(search_condition("sampah"))).all()
        assert found == [draft_id]  # the search still finds what was there before
        # indexed anew by its stems (revision 3f9d2c7a1b84): the root finds the derived word
        assert db.session.scalars(select(Proposal.id).where(search_condition("daftar"))).all() == [draft_id]
        db.session.get(Proposal, submitted_id).title = "Posyandu keliling"
        db.session.commit()  # and follows a change made after the upgrade
        assert db.session.scalars(select(Proposal.id).where(search_condition("posyandu"))).all() == [submitted_id]
        proposal = db.session.get(Proposal, draft_id)
        proposal.summary = "x" * 4001
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_upgrade_refuses_texts_over_the_limits_and_changes_nothing(empty_database_url, tmp_path):
    from tests.factories import world

    application = _migrated_app(empty_database_url, tmp_path)
    with application.app_context():
        upgrade()  # rows written by today's models, then taken back down (as above)
        w = world()
        draft_id = w["draft"].id
        db.session.remove()
        downgrade(revision="c41d7e2b9f10")
        # Written as SQL: today's Proposal maps what this older schema lacks (video_url, the competitions).
        db.session.execute(text("UPDATE proposal SET design = :design WHERE id = :id"),
                           {"design": "kata " * 7000, "id": draft_id})  # 35,000 characters
        db.session.commit()
        db.session.remove()
        from alembic import command

        # Alembic itself (Flask-Migrate's upgrade() logs the error and exits).
        with pytest.raises(RuntimeError, match=r"proposal\.design: 1 longer than 30000"):
            command.upgrade(application.extensions["migrate"].migrate.get_config(), "head")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "c41d7e2b9f10"
        assert "ck_proposal_design_length" not in _check_constraints(db.engine)["proposal"]
        db.engine.dispose()


def _search_objects(engine) -> set[tuple]:
    """The hand-written search objects as the database reports them (their full DDL)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                     "WHERE name LIKE 'proposal_fts%' AND sql IS NOT NULL"))
        else:
            rows = conn.execute(text("SELECT tablename, indexname, indexdef FROM pg_indexes "
                                     "WHERE indexname LIKE 'proposal_fts%'"))
            # and the stored tsvector column the index is on, with its expression
            rows = [*rows, *conn.execute(text(
                "SELECT table_name, column_name, generation_expression FROM information_schema.columns "
                "WHERE column_name LIKE 'proposal_fts%'"))]
        return {tuple(row) for row in rows}


def test_upgrade_builds_the_same_search_objects_as_create_all(empty_database_url, tmp_path):
    """The full-text search migration carries its own DDL (it imports nothing of the app);
    what it builds is exactly what the app's create_all builds (app.proposals.search)."""
    application = _migrated_app(empty_database_url, tmp_path)
    with application.app_context():
        upgrade()
        migrated = _search_objects(db.engine)
        expected = ({"proposal_fts", "proposal_fts_insert", "proposal_fts_delete", "proposal_fts_update"}
                    if db.engine.dialect.name == "sqlite" else {"proposal_fts_gin", "proposal_fts_document"})
        assert expected <= {row[1] for row in migrated}
        db.drop_all()  # the search objects go with the proposal table
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE alembic_version"))
        assert _search_objects(db.engine) == set()
        db.create_all()
        assert _search_objects(db.engine) == migrated
        db.engine.dispose()


def _flask(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "APUSIDA_ENV": "development", "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], env=env, capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parent.parent)


@pytest.mark.skipif(is_postgres(), reason="SQLite's table copies only; PostgreSQL alters tables in place")
def test_the_commands_take_a_demo_database_down_and_up_again_keeping_every_row(tmp_path):
    """SQLite copies a table to change its constraints (user_account, which most tables point
    at, in 16db49f7fd15): with foreign keys on, dropping the old copy failed on a database with
    data, as `make run` over an earlier demo database showed. migrations/env.py turns them off
    while migrating. Run as `make run` runs it: the commands, in their own process."""
    import sqlite3

    url = f"sqlite:///{tmp_path}/demo.db"
    for args in (("db", "upgrade"), ("demo-data",), ("db", "downgrade", "3f9d2c7a1b84")):
        done = _flask(url, *args)
        assert done.returncode == 0, done.stderr[-2000:]

    def counts() -> dict:
        with sqlite3.connect(tmp_path / "demo.db") as conn:
            names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                    "AND name NOT LIKE 'proposal_fts%' AND name != 'alembic_version'")]
            return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}

    before = counts()
    assert before["user_account"] > 5 and before["proposal"] > 5
    done = _flask(url, "db", "upgrade")
    assert done.returncode == 0, done.stderr[-2000:]
    after = counts()
    assert after.pop("reminder_sent") == 0 and after == before
    with sqlite3.connect(tmp_path / "demo.db") as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
