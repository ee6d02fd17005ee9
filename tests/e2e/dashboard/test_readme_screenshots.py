"""The README's pictures: every page of a fuller made-up team (tests/support/demo_seed.py) in
headless Chromium, saved under tests/artifacts/readme-*.png (copied to docs/screenshots/)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from playwright.async_api import Browser

from bot.catalog.loader import load
from bot.catalog.search.index import SearchIndex
from bot.config import content_dir
from bot.dashboard.pages import Dashboard
from bot.dashboard.tokens import DashboardLinks, WorkspaceKey
from bot.service import StudyService
from bot.store.database import Database
from bot.web import build_web_app
from tests.support.browser import ARTIFACTS, chromium
from tests.support.clock import FakeClock
from tests.support.demo_seed import TEAM, admin, seed_demo
from tests.support.local_server import serve_local

SECRET = "readme-screenshots-secret-0123456789abc"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as found:
        yield found


async def test_every_page_of_a_fuller_team(sqlite_database: Database, browser: Browser) -> None:
    catalog = load(content_dir())
    clock = FakeClock(datetime(2026, 9, 14, 10, 0, tzinfo=UTC))
    service = StudyService(sqlite_database, catalog, SearchIndex.build(catalog), clock)
    await seed_demo(service, clock)
    dashboard = Dashboard(service, SECRET)
    runner, port = await serve_local(build_web_app(service.db, dashboard.routes()))
    try:
        await dashboard.reports.settled("slack", TEAM)
        base = f"http://127.0.0.1:{port}"
        link = DashboardLinks(SECRET, base).link(WorkspaceKey("slack", TEAM), clock()).url
        leader = (await service.team_people("slack", TEAM)).rows[0]
        context = await browser.new_context(viewport={"width": 1200, "height": 900})
        page = await context.new_page()
        ARTIFACTS.mkdir(exist_ok=True)
        for name, path in [("overview", ""), ("topics", "/topics"), ("people", "/people"),
                           ("person", f"/people/{leader.person_id}"),
                           ("questions", "/questions")]:
            response = await page.goto(link + path)
            assert response is not None
            assert response.status == 200
            assert "Platform team" in await page.title() or name in ("questions", "person")
            if name == "overview":  # a team competition: its teams first, then its people
                titles = await page.locator("#competitions ~ figure svg > title").all_text_contents()
                assert titles == ["Teams (Competition autumn-cup)",
                                  "Leaderboard (Competition autumn-cup)"]
                teams = await page.locator("#competitions ~ figure table").first.locator(
                    "tbody th, tbody td").all_text_contents()
                board = await service.leaderboard(admin(), "autumn-cup")
                assert teams == [cell for t in board.teams
                                 for cell in (f"{t.rank}. {t.name}", f"{t.points} pts")]
            await page.screenshot(path=str(ARTIFACTS / f"readme-{name}.png"),
                                  full_page=name != "questions")
        await context.close()
    finally:
        await runner.cleanup()
