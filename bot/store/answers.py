"""Recording an answer and the aggregates it moves, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.rules.streaks import StreakState
from bot.store.tables import Answer, Score, Streak, TopicScore
from bot.store.upsert import insert


async def record(
    session: AsyncSession, *, post_id: int, user_id: int, choice: int, correct: bool,
    points: int, now: datetime,
) -> bool:
    """Insert the answer; False when this user already answered this post (a double click)."""
    statement = (
        insert(session, Answer)
        .values(post_id=post_id, user_id=user_id, choice=choice, correct=correct, points=points,
                answered_at=now)
        .on_conflict_do_nothing(index_elements=["post_id", "user_id"])
        .returning(Answer.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def previous(session: AsyncSession, post_id: int, user_id: int) -> Answer | None:
    return (
        await session.execute(
            select(Answer).where(Answer.post_id == post_id, Answer.user_id == user_id)
        )
    ).scalar_one_or_none()


async def streak(session: AsyncSession, channel_id: int, user_id: int) -> StreakState:
    row = await session.get(Streak, (channel_id, user_id))
    if row is None:
        return StreakState()
    return StreakState(row.current, row.best, row.last_post_id, row.freeze_held)


async def save_streak(
    session: AsyncSession, channel_id: int, user_id: int, state: StreakState
) -> None:
    statement = insert(session, Streak).values(
        channel_id=channel_id, user_id=user_id, current=state.current, best=state.best,
        last_post_id=state.last_post_id, freeze_held=state.freeze,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["channel_id", "user_id"],
            set_={"current": state.current, "best": state.best,
                  "last_post_id": state.last_post_id, "freeze_held": state.freeze},
        )
    )


async def add_score(
    session: AsyncSession, *, workspace_id: int, user_id: int, periods: tuple[str, ...],
    points: int, correct: bool, topic: str,
) -> None:
    hit = int(correct)
    rows = [
        {"workspace_id": workspace_id, "period": period, "user_id": user_id, "points": points,
         "answered": 1, "correct": hit}
        for period in periods
    ]
    statement = insert(session, Score).values(rows)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["workspace_id", "period", "user_id"],
            set_={
                "points": Score.points + statement.excluded.points,
                "answered": Score.answered + 1,
                "correct": Score.correct + statement.excluded.correct,
            },
        )
    )
    topic_statement = insert(session, TopicScore).values(
        workspace_id=workspace_id, user_id=user_id, topic=topic, answered=1, correct=hit
    )
    await session.execute(
        topic_statement.on_conflict_do_update(
            index_elements=["workspace_id", "user_id", "topic"],
            set_={"answered": TopicScore.answered + 1,
                  "correct": TopicScore.correct + topic_statement.excluded.correct},
        )
    )
