"""Migrations build the schema on an empty database, matching the models exactly."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.extensions import db
from tests.conftest import DATABASE_URL, is_postgres
from app.config import normalise_database_url


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
