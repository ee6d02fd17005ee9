"""The daily question on schedule, driven by a test clock, against the real databases."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.dispatcher import Dispatcher
from bot.delivery.scheduler import DailyScheduler
from bot.service import Actor, ChannelRef, StudyService
from bot.service.daily import DailyPolicy
from bot.store.database import Database, create_engine
from tests.support.clock import FakeClock
from tests.support.fake_platform import FakePlatform

ADMIN = Actor("slack", "T1", "U0", "admin", is_admin=True)


def channel(name: str) -> ChannelRef:
    return ChannelRef("slack", "T1", name, name)


@pytest.fixture
def platform() -> FakePlatform:
    return FakePlatform()


@pytest.fixture
def scheduler(service: StudyService, platform: FakePlatform) -> DailyScheduler:
    dispatcher = Dispatcher(service, {"slack": platform})
    return DailyScheduler(service, dispatcher, DailyPolicy(grace=timedelta(hours=6)))


async def run_until(clock: FakeClock, scheduler: DailyScheduler, end: datetime,
                    step: timedelta = timedelta(minutes=10)) -> None:
    while clock.now < end:
        clock.now = min(clock.now + step, end)
        await scheduler.tick()


def local(card_time: datetime, zone: str) -> datetime:
    return card_time.astimezone(ZoneInfo(zone))


async def test_posts_at_local_time_in_several_zones(service, scheduler, platform, clock) -> None:
    clock.now = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)  # Monday
    zones = {"c-london": "Europe/London", "c-ny": "America/New_York",
             "c-kolkata": "Asia/Kolkata", "c-sydney": "Australia/Sydney"}
    for name, zone in zones.items():
        await service.configure_channel(ADMIN, channel(name), "09:00", zone, "daily")
    posted_at: dict[str, datetime] = {}
    while clock.now < datetime(2026, 6, 2, 0, 0, tzinfo=UTC):
        clock.advance(minutes=5)
        await scheduler.tick()
        for card in platform.messages.values():
            posted_at.setdefault(card.channel_id, clock.now)
    for name, zone in zones.items():
        at = local(posted_at[name], zone)
        assert (at.hour, at.minute) == (9, 0), f"{name} posted at {at}"
        assert len(platform.posts_for(name)) == 1


async def test_spring_forward_and_fall_back_post_once(service, scheduler, platform, clock) -> None:
    zone = "America/New_York"
    await service.configure_channel(ADMIN, channel("c-spring"), "02:30", zone, "daily")
    await service.configure_channel(ADMIN, channel("c-fall"), "01:30", zone, "daily")
    # Spring forward on 2026-03-08 (02:30 does not exist); fall back on 2026-11-01 (01:30 twice).
    for day in (datetime(2026, 3, 7, 12, tzinfo=UTC), datetime(2026, 10, 31, 12, tzinfo=UTC)):
        clock.now = day
        await service.set_paused(ADMIN, channel("c-spring"), False)
        await service.set_paused(ADMIN, channel("c-fall"), False)
        platform.messages.clear()
        await run_until(clock, scheduler, day + timedelta(days=3), timedelta(minutes=15))
        for name in ("c-spring", "c-fall"):
            dates = Counter(c.local_date for c in platform.posts_for(name))
            assert set(dates.values()) == {1}, f"{name}: {dates}"
            assert len(dates) == 3
    spring_day = [c for c in (await _all_cards(platform, "c-spring"))]
    assert spring_day  # the schedule kept going after the change


async def _all_cards(platform: FakePlatform, name: str) -> list:
    return platform.posts_for(name)


async def test_weekends_are_skipped_and_do_not_break_streaks(service, scheduler, platform,
                                                             clock) -> None:
    clock.now = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # Monday
    await service.configure_channel(ADMIN, channel("c1"), "09:00", "UTC", "mon-fri")
    bea = Actor("slack", "T1", "U-bea", "bea")
    answered: set[int] = set()
    end = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # the following Tuesday, noon
    while clock.now < end:
        clock.advance(hours=1)
        await scheduler.tick()
        for card in platform.posts_for("c1"):
            if card.post_id not in answered:
                answered.add(card.post_id)
                question = service.catalog.questions[card.question_id]
                await service.answer(bea, card.post_id, question.correct_index)
    days = sorted(c.local_date.strftime("%a") for c in platform.posts_for("c1"))
    assert len(days) == 7
    assert "Sat" not in days
    assert "Sun" not in days
    stats = await service.stats(bea, channel("c1"))
    assert (stats.streak, stats.best_streak) == (7, 7)
    assert len(platform.results) == 6  # each post closed when the next one came


async def test_catch_up_inside_the_grace_window(service, scheduler, platform, clock) -> None:
    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    await service.configure_channel(ADMIN, channel("c1"), "09:00", "UTC", "daily")
    clock.now = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # the bot was down 09:00-14:00
    report = await scheduler.tick()
    assert report.claimed == 1
    assert len(platform.messages) == 1
    card = next(iter(platform.messages.values()))
    assert str(card.local_date) == "2026-11-25"
    assert card.closes_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def test_past_the_grace_window_the_day_is_skipped(service, scheduler, platform, clock,
                                                        caplog) -> None:
    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    await service.configure_channel(ADMIN, channel("c1"), "09:00", "UTC", "daily")
    clock.now = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # 14.5 h late: never post at night
    report = await scheduler.tick()
    assert report.claimed == 0
    assert platform.messages == {}
    assert "skipped the post due 2026-11-25T09:00:00+00:00" in caplog.text
    view = await service.schedule(channel("c1"))
    assert view.next_post_local == datetime(2026, 11, 26, 9, 0, tzinfo=ZoneInfo("UTC"))
    clock.now = datetime(2026, 11, 26, 9, 1, tzinfo=UTC)
    assert (await scheduler.tick()).claimed == 1


async def test_failed_send_is_retried_after_the_lease(service, scheduler, platform,
                                                      clock) -> None:
    clock.now = datetime(2026, 11, 25, 8, 59, tzinfo=UTC)
    await service.configure_channel(ADMIN, channel("c1"), "09:00", "UTC", "daily")
    platform.fail_sends = 1
    clock.advance(minutes=2)
    report = await scheduler.tick()
    assert (report.claimed, report.sent) == (1, 0)
    clock.advance(seconds=30)
    assert (await scheduler.tick()).retried == 0  # the lease has not run out yet
    clock.advance(minutes=2)
    report = await scheduler.tick()
    assert (report.retried, report.sent) == (1, 1)
    assert len(platform.messages) == 1


async def test_restart_between_claim_and_send_never_posts_twice(service, platform, clock,
                                                               database, engine_catalog,
                                                               engine_index) -> None:
    clock.now = datetime(2026, 11, 25, 8, 59, tzinfo=UTC)
    await service.configure_channel(ADMIN, channel("c1"), "09:00", "UTC", "daily")
    first = DailyScheduler(service, Dispatcher(service, {"slack": platform}))
    platform.lose_replies = 1  # the platform stores the message, then the process dies
    clock.advance(minutes=2)
    await first.tick()
    assert len(platform.messages) == 1
    # A new process (new service, new scheduler) on the same database, after the lease.
    restarted = StudyService(database, engine_catalog, engine_index, clock)
    second = DailyScheduler(restarted, Dispatcher(restarted, {"slack": platform}))
    clock.advance(minutes=5)
    report = await second.tick()
    assert report.retried == 1
    assert report.sent == 1
    assert len(platform.messages) == 1, "the retry found the message instead of posting again"
    assert platform.sends == 1


async def test_gives_up_after_max_attempts(service, platform, clock) -> None:
    clock.now = datetime(2026, 11, 25, 8, 59, tzinfo=UTC)
    await service.configure_channel(ADMIN, channel("c1"), "09:00", "UTC", "daily")
    policy = DailyPolicy(lease=timedelta(minutes=1), max_attempts=3)
    sched = DailyScheduler(service, Dispatcher(service, {"slack": platform}), policy)
    platform.fail_sends = 100
    for _ in range(6):
        clock.advance(minutes=2)
        await sched.tick()
    assert platform.sends == 3
    assert (await service.posts_due_to_close()) == []


async def test_only_channels_of_served_platforms_are_claimed(service, scheduler, platform,
                                                             clock) -> None:
    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    terminal = ChannelRef("shell", "local", "terminal", "terminal")
    shell_admin = Actor("shell", "local", "me", "me", is_admin=True)
    await service.configure_channel(shell_admin, terminal, "09:00", "UTC", "daily")
    await service.configure_channel(ADMIN, channel("c1"), "09:00", "UTC", "daily")
    clock.now = datetime(2026, 11, 25, 9, 1, tzinfo=UTC)
    report = await scheduler.tick()  # this process serves Slack only
    assert report.claimed == 1
    assert [c.channel_id for c in platform.messages.values()] == ["c1"]
    view = await service.schedule(terminal)
    assert view.next_post_local is not None
    assert view.next_post_local.day == 25


async def test_one_process_at_a_time_sends_where_the_rate_limit_is_shared(
    database, engine_catalog, engine_index, clock, platform
) -> None:
    """Discord's limit is per token, whatever the number of processes: only the holder of the
    sender lock posts; when it stops, the other takes over at its next tick."""
    platform.one_sender = True
    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    admin = Actor("discord", "G1", "admin", "admin", is_admin=True)
    for name in ("c1", "c2"):
        await StudyService(database, engine_catalog, engine_index, clock).configure_channel(
            admin, ChannelRef("discord", "G1", name, name), "09:00", "UTC", "daily")
    engines = [create_engine(str(database.engine.url.render_as_string(hide_password=False)))
               for _ in range(2)]
    services = [StudyService(Database(e), engine_catalog, engine_index, clock) for e in engines]
    first, second = (DailyScheduler(s, Dispatcher(s, {"discord": platform})) for s in services)
    try:
        clock.now = datetime(2026, 11, 25, 9, 1, tzinfo=UTC)
        assert (await first.tick()).claimed == 2
        clock.now = datetime(2026, 11, 26, 9, 1, tzinfo=UTC)
        if database.dialect == "postgresql":
            assert (await second.tick()).claimed == 0  # the first process holds the lock
            await first.stop()  # releases it
        assert (await second.tick()).claimed == 2
        assert len(platform.messages) == 4
    finally:
        for scheduler in (first, second):
            await scheduler.stop()
        for engine in engines:
            await engine.dispose()


async def test_a_long_retry_after_gives_way_and_the_lease_brings_the_post_back(
    service, scheduler, platform, clock
) -> None:
    """The platform says "wait 200 s": the tick does not sleep on it (closing and other posts
    would stall, and another instance would re-lease the post and send it too)."""
    clock.now = datetime(2026, 11, 25, 8, 59, tzinfo=UTC)
    await service.configure_channel(ADMIN, channel("c1"), "09:00", "UTC", "daily")
    platform.waits = [200.0]
    clock.advance(minutes=2)
    report = await asyncio.wait_for(scheduler.tick(), 10)  # it returns without waiting 200 s
    assert (report.claimed, report.sent) == (1, 0)
    clock.advance(minutes=2)  # past the lease
    assert (await scheduler.tick()).sent == 1
    assert len(platform.messages) == 1


async def test_a_send_that_waited_checks_its_lease_first(service, platform, clock) -> None:
    """Fencing: while one sender waits out a 429, the lease runs out and another sender posts;
    the first, waking, finds the post no longer its own and does not post it again."""
    clock.now = datetime(2026, 11, 25, 8, 59, tzinfo=UTC)
    await service.configure_channel(ADMIN, channel("c1"), "09:00", "UTC", "daily")
    first = DailyScheduler(service, Dispatcher(service, {"slack": platform}))
    second = DailyScheduler(service, Dispatcher(service, {"slack": platform}))
    platform.waits = [0.5]
    clock.advance(minutes=2)
    waiting = asyncio.create_task(first.tick())
    await asyncio.sleep(0.1)  # the first sender is waiting out its Retry-After
    clock.advance(minutes=2)  # ...for longer than the lease
    assert (await second.tick()).sent == 1
    assert (await waiting).sent == 0
    assert len(platform.messages) == 1
    assert platform.sends == 2  # the limited attempt and the second sender's; none after waking
