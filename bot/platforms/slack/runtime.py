"""Slack as a runtime of the bot: Bolt's routes on our HTTP server, Socket Mode when configured."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_sdk.errors import SlackApiError

from bot.bootstrap import App, Chat
from bot.chat.inflight import InFlight
from bot.config import Settings
from bot.platforms import RunOptions, StartupError
from bot.platforms.slack.bolt import build_bolt
from bot.platforms.slack.edge import SlackEdge
from bot.platforms.slack.listeners import SlackListeners
from bot.platforms.slack.socket_mode import GuardedSocketModeHandler

log = logging.getLogger("studybot.slack")

DRAIN_SECONDS = 10.0
HTTP_TIMEOUT = 30.0  # slack_sdk's own default per call


class SlackRuntime:
    name = "slack"

    def __init__(self, settings: Settings, app: App) -> None:
        self.settings = settings
        # Built inside the running loop (the runner builds runtimes there); closed by close().
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HTTP_TIMEOUT))
        try:
            self.bolt = build_bolt(settings, app.db.engine, self.http)
        except BaseException:
            self.http.detach()  # closed without a loop round: it never opened a connection
            raise
        self.publisher = self.bolt.publisher
        self.inflight = InFlight()
        self.first_use = app.service.first_use
        self._socket_mode: GuardedSocketModeHandler | None = None
        self._forever = asyncio.Event()

    def routes(self) -> Sequence[web.RouteDef]:
        bolt = self.bolt.app
        assert self.settings.slack_signing_secret is not None  # build_bolt refused to start without
        events = SlackEdge(bolt, self.settings.slack_signing_secret.get_secret_value(),
                           self.first_use, self.inflight)
        routes = [web.post("/slack/events", events)]
        flow = bolt.oauth_flow
        if self.bolt.oauth and flow is not None:
            # Bolt leaves routing by path to the adapter: the install page and the redirect
            # are the OAuth flow's, not the event dispatcher's.
            async def install(request: web.Request) -> web.Response:
                return await to_aiohttp_response(
                    await flow.handle_installation(await to_bolt_request(request)))

            async def redirect(request: web.Request) -> web.Response:
                return await to_aiohttp_response(
                    await flow.handle_callback(await to_bolt_request(request)))

            routes += [web.get(flow.install_path, install), web.get(flow.redirect_uri_path, redirect)]
        return routes

    async def start(self, chat: Chat) -> None:
        SlackListeners(chat.router, self.settings.slack_admin_group, self.inflight).register(
            self.bolt.app)
        if self.settings.slack_app_token is not None:
            try:
                self._socket_mode = await self._connect_socket_mode(
                    self.settings.slack_app_token.get_secret_value())
            except BaseException:
                await self.http.close()  # a runtime that did not start is not closed later
                raise
        log.info("Slack: HTTP on port %d%s", self.settings.port,
                 " and Socket Mode" if self._socket_mode else "")

    async def _connect_socket_mode(self, app_token: str) -> GuardedSocketModeHandler:
        """Connect Socket Mode, or say why not: slack_sdk would otherwise retry a refused token
        forever while the bot looks healthy."""
        try:
            await self.bolt.app.client.apps_connections_open(app_token=app_token)
        except SlackApiError as exc:
            raise StartupError(
                f"SLACK_APP_TOKEN was refused by Slack ({exc.response.get('error')})") from None
        handler = GuardedSocketModeHandler(self.bolt.app, app_token, self.first_use, self.inflight)
        await handler.connect_async()
        return handler

    async def finished(self) -> None:
        await self._forever.wait()  # Slack runs until the process is told to stop

    async def stop(self) -> None:
        if self._socket_mode is not None:
            await self._socket_mode.disconnect_async()
        await self.inflight.drain(DRAIN_SECONDS)

    async def close(self) -> None:
        if self._socket_mode is not None:
            await self._socket_mode.close_async()
        await self.http.close()


def build(settings: Settings, app: App, options: RunOptions) -> SlackRuntime:
    return SlackRuntime(settings, app)
