"""The dashboard's HTTP routes: a signed link in, a server-rendered page out.

`/d/<token>` (overview), `/d/<token>/topics`, `/d/<token>/people`, `/d/<token>/people/<id>`,
`/d/<token>/questions`, and the stylesheet. The token is checked before anything is read; a bad
or expired one gets a 403 page that says how to get a new link. Pages are private to whoever
holds the link: they are cached only by the browser (a minute), never by shared caches, send no
Referer (so the token never leaks to another site), and carry no script at all.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from aiohttp import web

from bot.charts import build
from bot.dashboard.rendering import STATIC, environment, render
from bot.dashboard.reports import ReportCache
from bot.dashboard.tokens import BadLink, ExpiredLink, Grant, Signer
from bot.service.study import StudyService

log = logging.getLogger("studybot.dashboard")

PAGE_HEADERS = {
    "Cache-Control": "private, max-age=60",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}
STYLESHEET = "/static/dashboard.css"

Handler = Callable[[web.Request, Grant], Awaitable[web.Response]]


class Dashboard:
    def __init__(self, service: StudyService, secret: str,
                 report_age: timedelta = timedelta(minutes=15)) -> None:
        self.service = service
        self.signer = Signer(secret)
        self.env = environment()
        self.reports = ReportCache(lambda p, w: service.item_report(p, w), service.clock,
                                   report_age)

    def routes(self) -> Sequence[web.RouteDef]:
        return [
            web.get(STYLESHEET, self.stylesheet),
            web.get("/d/{token}", self._guarded(self.overview)),
            web.get("/d/{token}/topics", self._guarded(self.topics)),
            web.get("/d/{token}/people", self._guarded(self.people)),
            web.get(r"/d/{token}/people/{person:\d{1,18}}", self._guarded(self.person)),
            web.get("/d/{token}/questions", self._guarded(self.questions)),
        ]

    def _guarded(self, handler: Handler) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def guarded(request: web.Request) -> web.Response:
            try:
                grant = self.signer.verify(request.match_info["token"], self.service.clock())
            except BadLink as exc:
                # Never log the token: it is the credential.
                log.info("dashboard link refused (%s)", type(exc).__name__)
                return self._page("forbidden.html", {"expired": isinstance(exc, ExpiredLink)}, 403)
            return await handler(request, grant)

        return guarded

    def _page(self, template: str, context: dict[str, object], status: int = 200) -> web.Response:
        body = render(self.env, template, stylesheet=STYLESHEET, **context)
        return web.Response(text=body, status=status, content_type="text/html",
                            headers=PAGE_HEADERS)

    def _base(self, request: web.Request, grant: Grant, section: str) -> dict[str, object]:
        return {"base": f"/d/{request.match_info['token']}", "section": section,
                "expires_at": grant.expires_at, "platform": grant.workspace.platform}

    async def stylesheet(self, _: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "dashboard.css",
                                headers={"Cache-Control": "public, max-age=3600"})

    async def overview(self, request: web.Request, grant: Grant) -> web.Response:
        view = await self.service.team_overview(grant.workspace.platform,
                                                grant.workspace.workspace_id)
        bands = [(label, float(n), str(n), False) for label, n in view.streak_bands]
        return self._page("overview.html", {
            **self._base(request, grant, "overview"), "view": view,
            "participation": build.participation(view.days),
            "bands": build.hbars("Streaks alive by length", f"{view.on_streak} people have a "
                                 "streak alive.", bands, headers=("Length", "People"), width=440),
            "week": build.leaderboard(view.week, width=440),
            # A team competition shows its teams first, then its people.
            "standings": [(s, ([build.teams(s.board)] if s.board.teams else [])
                           + [build.leaderboard(s.board)]) for s in view.competitions],
        })

    async def topics(self, request: web.Request, grant: Grant) -> web.Response:
        view = await self.service.team_topics(grant.workspace.platform,
                                              grant.workspace.workspace_id)
        trends = [(t, build.trend(t.title, t.weeks)) for t in view.topics]
        accuracy = build.hbars(
            f"Accuracy per topic, last {len(view.weeks)} weeks",
            "Share of right answers per topic in the recent weeks.",
            [(t.title, t.recent_accuracy or 0.0,
              f"{t.recent_accuracy:.0%} of {t.recent_answers}" if t.recent_answers else "–",
              t in view.weakest) for t in view.topics],
            maximum=1.0, headers=("Topic", "Right"))
        return self._page("topics.html", {**self._base(request, grant, "topics"), "view": view,
                                          "trends": trends, "accuracy": accuracy})

    async def people(self, request: web.Request, grant: Grant) -> web.Response:
        try:
            page = max(1, min(int(request.query.get("page", "1")), 100_000))
        except ValueError:
            page = 1
        view = await self.service.team_people(grant.workspace.platform,
                                              grant.workspace.workspace_id, page)
        return self._page("people.html", {**self._base(request, grant, "people"), "view": view})

    async def person(self, request: web.Request, grant: Grant) -> web.Response:
        view = await self.service.person(grant.workspace.platform, grant.workspace.workspace_id,
                                         int(request.match_info["person"]))
        if view is None:
            return self._page("not_found.html", self._base(request, grant, "people"), 404)
        return self._page("person.html", {
            **self._base(request, grant, "people"), "view": view,
            "calendar": build.calendar(view.calendar, view.since, view.today,
                                       f"{view.name}: days answered"),
            "accuracy": build.topic_accuracy(view.topics, f"{view.name}: accuracy per topic",
                                             width=440),
        })

    async def questions(self, request: web.Request, grant: Grant) -> web.Response:
        measured = self.reports.get(grant.workspace.platform, grant.workspace.workspace_id)
        order = request.query.get("sort", "flags")
        questions = list(measured.report.questions) if measured.report else []
        keys = {
            "flags": None,
            "difficulty": lambda q: (q.difficulty is None, q.difficulty or 0.0),
            "discrimination": lambda q: (q.discrimination is None, q.discrimination or 0.0),
            "answers": lambda q: -q.answers,
            "id": lambda q: q.question_id,
        }
        if order not in keys:
            order = "flags"
        key = keys[order]
        if key is not None:
            questions.sort(key=key)
        return self._page("questions.html", {
            **self._base(request, grant, "questions"), "measured": measured,
            "questions": questions, "order": order})
