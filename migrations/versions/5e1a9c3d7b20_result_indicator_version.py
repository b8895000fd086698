"""result indicators carry a version

Revision ID: 5e1a9c3d7b20
Revises: 7d7bdc837846
Create Date: 2026-12-03 20:40:00

The agency edits its result indicators inline (DESIGN §8); like proposals and
yearly reports, an edit or a delete read at an older version is refused.
Existing rows start at version 1.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e1a9c3d7b20'
down_revision = '7d7bdc837846'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('result_indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('result_indicator', schema=None) as batch_op:
        batch_op.drop_column('version')
