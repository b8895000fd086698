"""Full-text search over proposals: SQLite FTS5 table with triggers, PostgreSQL GIN index.

Revision ID: b7f3c2a91d40
Revises: 2494184155b4
Create Date: 2026-01-20 10:00:00

These objects are not in the SQLAlchemy metadata (autogenerate skips them via
app.proposals.search.include_name). The DDL is written out here, as it was
when this revision was made, rather than imported from the app: a migration
must build the same schema however the app's code changes later.
app/proposals/search.py holds the same statements for create_all (tests);
tests/test_migrations.py checks that both build the same objects.
Note for later SQLite batch migrations of the proposal table: recreating the
table drops its triggers; create them again afterwards (see 94be5892cf25).
"""
from alembic import op

revision = "b7f3c2a91d40"
down_revision = "2494184155b4"
branch_labels = None
depends_on = None

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS proposal_fts USING fts5("
    "title, summary, design, content='proposal', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_insert AFTER INSERT ON proposal BEGIN "
    "INSERT INTO proposal_fts(rowid, title, summary, design) VALUES (new.id, new.title, new.summary, new.design); END",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_delete AFTER DELETE ON proposal BEGIN "
    "INSERT INTO proposal_fts(proposal_fts, rowid, title, summary, design) "
    "VALUES ('delete', old.id, old.title, old.summary, old.design); END",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_update AFTER UPDATE OF title, summary, design ON proposal BEGIN "
    "INSERT INTO proposal_fts(proposal_fts, rowid, title, summary, design) "
    "VALUES ('delete', old.id, old.title, old.summary, old.design); "
    "INSERT INTO proposal_fts(rowid, title, summary, design) VALUES (new.id, new.title, new.summary, new.design); END",
    # Index what is already there (a migration on an existing database).
    "INSERT INTO proposal_fts(proposal_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS proposal_fts_insert",
    "DROP TRIGGER IF EXISTS proposal_fts_delete",
    "DROP TRIGGER IF EXISTS proposal_fts_update",
    "DROP TABLE IF EXISTS proposal_fts",
]
PG_DDL = [
    "CREATE INDEX IF NOT EXISTS proposal_fts_gin ON proposal USING gin ("
    "(to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || "
    "coalesce(summary, '') || ' ' || coalesce(design, ''))))",
]
PG_DROP = ["DROP INDEX IF EXISTS proposal_fts_gin"]


def _run(sqlite_statements, postgresql_statements):
    bind = op.get_bind()
    for statement in sqlite_statements if bind.dialect.name == "sqlite" else postgresql_statements:
        bind.exec_driver_sql(statement)


def upgrade():
    _run(SQLITE_DDL, PG_DDL)


def downgrade():
    _run(SQLITE_DROP, PG_DROP)
