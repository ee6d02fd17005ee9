"""practice on FSRS: Leitner boxes become FSRS memory states

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 09:00:00.000000

Every card is kept, with its history (`seen`, `correct`, `last_seen_at`) and its due date (so
nobody's reviews move on the day of the upgrade). What the Leitner box meant becomes FSRS state:

- `right_in_a_row` = `box`. A Leitner box is the number of right answers in a row, capped at 5.
- box >= 1: the question was answered right last time. state `review`; stability = the box's
  interval in days (1, 3, 7, 14, 30), because FSRS at its 90% target retention schedules a card
  exactly `stability` days out, so the card keeps the interval the boxes had given it.
- box 0: the last answer was wrong. state `learning` (never answered right) or `relearning`
  (a lapse), step 0; stability = FSRS's initial stability after an Again (0.212 days).
- difficulty (all cards) = FSRS's initial difficulty after a Good (2.1181), moved toward the one
  after an Again (6.4133) by the card's miss rate (seen - correct) / seen: a card always answered
  right gets what a first Good gives, one always missed what a first Again gives.

The constants are FSRS 6's default parameters at the time of writing, frozen here so that this
migration gives the same result whatever version of `fsrs` is installed later.

Downgrade: box = min(right_in_a_row, 5), exactly the Leitner box for cards never reviewed under
FSRS and for those since; due dates and history stay; the FSRS columns go.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BOX_DAYS = (0, 1, 3, 7, 14, 30)
STABILITY_AFTER_AGAIN = 0.212  # FSRS-6 w[0]
DIFFICULTY_AFTER_GOOD = 2.1181  # FSRS-6 D0(Good) = w[4] - e^(2 w[5]) + 1
DIFFICULTY_AFTER_AGAIN = 6.4133  # FSRS-6 D0(Again) = w[4]


def upgrade() -> None:
    with op.batch_alter_table('practice_cards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=16), nullable=False, server_default='learning'))
        batch_op.add_column(sa.Column('step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('stability', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('difficulty', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('right_in_a_row', sa.Integer(), nullable=False, server_default='0'))

    interval = " ".join(f"WHEN {box} THEN {days}" for box, days in enumerate(BOX_DAYS) if box)
    miss_rate = "CASE WHEN seen > 0 THEN CAST(seen - correct AS FLOAT) / seen ELSE 0 END"
    op.execute(sa.text(
        "UPDATE practice_cards SET right_in_a_row = box, "
        f"difficulty = {DIFFICULTY_AFTER_GOOD} + ({DIFFICULTY_AFTER_AGAIN} - {DIFFICULTY_AFTER_GOOD}) * {miss_rate}"
    ))
    op.execute(sa.text(
        f"UPDATE practice_cards SET state = 'review', step = NULL, stability = CASE box {interval} END "
        "WHERE box >= 1"
    ))
    op.execute(sa.text(
        "UPDATE practice_cards SET state = CASE WHEN correct > 0 THEN 'relearning' ELSE 'learning' END, "
        f"step = 0, stability = {STABILITY_AFTER_AGAIN} WHERE box < 1"
    ))

    with op.batch_alter_table('practice_cards', schema=None) as batch_op:
        batch_op.alter_column('state', server_default=None)
        batch_op.alter_column('right_in_a_row', server_default=None)
        batch_op.drop_column('box')


def downgrade() -> None:
    with op.batch_alter_table('practice_cards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('box', sa.Integer(), nullable=False, server_default='0'))

    op.execute(sa.text(
        "UPDATE practice_cards SET box = CASE WHEN right_in_a_row > 5 THEN 5 ELSE right_in_a_row END"
    ))

    with op.batch_alter_table('practice_cards', schema=None) as batch_op:
        batch_op.alter_column('box', server_default=None)
        batch_op.drop_column('right_in_a_row')
        batch_op.drop_column('difficulty')
        batch_op.drop_column('stability')
        batch_op.drop_column('step')
        batch_op.drop_column('state')
