"""Which platforms this process sends scheduled posts for: all of them, except where a platform's
rate limit is shared by every process of a bot (Discord), and another process holds the lock."""

from __future__ import annotations

from bot.service.base import ServiceBase
from bot.store.ownership import SenderLock


class Sending(ServiceBase):
    async def is_sender(self, platform: str) -> bool:
        lock = self.sender_locks.get(platform)
        if lock is None:
            lock = self.sender_locks[platform] = SenderLock(self.db.engine, platform)
        return await lock.held()

    async def release_senders(self) -> None:
        for lock in self.sender_locks.values():
            await lock.release()
