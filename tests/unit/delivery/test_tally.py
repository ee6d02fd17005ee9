"""The "N answered" line: a burst of clicks becomes one edit; an edit slowed by the platform is
never overtaken by an older count; a closed question is left to its result."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.delivery.tally import Tally
from bot.service.views import QuestionCard


def card(post_id: int) -> QuestionCard:
    return QuestionCard(post_id, "k8s.q.one", "k8s", "Kubernetes", "?", ("a", "b"), 1, True,
                        datetime(2026, 12, 1).date(), datetime(2026, 12, 2, tzinfo=UTC),
                        "C1", "slack", "T1", "m1")


@dataclass
class Service:
    """The two reads the tally makes, over counts a test sets."""

    answered: dict[int, int] = field(default_factory=dict)
    closed: set[int] = field(default_factory=set)

    async def open_card(self, post_id: int) -> QuestionCard | None:
        return None if post_id in self.closed else card(post_id)

    async def answered_count(self, post_id: int) -> int:
        return self.answered.get(post_id, 0)


@dataclass
class Platform:
    edits: list[tuple[int, int]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    slow: asyncio.Event | None = None  # when set, an edit waits for it (a 429's Retry-After)
    started: asyncio.Event = field(default_factory=asyncio.Event)

    async def show(self, shown: QuestionCard, answered: int) -> None:
        self.in_flight += 1
        self.started.set()
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.slow is not None:
                await self.slow.wait()
            self.edits.append((shown.post_id, answered))
        finally:
            self.in_flight -= 1


async def settle(tally: Tally) -> None:
    await asyncio.gather(*tally._running.values())


async def test_a_burst_of_clicks_is_one_edit_with_the_latest_count() -> None:
    service, platform = Service(), Platform()
    tally = Tally(service, platform.show, interval_seconds=0.02)  # type: ignore[arg-type]
    for count in range(1, 51):
        service.answered[7] = count
        tally.poke(7)
    await settle(tally)
    assert platform.edits == [(7, 50)]


async def test_a_slow_edit_is_followed_by_one_newer_edit_never_an_older_one() -> None:
    service, platform = Service(), Platform(slow=asyncio.Event())
    tally = Tally(service, platform.show, interval_seconds=0.01)  # type: ignore[arg-type]
    service.answered[7] = 1
    tally.poke(7)
    await platform.started.wait()  # the first edit is stuck at the platform
    for count in (2, 3, 4):
        service.answered[7] = count
        tally.poke(7)
        await asyncio.sleep(0.02)
    platform.slow.set()
    await settle(tally)
    assert platform.edits == [(7, 1), (7, 4)]
    assert platform.most_in_flight == 1


async def test_a_closed_question_gets_no_tally_edit_and_flush_edits_now() -> None:
    service, platform = Service(closed={8}), Platform()
    tally = Tally(service, platform.show, interval_seconds=3600)  # type: ignore[arg-type]
    tally.poke(8)
    service.answered[9] = 2
    tally.poke(9)
    await asyncio.wait_for(tally.flush(), 1)  # does not wait the hour
    assert platform.edits == [(9, 2)]
