"""Leaderboards and personal figures: indexed reads of the maintained aggregates."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.store.tables import BoardCount, Score, Streak, TopicScore, User

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
    """Those ahead of the user, in the order of `top`: everyone on more points, summed from
    board_counts (one row per points value), then those on the same points ahead on the
    tie-breaks, three contiguous ranges of ix_scores_rank counted from the index alone. The cost
    grows with the number of distinct scores and the size of a tie, not with the board
    (bench/RESULTS.md)."""
    higher = (
        select(func.coalesce(func.sum(BoardCount.users), 0))
        .where(BoardCount.workspace_id == Score.workspace_id, BoardCount.period == Score.period,
               BoardCount.points > Score.points)
        .scalar_subquery()
    )
    tied = aliased(Score)
    same_points = (tied.workspace_id == Score.workspace_id, tied.period == Score.period,
                   tied.points == Score.points)
    same_correct = (*same_points, tied.correct == Score.correct)
    ties_ahead = (
        (*same_points, tied.correct > Score.correct),
        (*same_correct, tied.answered < Score.answered),
        (*same_correct, tied.answered == Score.answered, tied.user_id < Score.user_id),
    )
    counts = [select(func.count()).select_from(tied).where(*conditions).scalar_subquery()
              for conditions in ties_ahead]
    return (
        select(higher + counts[0] + counts[1] + counts[2] + 1, User.display_name,
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
