"""Posts: the claim that makes a daily question exactly-once, and their life until closed."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store import claims
from bot.store.tables import Answer, Channel, Post, User
from bot.store.upsert import insert


async def history(session: AsyncSession, channel_id: int) -> list[str]:
    """Question ids posted to the channel, oldest first."""
    rows = await session.execute(
        select(Post.question_id).where(Post.channel_id == channel_id).order_by(Post.id)
    )
    return list(rows.scalars())


async def latest_counted(session: AsyncSession, channel_id: int) -> Post | None:
    return (
        await session.execute(
            select(Post)
            .where(Post.channel_id == channel_id, Post.day.is_not(None))
            .order_by(Post.day.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def latest_counted_closed(session: AsyncSession, channel_id: int) -> int | None:
    return (
        await session.execute(
            select(func.max(Post.id)).where(
                Post.channel_id == channel_id, Post.day.is_not(None), Post.status == "closed"
            )
        )
    ).scalar_one_or_none()


async def claim(
    session: AsyncSession,
    *,
    channel_id: int,
    question_id: str,
    local_date: date,
    counted: bool,
    prev_post_id: int | None,
    now: datetime,
    closes_at: datetime,
) -> Post | None:
    """Insert the post; a counted post is unique per (channel, day), so a second claim of the
    same day returns None instead of a second post."""
    statement = (
        insert(session, Post)
        .values(
            channel_id=channel_id, question_id=question_id, local_date=local_date,
            day=local_date if counted else None, prev_post_id=prev_post_id, status="claimed",
            claimed_at=now, closes_at=closes_at, send_attempts=1,
        )
        .on_conflict_do_nothing(index_elements=["channel_id", "day"])
        .returning(Post.id)
    )
    post_id: int | None = (await session.execute(statement)).scalar_one_or_none()
    if post_id is None:
        return None
    return await session.get(Post, post_id)


async def get(session: AsyncSession, post_id: int, for_update: bool = False) -> Post | None:
    return await session.get(Post, post_id, with_for_update=for_update)


async def channel_of(session: AsyncSession, post: Post) -> Channel:
    return await channel_by_id(session, post.channel_id)


async def channel_by_id(session: AsyncSession, channel_id: int) -> Channel:
    channel = await session.get(Channel, channel_id)
    assert channel is not None
    return channel


async def latest_open(session: AsyncSession, channel_id: int) -> Post | None:
    return (
        await session.execute(
            select(Post)
            .where(Post.channel_id == channel_id, Post.status.in_(("claimed", "open")))
            .order_by(Post.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def mark_sent_many(session: AsyncSession, references: dict[int, str], now: datetime) -> None:
    """Record many sends in one executemany: one round trip for the whole group."""
    if not references:
        return
    posts = cast(Table, Post.__table__)
    await session.execute(
        update(posts)
        .where(posts.c.id == bindparam("post_id"), posts.c.status == "claimed")
        .values(status="open", message_ref=bindparam("reference"), posted_at=now),
        [{"post_id": post_id, "reference": ref} for post_id, ref in references.items()],
    )


async def close(session: AsyncSession, post_id: int, now: datetime) -> bool:
    """Close once: True only for the caller that actually closed it."""
    result = await session.execute(
        update(Post)
        .where(Post.id == post_id, Post.status != "closed")
        .values(status="closed", closed_at=now)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


async def due_to_close(session: AsyncSession, now: datetime, limit: int,
                       platforms: Collection[str] | None = None) -> list[int]:
    rows = await session.execute(
        select(Post.id)
        .where(Post.status == "open", Post.closes_at <= now,
               claims.on_platforms(Post.channel_id, platforms))
        .order_by(Post.closes_at)
        .limit(limit)
    )
    return list(rows.scalars())


async def tally(session: AsyncSession, post_id: int) -> dict[int, int]:
    rows = await session.execute(
        select(Answer.choice, func.count()).where(Answer.post_id == post_id).group_by(Answer.choice)
    )
    return {choice: count for choice, count in rows}


async def answered_count(session: AsyncSession, post_id: int) -> int:
    return (
        await session.execute(select(func.count()).where(Answer.post_id == post_id))
    ).scalar_one()


async def correct_names(session: AsyncSession, post_id: int) -> list[str]:
    rows = await session.execute(
        select(User.display_name)
        .join(Answer, Answer.user_id == User.id)
        .where(Answer.post_id == post_id, Answer.correct.is_(True))
        .order_by(Answer.answered_at, Answer.id)
    )
    return list(rows.scalars())
