"""Work a platform has been told we took (acked clicks and commands): finished before we exit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

log = logging.getLogger("studybot.chat")


class InFlight:
    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.closed = False

    @contextlib.asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        self._count += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def drain(self, seconds: float) -> bool:
        """Wait (at most `seconds`) until nothing is in flight; False on timeout. Adapters refuse
        new work once `closed` is set."""
        self.closed = True
        waiting = self._count
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
        except TimeoutError:
            log.error("shutdown: %d request(s) still in flight after %.0f s", self._count, seconds)
            return False
        log.info("shutdown: drained; the %d request(s) in flight are finished", waiting)
        return True
