"""teams and freezes: teams in competitions, topic filters, best-N team scores; streak freezes

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 09:00:00.000000

- `competitions.topics` (only answers to questions of these topics score; empty: all) and
  `competitions.best` (a team's score is its best N members' points; 5 by default).
- `competition_teams`: the teams a competition listed, in order: a platform group (a Discord
  role, a Slack user group) or a name people join.
- `scores.team_id` and `scores.team_chosen`: on a competition's score rows (period `c<id>`), the
  person's team there, and whether they chose it themselves. The row is the membership (one per
  person and competition), so a team's points are the rows of its members, and the partial index
  `ix_scores_team` in board order gives any team's best N as its first N entries
  (bench/bench_boards.py, bench/RESULTS.md). Rows of other periods keep NULL and never enter it.
- `streaks.freeze_held`: a streak freeze held (bot/rules/streaks.py); `ix_streaks_alive` takes
  it too, so the dashboard counts a streak a freeze keeps alive from the index alone.

On SQLite the new columns are added with ALTER TABLE (never a batch copy of `scores`), so the
board_counts triggers of 0007 stay; dropping them in downgrade uses SQLite's own DROP COLUMN.

(0009 is written on another branch at the same time; the merge re-chains this one.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
TEAM_ROWS = sa.text('team_id IS NOT NULL')


def upgrade() -> None:
    op.add_column('competitions', sa.Column('topics', sa.JSON(), server_default=sa.text("'[]'"),
                                            nullable=False))
    op.add_column('competitions', sa.Column('best', sa.Integer(), server_default=sa.text('5'),
                                            nullable=False))
    op.create_table('competition_teams',
    sa.Column('id', Id, nullable=False),
    sa.Column('competition_id', Id, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['competition_id'], ['competitions.id'],
                            name=op.f('fk_competition_teams_competition_id_competitions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competition_teams')),
    sa.UniqueConstraint('competition_id', 'position',
                        name=op.f('uq_competition_teams_competition_id'))
    )
    op.add_column('scores', sa.Column('team_id', sa.BigInteger(), nullable=True))
    op.add_column('scores', sa.Column('team_chosen', sa.Boolean(), nullable=True))
    op.create_index('ix_scores_team', 'scores',
                    ['team_id', sa.literal_column('points DESC'),
                     sa.literal_column('correct DESC'), 'answered', 'user_id'],
                    unique=False, postgresql_where=TEAM_ROWS, sqlite_where=TEAM_ROWS)
    op.add_column('streaks', sa.Column('freeze_held', sa.Boolean(), server_default=sa.false(),
                                       nullable=False))
    op.drop_index('ix_streaks_alive', table_name='streaks')
    op.create_index('ix_streaks_alive', 'streaks',
                    ['last_post_id', 'current', 'user_id', 'freeze_held'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_streaks_alive', table_name='streaks')
    op.create_index('ix_streaks_alive', 'streaks', ['last_post_id', 'current', 'user_id'],
                    unique=False)
    op.drop_column('streaks', 'freeze_held')
    op.drop_index('ix_scores_team', table_name='scores')
    op.drop_column('scores', 'team_chosen')
    op.drop_column('scores', 'team_id')
    op.drop_table('competition_teams')
    op.drop_column('competitions', 'best')
    op.drop_column('competitions', 'topics')
