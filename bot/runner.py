"""Start the platforms the settings enable, the scheduler and the HTTP server; run until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys

from aiohttp import web

from bot import platforms
from bot.bootstrap import App, Chat, build_chat, open_app, web_routes
from bot.catalog.loader import ContentError
from bot.config import Settings
from bot.platforms import RunOptions, Runtime, StartupError
from bot.web import build_web_app, serve

log = logging.getLogger("studybot")


def choose_platforms(settings: Settings, requested: str) -> list[str]:
    if requested != "all":
        return [requested]
    enabled = [name for name, on in (("discord", settings.discord_enabled),
                                     ("slack", settings.slack_enabled)) if on]
    return enabled or ["shell"]


async def run(settings: Settings, requested: str, user: str) -> int:
    names = choose_platforms(settings, requested)
    try:
        app = await open_app(settings)
    except ContentError as exc:
        print("studybot: the content is invalid; fix these and start again:", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    try:
        return await _serve(app, names, RunOptions(user=user))
    except StartupError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 2
    finally:
        await app.close()


async def _serve(app: App, names: list[str], options: RunOptions) -> int:
    runtimes = [platforms.build(name, app.settings, app, options) for name in names]
    chat = build_chat(app, {r.name: r.publisher for r in runtimes})
    web_runner = None
    shared = web_routes(app)
    if names != ["shell"] or shared:  # the pure terminal serves no HTTP
        routes = [route for runtime in runtimes for route in runtime.routes()] + shared
        web_runner = await serve(build_web_app(app.db, routes), app.settings.port)
    started: list[Runtime] = []
    try:
        for runtime in runtimes:
            await runtime.start(chat)
            started.append(runtime)
        chat.scheduler.start()
        # What start-up built (the content, its search index, the libraries) lives as long as the
        # process: out of the collector's sight, a full collection no longer walks it, which was
        # most of a 200-team board's p99 (bench/RESULTS.md, "Team boards at scale").
        gc.collect()
        gc.freeze()
        log.info("studybot is running: %s", ", ".join(names))
        await _until_stopped(started)
        return 0
    finally:
        await _shut_down(chat, started, web_runner)


async def _until_stopped(runtimes: list[Runtime]) -> None:
    """Until SIGINT/SIGTERM, or until a runtime ends by itself (the terminal's input ran out)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    waiters = [asyncio.create_task(stop.wait())] + [asyncio.create_task(r.finished()) for r in runtimes]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def _shut_down(chat: Chat, runtimes: list[Runtime], web_runner: web.AppRunner | None) -> None:
    """Stop taking requests, finish what was acknowledged, then close."""
    if web_runner is not None:
        for site in list(web_runner.sites):
            await site.stop()
    await chat.scheduler.stop()
    for runtime in reversed(runtimes):
        await runtime.stop()
    await chat.tally.flush()  # the drained clicks' last counts, while clients are still open
    await chat.router.settle()  # team placements after those clicks, likewise
    for runtime in reversed(runtimes):
        await runtime.close()
    if web_runner is not None:
        await web_runner.cleanup()
