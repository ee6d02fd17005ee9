"""Discord as a runtime of the bot: a discord.py client (sharded when asked), the generated command
tree, persistent buttons; REST and gateway through DISCORD_API_URL and DISCORD_GATEWAY_URL."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import discord
import yarl
from aiohttp import web

from bot.bootstrap import App, Chat
from bot.chat.commands import Registry
from bot.chat.inflight import InFlight
from bot.config import Settings
from bot.platforms import RunOptions, StartupError
from bot.platforms.discord import cogs, tree
from bot.platforms.discord.buttons import StudyButton
from bot.platforms.discord.client import AnyBot, make_bot
from bot.platforms.discord.events import DiscordEvents
from bot.platforms.discord.publisher import DiscordPublisher

log = logging.getLogger("studybot.discord")

DRAIN_SECONDS = 10.0


def point_at(settings: Settings) -> None:
    """REST and the gateway go where the settings say (a rate-limit proxy, or a local fake).
    discord.py keeps both as class attributes, so this is process-wide."""
    discord.http.Route.BASE = settings.discord_api_url
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


async def install_commands(bot: AnyBot, registry: Registry, events: DiscordEvents | None) -> None:
    """The command tree from the registry, and the persistent buttons; `events` handles them
    (None: the commands are only being synced)."""
    bot.events = events
    bot.add_dynamic_items(StudyButton)
    if events is not None:  # modal submissions: discord.py has no persistent modals
        bot.add_listener(events.on_interaction, "on_interaction")
    await cogs.add_cogs(bot, tree.build(registry), registry.topic_names())


async def sync_to_servers(bot: AnyBot, guild_ids: Sequence[int]) -> None:
    """Commands appear at once in the listed servers; global ones take `studybot discord sync`
    (Discord rate-limits global syncs, so not on every start)."""
    for guild_id in guild_ids:
        guild = discord.Object(id=guild_id)
        bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
        log.info("Discord: %d commands synced to server %s", len(synced), guild_id)


async def log_in(bot: AnyBot, token: str) -> None:
    try:
        await bot.login(token)
    except discord.LoginFailure:
        raise StartupError("DISCORD_TOKEN was refused by Discord (401 Unauthorized)") from None


class DiscordRuntime:
    name = "discord"

    def __init__(self, settings: Settings) -> None:
        if settings.discord_token is None:
            raise StartupError("DISCORD_TOKEN is required to serve Discord")
        self.settings = settings
        self.token = settings.discord_token.get_secret_value()
        point_at(settings)
        self.bot = make_bot(settings)
        self.publisher = DiscordPublisher(self.bot)
        self.inflight = InFlight()
        self._connection: asyncio.Task[None] | None = None

    def routes(self) -> Sequence[web.RouteDef]:
        return ()

    async def start(self, chat: Chat) -> None:
        await install_commands(self.bot, chat.registry, DiscordEvents(chat.router, self.inflight))
        await log_in(self.bot, self.token)
        await sync_to_servers(self.bot, self.settings.discord_guild_ids)
        self._connection = asyncio.create_task(self.bot.connect(reconnect=True))
        log.info("Discord: logged in as %s; connecting to the gateway", self.bot.user)

    async def finished(self) -> None:
        if self._connection is None:
            return
        try:
            await asyncio.shield(self._connection)
        except discord.DiscordException as exc:
            raise StartupError(f"the Discord connection ended: {exc}") from None

    async def stop(self) -> None:
        await self.inflight.drain(DRAIN_SECONDS)

    async def close(self) -> None:
        await self.bot.close()
        if self._connection is not None:
            await asyncio.gather(self._connection, return_exceptions=True)


def build(settings: Settings, app: App, options: RunOptions) -> DiscordRuntime:
    return DiscordRuntime(settings)
