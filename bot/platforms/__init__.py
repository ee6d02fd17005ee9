"""The chat platforms. Each has a `runtime` module with `build(settings, app, options) -> Runtime`;
the runner starts the ones the settings enable and names none of them."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aiohttp import web

    from bot.bootstrap import App, Chat
    from bot.config import Settings
    from bot.delivery.dispatcher import Publisher

NAMES = ("shell", "discord", "slack")


class StartupError(Exception):
    """A platform cannot start (a missing setting, a refused token); the message says which."""


@dataclass(frozen=True)
class RunOptions:
    user: str = "you"  # the terminal's user


class Runtime(Protocol):
    name: str
    publisher: Publisher

    def routes(self) -> Sequence[web.RouteDef]:
        """HTTP routes this platform serves on the bot's server (none for most)."""

    async def start(self, chat: Chat) -> None:
        """Connect and take events; raises StartupError when the platform refuses us."""

    async def finished(self) -> None:
        """Returns when the runtime ends by itself (the terminal's input ran out)."""

    async def stop(self) -> None:
        """Stop taking events and finish what was acknowledged (bounded)."""

    async def close(self) -> None:
        """Disconnect (after the last edits of the shutdown went out)."""


def build(name: str, settings: Settings, app: App, options: RunOptions) -> Runtime:
    module = importlib.import_module(f"bot.platforms.{name}.runtime")
    runtime: Runtime = module.build(settings, app, options)
    return runtime
