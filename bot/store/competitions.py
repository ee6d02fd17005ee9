"""Competitions: named windows of a workspace, each with its own board."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import claims
from bot.store.tables import Competition
from bot.store.upsert import insert


async def create(
    session: AsyncSession, *, workspace_id: int, channel_id: int, name: str,
    starts_at: datetime, ends_at: datetime, topics: Sequence[str] = (), best: int = 5,
) -> Competition | None:
    """None when the workspace already has a competition of that name."""
    statement = (
        insert(session, Competition)
        .values(workspace_id=workspace_id, channel_id=channel_id, name=name,
                starts_at=starts_at, ends_at=ends_at, ended=False, topics=list(topics),
                best=best)
        .on_conflict_do_nothing(index_elements=["workspace_id", "name"])
        .returning(Competition.id)
    )
    competition_id = (await session.execute(statement)).scalar_one_or_none()
    return None if competition_id is None else await session.get(Competition, competition_id)


async def named(session: AsyncSession, workspace_id: int, name: str) -> Competition | None:
    return (await session.execute(
        select(Competition).where(Competition.workspace_id == workspace_id,
                                  Competition.name == name)
    )).scalar_one_or_none()


async def running(session: AsyncSession, workspace_id: int, now: datetime) -> list[int]:
    """Ids of the competitions an answer given now counts toward."""
    rows = await session.execute(
        select(Competition.id).where(
            Competition.workspace_id == workspace_id, Competition.ended.is_(False),
            Competition.starts_at <= now, Competition.ends_at > now,
        )
    )
    return list(rows.scalars())


async def running_topics(session: AsyncSession, workspace_id: int,
                         now: datetime) -> list[tuple[int, list[str]]]:
    """(id, topics) of the competitions an answer given now may count toward: those whose
    topics include the question's (no topics: every question)."""
    rows = await session.execute(
        select(Competition.id, Competition.topics).where(
            Competition.workspace_id == workspace_id, Competition.ended.is_(False),
            Competition.starts_at <= now, Competition.ends_at > now,
        )
    )
    return [(competition_id, list(topics or ())) for competition_id, topics in rows]


async def of_workspace(session: AsyncSession, workspace_id: int) -> list[Competition]:
    rows = await session.execute(
        select(Competition).where(Competition.workspace_id == workspace_id)
        .order_by(Competition.ended, Competition.ends_at.desc())
    )
    return list(rows.scalars())


async def due_to_end(session: AsyncSession, now: datetime,
                     platforms: Collection[str] | None = None, limit: int = 50) -> list[Competition]:
    rows = await session.execute(
        select(Competition).where(Competition.ended.is_(False), Competition.ends_at <= now,
                                  claims.on_platforms(Competition.channel_id, platforms))
        .order_by(Competition.ends_at).limit(limit).with_for_update(skip_locked=True)
    )
    return list(rows.scalars())


async def end(session: AsyncSession, competition_id: int, now: datetime) -> bool:
    """End once: True only for the caller that actually ended it."""
    result = await session.execute(
        update(Competition).where(Competition.id == competition_id, Competition.ended.is_(False))
        .values(ended=True, ends_at=now)
    )
    return bool(cast(CursorResult[Any], result).rowcount)
