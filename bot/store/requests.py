"""Signed requests already served: the replay guard's memory, shared by every instance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import RequestSignature
from bot.store.upsert import insert


async def remember(session: AsyncSession, keys: dict[str, datetime]) -> set[str]:
    """Record each key (with the time it may be forgotten); the keys no one had recorded yet,
    on this or any other instance."""
    if session.get_bind().dialect.name == "postgresql":
        # Every request waits for this commit before it is acknowledged. Losing the last few
        # hundredths of a second of these rows in a server crash reopens a replay window that
        # short; waiting for the WAL flush each time would cost far more.
        await session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    statement = (
        insert(session, RequestSignature)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(RequestSignature.key)
    )
    # Rows as parameters (SQLAlchemy's insertmanyvalues): one compiled statement for any batch.
    rows = [{"key": key, "expires_at": until} for key, until in keys.items()]
    return set((await session.execute(statement, rows)).scalars())


async def forget_expired(session: AsyncSession, now: datetime) -> int:
    """Drop the keys whose requests would now be refused as stale anyway."""
    result = await session.execute(delete(RequestSignature).where(RequestSignature.expires_at < now))
    return int(getattr(result, "rowcount", 0) or 0)
