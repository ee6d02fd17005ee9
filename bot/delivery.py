"""Getting questions and results onto the platforms: rate-limited, retried, exactly once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Protocol

from aiolimiter import AsyncLimiter

from bot.service.cards import PostResult, QuestionCard
from bot.service.study import StudyService

log = logging.getLogger("studybot.delivery")


class Publisher(Protocol):
    """What a platform adapter provides so questions can be posted without a user's command."""

    async def send_question(self, card: QuestionCard) -> str:
        """Post the card; return the platform's message reference. Must use the platform's way
        to make a repeated send of the same post harmless where there is one."""

    async def find_sent(self, card: QuestionCard) -> str | None:
        """After a crash: the message already posted for this card, if any."""

    async def show_result(self, result: PostResult) -> None:
        """Close the message (no more buttons) and show the result."""


class Dispatcher:
    """Sends cards through the publisher of their platform, within a global request rate.

    discord.py only slows down after a 429, so we pace ourselves under the platform's global
    limit instead of bouncing off it.
    """

    def __init__(
        self, service: StudyService, publishers: dict[str, Publisher],
        rate_per_second: float = 40.0, concurrency: int = 32,
    ) -> None:
        self.service = service
        self.publishers = publishers
        self.limiter = AsyncLimiter(max(rate_per_second, 1.0), time_period=1.0)
        self.slots = asyncio.Semaphore(concurrency)

    async def deliver(self, card: QuestionCard) -> str | None:
        """Send one card and record its message; None when it failed (it will be retried)."""
        publisher = self.publishers.get(card.platform)
        if publisher is None:
            log.warning("post %s: no publisher for platform %s", card.post_id, card.platform)
            return None
        async with self.slots:
            try:
                reference = await publisher.find_sent(card) if card.send_attempts > 1 else None
                if reference is None:
                    async with self.limiter:
                        reference = await publisher.send_question(card)
            except Exception:
                log.exception("post %s: sending to %s channel %s failed; will retry",
                              card.post_id, card.platform, card.channel_id)
                return None
        await self.service.mark_sent(card.post_id, reference)
        return reference

    async def deliver_all(self, cards: Iterable[QuestionCard]) -> list[str | None]:
        return list(await asyncio.gather(*(self.deliver(card) for card in cards)))

    async def publish_result(self, result: PostResult) -> None:
        publisher = self.publishers.get(result.card.platform)
        if publisher is None:
            return
        try:
            async with self.limiter:
                await publisher.show_result(result)
        except Exception:
            log.exception("post %s: showing the result failed", result.card.post_id)
