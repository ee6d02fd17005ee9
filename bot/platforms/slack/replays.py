"""The replay check as the Slack doors use it: bounded in time, and open when it cannot be made.

Whatever a replay could change lives in the same database the check needs, so while the check
cannot be made a replay cannot change anything either, and the request is served (its use case
says "try again in a moment" if it needs the database). Waiting longer than a second would miss
Slack's 3 s acknowledgement for every request, and refusing would turn that friendly answer into
Slack's own error.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

log = logging.getLogger("studybot.slack")

FirstUse = Callable[[str, datetime], Awaitable[bool]]

WAIT_SECONDS = 1.0  # Slack wants the ack within 3 s; the listener acks within ms after this
WARN_EVERY = 10.0


class ReplayGuard:
    def __init__(self, first_use: FirstUse, wait: float = WAIT_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._first_use = first_use
        self.wait = wait
        self.clock = clock
        self._warned_at = float("-inf")

    async def first_use(self, key: str, until: datetime) -> bool:
        """True unless `key` was seen before (on any instance); True as well when unknowable."""
        check = asyncio.ensure_future(self._first_use(key, until))
        try:
            # Shielded: a check that outlives the wait still records the key.
            return await asyncio.wait_for(asyncio.shield(check), self.wait)
        except Exception as exc:  # the database is away, or too slow to wait for
            check.add_done_callback(_consume)
            now = self.clock()
            if now - self._warned_at >= WARN_EVERY:
                self._warned_at = now
                log.warning("replay check unavailable (%s); serving requests unchecked meanwhile",
                            type(exc).__name__)
            return True


def _consume(check: asyncio.Future[bool]) -> None:
    """Take a late check's outcome, so that its failure is not reported as never retrieved."""
    if not check.cancelled():
        check.exception()
