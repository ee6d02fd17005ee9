"""Leaderboards and personal figures: indexed reads of the maintained aggregates."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.store.tables import Score, Streak, TopicScore, User

Row = tuple[int, str, int, int, int]  # user_id, name, points, correct, answered


class Standing(NamedTuple):
    rank: int
    name: str
    points: int
    correct: int
    answered: int


# Ties on points go to the better accuracy, then to whoever answered fewer (fewer attempts for
# the same score), then to the earlier user: the order is total, so ranks are stable. The index
# ix_scores_rank (bot/store/tables.py) is in exactly this order.
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


async def standing(session: AsyncSession, workspace_id: int, period: str,
                   user_id: int) -> Standing | None:
    """A user's rank and figures on a board, in one statement; None when they have no score."""
    row = (await session.execute(standing_query(workspace_id, period, user_id))).one_or_none()
    return Standing(*row) if row else None


def standing_query(workspace_id: int, period: str, user_id: int) -> Select[Any]:
    """Those ahead of the user (in the order of `top`) are four disjoint, contiguous ranges of
    ix_scores_rank: more points; as many points and more correct; ... Each is counted from the
    index alone, so the cost grows with the rank, not with the board (bench/RESULTS.md)."""
    ahead = aliased(Score)
    board = (ahead.workspace_id == Score.workspace_id, ahead.period == Score.period)
    same_points = (*board, ahead.points == Score.points)
    same_correct = (*same_points, ahead.correct == Score.correct)
    ranges = (
        (*board, ahead.points > Score.points),
        (*same_points, ahead.correct > Score.correct),
        (*same_correct, ahead.answered < Score.answered),
        (*same_correct, ahead.answered == Score.answered, ahead.user_id < Score.user_id),
    )
    counts = [select(func.count()).select_from(ahead).where(*conditions).scalar_subquery()
              for conditions in ranges]
    return (
        select(counts[0] + counts[1] + counts[2] + counts[3] + 1, User.display_name,
               Score.points, Score.correct, Score.answered)
        .join(User, User.id == Score.user_id)
        .where(Score.workspace_id == workspace_id, Score.period == period,
               Score.user_id == user_id)
    )


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
