"""The engine and the unit of work: `async with db.transaction() as session:` commits or rolls back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, InvalidatePoolError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

# The service names the session type through here, so it never imports SQLAlchemy itself.
Session = AsyncSession

# SQLSTATEs that mean the server went away or is not taking connections: class 08 (connection
# exception) and 57P01-57P03 (terminated by an administrator, crash shutdown, starting up).
_GONE_STATES = ("08", "57P01", "57P02", "57P03")
CONNECT_TIMEOUT = 10.0


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def driver_transaction(self) -> AsyncIterator[Any]:
        """One transaction on the driver's own connection (asyncpg), taken from the pool.

        For a few set-based statements run very often (the answer batches), where SQLAlchemy's
        work per statement would cost more than the statement. PostgreSQL only.

        A pooled connection that the server already closed is replaced at checkout (see
        create_engine); one that dies during the work is invalidated, so the pool never hands
        it out again, and the caller decides whether to retry (see is_disconnect)."""
        async with self.engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            assert driver is not None
            # BEGIN and the setting travel in one message. Generic plans: PostgreSQL would
            # otherwise plan the aggregate statement afresh for every batch (its estimate for
            # arrays of unknown length favours custom plans), which cost more than running it.
            try:
                await driver.execute("BEGIN; SET LOCAL plan_cache_mode = force_generic_plan")
                yield driver
                await driver.execute("COMMIT")
            except BaseException as exc:
                clean = not (driver.is_closed() or is_disconnect(exc))
                if clean:
                    try:
                        await driver.execute("ROLLBACK")
                    except BaseException:
                        clean = False
                if not clean:
                    await conn.invalidate()
                raise

    async def dispose(self) -> None:
        await self.engine.dispose()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        # One connection: SQLite has a single writer, and queuing in the pool is kinder than
        # "database is locked" errors under concurrent clicks.
        if ":memory:" in url or "mode=memory" in url:
            # Every connection to :memory: is a new empty database: keep exactly one.
            engine = create_async_engine(url, poolclass=StaticPool, **kwargs)
        else:
            engine = create_async_engine(url, pool_size=1, max_overflow=0, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    # No pre-ping: it cost three round trips per checkout. A connection the server closed is
    # replaced at checkout for free (below); one that dies silently fails its first statement,
    # SQLAlchemy then recycles every older pooled connection, and the answer path retries once
    # (see is_disconnect). A server that does not answer at all fails a connect in
    # CONNECT_TIMEOUT seconds rather than asyncpg's 60.
    connect_args = {"timeout": CONNECT_TIMEOUT, **kwargs.pop("connect_args", {})}
    engine = create_async_engine(url, pool_size=10, max_overflow=20, connect_args=connect_args,
                                 **kwargs)

    @event.listens_for(engine.sync_engine, "checkout")
    def _replace_closed(_dbapi_connection: Any, _record: Any, proxy: Any) -> None:
        # The server closed this connection while it sat in the pool (a restart, a terminated
        # backend, a reset network) and the driver has seen the socket close: no round trip
        # needed to know. SQLAlchemy then reconnects it and recycles every older one.
        driver = proxy.driver_connection
        if driver is not None and driver.is_closed():
            raise InvalidatePoolError("closed by the server")

    return engine


def is_disconnect(exc: BaseException) -> bool:
    """True when `exc` says the connection to the database was lost or could not be made, so
    the same work on a fresh connection may well succeed."""
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        exc = exc.orig or exc
    state = getattr(exc, "sqlstate", None) or ""
    if state.startswith(_GONE_STATES):
        return True
    cause = exc.__cause__
    if cause is not None and cause is not exc and is_disconnect(cause):
        return True
    if isinstance(exc, asyncpg.ConnectionDoesNotExistError):  # closed in the middle of work
        return True
    if isinstance(exc, asyncpg.InterfaceError) and "connection is closed" in str(exc):
        return True
    # Refused, reset or timed out (TimeoutError is an OSError).
    return isinstance(exc, OSError)


def open_database(url: str) -> Database:
    return Database(create_engine(url))
