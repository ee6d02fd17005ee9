"""Private practice: each user's FSRS memory of each question they practiced, and its history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.rules.spacing import Memory
from bot.store.tables import PracticeCard
from bot.store.upsert import insert


async def cards(session: AsyncSession, workspace_id: int, user_id: int) -> list[PracticeCard]:
    """Every question the user has practiced."""
    rows = await session.execute(
        select(PracticeCard).where(PracticeCard.workspace_id == workspace_id,
                                   PracticeCard.user_id == user_id)
    )
    return list(rows.scalars())


async def card_for_update(session: AsyncSession, workspace_id: int, user_id: int,
                          question_id: str) -> PracticeCard | None:
    """The card, locked until the transaction ends: two quick answers to the same question are
    then scheduled one after the other, never both from the same old state."""
    return await session.get(PracticeCard, (workspace_id, user_id, question_id),
                             with_for_update=True)


def memory_of(row: PracticeCard) -> Memory:
    return Memory(row.state, row.step, row.stability, row.difficulty, row.due_at,
                  row.last_seen_at)


async def due_question_ids(session: AsyncSession, workspace_id: int, user_id: int,
                           now: datetime) -> list[str]:
    rows = await session.execute(
        select(PracticeCard.question_id).where(
            PracticeCard.workspace_id == workspace_id, PracticeCard.user_id == user_id,
            PracticeCard.due_at <= now)
    )
    return list(rows.scalars())


async def record(
    session: AsyncSession, *, workspace_id: int, user_id: int, question_id: str, memory: Memory,
    correct: bool, now: datetime,
) -> PracticeCard:
    """Store one practice answer and the memory it led to; return the card as stored."""
    state = {"state": memory.state, "step": memory.step, "stability": memory.stability,
             "difficulty": memory.difficulty, "due_at": memory.due_at, "last_seen_at": now}
    statement = insert(session, PracticeCard).values(
        workspace_id=workspace_id, user_id=user_id, question_id=question_id, seen=1,
        correct=int(correct), right_in_a_row=int(correct), **state,
    )
    stored = await session.execute(
        statement.on_conflict_do_update(
            index_elements=["workspace_id", "user_id", "question_id"],
            set_={**state, "seen": PracticeCard.seen + 1,
                  "correct": PracticeCard.correct + statement.excluded.correct,
                  "right_in_a_row": (PracticeCard.right_in_a_row + 1) if correct else 0},
        ).returning(PracticeCard),
        execution_options={"populate_existing": True},
    )
    return stored.scalar_one()
