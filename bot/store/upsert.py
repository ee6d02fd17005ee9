"""INSERT ... ON CONFLICT for whichever database the session is on (same API on both)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert(session: AsyncSession, table: Any) -> Any:
    """An insert construct with on_conflict_do_nothing / on_conflict_do_update."""
    return dialect_insert(session.get_bind().dialect.name, table)


def dialect_insert(dialect: str, table: Any) -> Any:
    """The same, for a dialect named outright (a connection, not a session)."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
