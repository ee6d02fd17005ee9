"""The replay guard: has this signed request (or Socket Mode envelope) been served already?

Every request Slack sends asks this before it is acknowledged, so the check is group-committed:
keys that arrive while one insert is on its way wait and go together in the next one (one
statement, one round trip, whatever the burst). A quiet bot still checks each key at once.

The writer keeps its connection while requests keep coming (and a few seconds after): were it to
go back to the pool between batches, each batch would queue behind the burst's own answers for a
connection, and the acknowledgements would wait for the answers.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.service.base import ServiceBase
from bot.store import requests

# Pruning is one indexed DELETE; once a minute per instance keeps the table at about five
# minutes of traffic without a job of its own.
PRUNE_EVERY = timedelta(minutes=1)
BATCH = 500
LINGER_SECONDS = 5.0  # how long the writer keeps its connection once nothing is waiting


@dataclass
class _Waiting:
    keys: dict[str, tuple[datetime, asyncio.Future[bool]]] = field(default_factory=dict)
    repeats: list[tuple[str, asyncio.Future[bool]]] = field(default_factory=list)


class Requests(ServiceBase):
    _next_prune: datetime | None = None
    _waiting: _Waiting | None = None
    _writer: asyncio.Task[None] | None = None
    _arrived: asyncio.Event | None = None
    _stopping: bool = False

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
        self._arrived = self._arrived or asyncio.Event()
        self._arrived.set()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches())
        return await future

    async def stop_checks(self) -> None:
        """Finish what is waiting and give the writer's connection back (before disposal)."""
        self._stopping = True
        if self._arrived is not None:
            self._arrived.set()
        if self._writer is not None:
            await self._writer

    async def _write_batches(self) -> None:
        """Insert what is waiting, one batch at a time, until nothing has come for a while."""
        while self._pending():
            try:
                async with requests.recorder(self.db) as recorder:
                    while await self._more():
                        batch, self._waiting = self._waiting or _Waiting(), None
                        try:
                            await self._write(batch, recorder)
                        except Exception as exc:
                            self._fail(batch, exc)
                            raise
            except Exception as exc:  # no connection, or it broke: nobody is left waiting
                if self._waiting is not None:
                    waiting, self._waiting = self._waiting, None
                    self._fail(waiting, exc)
                return

    def _pending(self) -> bool:
        return self._waiting is not None and bool(self._waiting.keys)

    async def _more(self) -> bool:
        """Whether there is a batch to write, waiting up to LINGER_SECONDS for one."""
        if self._pending():
            return True
        if self._stopping or self._arrived is None:
            return False
        self._arrived.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._arrived.wait(), LINGER_SECONDS)
        return self._pending()

    async def _write(self, batch: _Waiting, recorder: requests.Recorder) -> None:
        now = self.clock()
        if self._next_prune is None or now >= self._next_prune:
            self._next_prune = now + PRUNE_EVERY
            await recorder.forget_expired(now)
        keys = list(batch.keys.items())
        for start in range(0, len(keys), BATCH):
            chunk = keys[start:start + BATCH]
            fresh = await recorder.remember({key: until for key, (until, _) in chunk})
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
