"""A workspace seen as a team: its channels, its people in board order, one person's rows.

Every read is scoped by the workspace id, so nothing of another workspace can come back.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.boards import Row
from bot.store.tables import Channel, Competition, PracticeCard, Score, TopicScore, User, Workspace

# The board's own order (bot/store/boards.py), so ranks here match /leaderboard.
_ORDER = (Score.points.desc(), Score.correct.desc(), Score.answered.asc(), Score.user_id.asc())


async def workspace(session: AsyncSession, platform: str, external_id: str) -> Workspace | None:
    return (await session.execute(select(Workspace).where(
        Workspace.platform == platform, Workspace.external_id == external_id))).scalar_one_or_none()


async def channels(session: AsyncSession, workspace_id: int) -> list[Channel]:
    rows = await session.execute(
        select(Channel).where(Channel.workspace_id == workspace_id).order_by(Channel.id))
    return list(rows.scalars())


async def ranked(session: AsyncSession, workspace_id: int, period: str, offset: int,
                 limit: int) -> list[Row]:
    """People in board order from `offset`: (user id, name, points, correct, answered).

    The page is cut from the scores alone and only its rows are joined to their names: joined
    first, a deep page would look up the name of everyone ahead of it too."""
    page = (select(Score.user_id, Score.points, Score.correct, Score.answered)
            .where(Score.workspace_id == workspace_id, Score.period == period)
            .order_by(*_ORDER).offset(offset).limit(limit).subquery())
    rows = await session.execute(
        select(page.c.user_id, User.display_name, page.c.points, page.c.correct, page.c.answered)
        .join(User, User.id == page.c.user_id)
        .order_by(page.c.points.desc(), page.c.correct.desc(), page.c.answered.asc(),
                  page.c.user_id.asc()))
    return [(int(r[0]), str(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]


async def member(session: AsyncSession, workspace_id: int, user_id: int) -> User | None:
    """The user, only if they belong to this workspace."""
    user = await session.get(User, user_id)
    return user if user is not None and user.workspace_id == workspace_id else None


async def topic_scores(session: AsyncSession, workspace_id: int, user_id: int) -> list[TopicScore]:
    rows = await session.execute(select(TopicScore).where(
        TopicScore.workspace_id == workspace_id, TopicScore.user_id == user_id))
    return list(rows.scalars())


async def practice_cards(session: AsyncSession, workspace_id: int,
                         user_id: int) -> list[PracticeCard]:
    rows = await session.execute(select(PracticeCard).where(
        PracticeCard.workspace_id == workspace_id, PracticeCard.user_id == user_id))
    return list(rows.scalars())


async def competitions(session: AsyncSession, ids: list[int]) -> list[Competition]:
    if not ids:
        return []
    rows = await session.execute(
        select(Competition).where(Competition.id.in_(ids)).order_by(Competition.ends_at))
    return list(rows.scalars())
