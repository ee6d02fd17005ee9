"""Throwaway PostgreSQL databases beside a server's own: for the tests and the benchmarks.

PostgreSQL comes from TEST_DATABASE_URL (default: the local server). With CI=true an unreachable
PostgreSQL is a failure, never a skip, so CI can never pass on SQLite alone.
"""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store.database import create_engine
from bot.store.tables import Base

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


async def _as_admin(server_url: str, statement: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await asyncio.wait_for(conn.execute(text(statement)), 10)
    finally:
        await admin.dispose()


async def create_scratch(server_url: str, prefix: str) -> str:
    """Create a fresh database on the server of `server_url`; return its URL. Raises when the
    server cannot be reached."""
    url = make_url(server_url)
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    await _as_admin(url.render_as_string(hide_password=False), f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


async def drop_scratch(scratch_url: str, server_url: str) -> None:
    """Drop a database made by create_scratch, connected through the server's own database."""
    name = make_url(scratch_url).database
    await _as_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def create_test_database() -> str | None:
    """A fresh database of this run on the test server; None when it cannot be reached (outside
    CI, where that is a failure)."""
    try:
        return await create_scratch(PG_URL, "studybot_test")
    except Exception as exc:  # refused, timed out, bad auth: all mean "not reachable"
        if IN_CI:
            raise RuntimeError(f"PostgreSQL is required in CI but unreachable at {PG_URL}: "
                               f"{exc}") from exc
        return None


async def drop_test_database(url: str) -> None:
    await drop_scratch(url, PG_URL)


def require_postgres(url: str | None) -> str:
    if url is None:
        pytest.skip(f"PostgreSQL unreachable at {PG_URL} (set CI=true to make this a failure)")
    return url


async def row_counts(url: str, leave_out: tuple[str, ...] = ()) -> dict[str, int]:
    """How many rows each of the schema's tables holds (but `leave_out`): "nothing changed"
    compares two of these."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return {table.name: (await conn.execute(
                text(f'SELECT count(*) FROM "{table.name}"'))).scalar_one()
                for table in Base.metadata.sorted_tables if table.name not in leave_out}
    finally:
        await engine.dispose()
