"""The in-process scheduler: a periodic tick that posts due questions and closes expired ones.

Due work lives in the database, so the tick can run in any number of instances, catch up after
downtime, and be driven by a test clock; APScheduler only decides when the tick runs.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import asdict, dataclass

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot import metrics
from bot.delivery.dispatcher import Dispatcher
from bot.service.daily import DailyPolicy, claim_due, reclaim_unsent
from bot.service.study import StudyService

log = logging.getLogger("studybot.scheduler")


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    closed: int = 0
    competitions_ended: int = 0


class DailyScheduler:
    def __init__(
        self, service: StudyService, dispatcher: Dispatcher, policy: DailyPolicy | None = None,
        interval_seconds: float = 20.0, claim_ahead_seconds: float = 5.0,
    ) -> None:
        self.service = service
        self.dispatcher = dispatcher
        self.policy = policy or DailyPolicy()
        self.interval = interval_seconds
        self.claim_ahead_seconds = claim_ahead_seconds
        self._scheduler: AsyncIOScheduler | None = None
        self._running: asyncio.Task[object] | None = None

    async def tick(self) -> TickReport:
        with metrics.TICK_SECONDS.time():
            return await self._tick()

    async def _tick(self) -> TickReport:
        report = TickReport()
        platforms = await self._sending_platforms()
        if not platforms:
            return report
        # Closing and competition ends first: they are few, and must not wait behind a morning's
        # worth of sends.
        for post_id in await self.service.posts_due_to_close(self.policy.batch, platforms):
            try:
                result = await self.service.close_post(post_id)
            except Exception:  # one broken post must not keep the others open
                log.exception("close_failed", extra={"post": post_id})  # the next tick retries
                continue
            if result is not None:
                report.closed += 1
                await self.dispatcher.publish_result(result)
        for competition, board in await self.service.end_due_competitions(platforms):
            report.competitions_ended += 1
            await self.dispatcher.announce_final_board(competition, board)
        # Claim batch after batch while earlier batches are being sent, so sending, which is
        # bound by the platform's rate limit, never waits for the database.
        sending: list[asyncio.Task[list[str | None]]] = []
        # ...but only a few seconds of sending ahead: a claimed post is leased, and the lease
        # must not run out while the post still waits in our queue (another instance would
        # send it too); fewer claimed-but-unsent posts are also left behind by a stop.
        ahead = max(self.policy.batch, self.dispatcher.ahead(self.claim_ahead_seconds))
        while True:
            await self.dispatcher.backlog_below(ahead)
            cards = await claim_due(self.service, self.policy, platforms)
            report.claimed += len(cards)
            if cards:
                sending.append(asyncio.create_task(self.dispatcher.deliver_all(cards)))
            if len(cards) < self.policy.batch:
                break
        retries = await reclaim_unsent(self.service, self.policy, platforms)
        report.retried = len(retries)
        if retries:
            sending.append(asyncio.create_task(self.dispatcher.deliver_all(retries)))
        for done in await asyncio.gather(*sending):
            report.sent += sum(ref is not None for ref in done)
        if report.claimed or report.retried or report.closed or report.competitions_ended:
            log.info("tick", extra=asdict(report))
        return report

    async def _sending_platforms(self) -> list[str]:
        """The platforms this process sends scheduled posts for. Where a platform's rate limit
        is shared by every process of a bot (`one_sender`), only the lock holder sends, so N
        processes together stay under it; any process takes over when the holder stops."""
        return [name for name, publisher in self.dispatcher.publishers.items()
                if not getattr(publisher, "one_sender", False)
                or await self.service.is_sender(name)]

    async def _safe_tick(self) -> None:
        self._running = asyncio.current_task()
        try:
            await self.tick()
        except Exception:
            log.exception("tick_failed")  # the next tick retries

    def start(self) -> None:
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        # The first tick runs at once: that is the catch-up after downtime.
        self._scheduler.add_job(
            self._safe_tick, IntervalTrigger(seconds=self.interval), id="daily-tick",
            max_instances=1, coalesce=True, next_run_time=self.service.clock(),
        )
        self._scheduler.start()

    async def stop(self) -> None:
        """Stop ticking, letting a tick in progress finish its claims and sends (10 s at most)."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.pause()  # no new tick; shutting down now would cancel the running one
        running = self._running
        if running is not None and not running.done():
            await asyncio.wait([running], timeout=10.0)
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        await self.service.release_senders()
