"""Search that understands Indonesian: stemmed full-text search on both engines.

Revision ID: 3f9d2c7a1b84
Revises: 35aed4fa395e
Create Date: 2026-02-10 10:00:00

SQLite: the FTS5 table becomes contentless and holds stems, which the SQL
function apusida_stemmed() computes (the Snowball Indonesian stemmer, in
Python). The app puts that function on every SQLite connection
(app/proposals/search.py), `flask db upgrade` runs on the app's engine, so the
triggers and the rebuild below find it; without it this revision stops before
changing anything. PostgreSQL: a stored generated tsvector column with the
`indonesian` configuration, weighted by column, and its GIN index; adding the
column computes it for every existing row.

As in b7f3c2a91d40, the DDL is written out here rather than imported from the
app; tests/test_migrations.py checks that it builds what create_all builds.
"""
from alembic import op

revision = "3f9d2c7a1b84"
down_revision = "35aed4fa395e"
branch_labels = None
depends_on = None

SQLITE_DROP = [
    'DROP TRIGGER IF EXISTS proposal_fts_insert',
    'DROP TRIGGER IF EXISTS proposal_fts_delete',
    'DROP TRIGGER IF EXISTS proposal_fts_update',
    'DROP TABLE IF EXISTS proposal_fts',
]
SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS proposal_fts USING fts5(title, summary, design, content='', "
    "tokenize='unicode61 remove_diacritics 0')",
    'CREATE TRIGGER IF NOT EXISTS proposal_fts_insert AFTER INSERT ON proposal BEGIN INSERT INTO '
    'proposal_fts(rowid, title, summary, design) VALUES (new.id, apusida_stemmed(new.title), '
    'apusida_stemmed(new.summary), apusida_stemmed(new.design)); END',
    'CREATE TRIGGER IF NOT EXISTS proposal_fts_delete AFTER DELETE ON proposal BEGIN INSERT INTO '
    "proposal_fts(proposal_fts, rowid, title, summary, design) VALUES ('delete', old.id, "
    'apusida_stemmed(old.title), apusida_stemmed(old.summary), apusida_stemmed(old.design)); END',
    'CREATE TRIGGER IF NOT EXISTS proposal_fts_update AFTER UPDATE OF title, summary, design ON proposal '
    "BEGIN INSERT INTO proposal_fts(proposal_fts, rowid, title, summary, design) VALUES ('delete', "
    'old.id, apusida_stemmed(old.title), apusida_stemmed(old.summary), apusida_stemmed(old.design)); '
    'INSERT INTO proposal_fts(rowid, title, summary, design) VALUES (new.id, apusida_stemmed(new.title), '
    'apusida_stemmed(new.summary), apusida_stemmed(new.design)); END',
    'INSERT INTO proposal_fts(rowid, title, summary, design) SELECT id, apusida_stemmed(title), '
    'apusida_stemmed(summary), apusida_stemmed(design) FROM proposal',
]
PG_DROP = [
    'DROP INDEX IF EXISTS proposal_fts_gin',
    'ALTER TABLE proposal DROP COLUMN IF EXISTS proposal_fts_document',
]
PG_DDL = [
    'ALTER TABLE proposal ADD COLUMN IF NOT EXISTS proposal_fts_document tsvector GENERATED ALWAYS AS '
    "(setweight(to_tsvector('indonesian'::regconfig, regexp_replace(coalesce(title, ''), '[[:punct:]]', "
    "' ', 'g')), 'A') || setweight(to_tsvector('indonesian'::regconfig, regexp_replace(coalesce(summary, "
    "''), '[[:punct:]]', ' ', 'g')), 'B') || setweight(to_tsvector('indonesian'::regconfig, "
    "regexp_replace(coalesce(design, ''), '[[:punct:]]', ' ', 'g')), 'D')) STORED",
    'CREATE INDEX IF NOT EXISTS proposal_fts_gin ON proposal USING gin (proposal_fts_document)',
]
# As revision b7f3c2a91d40 made them, for the downgrade.
SQLITE_OLD_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS proposal_fts USING fts5("
    "title, summary, design, content='proposal', content_rowid='id', tokenize='unicode61 "
    "remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_insert AFTER INSERT ON proposal BEGIN "
    'INSERT INTO proposal_fts(rowid, title, summary, design) VALUES (new.id, new.title, new.summary, '
    'new.design); END',
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_delete AFTER DELETE ON proposal BEGIN "
    "INSERT INTO proposal_fts(proposal_fts, rowid, title, summary, design) "
    "VALUES ('delete', old.id, old.title, old.summary, old.design); END",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_update AFTER UPDATE OF title, summary, design ON proposal BEGIN "
    "INSERT INTO proposal_fts(proposal_fts, rowid, title, summary, design) "
    "VALUES ('delete', old.id, old.title, old.summary, old.design); "
    'INSERT INTO proposal_fts(rowid, title, summary, design) VALUES (new.id, new.title, new.summary, '
    'new.design); END',
    "INSERT INTO proposal_fts(proposal_fts) VALUES ('rebuild')",
]
PG_OLD_DDL = [
    "CREATE INDEX IF NOT EXISTS proposal_fts_gin ON proposal USING gin ("
    "(to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || "
    "coalesce(summary, '') || ' ' || coalesce(design, ''))))",
]


def _run(*statements):
    bind = op.get_bind()
    for statement in statements:
        bind.exec_driver_sql(statement)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        try:
            _run("SELECT apusida_stemmed('pendaftaran')")
        except Exception as error:  # the app registers it on connect: run this through `flask db upgrade`
            raise RuntimeError("the SQL function apusida_stemmed() is missing: upgrade with the app's "
                               "`flask db upgrade`") from error
        _run(*SQLITE_DROP, *SQLITE_DDL)
    else:
        _run(*PG_DROP, *PG_DDL)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _run(*SQLITE_DROP, *SQLITE_OLD_DDL)
    else:
        _run(*PG_DROP, *PG_OLD_DDL)
