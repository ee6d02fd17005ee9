"""dashboard rollups: activity per day, per topic and day, per member and day; alive streaks

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 07:40:00.000000

The dashboard reads these small tables instead of the answers. They are rolled up from a post's
answers in the transaction that closes the post (bot/service/posting.py -> bot/store/activity.py),
when its answers are final, so the answer path writes nothing more. This migration fills them
from the posts already closed. `ix_streaks_alive` finds the streaks that end at a channel's
latest posts (the ones still alive) without reading every streak of the workspace.

(0005 and 0006 are written on other branches at the same time; the merge re-chains this one.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'],
                                   name=op.f(f'fk_{table}_workspace_id_workspaces'), ondelete='CASCADE')


def upgrade() -> None:
    op.create_table('activity_days',
    sa.Column('workspace_id', Id, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    _workspace_fk('activity_days'),
    sa.PrimaryKeyConstraint('workspace_id', 'day', name=op.f('pk_activity_days'))
    )
    op.create_table('topic_days',
    sa.Column('workspace_id', Id, nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    _workspace_fk('topic_days'),
    sa.PrimaryKeyConstraint('workspace_id', 'topic', 'day', name=op.f('pk_topic_days'))
    )
    op.create_table('member_days',
    sa.Column('workspace_id', Id, nullable=False),
    sa.Column('user_id', Id, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_days_user_id_users'), ondelete='CASCADE'),
    _workspace_fk('member_days'),
    sa.PrimaryKeyConstraint('workspace_id', 'user_id', 'day', name=op.f('pk_member_days'))
    )
    with op.batch_alter_table('streaks', schema=None) as batch_op:
        batch_op.create_index('ix_streaks_alive', ['last_post_id', 'current', 'user_id'], unique=False)
    _backfill()


def _backfill() -> None:
    # A question id starts with its topic's slug (`k8s.q.crashloop`); the loader enforces it.
    if op.get_bind().dialect.name == 'postgresql':
        topic = "split_part(p.question_id, '.', 1)"
    else:
        topic = "substr(p.question_id, 1, instr(p.question_id, '.') - 1)"
    closed = """FROM answers a JOIN posts p ON p.id = a.post_id JOIN channels c ON c.id = p.channel_id
                WHERE p.status = 'closed'"""
    right = "sum(CASE WHEN a.correct THEN 1 ELSE 0 END)"
    op.execute(f"""INSERT INTO topic_days (workspace_id, topic, day, answers, correct)
                   SELECT c.workspace_id, {topic}, p.local_date, count(*), {right} {closed}
                   GROUP BY c.workspace_id, {topic}, p.local_date""")
    op.execute(f"""INSERT INTO member_days (workspace_id, user_id, day, answers, correct)
                   SELECT c.workspace_id, a.user_id, p.local_date, count(*), {right} {closed}
                   GROUP BY c.workspace_id, a.user_id, p.local_date""")
    op.execute("""INSERT INTO activity_days (workspace_id, day, answers, correct, people)
                  SELECT workspace_id, day, sum(answers), sum(correct), count(*) FROM member_days
                  GROUP BY workspace_id, day""")


def downgrade() -> None:
    with op.batch_alter_table('streaks', schema=None) as batch_op:
        batch_op.drop_index('ix_streaks_alive')
    op.drop_table('member_days')
    op.drop_table('topic_days')
    op.drop_table('activity_days')
