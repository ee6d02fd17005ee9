"""The replay guard's memory on both databases: first use only once, across instances, and
forgotten once the platform would refuse the request as stale anyway."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.catalog.catalog import Catalog
from bot.catalog.search.index import SearchIndex
from bot.service import StudyService
from bot.store.database import Database, create_engine
from bot.store.tables import RequestSignature
from tests.support.clock import FakeClock

SIGNATURE = "v0=" + "ab" * 32


async def remembered(db: Database) -> int:
    async with db.transaction() as session:
        return (await session.execute(select(func.count()).select_from(RequestSignature))).scalar_one()


async def test_a_key_is_a_first_use_once(service: StudyService, clock: FakeClock) -> None:
    until = clock() + timedelta(minutes=5)
    assert await service.first_use(SIGNATURE, until) is True
    assert await service.first_use(SIGNATURE, until) is False
    assert await service.first_use(SIGNATURE, until + timedelta(minutes=1)) is False
    assert await service.first_use("v0=" + "cd" * 32, until) is True


async def test_expired_keys_are_pruned_in_passing(service: StudyService, clock: FakeClock) -> None:
    for i in range(5):
        await service.first_use(f"old-{i}", clock() + timedelta(minutes=5))
    assert await remembered(service.db) == 5
    clock.advance(minutes=6)  # past their window, and past the next pruning time
    assert await service.first_use("new", clock() + timedelta(minutes=5)) is True
    assert await remembered(service.db) == 1


async def test_pruning_keeps_keys_still_inside_their_window(service: StudyService,
                                                            clock: FakeClock) -> None:
    await service.first_use("fresh", clock() + timedelta(minutes=10))
    clock.advance(minutes=6)
    await service.first_use("other", clock() + timedelta(minutes=5))
    assert await service.first_use("fresh", clock() + timedelta(minutes=5)) is False


async def test_two_instances_racing_on_one_key_serve_it_once(
    pg_database: Database, engine_catalog: Catalog, engine_index: SearchIndex, clock: FakeClock
) -> None:
    other = Database(create_engine(str(pg_database.engine.url.render_as_string(hide_password=False))))
    try:
        first = StudyService(pg_database, engine_catalog, engine_index, clock)
        second = StudyService(other, engine_catalog, engine_index, clock)
        until = clock() + timedelta(minutes=5)
        for round_ in range(20):
            key = f"race-{round_}"
            results = await asyncio.gather(*(service.first_use(key, until)
                                             for service in (first, second) * 5))
            assert sorted(results) == [False] * 9 + [True]
    finally:
        await first.stop_checks()
        await second.stop_checks()
        await other.dispose()


async def test_a_burst_is_checked_in_batches_with_every_answer_exact(
    service: StudyService, clock: FakeClock
) -> None:
    until = clock() + timedelta(minutes=5)
    await service.first_use("seen-before", until)
    keys = [f"k{i % 40}" for i in range(200)] + ["seen-before"] * 3
    results = await asyncio.gather(*(service.first_use(key, until) for key in keys))
    firsts = [key for key, first in zip(keys, results, strict=True) if first]
    assert sorted(firsts) == sorted(f"k{i}" for i in range(40))
    assert await remembered(service.db) == 41


async def test_when_the_database_is_away_every_waiting_check_hears_it(
    engine_catalog: Catalog, engine_index: SearchIndex, clock: FakeClock
) -> None:
    away = Database(create_engine("postgresql+asyncpg://postgres@127.0.0.1:9/nowhere"))
    service = StudyService(away, engine_catalog, engine_index, clock)
    try:
        results = await asyncio.gather(*(service.first_use(f"x{i}", clock()) for i in range(5)),
                                       return_exceptions=True)
    finally:
        await service.stop_checks()
        await away.dispose()
    assert all(isinstance(result, OSError) for result in results), results
