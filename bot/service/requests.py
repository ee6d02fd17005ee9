"""The replay guard: has this signed request (or Socket Mode envelope) been served already?"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.service.base import ServiceBase
from bot.store import requests

# Pruning is one indexed DELETE; once a minute per instance keeps the table at about five
# minutes of traffic without a job of its own.
PRUNE_EVERY = timedelta(minutes=1)


class Requests(ServiceBase):
    _next_prune: datetime | None = None

    async def first_use(self, key: str, valid_until: datetime) -> bool:
        """Remember `key` until `valid_until` (when the platform's own freshness check would
        refuse the request anyway); True the first time, False for every later use, whichever
        instance saw it first."""
        now = self.clock()
        async with self.db.transaction() as session:
            first = await requests.remember(session, key, valid_until)
            if self._next_prune is None or now >= self._next_prune:
                self._next_prune = now + PRUNE_EVERY
                await requests.forget_expired(session, now)
        return first
