"""Workspaces, channels and users: found or created by their platform ids."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import Channel, User, Workspace
from bot.store.upsert import insert


async def ensure_workspace(
    session: AsyncSession, platform: str, external_id: str, name: str, now: datetime
) -> int:
    await session.execute(
        insert(session, Workspace)
        .values(platform=platform, external_id=external_id, name=name, created_at=now)
        .on_conflict_do_nothing(index_elements=["platform", "external_id"])
    )
    return (
        await session.execute(
            select(Workspace.id).where(
                Workspace.platform == platform, Workspace.external_id == external_id
            )
        )
    ).scalar_one()


async def find_workspace(session: AsyncSession, platform: str, external_id: str) -> int | None:
    return (
        await session.execute(
            select(Workspace.id).where(
                Workspace.platform == platform, Workspace.external_id == external_id
            )
        )
    ).scalar_one_or_none()


async def ensure_channel(
    session: AsyncSession, workspace_id: int, external_id: str, name: str, now: datetime
) -> Channel:
    await session.execute(
        insert(session, Channel)
        .values(
            workspace_id=workspace_id, external_id=external_id, name=name, created_at=now,
            timezone="UTC", weekdays=0b0011111, topics=[], scheduled=False, paused=False,
        )
        .on_conflict_do_nothing(index_elements=["workspace_id", "external_id"])
    )
    channel = await find_channel(session, workspace_id, external_id, for_update=True)
    assert channel is not None
    if name and channel.name != name:
        channel.name = name
    return channel


async def find_channel(
    session: AsyncSession, workspace_id: int, external_id: str, for_update: bool = False
) -> Channel | None:
    query = select(Channel).where(
        Channel.workspace_id == workspace_id, Channel.external_id == external_id
    )
    if for_update:
        query = query.with_for_update(of=Channel)
    return (await session.execute(query)).scalar_one_or_none()


async def ensure_user(
    session: AsyncSession, workspace_id: int, external_id: str, display_name: str
) -> int:
    statement = insert(session, User).values(
        workspace_id=workspace_id, external_id=external_id, display_name=display_name
    )
    # Keep the display name fresh without a write when it has not changed; an empty name
    # (someone else looked up by id) never overwrites a known one.
    statement = statement.on_conflict_do_update(
        index_elements=["workspace_id", "external_id"],
        set_={"display_name": statement.excluded.display_name},
        where=(User.display_name != statement.excluded.display_name)
        & (statement.excluded.display_name != ""),
    )
    await session.execute(statement)
    return (
        await session.execute(
            select(User.id).where(User.workspace_id == workspace_id,
                                  User.external_id == external_id)
        )
    ).scalar_one()


async def find_user(session: AsyncSession, workspace_id: int, external_id: str) -> int | None:
    return (
        await session.execute(
            select(User.id).where(User.workspace_id == workspace_id,
                                  User.external_id == external_id)
        )
    ).scalar_one_or_none()
