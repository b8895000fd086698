"""result indicators and yearly reports

Revision ID: 7d7bdc837846
Revises: 672235e7e825
Create Date: 2026-12-03 12:44:03.903283

An innovation's life after approval (DESIGN §8): the indicators an agency
commits to (result_indicator), one report per later cycle (yearly_report) and
each indicator's actual value in it (report_value). New tables only.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d7bdc837846'
down_revision = '672235e7e825'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('result_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("direction IN ('up', 'down')", name=op.f('ck_result_indicator_direction')),
    sa.CheckConstraint('baseline BETWEEN -1000000000 AND 1000000000', name=op.f('ck_result_indicator_baseline_range')),
    sa.CheckConstraint('length(name) <= 200', name=op.f('ck_result_indicator_name_length')),
    sa.CheckConstraint('length(unit) <= 60', name=op.f('ck_result_indicator_unit_length')),
    sa.CheckConstraint('target BETWEEN -1000000000 AND 1000000000', name=op.f('ck_result_indicator_target_range')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_result_indicator_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_indicator'))
    )
    with op.batch_alter_table('result_indicator', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_indicator_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('yearly_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status <> 'stopped' OR length(reason) > 0", name=op.f('ck_yearly_report_stopped_has_reason')),
    sa.CheckConstraint("status IN ('continuing', 'developed', 'stopped')", name=op.f('ck_yearly_report_status')),
    sa.CheckConstraint('length(reason) <= 2000', name=op.f('ck_yearly_report_reason_length')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_yearly_report_attachment_id_attachment')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycle.id'], name=op.f('fk_yearly_report_cycle_id_cycle')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_yearly_report_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['reporter_id'], ['user_account.id'], name=op.f('fk_yearly_report_reporter_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_yearly_report')),
    sa.UniqueConstraint('proposal_id', 'cycle_id', name='one_report_per_cycle')
    )
    with op.batch_alter_table('yearly_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_yearly_report_attachment_id'), ['attachment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_yearly_report_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_yearly_report_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('report_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('actual', sa.Float(), nullable=False),
    sa.CheckConstraint('actual BETWEEN -1000000000 AND 1000000000', name=op.f('ck_report_value_actual_range')),
    sa.ForeignKeyConstraint(['indicator_id'], ['result_indicator.id'], name=op.f('fk_report_value_indicator_id_result_indicator')),
    sa.ForeignKeyConstraint(['report_id'], ['yearly_report.id'], name=op.f('fk_report_value_report_id_yearly_report')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_value')),
    sa.UniqueConstraint('report_id', 'indicator_id', name='one_value_per_indicator')
    )
    with op.batch_alter_table('report_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_value_indicator_id'), ['indicator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_value_report_id'), ['report_id'], unique=False)



def downgrade():
    with op.batch_alter_table('report_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_value_report_id'))
        batch_op.drop_index(batch_op.f('ix_report_value_indicator_id'))

    op.drop_table('report_value')
    with op.batch_alter_table('yearly_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_yearly_report_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_yearly_report_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_yearly_report_attachment_id'))

    op.drop_table('yearly_report')
    with op.batch_alter_table('result_indicator', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_indicator_proposal_id'))

    op.drop_table('result_indicator')
