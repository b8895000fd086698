"""length limits on the text people type

Revision ID: 94be5892cf25
Revises: c41d7e2b9f10
Create Date: 2026-12-03 10:00:00

A CHECK on length() for every free-text column, with the limits the models
declare (app.models._types.typed_text); SQLite ignores a VARCHAR's length but
enforces a check, and both engines count length() in characters. The limits
are written out here, not read from the models, so this revision builds the
same schema whatever the models say later.

Rows already longer than a limit would make a check fail half-way: they are
counted first and named in the error, and nothing is changed.

SQLite cannot add a check to a table, so batch mode copies each table into a
new one that has it. Foreign keys are switched off meanwhile (as Alembic's
batch mode requires; the pragma takes effect because on SQLite each revision
runs in a transaction of its own that has not written yet) and checked after.
Dropping the old `proposal` table drops the full-text search triggers of
revision b7f3c2a91d40, which are created again.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "94be5892cf25"
down_revision = "c41d7e2b9f10"
branch_labels = None
depends_on = None

LIMITS = {
    "agency": {"code": 40, "name": 200},
    "user_account": {"email": 254, "name": 120},
    "proposal": {"title": 200, "summary": 4000, "problem": 20000, "design": 30000, "goals": 10000,
                 "benefits": 10000, "results": 10000, "contact": 200},
    "status_change": {"note": 5000},
    "comment": {"body": 5000},
    "review": {"comment": 5000},
    "conflict_declaration": {"reason": 1000},
    "event": {"title": 200, "place": 200, "description": 10000, "declaration_text": 5000},
    "signature": {"signer_name": 120, "agency_name": 200},
    "maturity_indicator": {"code": 40, "name": 200, "evidence": 4000},
    "maturity_level": {"description": 1000},
    "maturity_claim": {"note": 2000, "reason": 2000},
}

# The SQLite full-text search triggers on `proposal`, as revision b7f3c2a91d40 made them.
SQLITE_SEARCH_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_insert AFTER INSERT ON proposal BEGIN "
    "INSERT INTO proposal_fts(rowid, title, summary, design) VALUES (new.id, new.title, new.summary, new.design); END",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_delete AFTER DELETE ON proposal BEGIN "
    "INSERT INTO proposal_fts(proposal_fts, rowid, title, summary, design) "
    "VALUES ('delete', old.id, old.title, old.summary, old.design); END",
    "CREATE TRIGGER IF NOT EXISTS proposal_fts_update AFTER UPDATE OF title, summary, design ON proposal BEGIN "
    "INSERT INTO proposal_fts(proposal_fts, rowid, title, summary, design) "
    "VALUES ('delete', old.id, old.title, old.summary, old.design); "
    "INSERT INTO proposal_fts(rowid, title, summary, design) VALUES (new.id, new.title, new.summary, new.design); END",
    # The copied rows keep their ids; rebuilding makes sure the index matches them.
    "INSERT INTO proposal_fts(proposal_fts) VALUES ('rebuild')",
]


def _constraint(table: str, column: str):
    # op.f: the whole name, not to be run through the naming convention again.
    return op.f(f"ck_{table}_{column}_length")


def _refuse_rows_over_the_limits(bind) -> None:
    found = []
    for table, columns in LIMITS.items():
        for column, limit in columns.items():
            count = bind.execute(sa.text(f"SELECT count(*) FROM {table} WHERE length({column}) > {limit}")).scalar()
            if count:
                found.append(f"{table}.{column}: {count} longer than {limit} characters")
    if found:
        raise RuntimeError("Some texts are longer than the new limits; shorten them and upgrade again "
                           "(nothing was changed): " + "; ".join(found))


def _rebuild_tables(change) -> None:
    """Run `change(batch_op, table, columns)` on every table, with SQLite's extra steps around it."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    for table, columns in LIMITS.items():
        with op.batch_alter_table(table) as batch_op:
            change(batch_op, table, columns)
    if sqlite:
        for statement in SQLITE_SEARCH_TRIGGERS:
            bind.exec_driver_sql(statement)
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"Foreign keys broken by the table copies: {broken[:5]}")
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")


def upgrade():
    _refuse_rows_over_the_limits(op.get_bind())

    def add_checks(batch_op, table, columns):
        for column, limit in columns.items():
            batch_op.create_check_constraint(_constraint(table, column), f"length({column}) <= {limit}")

    _rebuild_tables(add_checks)


def downgrade():
    def drop_checks(batch_op, table, columns):
        for column in columns:
            batch_op.drop_constraint(_constraint(table, column), type_="check")

    _rebuild_tables(drop_checks)
