"""Private practice: each user's spaced-repetition state per question."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.rules.repetition import Review
from bot.store.tables import PracticeCard
from bot.store.upsert import insert


async def reviews(session: AsyncSession, workspace_id: int, user_id: int) -> tuple[list[Review], str | None]:
    """Every practiced question of the user, and the one practiced last."""
    rows = list((await session.execute(
        select(PracticeCard).where(PracticeCard.workspace_id == workspace_id,
                                   PracticeCard.user_id == user_id)
    )).scalars())
    last = max(rows, key=lambda r: r.last_seen_at).question_id if rows else None
    return [Review(r.question_id, r.box, r.due_at) for r in rows], last


async def box_of(session: AsyncSession, workspace_id: int, user_id: int, question_id: str) -> int:
    row = await session.get(PracticeCard, (workspace_id, user_id, question_id))
    return row.box if row else 0


async def record(
    session: AsyncSession, *, workspace_id: int, user_id: int, question_id: str, box: int,
    due_at: datetime, correct: bool, now: datetime,
) -> None:
    statement = insert(session, PracticeCard).values(
        workspace_id=workspace_id, user_id=user_id, question_id=question_id, box=box,
        due_at=due_at, seen=1, correct=int(correct), last_seen_at=now,
    )
    await session.execute(statement.on_conflict_do_update(
        index_elements=["workspace_id", "user_id", "question_id"],
        set_={"box": box, "due_at": due_at, "last_seen_at": now,
              "seen": PracticeCard.seen + 1,
              "correct": PracticeCard.correct + statement.excluded.correct},
    ))
