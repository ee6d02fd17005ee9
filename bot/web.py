"""The bot's HTTP server: /healthz, /readyz and /metrics, plus the routes platforms bring."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiohttp import web
from sqlalchemy import text

from bot import metrics
from bot.store.database import Database

log = logging.getLogger("studybot.web")


def build_web_app(db: Database, routes: Iterable[web.RouteDef] = ()) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        try:
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:  # the database is down: not ready, and say why in the log
            log.warning("not ready: %s", exc)
            return web.json_response({"status": "database unavailable"}, status=503)
        return web.json_response({"status": "ready"})

    async def metrics_page(_: web.Request) -> web.Response:
        body, content_type = metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_page)
    app.router.add_get("/readyz", readyz)
    app.router.add_routes(list(routes))
    return app


async def serve(app: web.Application, port: int, host: str = "0.0.0.0") -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("HTTP server listening on %s:%d", host, port)
    return runner
