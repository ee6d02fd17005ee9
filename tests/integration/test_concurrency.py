"""Clicks arriving together on the real PostgreSQL: every answer counted exactly once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.catalog.catalog import Catalog
from bot.catalog.search.index import SearchIndex
from bot.service import Actor, ChannelRef, StudyService
from bot.store.database import Database, create_engine
from bot.store.tables import Answer, Score

CHANNEL = ChannelRef("discord", "G1", "C1", "study")
ADMIN = Actor("discord", "G1", "admin", "admin", is_admin=True)


@pytest.fixture
def pg_service(pg_database: Database, engine_catalog: Catalog, engine_index: SearchIndex,
               clock) -> StudyService:
    return StudyService(pg_database, engine_catalog, engine_index, clock)


async def _count(db: Database, statement) -> int:
    async with db.transaction() as session:
        return (await session.execute(statement)).scalar_one()


async def test_50_users_answering_at_once_are_all_counted(pg_service: StudyService) -> None:
    card = await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.one")
    users = [Actor("discord", "G1", f"u{i}", f"user{i}") for i in range(50)]
    results = await asyncio.gather(
        *(pg_service.answer(u, card.post_id, 1 if i % 2 else 0) for i, u in enumerate(users))
    )
    assert sum(r.verdict.correct for r in results) == 25
    assert not any(r.already_answered for r in results)
    db = pg_service.db
    assert await _count(db, select(func.count()).select_from(Answer)) == 50
    assert await _count(db, select(func.sum(Score.points)).where(Score.period == "all")) == 250
    closed = await pg_service.close_post(card.post_id)
    assert closed is not None
    assert closed.distribution == (25, 25, 0)


async def test_50_double_clicks_by_one_user_count_once(pg_service: StudyService) -> None:
    card = await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.one")
    bea = Actor("discord", "G1", "bea", "bea")
    results = await asyncio.gather(*(pg_service.answer(bea, card.post_id, 1) for _ in range(50)))
    assert sum(not r.already_answered for r in results) == 1
    assert all(r.points == 10 for r in results)
    db = pg_service.db
    assert await _count(db, select(func.count()).select_from(Answer)) == 1
    assert await _count(
        db, select(Score.answered).where(Score.period == "all", Score.user_id.is_not(None))
    ) == 1
    assert (await pg_service.stats(bea, CHANNEL)).points == 10


async def test_two_schedulers_share_200_due_channels_without_duplicates(
    pg_database: Database, engine_catalog: Catalog, engine_index: SearchIndex, clock
) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.delivery.dispatcher import Dispatcher
    from bot.delivery.scheduler import DailyScheduler
    from bot.service.daily import DailyPolicy
    from tests.support.fake_platform import FakePlatform

    clock.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    setup = StudyService(pg_database, engine_catalog, engine_index, clock)
    for index in range(200):
        await setup.configure_channel(ADMIN, ChannelRef("discord", "G1", f"c{index}"), "09:00",
                                      "UTC", "daily")
    clock.now = datetime(2026, 11, 25, 9, 0, 30, tzinfo=UTC)
    platform = FakePlatform()
    # Two instances: separate services and engines (connection pools) on one PostgreSQL.
    instances = []
    for _ in range(2):
        db = Database(create_engine(pg_database.engine.url.render_as_string(hide_password=False)))
        service = StudyService(db, engine_catalog, engine_index, clock)
        instances.append(DailyScheduler(
            service, Dispatcher(service, {"discord": platform}),
            DailyPolicy(batch=10, grace=timedelta(hours=6))))
    reports = await asyncio.gather(*(s.tick() for s in instances))
    for s in instances:
        await s.service.db.dispose()
    assert len(platform.messages) == 200
    assert len({card.post_id for card in platform.messages.values()}) == 200
    assert len({card.channel_id for card in platform.messages.values()}) == 200
    assert all(report.claimed > 0 for report in reports), [r.claimed for r in reports]
    assert sum(report.claimed for report in reports) == 200
