"""proposal sdg goals video url and team

Revision ID: 702e6e86ae95
Revises: 6236a51d4c5b
Create Date: 2026-12-04 17:49:49.436364

The fields the national competitions ask of a proposal (DESIGN §10):
- `proposal_sdg`: the Sustainable Development Goals a proposal serves, one row per goal
  (its number, 1 to 17; the names are data in app/data/sdg_goals.csv, not stored);
- `proposal.video_url`: a link to a video, http or https only (a check), "" for none;
- `team_member`: the team, a name and a role per position (1 to 20);
- `attachment.kind`: "evidence" (every file so far) or "team_decree", the decree naming the team.

SQLite cannot add a check to a table, so batch mode copies `attachment` and `proposal` into new
tables that have them, with foreign keys switched off meanwhile (the pragma takes effect because
this runs first in the revision's own transaction, before anything is written) and checked
after. Dropping the old `proposal` table drops the full-text search triggers of revision
b7f3c2a91d40, which are created again, as revision 94be5892cf25 does.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '702e6e86ae95'
down_revision = '6236a51d4c5b'
branch_labels = None
depends_on = None

# Written out, not read from the models: this revision builds the same schema whatever they say later.
ATTACHMENT_KIND_CHECK = "kind IN ('evidence', 'team_decree')"
VIDEO_URL_SCHEME_CHECK = ("video_url = '' OR substr(video_url, 1, 7) = 'http://' "
                          "OR substr(video_url, 1, 8) = 'https://'")

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


def _rebuild(change_attachment, change_proposal) -> None:
    """Alter `attachment` and `proposal` in batch mode, with SQLite's extra steps around it."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        change_attachment(batch_op)
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        change_proposal(batch_op)
    if sqlite:
        for statement in SQLITE_SEARCH_TRIGGERS:
            bind.exec_driver_sql(statement)
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"Foreign keys broken by the table copies: {broken[:5]}")
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")


def upgrade():
    def add_kind(batch_op):
        # Every file stored so far is evidence.
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='evidence', nullable=False))
        batch_op.create_check_constraint(op.f('ck_attachment_kind'), ATTACHMENT_KIND_CHECK)

    def add_video_url(batch_op):
        batch_op.add_column(sa.Column('video_url', sa.Text(), server_default='', nullable=False))
        batch_op.create_check_constraint(op.f('ck_proposal_video_url_length'), 'length(video_url) <= 500')
        batch_op.create_check_constraint(op.f('ck_proposal_video_url_scheme'), VIDEO_URL_SCHEME_CHECK)

    _rebuild(add_kind, add_video_url)

    op.create_table('proposal_sdg',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('goal', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint('goal BETWEEN 1 AND 17', name=op.f('ck_proposal_sdg_goal_range')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_sdg_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'goal', name=op.f('pk_proposal_sdg'))
    )
    with op.batch_alter_table('proposal_sdg', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_sdg_goal', ['goal', 'proposal_id'], unique=False)

    op.create_table('team_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.CheckConstraint('length(name) <= 120', name=op.f('ck_team_member_name_length')),
    sa.CheckConstraint('length(role) <= 120', name=op.f('ck_team_member_role_length')),
    sa.CheckConstraint('position BETWEEN 1 AND 20', name=op.f('ck_team_member_position_range')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_team_member_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_member')),
    sa.UniqueConstraint('proposal_id', 'position', name='one_member_per_position')
    )
    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_member_proposal_id'), ['proposal_id'], unique=False)


def downgrade():
    # The goals, the team and the video go; a decree stays on as an ordinary attachment.
    def drop_kind(batch_op):
        batch_op.drop_constraint(op.f('ck_attachment_kind'), type_='check')
        batch_op.drop_column('kind')

    def drop_video_url(batch_op):
        batch_op.drop_constraint(op.f('ck_proposal_video_url_scheme'), type_='check')
        batch_op.drop_constraint(op.f('ck_proposal_video_url_length'), type_='check')
        batch_op.drop_column('video_url')

    _rebuild(drop_kind, drop_video_url)

    with op.batch_alter_table('team_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_member_proposal_id'))

    op.drop_table('team_member')
    with op.batch_alter_table('proposal_sdg', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_sdg_goal')

    op.drop_table('proposal_sdg')
