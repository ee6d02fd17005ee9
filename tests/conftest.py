"""Fixtures: a fresh SQLite file per test and this run's own PostgreSQL database (created at the
start, dropped at the end; required when CI=true), the test content, a clock, the service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.catalog.catalog import Catalog
from bot.catalog.loader import load
from bot.catalog.search.index import SearchIndex
from bot.service import StudyService
from bot.store import migrations
from bot.store.database import Database, create_engine
from bot.store.tables import Base
from tests.support.clock import FakeClock
from tests.support.data import DATA
from tests.support.databases import create_test_database, drop_test_database, require_postgres


@pytest.fixture(scope="session")
async def pg_url() -> AsyncIterator[str | None]:
    """URL of this run's own PostgreSQL database, migrated to head; None when unreachable."""
    url = await create_test_database()
    if url is None:
        yield None
        return
    engine = create_engine(url)
    await migrations.upgrade(engine)
    await engine.dispose()
    yield url
    await drop_test_database(url)


@pytest.fixture
async def pg_database(pg_url: str | None) -> AsyncIterator[Database]:
    """The run's PostgreSQL database, emptied before the test."""
    url = require_postgres(pg_url)
    db = Database(create_engine(url))
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield db
    await db.dispose()


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"))
    await migrations.upgrade(db.engine)
    yield db
    await db.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> Database:
    """Every use-case test runs on both databases."""
    fixture = "sqlite_database" if request.param == "sqlite" else "pg_database"
    return request.getfixturevalue(fixture)


@pytest.fixture(params=["sqlite", "postgres"])
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of its own, with no schema: for tests that run the migrations themselves."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrate.db'}"
        return
    url = require_postgres(await create_test_database())
    yield url
    await drop_test_database(url)


@pytest.fixture(scope="session")
def engine_catalog() -> Catalog:
    return load(DATA / "engine")


@pytest.fixture(scope="session")
def engine_index(engine_catalog: Catalog) -> SearchIndex:
    return SearchIndex.build(engine_catalog)


@pytest.fixture
def clock() -> FakeClock:
    # A Wednesday, so a Mon-Fri schedule has days on both sides.
    return FakeClock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))


@pytest.fixture
async def service(database: Database, engine_catalog: Catalog, engine_index: SearchIndex,
                  clock: FakeClock) -> AsyncIterator[StudyService]:
    service = StudyService(database, engine_catalog, engine_index, clock)
    yield service
    await service.stop_checks()

