"""The live "N answered" line: many clicks in a short window become one message edit."""

from __future__ import annotations

import asyncio
import logging

from bot.platforms.slack.publisher import SlackPublisher
from bot.service.study import StudyService

log = logging.getLogger("studybot.slack")


class TallyUpdates:
    def __init__(self, service: StudyService, publisher: SlackPublisher,
                 interval_seconds: float = 3.0) -> None:
        self.service = service
        self.publisher = publisher
        self.interval = interval_seconds
        self._pending: dict[int, asyncio.Task[None]] = {}

    def poke(self, post_id: int) -> None:
        """A click happened; the message is edited once per window, not once per click."""
        if post_id not in self._pending:
            self._pending[post_id] = asyncio.create_task(self._update(post_id))

    async def _update(self, post_id: int) -> None:
        try:
            await asyncio.sleep(self.interval)
            self._pending.pop(post_id, None)
            card = await self.service.open_card(post_id)
            if card is not None:
                await self.publisher.show_tally(card, await self.service.answered_count(post_id))
        except Exception:
            log.exception("post %s: updating the answer count failed", post_id)
        finally:
            self._pending.pop(post_id, None)

    async def flush(self) -> None:
        await asyncio.gather(*self._pending.values(), return_exceptions=True)
