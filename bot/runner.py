"""Start the platforms the settings enable, the scheduler and the HTTP server; run until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from datetime import timedelta

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.bootstrap import App, open_app
from bot.catalog.loader import ContentError
from bot.config import Settings
from bot.delivery.dispatcher import Dispatcher, Publisher
from bot.delivery.scheduler import DailyScheduler
from bot.service.daily import DailyPolicy

log = logging.getLogger("studybot")


def choose_platforms(settings: Settings, requested: str) -> list[str]:
    if requested != "all":
        return [requested]
    enabled = [name for name, on in (("discord", settings.discord_enabled),
                                     ("slack", settings.slack_enabled)) if on]
    return enabled or ["shell"]


def _scheduler(app: App, publishers: dict[str, Publisher]) -> tuple[Dispatcher, DailyScheduler]:
    dispatcher = Dispatcher(app.service, publishers)
    policy = DailyPolicy(grace=timedelta(hours=app.settings.catchup_grace_hours))
    return dispatcher, DailyScheduler(app.service, dispatcher, policy)


async def run(settings: Settings, requested: str, user: str) -> int:
    platforms = choose_platforms(settings, requested)
    if "discord" in platforms:
        # Not built yet: say so, and run whatever else is configured.
        print("studybot: the Discord adapter is not available yet; DISCORD_TOKEN is ignored",
              file=sys.stderr)
        platforms.remove("discord")
        if not platforms:
            return 2
    try:
        app = await open_app(settings)
    except ContentError as exc:
        print("studybot: the content is invalid; fix these and start again:", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    try:
        if platforms == ["shell"]:
            return await _run_shell(app, user)
        return await _run_servers(app)
    finally:
        await app.close()


async def _socket_mode(slack_app: AsyncApp, app_token: str) -> AsyncSocketModeHandler | None:
    """Connect Socket Mode, or say why not: slack_sdk would otherwise retry a refused token
    forever while the bot looks healthy."""
    try:
        await slack_app.client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        print(f"studybot: SLACK_APP_TOKEN was refused by Slack ({exc.response.get('error')})",
              file=sys.stderr)
        return None
    handler = AsyncSocketModeHandler(slack_app, app_token)
    await handler.connect_async()
    log.info("Slack Socket Mode connected")
    return handler


async def _run_shell(app: App, user: str) -> int:
    from bot.platforms.shell.adapter import ShellAdapter

    shell = ShellAdapter(app.service, user)
    dispatcher, scheduler = _scheduler(app, {"shell": shell})
    shell.dispatcher = dispatcher
    scheduler.start()
    try:
        await shell.run()
    finally:
        await scheduler.stop()
    return 0


async def _run_servers(app: App) -> int:
    from bot.delivery.tally import TallyUpdates
    from bot.platforms.slack.app import SlackHandlers
    from bot.platforms.slack.bolt import build_runtime
    from bot.web import build_web_app, serve

    settings = app.settings
    try:
        slack = build_runtime(settings, app.db.engine)
    except ValueError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 2
    dispatcher, scheduler = _scheduler(app, {"slack": slack.publisher})
    tally = TallyUpdates(app.service, slack.publisher)
    SlackHandlers(app.service, dispatcher, tally, settings.slack_admin_group).register(slack.app)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    web_runner = await serve(build_web_app(app.db, slack.app, slack.oauth), settings.port)
    socket_mode = None
    try:
        if settings.slack_app_token is not None:
            socket_mode = await _socket_mode(slack.app, settings.slack_app_token.get_secret_value())
            if socket_mode is None:
                return 2
        scheduler.start()
        log.info("studybot is running: Slack over HTTP on port %d%s", settings.port,
                 " and Socket Mode" if socket_mode else "")
        await stop.wait()
    finally:
        await scheduler.stop()
        await tally.flush()
        if socket_mode is not None:
            await socket_mode.close_async()
        await web_runner.cleanup()
    return 0
