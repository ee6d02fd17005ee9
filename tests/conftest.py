"""Databases for the tests: a fresh SQLite file per test, and the real PostgreSQL.

PostgreSQL comes from TEST_DATABASE_URL (default: the local server). Each run creates a database
of its own and drops it at the end. With CI=true an unreachable PostgreSQL fails the run instead
of skipping, so CI can never pass on SQLite alone.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
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
from tests.scratch_database import create_scratch, drop_scratch

DATA = Path(__file__).parent / "data"
PG_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


class FakeClock:
    """An injected clock the tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


async def _create_pg_database() -> str | None:
    try:
        return await create_scratch(PG_URL, "studybot_test")
    except Exception as exc:  # refused, timed out, bad auth: all mean "not reachable"
        if IN_CI:
            raise RuntimeError(f"PostgreSQL is required in CI but unreachable at {PG_URL}: "
                               f"{exc}") from exc
        return None


async def _drop_pg_database(test_url: str) -> None:
    await drop_scratch(test_url, PG_URL)


@pytest.fixture(scope="session")
async def pg_url() -> AsyncIterator[str | None]:
    """URL of this run's own PostgreSQL database, migrated to head; None when unreachable."""
    url = await _create_pg_database()
    if url is None:
        yield None
        return
    engine = create_engine(url)
    await migrations.upgrade(engine)
    await engine.dispose()
    yield url
    await _drop_pg_database(url)


def _require(url: str | None) -> str:
    if url is None:
        pytest.skip(f"PostgreSQL unreachable at {PG_URL} (set CI=true to make this a failure)")
    return url


@pytest.fixture
async def pg_database(pg_url: str | None) -> AsyncIterator[Database]:
    """The run's PostgreSQL database, emptied before the test."""
    url = _require(pg_url)
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
    url = _require(await _create_pg_database())
    yield url
    await _drop_pg_database(url)


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
def service(database: Database, engine_catalog: Catalog, engine_index: SearchIndex,
            clock: FakeClock) -> StudyService:
    return StudyService(database, engine_catalog, engine_index, clock)

