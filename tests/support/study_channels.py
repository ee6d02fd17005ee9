"""Study channels set up as an admin would, straight through the service: for the tests and
benchmarks that need many channels due at once (as on a morning after a deploy)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import text

from bot.catalog.loader import load
from bot.catalog.search.index import SearchIndex
from bot.paths import content_dir
from bot.service import Actor, ChannelRef, StudyService
from bot.store import migrations
from bot.store.database import Database, create_engine


async def seed_due_channels(url: str, platform: str, channels: Iterable[tuple[str, str]]) -> int:
    """Set up every (workspace, channel) for a daily question, all due now; how many."""
    catalog = load(content_dir())
    engine = create_engine(url)
    count = 0
    try:
        await migrations.upgrade(engine)
        service = StudyService(Database(engine), catalog, SearchIndex.build(catalog))
        for workspace, channel in channels:
            admin = Actor(platform, workspace, "admin", "admin", is_admin=True)
            await service.configure_channel(admin, ChannelRef(platform, workspace, channel),
                                            "09:00", "UTC", "daily")
            count += 1
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE channels SET next_due_at = :now"),
                                     {"now": datetime.now(UTC)})
    finally:
        await engine.dispose()
    return count
