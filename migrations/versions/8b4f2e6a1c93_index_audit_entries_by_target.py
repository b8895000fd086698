"""audit entries indexed by their target

Revision ID: 8b4f2e6a1c93
Revises: 5e1a9c3d7b20
Create Date: 2026-12-03 21:00:00

An innovation's timeline (DESIGN §8) reads the audit entries of one proposal
(lab stages, linked events) on every proposal page and public page: an index
on (target_type, target_id) keeps that lookup flat as the log grows.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '8b4f2e6a1c93'
down_revision = '5e1a9c3d7b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entry_target', ['target_type', 'target_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_target')
