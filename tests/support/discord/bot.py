"""`studybot run --platform discord` as a real process, pointed at a FakeDiscord on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.support.bot_process import BotProcess, launch
from tests.support.discord.server import FakeDiscord


async def start_discord_bot(tmp: Path, fake: FakeDiscord, guild_ids: list[int],
                            extra_env: Mapping[str, str] | None = None) -> BotProcess:
    """Start the bot, wait until its commands are synced to `guild_ids` and a gateway session is
    up. The settings are the ones a user sets; nothing else is patched."""
    synced = len(fake.calls_to("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"))
    env = {"DISCORD_TOKEN": fake.token, "DISCORD_API_URL": fake.api_url,
           "DISCORD_GATEWAY_URL": fake.gateway_url,
           "DISCORD_GUILD_IDS": ",".join(str(g) for g in guild_ids),
           "TALLY_INTERVAL_SECONDS": "1"}
    env.update(extra_env or {})
    process = await launch(tmp, "discord", env)
    if guild_ids:
        await fake.wait_for("PUT /applications/{application_id}/guilds/{guild_id}/commands",
                            count=synced + len(guild_ids), timeout=20)
    return process
