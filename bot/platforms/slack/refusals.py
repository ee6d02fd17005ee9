"""One short log line for refused requests, at most once a second: a flood of forged posts must
not become a flood of log (Bolt logs each forged body whole)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable

log = logging.getLogger("studybot.slack")

PREVIEW = 40  # bytes of a refused body worth seeing; never the whole body


class RefusalLog:
    def __init__(self, interval: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self._last: float | None = None
        self._held: Counter[str] = Counter()
        self._summary: asyncio.TimerHandle | None = None

    def note(self, status: int, reason: str, peer: str | None, body: bytes) -> None:
        """A request answered `status` for `reason`: one line now, or counted into a summary line
        at the end of the interval."""
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            self._held[f"{status} {reason}"] += 1
            if self._summary is None:
                self._summary = asyncio.get_running_loop().call_later(
                    self._last + self.interval - now, self.summarise)
            return
        self._last = now
        log.warning("Slack request refused with %d: %s (from %s, %d bytes, starting %r)",
                    status, reason, peer or "?", len(body), body[:PREVIEW])

    def summarise(self) -> None:
        """The line for what was refused since the last one (called by the timer)."""
        self._summary = None
        if not self._held:
            return
        self._last = self.clock()
        total = sum(self._held.values())
        kinds = ", ".join(f"{count} x {why}" for why, count in self._held.most_common(5))
        self._held.clear()
        log.warning("Slack requests refused in the last %g s: %d more (%s)", self.interval, total,
                    kinds)
