"""The live "N answered" line, for every platform: many clicks become one message edit per window.

One edit per message is in flight at a time and it always carries the count read just before it
is sent, so a slow (rate-limited) edit can never land after a newer one with an older count.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.service.study import StudyService
from bot.service.views import QuestionCard

log = logging.getLogger("studybot.tally")

ShowTally = Callable[[QuestionCard, int], Awaitable[None]]


class Tally:
    def __init__(self, service: StudyService, show: ShowTally, interval_seconds: float = 3.0) -> None:
        self.service = service
        self.show = show
        self.interval = interval_seconds
        self._running: dict[int, asyncio.Task[None]] = {}
        self._dirty: set[int] = set()
        self._flushing = asyncio.Event()  # set at shutdown: edit now instead of waiting

    def poke(self, post_id: int) -> None:
        """A click was counted; the message is edited once per window, not once per click."""
        self._dirty.add(post_id)
        if post_id not in self._running:
            self._running[post_id] = asyncio.create_task(self._edits(post_id))

    async def _edits(self, post_id: int) -> None:
        try:
            while post_id in self._dirty:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._flushing.wait(), self.interval)
                self._dirty.discard(post_id)
                card = await self.service.open_card(post_id)
                if card is None:  # closed meanwhile: the result replaces the whole message
                    return
                await self.show(card, await self.service.answered_count(post_id))
        except Exception:
            log.exception("tally_failed", extra={"post": post_id})
        finally:
            self._running.pop(post_id, None)
            self._dirty.discard(post_id)

    async def flush(self) -> None:
        """Make the pending edits now and wait for them (at shutdown)."""
        self._flushing.set()
        await asyncio.gather(*self._running.values(), return_exceptions=True)
