"""Pacing requests under a platform's limit, the way platforms count: per sliding second."""

from __future__ import annotations

import asyncio
import math
from collections import deque
from types import TracebackType

# How much later than its slot an event loop's timer usually fires (about 1 ms here).
JITTER = 0.002
# The resolution of the event loop's timers (epoll waits in whole milliseconds).
TICK = 0.001


class Pace:
    """Requests let out evenly at `rate` per second, and, with a `cap`, never more than `cap` in
    any sliding second.

    Each request takes the next slot of an even grid (one every 1/rate s) as it arrives, then
    sleeps until it. A wake-up that comes late does not move the slots the requests behind it
    already hold, so the average is `rate` exactly; a bucket that measures from each late
    wake-up drifts below it (48/s let out 45.6/s, bench/RESULTS.md). After a quiet spell the grid
    starts again from now, with nothing to catch up: a bucket that held a whole second's worth
    would let it out at once, and a platform that counts per second answers the excess with
    429s. The cap is how the platform counts, so nothing ever crosses it."""

    def __init__(self, rate: float, cap: int | None = None) -> None:
        self._interval = 1.0 / max(rate, 1.0)
        self._next = -math.inf
        self._last = -math.inf
        self._spacing = max(self._interval - JITTER, self._interval / 2)
        self._cap = cap
        self._sent: deque[float] = deque()

    async def __aenter__(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(self._next, now)
        self._next = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)
        # Slots that a stalled loop let pass are not sent at once (the platform counts arrivals):
        # each request goes at most JITTER sooner than one interval after the one before, so a
        # backlog is made up slowly. A wait under the loop's clock tick is not slept: it would
        # cost a whole tick, which at high rates is longer than the interval itself.
        while True:
            wait = self._last + self._spacing - loop.time()
            if wait < TICK:
                break
            await asyncio.sleep(wait)
        self._last = loop.time()
        if self._cap is None:
            return
        while True:
            now = loop.time()
            while self._sent and now - self._sent[0] >= 1.0:
                self._sent.popleft()
            if len(self._sent) < self._cap:
                self._sent.append(now)
                return
            await asyncio.sleep(1.0 - (now - self._sent[0]))

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        return None
