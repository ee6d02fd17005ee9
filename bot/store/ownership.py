"""One process at a time sends a platform's scheduled posts, where the platform's rate limit is
shared by every process (Discord's 50 requests/s per bot token): a PostgreSQL advisory lock held on
a connection of its own. When the holder dies, its connection closes, the lock is free, and the
next process to ask takes over. SQLite serves one process, which always holds it."""

from __future__ import annotations

import logging
import zlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger("studybot.store")


class SenderLock:
    def __init__(self, engine: AsyncEngine, name: str) -> None:
        self.engine = engine
        self.name = name
        self.key = zlib.crc32(f"studybot.sender.{name}".encode())
        self._connection: AsyncConnection | None = None

    async def held(self) -> bool:
        """Whether this process is the sender now; takes the lock when it is free."""
        if self.engine.dialect.name != "postgresql":
            return True
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                return True
            except Exception:  # the connection died, and the lock with it: ask again
                log.warning("lost the %s sender lock with its connection", self.name)
                await self._drop()
        connection = await self.engine.connect()
        try:
            taken: bool = (await connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                              {"key": self.key})).scalar_one()
            await connection.commit()
        except BaseException:
            await connection.close()
            raise
        if not taken:
            await connection.close()
            return False
        log.info("this process now sends the %s posts", self.name)
        self._connection = connection
        return True

    async def release(self) -> None:
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT pg_advisory_unlock(:key)"),
                                               {"key": self.key})
            finally:
                await self._drop()

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:
                log.debug("closing a dead connection failed", exc_info=True)
