"""Leaderboards and personal figures: indexed reads of the maintained aggregates."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import Score, Streak, TopicScore, User

Row = tuple[int, str, int, int, int]  # user_id, name, points, correct, answered

# Ties on points go to the better accuracy, then to whoever answered fewer (fewer attempts for
# the same score), then to the earlier user: the order is total, so ranks are stable.
_ORDER = (Score.points.desc(), Score.correct.desc(), Score.answered.asc(), Score.user_id.asc())


async def top(session: AsyncSession, workspace_id: int, period: str, limit: int) -> list[Row]:
    rows = await session.execute(
        select(Score.user_id, User.display_name, Score.points, Score.correct, Score.answered)
        .join(User, User.id == Score.user_id)
        .where(Score.workspace_id == workspace_id, Score.period == period)
        .order_by(*_ORDER)
        .limit(limit)
    )
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def score_of(
    session: AsyncSession, workspace_id: int, period: str, user_id: int
) -> Score | None:
    return await session.get(Score, (workspace_id, period, user_id))


async def rank_of(session: AsyncSession, score: Score) -> int:
    """1 + how many users are ahead of this score in the same order as `top`."""
    ahead = or_(
        Score.points > score.points,
        and_(Score.points == score.points, Score.correct > score.correct),
        and_(Score.points == score.points, Score.correct == score.correct,
             Score.answered < score.answered),
        and_(Score.points == score.points, Score.correct == score.correct,
             Score.answered == score.answered, Score.user_id < score.user_id),
    )
    count = await session.execute(
        select(func.count()).where(
            Score.workspace_id == score.workspace_id, Score.period == score.period, ahead
        )
    )
    return count.scalar_one() + 1


async def streaks_of(session: AsyncSession, user_id: int) -> list[Streak]:
    rows = await session.execute(select(Streak).where(Streak.user_id == user_id))
    return list(rows.scalars())


async def topics_of(session: AsyncSession, workspace_id: int, user_id: int) -> list[TopicScore]:
    rows = await session.execute(
        select(TopicScore).where(TopicScore.workspace_id == workspace_id,
                                 TopicScore.user_id == user_id)
    )
    return list(rows.scalars())


async def user_name(session: AsyncSession, user_id: int) -> str:
    user = await session.get(User, user_id)
    return user.display_name if user else "?"
