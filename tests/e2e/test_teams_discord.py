"""A team competition of Discord roles end to end: the real `studybot run --platform discord`
process over real HTTP and WebSocket to the fake Discord. The admin names roles in the `teams`
option (`<@&id>`); each clicking member's roles arrive with their interaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.support.bot_process import BotProcess
from tests.support.discord import permissions
from tests.support.discord.bot import start_discord_bot
from tests.support.discord.guilds import Channel, Guild, Member, Role
from tests.support.discord.server import FakeDiscord
from tests.support.eventually import eventually
from tests.support.slack.reading import letter_of

QUESTION = "k8s.q.crashloop-first-step"


@dataclass
class Server:
    guild: Guild
    general: Channel
    admin: Member
    sre: Role
    dev: Role
    people: dict[str, Member]


@pytest.fixture(scope="module")
async def discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


@pytest.fixture(scope="module")
async def acme(discord: FakeDiscord) -> Server:
    guild = discord.add_guild("acme-teams", channels=("general",))
    sre, dev = guild.add_role("sre"), guild.add_role("dev")
    admin = guild.add_member("boss", permissions=permissions.MANAGE_GUILD)
    people = {"bea": guild.add_member("bea", global_name="Bea", roles=[sre]),
              # in both roles: counts for the first listed
              "cid": guild.add_member("cid", global_name="Cid", roles=[dev, sre]),
              "dee": guild.add_member("dee", global_name="Dee", roles=[dev]),
              "eve": guild.add_member("eve", global_name="Eve")}
    return Server(guild, guild.channel("general"), admin, sre, dev, people)


@pytest.fixture(scope="module")
async def bot(discord: FakeDiscord, acme: Server,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotProcess]:
    process = await start_discord_bot(tmp_path_factory.mktemp("discord-teams"), discord,
                                      [acme.guild.id])
    await discord.wait_for_sessions()
    yield process
    await process.stop()
    assert "Traceback" not in process.log()


async def test_roles_compete_and_the_winner_is_announced_without_a_ping(bot, discord,
                                                                         acme) -> None:
    started = await (await discord.slash("study competition start", user=acme.admin,
                                         channel=acme.general, options={
                                             "name": "cup", "days": "3", "best": "2",
                                             "teams": f"<@&{acme.sre.id}> <@&{acme.dev.id}>"})
                     ).reply()
    assert "Teams: @sre, @dev (the best 2 of each count)." in started.text()
    await (await discord.slash("study post-now", user=acme.admin, channel=acme.general,
                               options={"question": QUESTION})).reply()
    [message] = [m for m in discord.messages(acme.general.id) if m.buttons()][-1:]
    right = next(b["custom_id"] for b in message.buttons()
                 if b["label"] == letter_of(QUESTION, True))
    for name in ("bea", "cid", "dee", "eve"):
        reply = await (await discord.click(message, right, user=acme.people[name])).reply()
        assert "Correct" in reply.text()

    async def board() -> str:
        return (await (await discord.slash("leaderboard", user=acme.people["eve"],
                                           channel=acme.general, options={"period": "cup"})
                       ).reply()).text()

    shown = await eventually(board, "(1 counted · Dee")
    assert "**@sre** — " in shown
    assert "(2 counted · Bea" in shown or "(2 counted · Cid" in shown
    mine = (await (await discord.slash("leaderboard", user=acme.people["cid"],
                                       channel=acme.general,
                                       options={"period": "cup", "team": "@sre"})).reply()).text()
    assert "Cid" in mine
    assert "Bea" in mine
    assert "Dee" not in mine

    ended = await (await discord.slash("study competition end", user=acme.admin,
                                       channel=acme.general, options={"name": "cup"})).reply()
    assert "(final)" in ended.text()
    await discord.wait_until(
        lambda: any("is over!" in m.text() for m in discord.messages(acme.general.id)),
        timeout=10, what="the announcement")
    [announced] = [m for m in discord.messages(acme.general.id) if "is over!" in m.text()]
    assert not announced.ephemeral
    assert "Team **@sre** wins with" in announced.text()
    assert not announced.pings  # a team named after a role is text, never a role mention
