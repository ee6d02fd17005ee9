"""Signed requests already served: the replay guard's memory, shared by every instance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import RequestSignature
from bot.store.upsert import insert


async def remember(session: AsyncSession, key: str, expires_at: datetime) -> bool:
    """Record `key`; False when it was already recorded (by this or any other instance)."""
    if session.get_bind().dialect.name == "postgresql":
        # Every request pays for this commit. Losing the last few hundredths of a second of
        # these rows in a server crash reopens a replay window that short; waiting for the WAL
        # flush on every request would cost far more.
        await session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    statement = (
        insert(session, RequestSignature)
        .values(key=key, expires_at=expires_at)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(RequestSignature.key)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def forget_expired(session: AsyncSession, now: datetime) -> int:
    """Drop the keys whose requests would now be refused as stale anyway."""
    result = await session.execute(delete(RequestSignature).where(RequestSignature.expires_at < now))
    return int(getattr(result, "rowcount", 0) or 0)
