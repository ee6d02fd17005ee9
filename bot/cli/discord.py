"""`studybot discord sync|invite`: global commands on demand, and the link that adds the bot."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.config import SettingsError, load_settings

if TYPE_CHECKING:
    from bot.platforms.discord.client import AnyBot

# View Channel, Send Messages, Embed Links, Read Message History: what posting and finding our
# own posts after a restart need, and nothing more.
PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    discord = subparsers.add_parser("discord", help="Discord helpers")
    sub = discord.add_subparsers(dest="discord_command", required=True)
    sync = sub.add_parser("sync", help="register the commands with Discord (global by default)")
    sync.add_argument("--guild", type=int, action="append", default=[],
                      help="a server id: sync there only (appears at once); repeatable")
    sync.set_defaults(func=lambda args: _with_bot(_sync(args.guild)))
    invite = sub.add_parser("invite", help="print the link that adds the bot to a server")
    invite.set_defaults(func=lambda args: _with_bot(_invite))


def invite_url(application_id: int) -> str:
    return ("https://discord.com/oauth2/authorize"
            f"?client_id={application_id}&scope=bot+applications.commands&permissions={PERMISSIONS}")


Work = Callable[["AnyBot"], Awaitable[None]]


def _sync(guilds: list[int]) -> Work:
    async def work(bot: AnyBot) -> None:
        from bot.platforms.discord import runtime

        if guilds:
            await runtime.sync_to_servers(bot, guilds)
            print(f"synced to {len(guilds)} server(s)")
        else:
            synced = await bot.tree.sync()
            print(f"synced {len(synced)} global commands; Discord may take up to an hour "
                  "to show them everywhere")

    return work


async def _invite(bot: AnyBot) -> None:
    assert bot.application_id is not None  # set by logging in
    print(invite_url(bot.application_id))


def _with_bot(work: Work) -> int:
    from bot.bootstrap import registry_for
    from bot.catalog.loader import load
    from bot.platforms import StartupError
    from bot.platforms.discord import runtime
    from bot.platforms.discord.client import make_bot

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"studybot: invalid setting {exc}", file=sys.stderr)
        return 2
    if settings.discord_token is None:
        print("studybot: set DISCORD_TOKEN (the bot token from the Developer Portal)",
              file=sys.stderr)
        return 2

    async def act() -> None:
        runtime.point_at(settings)
        bot = make_bot(settings)
        try:
            await runtime.install_commands(bot, registry_for(load(settings.content_dir)), None)
            assert settings.discord_token is not None
            await runtime.log_in(bot, settings.discord_token.get_secret_value())
            await work(bot)
        finally:
            await bot.close()

    try:
        asyncio.run(act())
    except StartupError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 2
    return 0
