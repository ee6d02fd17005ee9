"""The Alembic migrations and the SQLAlchemy models describe the same schema, both ways."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot.store import migrations
from bot.store.database import create_engine
from bot.store.tables import Base


def _differences(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_models_and_migrations_agree(empty_url: str) -> None:
    engine = create_engine(empty_url)
    try:
        await migrations.upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade(empty_url: str) -> None:
    engine = create_engine(empty_url)

    async def tables() -> set[str]:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))

    try:
        await migrations.upgrade(engine)
        expected = {t.name for t in Base.metadata.sorted_tables}
        assert expected <= await tables()
        await migrations.downgrade(engine, "base")
        assert not expected & await tables()
        assert await migrations.current_revision(engine) is None
        await migrations.upgrade(engine)
        assert expected <= await tables()
        assert await migrations.current_revision(engine) is not None
    finally:
        await engine.dispose()
