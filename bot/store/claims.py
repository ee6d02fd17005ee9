"""The scheduler's queries: due channels, claimed-but-unsent posts. Instances share the work
through row locks that skip what another instance holds (FOR UPDATE SKIP LOCKED on PostgreSQL;
SQLite has one writer, so there is nothing to skip)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import Channel, Post, Workspace
from bot.store.upsert import insert


async def due_channels(
    session: AsyncSession, now: datetime, limit: int, platforms: Collection[str]
) -> list[Channel]:
    """Due channels of the platforms this process can post to (another process serves the rest)."""
    rows = await session.execute(
        select(Channel)
        .join(Workspace, Workspace.id == Channel.workspace_id)
        .where(Channel.next_due_at <= now, Channel.scheduled.is_(True),
               Channel.paused.is_(False), Workspace.platform.in_(list(platforms)))
        .order_by(Channel.next_due_at)
        .limit(limit)
        .with_for_update(of=Channel, skip_locked=True)
    )
    return list(rows.scalars().unique())


async def histories(session: AsyncSession, channel_ids: list[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {cid: [] for cid in channel_ids}
    if channel_ids:
        rows = await session.execute(
            select(Post.channel_id, Post.question_id)
            .where(Post.channel_id.in_(channel_ids)).order_by(Post.id)
        )
        for channel_id, question_id in rows:
            result[channel_id].append(question_id)
    return result


async def latest_counted(session: AsyncSession, channel_ids: list[int]) -> dict[int, int]:
    """The newest counted post id per channel: the predecessor of the post about to be claimed."""
    if not channel_ids:
        return {}
    rows = await session.execute(
        select(Post.channel_id, func.max(Post.id))
        .where(Post.channel_id.in_(channel_ids), Post.day.is_not(None))
        .group_by(Post.channel_id)
    )
    return {channel_id: post_id for channel_id, post_id in rows}


async def insert_posts(session: AsyncSession, rows: list[dict[str, Any]]) -> list[Post]:
    """Claim many days at once; a (channel, day) that is already claimed is silently skipped."""
    if not rows:
        return []
    # The rows go as parameters, not .values(rows): one cached statement sent in
    # "insertmanyvalues" pages, instead of compiling a fresh 200-row VALUES clause per batch.
    statement = (
        insert(session, Post)
        .on_conflict_do_nothing(index_elements=["channel_id", "day"])
        .returning(Post)
    )
    return list(await session.scalars(statement, rows))


def on_platforms(column: Any, platforms: Collection[str] | None) -> Any:
    """`column` (a channel id) is a channel of one of `platforms`; anything when None."""
    if platforms is None:
        return column.is_not(None)
    return column.in_(select(Channel.id).join(Workspace, Workspace.id == Channel.workspace_id)
                      .where(Workspace.platform.in_(list(platforms))))


async def stale_claims(
    session: AsyncSession, claimed_before: datetime, now: datetime, max_attempts: int, limit: int,
    platforms: Collection[str] | None = None,
) -> list[Post]:
    """Posts of these platforms claimed but never confirmed sent (the sender crashed or the
    platform failed), leased again to this instance by moving claimed_at forward."""
    rows = await session.execute(
        select(Post)
        .where(Post.status == "claimed", Post.claimed_at < claimed_before,
               Post.send_attempts < max_attempts, on_platforms(Post.channel_id, platforms))
        .order_by(Post.claimed_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    posts = list(rows.scalars())
    for post in posts:
        post.claimed_at = now
        post.send_attempts += 1
    return posts


async def give_up(
    session: AsyncSession, claimed_before: datetime, max_attempts: int, now: datetime
) -> int:
    """Posts whose last allowed attempt also failed are closed, so they stop being retried."""
    result = await session.execute(
        update(Post)
        .where(Post.status == "claimed", Post.send_attempts >= max_attempts,
               Post.claimed_at < claimed_before)
        .values(status="closed", closed_at=now)
    )
    return int(cast(CursorResult[Any], result).rowcount or 0)

