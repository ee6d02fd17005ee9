"""Alembic environment: runs on the connection that bot.store.migrations hands over."""

from __future__ import annotations

from alembic import context

from bot.store.tables import Base

target_metadata = Base.metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("run migrations with `studybot db upgrade`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
