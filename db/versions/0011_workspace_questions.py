"""workspace questions: a team's own topics, lookup entries and questions; a channel's bank

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00.000000

Each workspace may add topics, lookup entries and questions of its own, proposed in chat (or
imported) and approved by an admin. `workspace_banks.version` grows with every change, so each
instance can tell in one indexed read whether its cached copy of a workspace's content is current.
`channels.bank` says which questions a channel draws from: `bundled`, `own` or `both` (existing
channels keep drawing from everything they could, which is `both`). `form_drafts` keeps a refused
form submission for a day, so Discord (whose modals cannot show errors) can reopen it filled in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
Instant = bot.store.types.UTCDateTime(timezone=True)


def _workspace_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'],
                                   name=op.f(f'fk_{table}_workspace_id_workspaces'), ondelete='CASCADE')


def upgrade() -> None:
    op.create_table('workspace_banks',
    sa.Column('workspace_id', Id, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    _workspace_fk('workspace_banks'),
    sa.PrimaryKeyConstraint('workspace_id', name=op.f('pk_workspace_banks'))
    )
    op.create_table('workspace_topics',
    sa.Column('workspace_id', Id, nullable=False),
    sa.Column('slug', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('description', sa.String(length=100), nullable=False),
    sa.Column('updated_at', Instant, nullable=False),
    _workspace_fk('workspace_topics'),
    sa.PrimaryKeyConstraint('workspace_id', 'slug', name=op.f('pk_workspace_topics'))
    )
    op.create_table('workspace_entries',
    sa.Column('workspace_id', Id, nullable=False),
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('see_also', sa.JSON(), nullable=False),
    sa.Column('updated_at', Instant, nullable=False),
    _workspace_fk('workspace_entries'),
    sa.PrimaryKeyConstraint('workspace_id', 'id', name=op.f('pk_workspace_entries'))
    )
    op.create_table('workspace_questions',
    sa.Column('workspace_id', Id, nullable=False),
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('difficulty', sa.Integer(), nullable=False),
    sa.Column('entry', sa.String(length=120), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('author_id', Id, nullable=True),
    sa.Column('origin_channel', sa.String(length=64), nullable=True),
    sa.Column('proposed_at', Instant, nullable=False),
    sa.Column('reviewer_id', Id, nullable=True),
    sa.Column('reviewed_at', Instant, nullable=True),
    sa.Column('updated_at', Instant, nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_workspace_questions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_workspace_questions_reviewer_id_users'), ondelete='SET NULL'),
    _workspace_fk('workspace_questions'),
    sa.PrimaryKeyConstraint('workspace_id', 'id', name=op.f('pk_workspace_questions'))
    )
    with op.batch_alter_table('workspace_questions', schema=None) as batch_op:
        batch_op.create_index('ix_workspace_questions_status', ['workspace_id', 'status', 'proposed_at'], unique=False)
    op.create_table('form_drafts',
    sa.Column('id', Id, nullable=False),
    sa.Column('workspace_id', Id, nullable=False),
    sa.Column('user_external_id', sa.String(length=64), nullable=False),
    sa.Column('form', sa.String(length=200), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('created_at', Instant, nullable=False),
    _workspace_fk('form_drafts'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_drafts'))
    )
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.create_index('ix_form_drafts_created', ['created_at'], unique=False)
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank', sa.String(length=8), server_default='both', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_column('bank')
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.drop_index('ix_form_drafts_created')
    op.drop_table('form_drafts')
    with op.batch_alter_table('workspace_questions', schema=None) as batch_op:
        batch_op.drop_index('ix_workspace_questions_status')
    op.drop_table('workspace_questions')
    op.drop_table('workspace_entries')
    op.drop_table('workspace_topics')
    op.drop_table('workspace_banks')
