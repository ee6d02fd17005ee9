"""The daily question's life on schedule: claim what is due, re-lease what was never sent."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta

from bot import errors
from bot.rules import schedule
from bot.service.study import StudyService
from bot.service.views import QuestionCard
from bot.store import claims, posts

log = logging.getLogger("studybot.daily")


@dataclass(frozen=True)
class DailyPolicy:
    grace: timedelta = timedelta(hours=6)
    lease: timedelta = timedelta(seconds=90)
    max_attempts: int = 5
    batch: int = 200


async def claim_due(
    service: StudyService, policy: DailyPolicy, platforms: Collection[str]
) -> list[QuestionCard]:
    """Claim one batch of due channels and advance their schedules, in one transaction.

    A post missed by more than the grace window (the bot was down) is skipped and logged,
    never posted late at night; either way the channel moves on to its next future time.
    """
    # Before the transaction: the analysis has its own, and SQLite has one connection.
    avoid = await service.avoided_questions()
    now = service.clock()
    async with service.db.transaction() as session:
        channels = await claims.due_channels(session, now, policy.batch, platforms)
        if not channels:
            return []
        ids = [c.id for c in channels]
        banks = await service.banks.of_many(session, {c.workspace_id for c in channels})
        history = await claims.histories(session, ids)
        previous = await claims.latest_counted(session, ids)
        rows = []
        for channel in channels:
            due = channel.next_due_at
            assert due is not None
            sched = schedule.Schedule(channel.post_time, channel.timezone, channel.weekdays)
            channel.next_due_at = schedule.next_due(now, sched)
            if now - due > policy.grace:
                log.warning("channel %s: skipped the post due %s (%s late, grace %s)",
                            channel.id, due.isoformat(), now - due, policy.grace)
                continue
            try:
                question_id = service.pick_for(channel, history[channel.id], avoid,
                                               banks[channel.workspace_id])
            except errors.NoQuestions:
                log.warning("channel %s: no question matches its topics %s", channel.id,
                            channel.topics)
                continue
            rows.append({
                "channel_id": channel.id, "question_id": question_id,
                "local_date": schedule.local_date(due, channel.timezone),
                "day": schedule.local_date(due, channel.timezone),
                "prev_post_id": previous.get(channel.id), "status": "claimed",
                "claimed_at": now, "send_attempts": 1,
                "closes_at": schedule.closing_time(now, channel.next_due_at),
            })
        claimed = await claims.insert_posts(session, rows)
        by_id = {c.id: c for c in channels}
        return [service.card_for(post, by_id[post.channel_id], banks[by_id[post.channel_id].workspace_id])
                for post in claimed]


async def reclaim_unsent(service: StudyService, policy: DailyPolicy,
                         platforms: Collection[str]) -> list[QuestionCard]:
    """Posts whose sender died or failed: lease them to this instance for another try."""
    now = service.clock()
    async with service.db.transaction() as session:
        given_up = await claims.give_up(session, now - policy.lease, policy.max_attempts, now)
        if given_up:
            log.error("posts_given_up", extra={"posts": given_up, "attempts": policy.max_attempts})
        stale = await claims.stale_claims(session, now - policy.lease, now, policy.max_attempts,
                                          policy.batch, platforms)
        cards = []
        for post in stale:
            row = await posts.channel_of(session, post)
            cards.append(service.card_for(post, row, await service.banks.of(session, row.workspace_id)))
        return cards
