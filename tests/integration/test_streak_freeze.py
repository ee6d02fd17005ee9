"""The streak freeze through the service, on SQLite and PostgreSQL (group commit): earned at a
7-post streak, held, spent on the first missed post (the streak survives), not earned twice."""

from __future__ import annotations

from sqlalchemy import select

from bot.service import Actor, ChannelRef, StudyService
from bot.store.tables import Streak
from tests.support.clock import FakeClock

CHANNEL = ChannelRef("slack", "T1", "C1", "study")
ADMIN = Actor("slack", "T1", "U-admin", "admin", is_admin=True)
BEA = Actor("slack", "T1", "U-bea", "bea")


async def day(service: StudyService, clock: FakeClock, answered: bool) -> int | None:
    """Tomorrow's counted post: answered right by bea or missed, then closed. Her streak then."""
    clock.advance(days=1)
    card = await service.post_now(ADMIN, CHANNEL, "k8s.q.one")
    assert card.counted
    streak = None
    if answered:
        streak = (await service.answer(BEA, card.post_id, 1)).streak
    await service.close_post(card.post_id)
    return streak


async def held(service: StudyService) -> bool:
    async with service.db.transaction() as session:
        return bool((await session.execute(select(Streak.freeze_held))).scalar_one())


async def test_earned_held_spent_and_not_earned_twice(service: StudyService,
                                                      clock: FakeClock) -> None:
    for expected in range(1, 7):
        assert await day(service, clock, True) == expected
    stats = await service.stats(BEA, CHANNEL)
    assert (stats.freeze, stats.to_freeze) == (False, 1)
    assert await day(service, clock, True) == 7
    stats = await service.stats(BEA, CHANNEL)
    assert (stats.streak, stats.freeze) == (7, True)  # earned, and held
    assert await held(service)

    await day(service, clock, False)  # the first miss: the freeze is spent, the streak lives
    stats = await service.stats(BEA, CHANNEL)
    assert (stats.streak, stats.freeze) == (7, False)
    # The same on the Slack App Home and the team dashboard.
    assert (await service.home(BEA)).streak == 7
    overview = await service.team_overview("slack", "T1")
    assert overview.on_streak == 1
    assert [(s.name, s.current) for s in overview.longest_streaks] == [("bea", 7)]
    assert await day(service, clock, True) == 8  # it goes on from where it was
    assert not await held(service)
    for expected in range(9, 16):  # past 14: one freeze per streak
        assert await day(service, clock, True) == expected
    stats = await service.stats(BEA, CHANNEL)
    assert (stats.streak, stats.freeze, stats.to_freeze) == (15, False, 0)
    assert not await held(service)

    await day(service, clock, False)  # a second miss breaks it
    assert (await service.stats(BEA, CHANNEL)).streak == 0
    assert (await service.home(BEA)).streak == 0
    assert (await service.team_overview("slack", "T1")).on_streak == 0
    assert await day(service, clock, True) == 1
    stats = await service.stats(BEA, CHANNEL)
    assert (stats.streak, stats.best_streak, stats.to_freeze) == (1, 15, 6)


async def test_two_misses_in_a_row_break_a_streak_that_held_a_freeze(
    service: StudyService, clock: FakeClock,
) -> None:
    for _ in range(7):
        await day(service, clock, True)
    await day(service, clock, False)
    await day(service, clock, False)
    assert (await service.stats(BEA, CHANNEL)).streak == 0
    assert await day(service, clock, True) == 1
    assert not await held(service)
