"""index for the proposal list's visibility rule

Revision ID: c41d7e2b9f10
Revises: a2a9cffdfdcd
Create Date: 2026-12-01 21:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c41d7e2b9f10'
down_revision = 'a2a9cffdfdcd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_visibility', ['agency_id', 'status', 'submitted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_visibility')
