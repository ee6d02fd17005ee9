"""Signed requests already served: the replay guard's memory, shared by every instance."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.database import Database
from bot.store.tables import RequestSignature
from bot.store.upsert import dialect_insert


class Recorder:
    """Records keys for one writer: on a connection of its own in autocommit where the pool has
    room (one round trip a batch, never queueing behind the pool's other users), or in a
    transaction each time on SQLite, whose pool holds its single connection."""

    def __init__(self, db: Database, connection: AsyncConnection | None) -> None:
        self.db = db
        self.connection = connection

    async def remember(self, keys: dict[str, datetime]) -> set[str]:
        """Record each key (with the time it may be forgotten); the keys no one had recorded
        yet, on this or any other instance."""
        statement = (
            dialect_insert(self.db.dialect, RequestSignature)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(RequestSignature.key)
        )
        # Rows as parameters (SQLAlchemy's insertmanyvalues): one compiled statement for any batch.
        rows = [{"key": key, "expires_at": until} for key, until in keys.items()]
        return set(await self._scalars(statement, rows))

    async def forget_expired(self, now: datetime) -> None:
        """Drop the keys whose requests would now be refused as stale anyway."""
        await self._run(delete(RequestSignature).where(RequestSignature.expires_at < now))

    async def _scalars(self, statement: Any, rows: list[dict[str, Any]]) -> list[str]:
        if self.connection is not None:
            return list((await self.connection.execute(statement, rows)).scalars())
        async with self.db.transaction() as session:
            return list((await session.execute(statement, rows)).scalars())

    async def _run(self, statement: Any) -> None:
        if self.connection is not None:
            await self.connection.execute(statement)
            return
        async with self.db.transaction() as session:
            await session.execute(statement)


@asynccontextmanager
async def recorder(db: Database) -> AsyncIterator[Recorder]:
    if db.dialect == "sqlite":
        yield Recorder(db, None)
        return
    async with db.engine.connect() as connection:
        # Each statement commits by itself: a batch is one atomic INSERT, a prune one DELETE.
        yield Recorder(db, await connection.execution_options(isolation_level="AUTOCOMMIT"))
