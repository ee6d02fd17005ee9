"""The app commands in three cogs by feature; each adds its part of the generated tree."""

from __future__ import annotations

from typing import Any

from discord.ext import commands

from bot.platforms.discord.client import AnyBot
from bot.platforms.discord.tree import AppCommand


class RegistryCog(commands.Cog):
    def __init__(self, bot: AnyBot, parts: list[AppCommand]) -> None:
        self.bot = bot
        self.parts = parts

    async def cog_load(self) -> None:
        for part in self.parts:
            self.bot.tree.add_command(part)

    async def cog_unload(self) -> None:
        for part in self.parts:
            self.bot.tree.remove_command(part.name)


class Lookups(RegistryCog):
    """`/lookup` and one command per topic."""


class Progress(RegistryCog):
    """`/leaderboard`, `/streak`, `/quiz`, `/help`."""


class Study(RegistryCog):
    """`/study` and its subcommands, for admins."""


async def add_cogs(bot: AnyBot, parts: list[AppCommand], topics: set[str]) -> None:
    by_cog: dict[type[RegistryCog], list[Any]] = {Lookups: [], Progress: [], Study: []}
    for part in parts:
        cog: type[RegistryCog] = Progress
        if part.name in topics or part.name == "lookup":
            cog = Lookups
        elif part.name == "study":
            cog = Study
        by_cog[cog].append(part)
    for cog, mine in by_cog.items():
        await bot.add_cog(cog(bot, mine))
