"""The dashboard in a real headless Chromium: every page opened from a signed link against a
seeded database (tests/support/team_seed.py), its figures read off the page, screenshots saved
under tests/artifacts/, and axe-core run on each page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page

from bot.dashboard.pages import Dashboard
from bot.dashboard.tokens import DashboardLinks, WorkspaceKey
from bot.service import StudyService
from bot.web import build_web_app
from tests.support.browser import ARTIFACTS, chromium
from tests.support.local_server import serve_local
from tests.support.team_seed import seed

SECRET = "dashboard-test-secret-0123456789abcdef"


@dataclass
class Site:
    url: str
    dashboard: Dashboard
    service: StudyService
    clock: object

    def link(self, workspace: str = "T1", days: int = 7) -> str:
        made = DashboardLinks(SECRET, self.url).link(WorkspaceKey("slack", workspace),
                                                     self.service.clock(), days)
        return made.url


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as found:
        yield found


@pytest.fixture
async def site(service: StudyService, clock) -> AsyncIterator[Site]:
    await seed(service, clock)
    dashboard = Dashboard(service, SECRET)
    runner, port = await serve_local(build_web_app(service.db, dashboard.routes()))
    try:
        yield Site(f"http://127.0.0.1:{port}", dashboard, service, clock)
    finally:
        await runner.cleanup()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    opened = await context.new_page()
    yield opened
    await context.close()


async def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def no_critical_violations(page: Page) -> None:
    results = await Axe().run(page)
    critical = [v["id"] for v in results.response["violations"] if v["impact"] == "critical"]
    serious = [v["id"] for v in results.response["violations"] if v["impact"] == "serious"]
    assert critical == []
    assert serious == []


async def rows_of(page: Page, selector: str) -> list[list[str]]:
    """Cell texts of table rows, shown or folded away in a <details>."""
    return await page.locator(selector).evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))")


async def stat(page: Page, label: str) -> str:
    return (await page.locator(".stat", has_text=label).locator("dd").inner_text()).strip()


async def test_overview_shows_participation_streaks_and_board(site: Site, page: Page,
                                                              database) -> None:
    response = await page.goto(site.link())
    assert response is not None
    assert response.status == 200
    assert "private" in response.headers["cache-control"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert await page.locator("h1").inner_text() == "Acme overview"
    assert await stat(page, "Answers, last 90 days") == "7"
    assert await stat(page, "Right") == "71%"  # 5 of 7
    assert await stat(page, "People on a streak now") == "2"
    longest = await page.locator("ol.ranked li").all_inner_texts()
    assert longest == ["bea 4 in a row", "dee 1 in a row"]
    # The participation chart is an image with a name, and its figures are a table.
    title = page.locator("svg[role=img] > title").first
    assert await title.text_content() == "Participation per day"
    rows = await rows_of(page, "#participation ~ figure table tbody tr")
    assert [r[:3] for r in rows] == [["2026-11-23", "3", "3"],
                                                  ["2026-11-24", "2", "2"],
                                                  ["2026-11-25", "2", "2"]]
    week = await rows_of(page, "#week ~ figure table tbody tr")
    assert week[0][0] == "1. bea"
    assert not any("zed" in row[0] for row in week)
    await screenshot(page, f"overview-{database.dialect}")
    await no_critical_violations(page)


async def test_topics_page(site: Site, page: Page, database) -> None:
    await page.goto(site.link() + "/topics")
    rows = {r.split("\t")[0]: r.split("\t")[1:] for r in
            await page.locator("table.data tbody tr").all_inner_texts()}
    assert rows["Kubernetes"][-2:] == ["80%", "5"]  # all time: 4 of 5 right
    assert rows["Linux"][-2:] == ["50%", "2"]
    assert await page.locator("td.spark svg[role=img]").count() == 2
    await screenshot(page, f"topics-{database.dialect}")
    await no_critical_violations(page)


async def test_people_and_a_person(site: Site, page: Page, database) -> None:
    await page.goto(site.link() + "/people")
    names = await page.locator("table.data tbody th a").all_inner_texts()
    assert names[0] == "bea"
    assert set(names) == {"bea", "cid", "dee"}
    await screenshot(page, f"people-{database.dialect}")
    await no_critical_violations(page)
    await page.get_by_role("link", name="bea").click()
    assert await page.locator("h1").inner_text() == "bea"
    assert await stat(page, "Answered") == "4"
    days = await rows_of(page, "#calendar ~ figure table tbody tr")
    assert [d[0] for d in days] == ["2026-11-23", "2026-11-24", "2026-11-25"]
    streak = await page.locator("#streaks ~ table tbody tr").all_inner_texts()
    assert streak == ["#study\t4\t4"]
    await screenshot(page, f"person-{database.dialect}")
    await no_critical_violations(page)


async def test_questions_page_shows_the_item_analysis(site: Site, page: Page, database) -> None:
    await page.goto(site.link() + "/questions")
    # The first visit starts the measurement off the request path; the page says so.
    assert "Measuring" in await page.locator("main").inner_text()
    await site.dashboard.reports.settled("slack", "T1")
    await page.goto(site.link() + "/questions?sort=id")
    rows = {r.split("\t")[0].split("\n")[0]: r.split("\t")[1:] for r in
            await page.locator("table.questions tbody tr").all_inner_texts()}
    assert set(rows) == {"k8s.q.one", "k8s.q.two", "linux.q.port", "k8s.q.three"}
    assert rows["k8s.q.one"][1:3] == ["3", "67%"]  # Acme only: zed's answer is another team's
    await screenshot(page, f"questions-{database.dialect}")
    await no_critical_violations(page)


async def test_tampered_and_expired_links_get_403(site: Site, page: Page, database) -> None:
    link = site.link()
    payload, _, signature = link.rpartition("/")[2].partition(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for bad in (f"{site.url}/d/{payload}.{flipped}", f"{site.url}/d/{payload}",
                f"{site.url}/d/x{payload[1:]}.{signature}"):
        response = await page.goto(bad + "/people")
        assert response is not None
        assert response.status == 403
        assert "not valid" in await page.locator("h1").inner_text()
        assert "/study dashboard" in await page.locator("main").inner_text()
    site.clock.advance(days=7, seconds=1)
    response = await page.goto(link)
    assert response is not None
    assert response.status == 403
    assert "expired" in await page.locator("h1").inner_text()
    assert SECRET not in await page.content()
    await screenshot(page, f"forbidden-{database.dialect}")
    await no_critical_violations(page)


async def test_another_workspace_link_shows_only_its_own(site: Site, page: Page,
                                                         database) -> None:
    await page.goto(site.link("T2"))
    assert await page.locator("h1").inner_text() == "Other overview"
    assert await stat(page, "Answers, last 90 days") == "1"
    await page.goto(site.link("T2") + "/people")
    assert await page.locator("table.data tbody th a").all_inner_texts() == ["zed"]
    # A person of Acme through Other's link: not found, and none of their figures.
    bea = (await site.service.team_people("slack", "T1")).rows[0]
    response = await page.goto(site.link("T2") + f"/people/{bea.person_id}")
    assert response is not None
    assert response.status == 404
    assert "bea" not in await page.locator("main").inner_text()


