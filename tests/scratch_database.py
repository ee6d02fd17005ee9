"""Throwaway PostgreSQL databases beside a server's own: for the tests and the benchmarks."""

from __future__ import annotations

import asyncio
import os
import uuid

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store.database import create_engine


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
