"""The replay guard: has this signed request (or Socket Mode envelope) been served already?

Every request Slack sends asks this before it is acknowledged, so the check is group-committed:
keys that arrive while one insert is on its way wait and go together in the next one (one
statement, one round trip, whatever the burst). A quiet bot still checks each key at once.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.service.base import ServiceBase
from bot.store import requests
from bot.store.database import Transactions

# Pruning is one indexed DELETE; once a minute per instance keeps the table at about five
# minutes of traffic without a job of its own.
PRUNE_EVERY = timedelta(minutes=1)
BATCH = 500


@dataclass
class _Waiting:
    keys: dict[str, tuple[datetime, asyncio.Future[bool]]] = field(default_factory=dict)
    repeats: list[tuple[str, asyncio.Future[bool]]] = field(default_factory=list)


class Requests(ServiceBase):
    _next_prune: datetime | None = None
    _waiting: _Waiting | None = None
    _writer: asyncio.Task[None] | None = None

    async def first_use(self, key: str, valid_until: datetime) -> bool:
        """Remember `key` until `valid_until` (when the platform's own freshness check would
        refuse the request anyway); True the first time, False for every later use, whichever
        instance saw it first."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        waiting = self._waiting = self._waiting or _Waiting()
        if key in waiting.keys:  # the same key twice in one batch: the later one is a replay
            waiting.repeats.append((key, future))
        else:
            waiting.keys[key] = (valid_until, future)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches())
        return await future

    async def _write_batches(self) -> None:
        """Insert what is waiting, one batch at a time, until nothing is. The connection is kept
        for the whole run: a burst's checks must not queue behind the burst's own answers."""
        while self._waiting is not None and self._waiting.keys:
            try:
                async with self.db.one_connection() as transaction:
                    while self._waiting is not None and self._waiting.keys:
                        batch, self._waiting = self._waiting, None
                        try:
                            await self._write(batch, transaction)
                        except Exception as exc:
                            self._fail(batch, exc)
                            raise
            except Exception as exc:  # no connection, or it broke: nobody is left waiting
                if self._waiting is not None:
                    waiting, self._waiting = self._waiting, None
                    self._fail(waiting, exc)
                return

    async def _write(self, batch: _Waiting, transaction: Transactions) -> None:
        keys = list(batch.keys.items())
        for start in range(0, len(keys), BATCH):
            chunk = keys[start:start + BATCH]
            now = self.clock()
            async with transaction() as session:
                fresh = await requests.remember(session, {key: until for key, (until, _) in chunk})
                if self._next_prune is None or now >= self._next_prune:
                    self._next_prune = now + PRUNE_EVERY
                    await requests.forget_expired(session, now)
            for key, (_, future) in chunk:
                if not future.done():
                    future.set_result(key in fresh)
        for _, future in batch.repeats:
            if not future.done():
                future.set_result(False)

    @staticmethod
    def _fail(batch: _Waiting, exc: Exception) -> None:
        for _, future in [*batch.keys.values(), *batch.repeats]:
            if not future.done():
                future.set_exception(exc)
