"""The composition root: settings in, a running bot out. Nothing is built at import time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.catalog.catalog import Catalog
from bot.catalog.loader import ContentError, check
from bot.catalog.search.index import SearchIndex
from bot.config import Settings
from bot.service import StudyService
from bot.service.study import Clock, utc_now
from bot.service.views import Avoidance
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
        await self.db.dispose()


async def open_app(settings: Settings, clock: Clock = utc_now, migrate: bool = True) -> App:
    """Load content (raises ContentError when invalid), open and upgrade the database."""
    content = check(settings.content_dir)
    if content.catalog is None:
        raise ContentError(content.errors)
    catalog = content.catalog
    if content.warnings:
        # Advice for authors, not a reason to stay down: one line, and where to read the rest.
        log.warning("content: %d warning(s); run `studybot content validate %s` to see them",
                    len(content.warnings), settings.content_dir)
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
    avoidance = None
    if settings.avoid_flagged_questions:
        avoidance = Avoidance(refresh=timedelta(minutes=settings.flagged_refresh_minutes))
    return App(settings, db, catalog, StudyService(db, catalog, index, clock, avoidance))
