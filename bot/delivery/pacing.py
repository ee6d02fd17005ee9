"""Pacing requests under a platform's limit, the way platforms count: per sliding second."""

from __future__ import annotations

import asyncio
from collections import deque
from types import TracebackType

from aiolimiter import AsyncLimiter


class Pace:
    """Requests let out evenly at `rate` per second, catching up on at most `burst` after a late
    wake-up of the event loop, and, with a `cap`, never more than `cap` in any sliding second.

    A leaky bucket that held a whole second's worth would let that second out at once (at
    start-up, after a quiet spell), and a platform that counts requests per second answers the
    excess with 429s; the cap is how the platform counts, so catching up never crosses it."""

    def __init__(self, rate: float, burst: float = 1.0, cap: int | None = None) -> None:
        rate, burst = max(rate, 1.0), max(burst, 1.0)
        self._bucket = AsyncLimiter(burst, time_period=burst / rate)
        self._cap = cap
        self._sent: deque[float] = deque()

    async def __aenter__(self) -> None:
        await self._bucket.acquire()
        if self._cap is None:
            return
        loop = asyncio.get_running_loop()
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
