"""board rank index: one index in the board's own order replaces (workspace, period, points)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 11:00:00.000000

A leaderboard sorts by points desc, correct desc, answered asc, user id asc. With the index in
that order, the top 10 are its first ten entries for a (workspace, period), and a user's rank
counts four contiguous ranges of it, without reading the table (an index-only scan).

An index-only scan still reads a table page whose visibility-map bit is clear, and every answer
updates three score rows, which clears the bits of their pages. PostgreSQL's default autovacuum
waits for dead rows worth 20% of the table (640,000 of 3.2 million score rows), i.e. days at a
time on a large board, so the rank of someone deep in it would cost a table read per user ahead.
Vacuuming `scores` after every 5,000 changed rows instead keeps the bits set, within about a
minute of a burst of answers. Measurements: bench/bench_boards.py and bench/RESULTS.md.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

VACUUM_SOONER = {
    'autovacuum_vacuum_scale_factor': '0',
    'autovacuum_vacuum_threshold': '5000',
    'autovacuum_vacuum_insert_scale_factor': '0',  # PostgreSQL 13+
    'autovacuum_vacuum_insert_threshold': '5000',
    'autovacuum_analyze_scale_factor': '0.02',
}


def _postgres_13_or_later() -> bool:
    dialect = op.get_bind().dialect
    return dialect.name == 'postgresql' and (dialect.server_version_info or (0,)) >= (13,)


def upgrade() -> None:
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index('ix_scores_board')
        batch_op.create_index('ix_scores_rank', ['workspace_id', 'period', sa.literal_column('points DESC'), sa.literal_column('correct DESC'), 'answered', 'user_id'], unique=False)
    if _postgres_13_or_later():
        settings = ', '.join(f'{name} = {value}' for name, value in VACUUM_SOONER.items())
        op.execute(f'ALTER TABLE scores SET ({settings})')


def downgrade() -> None:
    if _postgres_13_or_later():
        op.execute(f"ALTER TABLE scores RESET ({', '.join(VACUUM_SOONER)})")
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index('ix_scores_rank')
        batch_op.create_index('ix_scores_board', ['workspace_id', 'period', 'points'], unique=False)
