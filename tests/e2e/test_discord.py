"""Discord end to end: the real `studybot run --platform discord` process, the real discord.py
client inside it, over real HTTP and WebSocket to a fake Discord on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.support.bot_process import BotProcess
from tests.support.discord import permissions
from tests.support.discord.bot import start_discord_bot
from tests.support.discord.guilds import Channel, Guild, Member
from tests.support.discord.server import FakeDiscord
from tests.support.slack.reading import CATALOG, letter_of

ANSWER = re.compile(r"^studybot\.answer\.(\d+)\.(\d)$")


@dataclass
class Server:
    guild: Guild
    general: Channel
    admin: Member
    people: list[Member]


@pytest.fixture(scope="module")
async def discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


def server(fake: FakeDiscord, name: str) -> Server:
    guild = fake.add_guild(name, channels=("general", "quiz"))
    admin = guild.add_member(f"{name}-admin", permissions=permissions.MANAGE_GUILD)
    people = [guild.add_member(f"{name}-{who}", global_name=who.title())
              for who in ("bea", "cid", "dee", "eve")]
    return Server(guild, guild.channel("general"), admin, people)


@pytest.fixture(scope="module")
async def acme(discord: FakeDiscord) -> Server:
    return server(discord, "acme")


@pytest.fixture(scope="module")
async def other(discord: FakeDiscord) -> Server:
    return server(discord, "other")


@pytest.fixture(scope="module")
async def bot(discord: FakeDiscord, acme: Server, other: Server,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotProcess]:
    process = await start_discord_bot(tmp_path_factory.mktemp("discord"), discord,
                                      [acme.guild.id, other.guild.id])
    await discord.wait_for_sessions()
    yield process
    await process.stop()
    assert "Traceback" not in process.log()


async def test_commands_are_synced_from_the_registry(bot, discord, acme) -> None:
    synced = {c["name"]: c for c in discord.guild_commands(acme.guild.id)}
    assert {"lookup", "leaderboard", "streak", "quiz", "help", "study"} <= set(synced)
    assert {slug for slug in CATALOG.topics} <= set(synced)
    study = synced["study"]
    assert int(study["default_member_permissions"]) == permissions.MANAGE_GUILD
    subcommands = {o["name"]: o for o in study["options"]}
    assert {"setup", "post-now", "close", "pause", "resume", "schedule", "help",
            "competition"} <= set(subcommands)
    setup = {o["name"]: o for o in subcommands["setup"]["options"]}
    assert setup["time"]["required"]
    assert setup["timezone"]["autocomplete"]
    assert setup["channel"]["type"] == 7  # CHANNEL
    assert [o["name"] for o in subcommands["competition"]["options"]] == ["start", "end", "list"]
    assert synced["k8s"]["options"][0]["autocomplete"]


async def test_lookup_with_autocomplete_and_share(bot, discord, acme) -> None:
    bea = acme.people[0]
    offered = await (await discord.autocomplete("k8s", focused="query", value="crashlo",
                                                user=bea, channel=acme.general)).choices()
    assert 1 <= len(offered) <= 25
    assert offered[0]["value"] == "k8s.crashloopbackoff"
    handle = await discord.slash("k8s", user=bea, channel=acme.general,
                                 options={"query": offered[0]["value"]})
    reply = await handle.reply()
    assert reply.ephemeral
    assert "CrashLoopBackOff" in reply.text()
    [share] = reply.buttons()
    assert share["label"] == "Share to channel"
    shared = await discord.click(reply, share["custom_id"], user=bea)
    [public] = await shared.followups()
    assert not public.ephemeral
    assert "CrashLoopBackOff" in public.text()
    assert f"<@{bea.id}>" in public.text()
    assert not public.pings


async def test_setup_by_an_admin_and_refused_for_others(bot, discord, acme) -> None:
    bea = acme.people[0]
    refused = await (await discord.slash(
        "study setup", user=bea, channel=acme.general, override_permissions=True,
        options={"time": "09:00", "timezone": "Europe/London"})).reply()
    assert "Only workspace admins" in refused.text()
    zones = await (await discord.autocomplete(
        "study setup", focused="timezone", value="Europe/Lon", user=acme.admin,
        channel=acme.general, options={"time": "09:00"})).choices()
    assert zones[0]["value"] == "Europe/London"
    saved = await (await discord.slash(
        "study setup", user=acme.admin, channel=acme.general,
        options={"channel": acme.guild.channel("quiz"), "time": "7:30", "timezone": "Asia/Tokyo",
                 "days": "daily", "topics": "k8s linux"})).reply()
    assert saved.ephemeral
    assert "Saved. Schedule (active) for #quiz: 07:30 Asia/Tokyo, daily; k8s, linux." in saved.text()


async def test_daily_question_click_tally_close_and_board(bot, discord, acme) -> None:
    question_id = next(q for q in CATALOG.questions_in(["k8s"]))
    posted = await (await discord.slash("study post-now", user=acme.admin, channel=acme.general,
                                        options={"question": question_id.id})).reply()
    assert f"Posted `{question_id.id}`" in posted.text() or question_id.id in posted.text()
    [message] = [m for m in discord.messages(acme.general.id) if m.buttons()]
    assert not message.ephemeral
    labels = [b["label"] for b in message.buttons()]
    assert labels == list("ABCDE"[: len(question_id.choices)])
    assert all(ANSWER.match(b["custom_id"]) and len(b["custom_id"]) <= 100 for b in message.buttons())
    right, wrong = letter_of(question_id.id, True), letter_of(question_id.id, False)

    def button(letter: str) -> str:
        return next(b["custom_id"] for b in message.buttons() if b["label"] == letter)

    bea, cid, dee, _ = acme.people
    first = await (await discord.click(message, button(right), user=bea)).reply()
    assert first.ephemeral
    assert "Correct!" in first.text()
    assert "Not quite" in (await (await discord.click(message, button(wrong), user=cid)).reply()).text()
    await (await discord.click(message, button(right), user=dee)).reply()
    again = await (await discord.click(message, button(wrong), user=bea)).reply()
    assert f"already answered **{right}**" in again.text()
    await discord.wait_until(lambda: any("3 answered" in str(e.body) for e in message.edits),
                             timeout=10, what="the tally edit")
    assert len(message.edits) <= 2  # coalesced, not one edit per click

    closed = await (await discord.slash("study close", user=acme.admin,
                                        channel=acme.general)).reply()
    assert "Closed" in closed.text()
    await discord.wait_until(lambda: "closed" in message.text(), timeout=10, what="the result")
    assert all(b.get("disabled") for b in message.buttons())
    assert f"Answer: {right}." in message.text()
    assert "3 answered, 67% right" in message.text()
    assert "Right: Bea, Dee" in message.text()
    late = await (await discord.click(message, button(right), user=acme.people[3])).reply() \
        if not message.buttons()[0].get("disabled") else None
    assert late is None  # a real user cannot click a disabled button

    board = await (await discord.slash("leaderboard", user=cid, channel=acme.general,
                                       options={"period": "all"})).reply()
    [picture] = board.payload["attachments"]  # the same board as a chart
    assert picture["filename"] == "chart.png"
    assert board.embeds[0]["image"]["url"] == "attachment://chart.png"
    ranked = [line for line in board.text().splitlines() if re.match(r"^\d+\\?\. ", line)]
    assert [re.sub(r"^\d+\\?\. \**([A-Za-z]+).*", r"\1", line) for line in ranked][:3] == [
        "Bea", "Dee", "Cid"]


async def test_two_servers_are_isolated(bot, discord, acme, other) -> None:
    for where in (acme, other):
        await (await discord.slash("study post-now", user=where.admin,
                                   channel=where.general)).reply()
    [message] = [m for m in discord.messages(other.general.id) if m.buttons()][-1:]
    await (await discord.click(message, message.buttons()[0]["custom_id"],
                               user=other.people[1])).reply()
    board = (await (await discord.slash("leaderboard", user=other.people[1], channel=other.general,
                                        options={"period": "all"})).reply()).text()
    assert "Cid" in board
    assert "Bea" not in board


async def test_hostile_text_pings_nobody_and_fits(bot, discord, acme) -> None:
    bea = acme.people[0]
    hostile = ("@everyone <@&1234> <@5678> " * 222).strip()  # Discord's longest option: 6,000
    reply = await (await discord.slash("lookup", user=bea, channel=acme.general,
                                       options={"query": hostile})).reply()
    assert reply.ephemeral
    assert not reply.pings
    [embed] = reply.embeds
    assert len(embed["description"]) <= 4096
    assert reply.body["allowed_mentions"] == {"parse": []}
    timezone = await (await discord.slash(
        "study setup", user=acme.admin, channel=acme.general,
        options={"time": "09:00", "timezone": "@everyone" + "x" * 300})).reply()
    assert "Invalid timezone" in timezone.text()
    assert "@everyone" not in timezone.text()  # shown defused, so it cannot ping
    assert not timezone.pings
    channel_posts = [m for m in discord.messages(acme.general.id) if m.pings]
    assert channel_posts == []


async def test_practice_is_private_and_another_one_keeps_the_topic(bot, discord, acme) -> None:
    eve = acme.people[3]
    practice = await (await discord.slash("quiz", user=eve, channel=acme.general,
                                          options={"topic": "linux"})).reply()
    assert practice.ephemeral
    assert "Practice" in practice.text()
    first = practice.buttons()[0]
    result = await (await discord.click(practice, first["custom_id"], user=eve)).reply()
    assert result.ephemeral
    assert "Box" in result.text()
    [another] = result.buttons()
    assert another["label"] == "Another one"
    following = await (await discord.click(result, another["custom_id"], user=eve)).reply()
    assert "Linux" in following.text()
    assert not any(m.buttons() and "Practice" in m.text()
                   for m in discord.messages(acme.general.id))  # nothing public


async def test_streak_of_a_member_and_a_competition(bot, discord, acme) -> None:
    bea, cid = acme.people[:2]
    theirs = await (await discord.slash("streak", user=cid, channel=acme.general,
                                        options={"user": bea})).reply()
    assert "Bea" in theirs.text()
    assert "streak" in theirs.text()
    started = await (await discord.slash("study competition start", user=acme.admin,
                                         channel=acme.general,
                                         options={"name": "winter-cup", "days": "3"})).reply()
    assert "Competition winter-cup" in started.text()
    offered = await (await discord.autocomplete("leaderboard", focused="period", value="win",
                                                user=cid, channel=acme.general)).choices()
    assert [c["value"] for c in offered] == ["winter-cup"]
    listed = await (await discord.slash("study competition list", user=cid,
                                        channel=acme.general, override_permissions=True)).reply()
    assert "winter-cup" in listed.text()
    ended = await (await discord.slash("study competition end", user=acme.admin,
                                       channel=acme.general,
                                       options={"name": "winter-cup"})).reply()
    assert "(final)" in ended.text()


async def test_a_rate_limited_post_is_retried_without_a_duplicate(bot, discord, acme) -> None:
    quiz = acme.guild.channel("quiz")
    discord.rate_limit("POST", "/channels/{channel_id}/messages", times=1, retry_after=1.0)
    posted = await (await discord.slash("study post-now", user=acme.admin, channel=quiz)).reply()
    assert "Posted" in posted.text()
    sends = [c for c in discord.calls_to("POST", "/channels/{channel_id}/messages")
             if c.path.endswith(f"/{quiz.id}/messages")]
    assert [bool(c.limited) for c in sends] == [True, False]
    assert sends[1].at - sends[0].at >= 0.9
    assert len([m for m in discord.messages(quiz.id) if m.buttons()]) == 1
