"""Full-text search over proposals: SQLite FTS5 table with triggers, PostgreSQL GIN index.

Revision ID: b7f3c2a91d40
Revises: 2494184155b4
Create Date: 2026-01-20 10:00:00

These objects are not in the SQLAlchemy metadata (autogenerate skips them via
app.proposals.search.include_name); the DDL lives in app/proposals/search.py so
that create_all (tests) and this migration build the very same thing.
Note for later SQLite batch migrations of the proposal table: recreating the
table drops its triggers; run create_search_objects again afterwards.
"""
from alembic import op

from app.proposals.search import create_search_objects, drop_search_objects

revision = "b7f3c2a91d40"
down_revision = "2494184155b4"
branch_labels = None
depends_on = None


def upgrade():
    create_search_objects(op.get_bind())


def downgrade():
    drop_search_objects(op.get_bind())
