"""The composition root: settings in, a running bot out. Nothing is built at import time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from bot.catalog.catalog import Catalog
from bot.catalog.loader import ContentError, check
from bot.catalog.search.index import SearchIndex
from bot.chat.commands import Registry, build_registry
from bot.chat.router import Router
from bot.config import Settings
from bot.dashboard.pages import Dashboard
from bot.dashboard.tokens import DashboardLinks
from bot.delivery.dispatcher import Dispatcher, Publisher
from bot.delivery.scheduler import DailyScheduler
from bot.delivery.tally import Tally
from bot.service import StudyService
from bot.service.daily import DailyPolicy
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
        await self.service.stop_checks()  # gives its connection back before the pool goes
        await self.service.close()  # answers already taken are recorded before the pool goes
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
    service = StudyService(db, catalog, index, clock, avoidance)
    if settings.dashboard_secret is not None and settings.public_url is not None:
        service.dashboard_links = DashboardLinks(settings.dashboard_secret.get_secret_value(),
                                                 settings.public_url)
    return App(settings, db, catalog, service)


def web_routes(app: App) -> list[web.RouteDef]:
    """Routes served whatever the platforms: the team dashboard when DASHBOARD_SECRET is set."""
    secret = app.settings.dashboard_secret
    if secret is None:
        return []
    return list(Dashboard(app.service, secret.get_secret_value()).routes())


def registry_for(catalog: Catalog) -> Registry:
    topics = sorted(catalog.topics.values(), key=lambda t: t.slug)
    return build_registry((t.slug, t.title, tuple(t.aliases)) for t in topics)


@dataclass
class Chat:
    """What every platform runtime shares: the router and the daily-question machinery."""

    registry: Registry
    dispatcher: Dispatcher
    tally: Tally
    router: Router
    scheduler: DailyScheduler


def build_chat(app: App, publishers: dict[str, Publisher]) -> Chat:
    settings = app.settings
    registry = registry_for(app.catalog)
    dispatcher = Dispatcher(app.service, publishers)
    tally = Tally(app.service, dispatcher.show_tally, settings.tally_interval_seconds)
    scheduler = DailyScheduler(
        app.service, dispatcher, DailyPolicy(grace=timedelta(hours=settings.catchup_grace_hours)),
        interval_seconds=settings.scheduler_tick_seconds,
    )
    return Chat(registry, dispatcher, tally, Router(app.service, dispatcher, tally, registry),
                scheduler)
