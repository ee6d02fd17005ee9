"""request signatures: signed requests already served, so that a replay is refused

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('request_signatures',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('expires_at', bot.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_request_signatures'))
    )
    with op.batch_alter_table('request_signatures', schema=None) as batch_op:
        batch_op.create_index('ix_request_signatures_expires_at', ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('request_signatures', schema=None) as batch_op:
        batch_op.drop_index('ix_request_signatures_expires_at')

    op.drop_table('request_signatures')
