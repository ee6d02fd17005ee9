"""The Questions page's item analysis, measured off the request path and kept for a while.

The item report reads every answer of the workspace (discrimination needs each answerer's score
on everything else), which takes seconds on a big team: far too long for a page. So a page shows
the last report measured for its workspace; when that is older than `max_age`, or missing, one
measurement starts in the background (never two at once for a workspace) and the page says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.service.views import ItemReport

log = logging.getLogger("studybot.dashboard")

Measure = Callable[[str, str], Awaitable[ItemReport]]


@dataclass(frozen=True)
class Measured:
    report: ItemReport | None  # None: the first measurement is still running
    measured_at: datetime | None
    refreshing: bool


class ReportCache:
    def __init__(self, measure: Measure, clock: Callable[[], datetime],
                 max_age: timedelta = timedelta(minutes=15)) -> None:
        self.measure = measure
        self.clock = clock
        self.max_age = max_age
        self._reports: dict[tuple[str, str], tuple[datetime, ItemReport]] = {}
        self._running: dict[tuple[str, str], asyncio.Task[None]] = {}

    def get(self, platform: str, workspace_id: str) -> Measured:
        key = (platform, workspace_id)
        found = self._reports.get(key)
        stale = found is None or self.clock() - found[0] >= self.max_age
        if stale and key not in self._running:
            self._running[key] = asyncio.create_task(self._refresh(key))
        return Measured(found[1] if found else None, found[0] if found else None,
                        key in self._running)

    async def settled(self, platform: str, workspace_id: str) -> Measured:
        """The report once no measurement is running (tests and benchmarks)."""
        self.get(platform, workspace_id)
        task = self._running.get((platform, workspace_id))
        if task is not None:
            await asyncio.shield(task)
        return self.get(platform, workspace_id)

    async def _refresh(self, key: tuple[str, str]) -> None:
        started = self.clock()
        try:
            self._reports[key] = (started, await self.measure(*key))
        except Exception:
            log.exception("item analysis for the dashboard failed; the last report stays")
        finally:
            self._running.pop(key, None)
