"""Getting questions and results onto the platforms: rate-limited, retried, exactly once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Protocol

from bot import metrics
from bot.delivery.pacing import Pace
from bot.service.study import StudyService
from bot.service.views import Board, CompetitionView, PostResult, QuestionCard

log = logging.getLogger("studybot.delivery")


class RateLimited(Exception):
    """The platform asked us to wait longer than its client library waits by itself."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited; retry after {retry_after:.1f} s")
        self.retry_after = retry_after


# A send told to wait longer than this is given up for now: its post stays claimed and the
# lease brings it back, rather than a tick sleeping for minutes (and another instance, seeing the
# lease run out, posting it too).
MAX_WAIT_SECONDS = 30.0


class Publisher(Protocol):
    """What a platform adapter provides so questions can be posted without a user's command."""

    # Requests per second to send at, under the platform's global or per-app limit. A publisher
    # may also declare `per_second_cap` (never more in any sliding second); see
    # bot/delivery/pacing.py.
    rate_per_second: float

    async def send_question(self, card: QuestionCard) -> str:
        """Post the card; return the platform's message reference. Must use the platform's way
        to make a repeated send of the same post harmless where there is one."""

    async def find_sent(self, card: QuestionCard) -> str | None:
        """After a crash: the message already posted for this card, if any."""

    async def show_result(self, result: PostResult) -> None:
        """Close the message (no more buttons) and show the result."""

    async def show_final_board(self, competition: CompetitionView, board: Board) -> None:
        """Announce a competition's final board in the channel it was started in."""

    async def show_tally(self, card: QuestionCard, answered: int) -> None:
        """Edit the question message to say how many have answered so far."""


class Dispatcher:
    """Sends cards through the publisher of their platform, each within its platform's rate.

    discord.py only slows down after a 429, so we pace ourselves under the platform's limit
    instead of bouncing off it. Every request goes through it, lookups after a crash included.
    """

    def __init__(
        self, service: StudyService, publishers: dict[str, Publisher], concurrency: int = 32,
    ) -> None:
        self.service = service
        self.publishers = publishers
        self.limiters = {name: Pace(p.rate_per_second, getattr(p, "per_second_cap", None))
                         for name, p in publishers.items()}
        self.backlog = 0  # cards handed to deliver_all() and not yet sent or failed
        self._progress = asyncio.Event()
        self.slots = asyncio.Semaphore(concurrency)
        # Group commit of sent messages: one write at a time; what arrives meanwhile goes in
        # the next write, so the database keeps up with the platform's rate in few round trips.
        self._unrecorded: dict[int, str] = {}
        self._recording = asyncio.Lock()

    async def deliver(self, card: QuestionCard) -> str | None:
        """Send one card and record its message; None when it failed (it will be retried)."""
        publisher = self.publishers.get(card.platform)
        if publisher is None:
            log.warning("post_unpublishable", extra=_where(card))
            return None
        async with self.slots:
            waited = False
            while True:
                # Fencing: after a wait, send only if no other instance has re-leased the post
                # meanwhile (it would be sending it too).
                if waited and not await self.service.still_claimed(card.post_id,
                                                                   card.send_attempts):
                    log.warning("post_lease_lost", extra=_where(card))
                    return None
                try:
                    reference = await self._attempt(publisher, card)
                    break
                except RateLimited as limited:
                    if limited.retry_after > MAX_WAIT_SECONDS:
                        log.warning("post_rescheduled", extra=_where(card) | {
                            "retry_after": limited.retry_after})
                        metrics.SEND_FAILURES.labels(card.platform).inc()
                        return None
                    await asyncio.sleep(limited.retry_after)
                    waited = True
                except Exception:
                    # It stays claimed; a later tick retries it once its lease runs out.
                    log.exception("post_failed", extra=_where(card))
                    metrics.SEND_FAILURES.labels(card.platform).inc()
                    return None
        log.info("post_sent", extra=_where(card) | {"message_ref": reference})
        metrics.POSTS_SENT.labels(card.platform).inc()
        await self._record(card.post_id, reference)
        return reference

    async def _attempt(self, publisher: Publisher, card: QuestionCard) -> str:
        limiter = self.limiters[card.platform]
        reference = None
        if card.send_attempts > 1:
            async with limiter:
                reference = await publisher.find_sent(card)
        if reference is None:
            async with limiter:
                reference = await publisher.send_question(card)
        return reference

    async def _record(self, post_id: int, reference: str) -> None:
        self._unrecorded[post_id] = reference
        async with self._recording:
            if post_id not in self._unrecorded:
                return  # an earlier write took it along
            batch, self._unrecorded = self._unrecorded, {}
            try:
                await self.service.mark_sent_many(batch)
            except Exception:
                # The messages are out; their posts stay 'claimed' and a later tick finds the
                # messages (find_sent) instead of posting them again.
                log.exception("posts_record_failed", extra={"posts": sorted(batch)})

    async def deliver_all(self, cards: Iterable[QuestionCard]) -> list[str | None]:
        cards = list(cards)
        self.backlog += len(cards)

        async def one(card: QuestionCard) -> str | None:
            try:
                return await self.deliver(card)
            finally:
                self.backlog -= 1
                self._progress.set()

        return list(await asyncio.gather(*(one(card) for card in cards)))

    async def backlog_below(self, limit: int) -> None:
        while self.backlog >= limit:
            self._progress.clear()
            await self._progress.wait()

    async def publish_result(self, result: PostResult) -> None:
        publisher = self.publishers.get(result.card.platform)
        if publisher is None:
            return
        try:
            async with self.limiters[result.card.platform]:
                await publisher.show_result(result)
        except Exception:
            log.exception("result_failed", extra=_where(result.card))

    async def announce_final_board(self, competition: CompetitionView, board: Board) -> None:
        publisher = self.publishers.get(competition.platform)
        if publisher is None:
            return
        try:
            async with self.limiters[competition.platform]:
                await publisher.show_final_board(competition, board)
        except Exception:
            log.exception("final_board_failed", extra={
                "platform": competition.platform, "workspace": competition.workspace_id,
                "channel": competition.channel_id, "competition": competition.name})

    async def show_tally(self, card: QuestionCard, answered: int) -> None:
        publisher = self.publishers.get(card.platform)
        if publisher is None:
            return
        async with self.limiters[card.platform]:
            await publisher.show_tally(card, answered)

    def ahead(self, seconds: float) -> int:
        """How many posts the platforms can take in `seconds`: how far a tick claims ahead."""
        return int(sum(p.rate_per_second for p in self.publishers.values()) * seconds)


def _where(card: QuestionCard) -> dict[str, object]:
    """The fields of a post's log events."""
    return {"platform": card.platform, "workspace": card.workspace_id, "channel": card.channel_id,
            "post": card.post_id, "question": card.question_id, "attempt": card.send_attempts}
