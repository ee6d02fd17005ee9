"""The bot's HTTP server: Slack's endpoints beside /healthz and /readyz."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from sqlalchemy import text

from bot import metrics
from bot.store.database import Database

log = logging.getLogger("studybot.web")


def build_web_app(db: Database, slack: AsyncApp | None = None, oauth: bool = False) -> web.Application:
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

    if slack is not None:
        async def bolt(request: web.Request) -> web.Response:
            response = await slack.async_dispatch(await to_bolt_request(request))
            return await to_aiohttp_response(response)

        app.router.add_post("/slack/events", bolt)
        flow = slack.oauth_flow
        if oauth and flow is not None:
            # Bolt leaves routing by path to the adapter: the install page and the redirect
            # are the OAuth flow's, not the event dispatcher's.
            async def install(request: web.Request) -> web.Response:
                bolt_request = await to_bolt_request(request)
                return await to_aiohttp_response(await flow.handle_installation(bolt_request))

            async def redirect(request: web.Request) -> web.Response:
                bolt_request = await to_bolt_request(request)
                return await to_aiohttp_response(await flow.handle_callback(bolt_request))

            app.router.add_get(flow.install_path, install)
            app.router.add_get(flow.redirect_uri_path, redirect)
    return app


async def serve(app: web.Application, port: int, host: str = "0.0.0.0") -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("HTTP server listening on %s:%d", host, port)
    return runner
