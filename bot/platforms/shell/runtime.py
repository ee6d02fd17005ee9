"""The terminal as a runtime of the bot: it ends when its input does."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiohttp import web

from bot.bootstrap import App, Chat
from bot.config import Settings
from bot.platforms import RunOptions
from bot.platforms.shell.adapter import ShellAdapter


class ShellRuntime:
    name = "shell"

    def __init__(self, user: str) -> None:
        self.publisher = ShellAdapter(user)
        self._reading: asyncio.Task[None] | None = None

    def routes(self) -> Sequence[web.RouteDef]:
        return ()

    async def start(self, chat: Chat) -> None:
        self._reading = asyncio.create_task(self.publisher.run(chat.router))

    async def finished(self) -> None:
        if self._reading is not None:
            await asyncio.shield(self._reading)

    async def stop(self) -> None:
        if self._reading is not None and not self._reading.done():
            self._reading.cancel()

    async def close(self) -> None:
        pass


def build(settings: Settings, app: App, options: RunOptions) -> ShellRuntime:
    return ShellRuntime(options.user)
