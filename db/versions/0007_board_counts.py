"""board counts: per board, how many users hold each points value, kept by triggers on scores

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 14:00:00.000000

A rank is 1 + the users on higher points + those ahead within the caller's own points. Counting
the first part in ix_scores_rank (revision 0006) costs a few milliseconds per 10,000 users ahead,
and a table read per user on pages changed since the last vacuum. board_counts holds, per
(workspace, period, points value), how many users have it (in 8 rows, by user id, so that
concurrent writers seldom meet on one row), so it is a sum over a few thousand small rows
instead; the tie part stays a short range of ix_scores_rank.

Triggers on `scores` keep the counts in the same transaction as the score change, whatever code
writes scores. On PostgreSQL they are statement-level with transition tables: one aggregated
upsert per statement, in key order, so concurrent writers lock count rows in the same order and
never deadlock; a statement that changes no points (a wrong answer) writes nothing. The price:
a right answer's writer holds its count rows (hot ones, as many users share a score) until it
commits, so writers in separate transactions queue there; a group commit pays it once per batch.
Figures in bench/RESULTS.md (bench/bench_boards.py).

A later migration that rebuilds `scores` on SQLite (batch mode copies the table) drops these
triggers with the old table and must create them again; tests/integration/test_boards.py fails
if the counts stop following the scores.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Each count is spread over SHARDS rows by user id, so writers moving users onto or off the
# same points value at the same time mostly lock different rows (a rank sums them all).
SHARDS = 8
_UPSERT = ("ON CONFLICT (workspace_id, period, points, shard) "
           "DO UPDATE SET users = board_counts.users + EXCLUDED.users")

POSTGRES_FUNCTION = f"""
CREATE FUNCTION board_counts_follow_scores() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO board_counts (workspace_id, period, points, shard, users)
        SELECT workspace_id, period, points, user_id % {SHARDS}, count(*) FROM new_rows
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        {_UPSERT};
    ELSIF TG_OP = 'UPDATE' THEN
        -- -1 for each old row, +1 for each new one: unchanged points cancel out.
        INSERT INTO board_counts (workspace_id, period, points, shard, users)
        SELECT workspace_id, period, points, shard, sum(delta) FROM (
            SELECT workspace_id, period, points, user_id % {SHARDS} AS shard, -1 AS delta
            FROM old_rows
            UNION ALL
            SELECT workspace_id, period, points, user_id % {SHARDS}, 1 FROM new_rows) AS moves
        GROUP BY 1, 2, 3, 4 HAVING sum(delta) <> 0 ORDER BY 1, 2, 3, 4
        {_UPSERT};
    ELSE
        -- Deletes come from a user or workspace being deleted (cascades): update only, as the
        -- workspace's own count rows may already be gone.
        UPDATE board_counts AS c SET users = c.users - gone.users
        FROM (SELECT workspace_id, period, points, user_id % {SHARDS} AS shard,
                     count(*) AS users
              FROM old_rows GROUP BY 1, 2, 3, 4) AS gone
        WHERE c.workspace_id = gone.workspace_id AND c.period = gone.period
          AND c.points = gone.points AND c.shard = gone.shard;
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRES_TRIGGERS = [
    "CREATE TRIGGER board_counts_on_insert AFTER INSERT ON scores REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION board_counts_follow_scores()",
    "CREATE TRIGGER board_counts_on_update AFTER UPDATE ON scores "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION board_counts_follow_scores()",
    "CREATE TRIGGER board_counts_on_delete AFTER DELETE ON scores REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION board_counts_follow_scores()",
]

# SQLite has row-level triggers only, and a single writer, so lock order does not arise.
_SQLITE_ADD = ("INSERT INTO board_counts (workspace_id, period, points, shard, users) "
               f"VALUES (NEW.workspace_id, NEW.period, NEW.points, NEW.user_id % {SHARDS}, 1) "
               "ON CONFLICT (workspace_id, period, points, shard) DO UPDATE SET users = users + 1;")
_SQLITE_REMOVE = ("UPDATE board_counts SET users = users - 1 WHERE workspace_id = OLD.workspace_id "
                  "AND period = OLD.period AND points = OLD.points "
                  f"AND shard = OLD.user_id % {SHARDS};")
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER board_counts_on_insert AFTER INSERT ON scores BEGIN {_SQLITE_ADD} END",
    "CREATE TRIGGER board_counts_on_update AFTER UPDATE ON scores "
    "WHEN OLD.points IS NOT NEW.points OR OLD.workspace_id IS NOT NEW.workspace_id "
    f"OR OLD.period IS NOT NEW.period BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
    f"CREATE TRIGGER board_counts_on_delete AFTER DELETE ON scores BEGIN {_SQLITE_REMOVE} END",
]
TRIGGERS = ('board_counts_on_insert', 'board_counts_on_update', 'board_counts_on_delete')


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    op.create_table('board_counts',
    sa.Column('workspace_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('shard', sa.Integer(), nullable=False),
    sa.Column('users', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_board_counts_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workspace_id', 'period', 'points', 'shard', name=op.f('pk_board_counts'))
    )

    if postgres:
        # Writers wait from here to the commit, so no score change falls between the count
        # below and the triggers.
        op.execute('LOCK TABLE scores IN SHARE ROW EXCLUSIVE MODE')
        op.execute(POSTGRES_FUNCTION)
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)
    op.execute('INSERT INTO board_counts (workspace_id, period, points, shard, users) '
               f'SELECT workspace_id, period, points, user_id % {SHARDS}, count(*) FROM scores '
               'GROUP BY 1, 2, 3, 4')


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for name in TRIGGERS:
        op.execute(f'DROP TRIGGER {name} ON scores' if postgres else f'DROP TRIGGER {name}')
    if postgres:
        op.execute('DROP FUNCTION board_counts_follow_scores()')
    op.drop_table('board_counts')
