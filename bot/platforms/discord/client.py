"""The discord.py client, plain or sharded, carrying the event handlers its buttons call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.config import Settings
from bot.platforms.discord.render import NOBODY

if TYPE_CHECKING:
    from bot.platforms.discord.events import DiscordEvents


class StudyBot(commands.Bot):
    events: DiscordEvents | None = None


class ShardedStudyBot(commands.AutoShardedBot):
    events: DiscordEvents | None = None


AnyBot = StudyBot | ShardedStudyBot


def make_bot(settings: Settings) -> AnyBot:
    options: dict[str, Any] = {
        "command_prefix": commands.when_mentioned, "help_command": None,
        # Interactions carry everything we need; no privileged intent, no message content.
        "intents": discord.Intents(guilds=True), "allowed_mentions": NOBODY,
        # A route that must wait longer raises instead of sleeping: a scheduled post gives way
        # and comes back with its lease (global limits are always waited out by discord.py).
        "max_ratelimit_timeout": 5.0,
    }
    if settings.discord_shard_count is not None:
        # Only the listed shards connect (all when none are listed); any process may post.
        shard_ids = settings.discord_shard_ids or list(range(settings.discord_shard_count))
        return ShardedStudyBot(shard_count=settings.discord_shard_count, shard_ids=shard_ids,
                               **options)
    return StudyBot(**options)


def events_of(client: discord.Client) -> DiscordEvents:
    found = getattr(client, "events", None)
    if found is None:
        raise RuntimeError("a studybot button was clicked before the bot was started")
    events: DiscordEvents = found
    return events
