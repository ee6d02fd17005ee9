"""The composition root: settings in, a running bot out. Nothing is built at import time."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.catalog.catalog import Catalog
from bot.catalog.loader import load
from bot.catalog.search.index import SearchIndex
from bot.config import Settings
from bot.service import StudyService
from bot.service.study import Clock, utc_now
from bot.store import migrations
from bot.store.database import Database, open_database

log = logging.getLogger("studybot")


@dataclass
class App:
    settings: Settings
    db: Database
    catalog: Catalog
    service: StudyService

    async def close(self) -> None:
        await self.service.close()  # answers already taken are recorded before the pool goes
        await self.db.dispose()


async def open_app(settings: Settings, clock: Clock = utc_now, migrate: bool = True) -> App:
    """Load content (raises ContentError when invalid), open and upgrade the database."""
    catalog = load(settings.content_dir)
    index = SearchIndex.build(catalog)
    db = open_database(settings.database_url)
    try:
        if migrate:
            await migrations.upgrade(db.engine)
    except BaseException:
        await db.dispose()
        raise
    log.info("content: %d topics, %d entries, %d questions; database: %s",
             len(catalog.topics), len(catalog.entries), len(catalog.questions), db.dialect)
    return App(settings, db, catalog, StudyService(db, catalog, index, clock))
