"""Group commit: calls that arrive together share one unit of work.

Each `submit` queues an item and waits for its own outcome. A batch leaves as soon as one of
`max_in_flight` slots is free; everything that arrived while the slots were busy (typically the
few milliseconds one batch takes) goes in the next batch, up to `max_batch`, or is shared among
the free slots when there are enough items for parts of `min_share`. Calls made in the same turn
of the event loop go together. So an idle bot answers a lone click at once, and a burst is
carried by a few transactions per slot instead of one per click.

The work function returns one outcome per item: a result, or the exception that this item (and
only it) raises. When the work function itself raises, the batch is run again item by item, in
arrival order, so one bad item never fails its neighbours.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

Work = Callable[[Sequence[Item]], Awaitable[Sequence["Result | BaseException"]]]


@dataclass
class Stats:
    """What the batches looked like: for the benchmark and the metrics."""

    batches: int = 0
    items: int = 0
    split: int = 0  # batches that failed whole and were run again item by item
    sizes: dict[int, int] = field(default_factory=dict)  # batch size -> how many batches


class GroupCommit(Generic[Item, Result]):
    def __init__(self, work: Work[Item, Result], *, max_batch: int = 200,
                 max_in_flight: int = 2, min_share: int = 8,
                 observe: Callable[[int], None] | None = None) -> None:
        self._work = work
        self._max_batch = max_batch
        self._max_in_flight = max_in_flight
        self._min_share = min_share
        self._observe = observe
        self._queue: list[tuple[Item, asyncio.Future[Result]]] = []
        self._running: set[asyncio.Task[None]] = set()
        self._scheduled = False
        self.loop = asyncio.get_running_loop()
        self.stats = Stats()

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = self.loop.create_future()
        self._queue.append((item, future))
        if not self._scheduled:
            # Not at once: the rest of this turn of the loop (a gather, a burst of handlers
            # woken together) joins the same batch.
            self._scheduled = True
            self.loop.call_soon(self._dispatch)
        # A caller that gives up (cancelled) does not take its item out: the batch may already
        # be writing it, and recording a click that was made is right.
        return await future

    async def drain(self) -> None:
        """Wait until every item submitted so far (and any submitted meanwhile) is done."""
        while self._queue or self._running:
            if self._running:
                await asyncio.wait(set(self._running))
            else:
                await asyncio.sleep(0)

    def _dispatch(self) -> None:
        self._scheduled = False
        while self._queue and len(self._running) < self._max_in_flight:
            # Share what is waiting among the free slots, in parts of at least `min_share`:
            # two half batches run side by side (one in the database while this process works
            # on the other) instead of one after the other.
            free = self._max_in_flight - len(self._running)
            size = min(self._max_batch, max(-(-len(self._queue) // free), self._min_share))
            batch = self._queue[:size]
            del self._queue[:size]
            task = self.loop.create_task(self._run(batch))
            self._running.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        if self._queue and not self._scheduled:
            self._dispatch()

    async def _run(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        items = [item for item, _ in batch]
        self.stats.batches += 1
        self.stats.items += len(items)
        self.stats.sizes[len(items)] = self.stats.sizes.get(len(items), 0) + 1
        if self._observe is not None:
            self._observe(len(items))
        try:
            outcomes = await self._outcomes(items)
        except BaseException:
            # Cancelled (the loop is closing): nobody may wait forever on this batch.
            for _, future in batch:
                future.cancel()
            raise
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)

    async def _outcomes(self, items: list[Item]) -> Sequence[Result | BaseException]:
        try:
            return await self._work(items)
        except Exception as exc:
            if len(items) == 1:
                return [exc]
            self.stats.split += 1
            return [await self._alone(item) for item in items]

    async def _alone(self, item: Item) -> Result | BaseException:
        try:
            return (await self._work([item]))[0]
        except Exception as exc:
            return exc
