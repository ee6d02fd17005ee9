"""Discord across restarts and processes: buttons of an old message still answer after a restart,
and two processes with one token share the posting without duplicates or 429s."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from bot.catalog.loader import load
from bot.config import content_dir
from tests.support.bot_process import clean_environment, launch
from tests.support.databases import create_test_database, drop_test_database, require_postgres
from tests.support.discord import permissions
from tests.support.discord.bot import start_discord_bot
from tests.support.discord.server import FakeDiscord
from tests.support.slack.bot import SECRET
from tests.support.slack.fake import FakeSlack
from tests.support.slack.requests import post_signed, slash_command
from tests.support.study_channels import seed_due_channels

POSTS = "POST /channels/{channel_id}/messages"


async def test_an_old_question_still_answers_after_a_restart(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        guild = fake.add_guild("acme")
        admin = guild.add_member("ada", permissions=permissions.MANAGE_GUILD)
        bea = guild.add_member("bea", global_name="Bea")
        general = guild.channel("general")
        first = await start_discord_bot(tmp_path, fake, [guild.id])
        await fake.wait_for_sessions()
        await (await fake.slash("study post-now", user=admin, channel=general)).reply()
        [question] = [m for m in fake.messages(general.id) if m.buttons()]
        await first.stop()
        assert "Traceback" not in first.log()

        second = await start_discord_bot(tmp_path, fake, [guild.id])  # same database, new process
        try:
            await fake.wait_until(lambda: any(s.connected for s in fake.sessions), timeout=10,
                                  what="the restarted bot's session")
            button = question.buttons()[0]["custom_id"]
            reply = await (await fake.click(question, button, user=bea)).reply()
            assert reply.ephemeral
            assert "Correct" in reply.text() or "Not quite" in reply.text()
        finally:
            await second.stop()
        assert "Traceback" not in second.log()


# 120 posts due at once against 50 requests/s: sent unpaced, 87 requests were refused (tried
# once). Paced, none is on a quiet machine (bench/RESULTS.md); on a loaded one a stalled event
# loop can land a few a second late beside the next second's, and Discord counts arrivals.
FEW_429S = 5


async def test_two_processes_one_token_post_each_channel_once_within_the_limit(tmp_path: Path) -> None:
    url = require_postgres(await create_test_database())
    try:
        async with FakeDiscord(global_limit=50) as fake:
            guilds = [fake.add_guild(f"g{i}", shard=(i % 2, 2), channels=tuple(
                f"c{n}" for n in range(20))) for i in range(6)]
            channels = [(g.id, c.id) for g in guilds for c in g.channels.values()]
            await seed_due_channels(url, "discord", [(str(g), str(c)) for g, c in channels])
            bots = []
            for shard in (0, 1):
                (tmp_path / f"p{shard}").mkdir()
                bots.append(await start_discord_bot(tmp_path / f"p{shard}", fake, [], {
                    "DATABASE_URL": url, "DISCORD_SHARD_COUNT": "2",
                    "DISCORD_SHARD_IDS": str(shard), "SCHEDULER_TICK_SECONDS": "1"}))
            try:
                await fake.wait_for(POSTS, count=len(channels), timeout=60)
                await asyncio.sleep(2)  # time for a duplicate to show, if there were one
                posted = [len([m for m in fake.messages(c) if m.buttons()]) for _, c in channels]
                assert posted == [1] * len(channels)
                assert fake.served_429 <= FEW_429S
                sessions = {s.shard for s in fake.sessions}
                assert sessions == {(0, 2), (1, 2)}  # each process connected its own shard
            finally:
                for bot in bots:
                    await bot.stop()
            for bot in bots:
                assert "Traceback" not in bot.log()
    finally:
        await drop_test_database(url)


async def test_sync_and_invite_commands(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        guild = fake.add_guild("acme")
        env = {"DISCORD_TOKEN": fake.token, "DISCORD_API_URL": fake.api_url}
        synced = await run_cli(tmp_path, ["discord", "sync"], env)
        commands = len(load(content_dir()).topics) + len(("lookup", "leaderboard", "streak", "quiz",
                                                          "help", "study"))
        assert f"synced {commands} global commands" in synced.stdout
        assert {c["name"] for c in fake.global_commands()} >= {"study", "k8s", "lookup"}
        assert fake.guild_commands(guild.id) == []
        here = await run_cli(tmp_path, ["discord", "sync", "--guild", str(guild.id)], env)
        assert "synced to 1 server(s)" in here.stdout
        assert {c["name"] for c in fake.guild_commands(guild.id)} >= {"study"}
        invite = await run_cli(tmp_path, ["discord", "invite"], env)
        assert invite.stdout.strip() == (
            f"https://discord.com/oauth2/authorize?client_id={fake.application_id}"
            "&scope=bot+applications.commands&permissions=84992")
        refused = await run_cli(tmp_path, ["discord", "sync"], {**env, "DISCORD_TOKEN": "nope"})
        assert refused.returncode == 2
        assert "DISCORD_TOKEN was refused by Discord" in refused.stderr
        assert "nope" not in refused.stderr + refused.stdout


async def run_cli(tmp: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**clean_environment(), **env}
    return await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "bot", *args], cwd=tmp,
                                   env=full, capture_output=True, text=True, timeout=60)


async def test_one_process_serves_slack_and_discord_together(tmp_path: Path) -> None:
    async with FakeDiscord() as fake, FakeSlack() as slack:
        guild = fake.add_guild("acme")
        admin = guild.add_member("ada", permissions=permissions.MANAGE_GUILD)
        slack.add_user("UADMIN", name="ada", is_admin=True)
        env = {"DISCORD_TOKEN": fake.token, "DISCORD_API_URL": fake.api_url,
               "DISCORD_GATEWAY_URL": fake.gateway_url, "DISCORD_GUILD_IDS": str(guild.id),
               "SLACK_BOT_TOKEN": "xoxb-both", "SLACK_SIGNING_SECRET": SECRET,
               "SLACK_API_URL": slack.api_url}
        bot = await launch(tmp_path, "all", env)
        try:
            await fake.wait_for("PUT /applications/{application_id}/guilds/{guild_id}/commands")
            await fake.wait_for_sessions()
            found = await (await fake.slash("lookup", user=admin, channel=guild.channel("general"),
                                            options={"query": "crashloop"})).reply()
            assert "CrashLoopBackOff" in found.text()
            body = slash_command(command="/study", text="post-now", team_id="T0TEST",
                                 channel_id="CBOTH", user_id="UADMIN",
                                 response_url=slack.response_url("both"))
            assert (await post_signed(bot.events, SECRET, body))[0] == 200
            [reply] = await slack.wait_for("response_url", tag="both", timeout=10)
            assert "Posted" in reply["text"]
            assert len(slack.messages("CBOTH")) == 1
        finally:
            await bot.stop()
        assert "Traceback" not in bot.log()
