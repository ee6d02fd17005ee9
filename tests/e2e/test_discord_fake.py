"""The Discord test harness itself, driven by the real discord.py client over HTTP and WebSocket."""

from __future__ import annotations

import ast
import asyncio
import contextlib
import io
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands

from tests.support.discord import FakeDiscord, Guild, ImpossibleInteraction, Member
from tests.support.discord.permissions import ADMINISTRATOR, MANAGE_GUILD

EPHEMERAL = 64


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    async with FakeDiscord() as server:
        discord.http.Route.BASE = server.api_url
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(server.gateway_url)
        try:
            yield server
        finally:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
def acme(fake: FakeDiscord) -> Guild:
    guild = fake.add_guild("Acme", channels=("general", "random"))
    mods = guild.add_role("mods", permissions=MANAGE_GUILD)
    guild.add_member("ada", global_name="Ada", roles=[mods])
    guild.add_member("bob")
    return guild


class ReadyEvent:
    """on_ready sets `ready`, so a test awaits the client instead of sleeping."""

    ready: asyncio.Event

    async def on_ready(self) -> None:
        self.ready.set()


class Client(ReadyEvent, discord.Client):
    def __init__(self, **options: Any) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05, **options)
        self.ready = asyncio.Event()
        self.tree = app_commands.CommandTree(self)


class ShardedClient(ReadyEvent, discord.AutoShardedClient):
    def __init__(self, **options: Any) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05, **options)
        self.ready = asyncio.Event()


@contextlib.asynccontextmanager
async def connected(client: Any, fake: FakeDiscord) -> AsyncIterator[Any]:
    runner = asyncio.create_task(client.start(fake.token))
    ready = asyncio.create_task(client.ready.wait())
    try:
        done, _ = await asyncio.wait({runner, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            runner.result()
            raise AssertionError("the client stopped before it was ready")
        assert ready in done, "the client did not become ready"
        yield client
    finally:
        ready.cancel()
        await client.close()
        await runner


def study_tree(client: Client, guild: Guild) -> None:
    """A command tree like the bot's: a /study group (Manage Server) and an autocompleting topic."""
    study = app_commands.Group(name="study", description="Daily study questions",
                               default_permissions=discord.Permissions(manage_guild=True))

    @study.command(name="setup", description="Schedule the daily question")
    async def setup(interaction: discord.Interaction, channel: discord.TextChannel, time: str,
                    helper: discord.Member | None = None) -> None:
        await interaction.response.send_message(
            f"{channel.mention} at {time} with {helper.display_name if helper else 'nobody'}", ephemeral=True)

    competition = app_commands.Group(name="competition", description="Competitions", parent=study)

    @competition.command(name="start", description="Start a competition")
    @app_commands.choices(period=[app_commands.Choice(name=p, value=p) for p in ("week", "month")])
    async def start(interaction: discord.Interaction, name: str, period: str) -> None:
        await interaction.response.send_message(f"{name} by {period}")

    @app_commands.command(name="k8s", description="Look up Kubernetes")
    async def k8s(interaction: discord.Interaction, query: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content=f"about {query}")
        await interaction.followup.send("share?", ephemeral=True)

    @k8s.autocomplete("query")
    async def k8s_query(_: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        topics = ("crashloop", "crashloopbackoff")
        return [app_commands.Choice(name=t, value=t) for t in topics if current in t]

    target = discord.Object(guild.id)
    client.tree.add_command(study, guild=target)
    client.tree.add_command(k8s, guild=target)

    async def sync() -> None:
        await client.tree.sync(guild=target)

    client.setup_hook = sync  # type: ignore[method-assign]


async def test_login_ready_and_guild_create(fake: FakeDiscord, acme: Guild) -> None:
    client = Client()
    async with connected(client, fake):
        assert client.user is not None
        assert client.user.id == fake.bot.id
        assert client.application_id == fake.application_id
        [guild] = client.guilds
        assert guild.id == acme.id
        assert [c.name for c in guild.text_channels] == ["general", "random"]
        assert guild.default_role.id == acme.id
        assert {r.name for r in guild.roles} >= {"@everyone", "mods"}

    login = [c.route for c in fake.calls[:2]]
    assert login == ["/users/@me", "/oauth2/applications/@me"]
    assert all(c.authorization == f"Bot {fake.token}" for c in fake.calls)
    inbound = [f.op for f in fake.gateway_frames if f.direction == "in"]
    assert 2 in inbound
    assert inbound.index(2) > 0  # discord.py heartbeats before it identifies
    [session] = fake.sessions
    assert session.shard == (0, 1)
    await fake.wait_until(lambda: not session.connected, what="the client to disconnect")

    stranger = Client()
    with pytest.raises(discord.LoginFailure):
        await stranger.login("not-the-token")
    await stranger.close()


async def test_command_sync_is_read_back_and_a_slash_command_answers_ephemerally(
        fake: FakeDiscord, acme: Guild) -> None:
    client = Client()
    study_tree(client, acme)
    async with connected(client, fake):
        [sync] = fake.calls_to("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
        assert sync.ok
        assert sync.params["guild_id"] == str(acme.id)
        commands = {c["name"]: c for c in fake.guild_commands(acme.id)}
        assert set(commands) == {"study", "k8s"}
        assert commands["study"]["default_member_permissions"] == str(MANAGE_GUILD)
        setup, competition = commands["study"]["options"]
        assert (setup["type"], competition["type"]) == (1, 2)  # a subcommand and a subcommand group
        assert [(o["name"], o["required"]) for o in setup["options"]] == [
            ("channel", True), ("time", True), ("helper", False)]
        fetched = await client.tree.fetch_commands(guild=discord.Object(acme.id))
        assert [(c.name, c.id) for c in fetched] == [(n, int(commands[n]["id"])) for n in ("study", "k8s")]

        general, ada = acme.channel("general"), acme.member("ada")
        handle = await fake.slash("study setup", user=ada, channel=general,
                                  options={"channel": acme.channel("random"), "time": "09:00", "helper": ada})
        reply = await handle.reply()
        assert reply.content == f"<#{acme.channel('random').id}> at 09:00 with Ada"
        assert reply.ephemeral
        assert reply.id not in [m.id for m in fake.messages(general.id)]
        callback = await handle.callback()
        assert callback.type == 4
        assert callback.with_response
        [answer] = fake.calls_to("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
        assert answer.authorization is None
        assert answer.status == 200
        assert answer.response["interaction"]["response_message_ephemeral"] is True

        bob = acme.member("bob")
        with pytest.raises(ImpossibleInteraction, match="hidden from bob"):
            await fake.slash("study setup", user=bob, channel=general,
                             options={"channel": general, "time": "9"})
        overridden = await fake.slash("study setup", user=bob, channel=general, override_permissions=True,
                                      options={"channel": general, "time": "9"})
        assert (await overridden.reply()).content.endswith("with nobody")
        started = await fake.slash("study competition start", user=ada, channel=general,
                                   options={"name": "q3", "period": "week"})
        assert (await started.reply()).content == "q3 by week"
        with pytest.raises(ImpossibleInteraction, match="not one of the choices"):
            await fake.slash("study competition start", user=ada, channel=general,
                             options={"name": "q3", "period": "year"})
        with pytest.raises(ImpossibleInteraction, match="is a group"):
            await fake.slash("study competition", user=ada, channel=general)
        with pytest.raises(ImpossibleInteraction, match="no option"):
            await fake.slash("study setup", user=ada, channel=general,
                             options={"channel": general, "when": "9"})
        with pytest.raises(ImpossibleInteraction, match="needs option"):
            await fake.slash("study setup", user=ada, channel=general, options={"time": "9"})
        with pytest.raises(ImpossibleInteraction, match="not registered"):
            await fake.slash("leaderboard", user=ada, channel=general)


async def test_autocomplete_and_a_deferred_reply_filled_in_later(fake: FakeDiscord, acme: Guild) -> None:
    client = Client()
    study_tree(client, acme)
    async with connected(client, fake):
        general, bob = acme.channel("general"), acme.member("bob")
        typing = await fake.autocomplete("k8s", focused="query", value="crash", user=bob, channel=general)
        assert [c["value"] for c in await typing.choices()] == ["crashloop", "crashloopbackoff"]

        handle = await fake.slash("k8s", user=bob, channel=general, options={"query": "crashloop"})
        assert (await handle.callback()).type == 5
        reply = await handle.reply()
        assert reply.content == "about crashloop"
        assert reply.ephemeral
        assert not reply.loading
        [followup] = await handle.followups()
        assert followup.content == "share?"
        assert followup.ephemeral
        assert [e.route for e in reply.edits] == ["/webhooks/{application_id}/{interaction_token}/messages/"
                                                  "{message_id}"]
        with pytest.raises(ImpossibleInteraction, match="does not autocomplete"):
            await fake.autocomplete("study setup", focused="time", value="9", user=acme.member("ada"),
                                    channel=general)


class Feedback(discord.ui.Modal, title="Feedback"):
    text: discord.ui.TextInput[Any] = discord.ui.TextInput(label="What could be better?", custom_id="text")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks: {self.text.value}", ephemeral=True)


async def test_a_modal_opened_by_a_command_is_submitted(fake: FakeDiscord, acme: Guild) -> None:
    client = Client()

    @client.tree.command(name="feedback", description="Tell us", guild=discord.Object(acme.id))
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback())

    async def sync() -> None:
        await client.tree.sync(guild=discord.Object(acme.id))

    client.setup_hook = sync  # type: ignore[method-assign]
    async with connected(client, fake):
        opened = await fake.slash("feedback", user=acme.member("bob"), channel=acme.channel("general"))
        assert (await opened.modal())["title"] == "Feedback"
        with pytest.raises(ImpossibleInteraction, match="is required"):
            await fake.submit_modal(opened, {})
        submitted = await fake.submit_modal(opened, {"text": "more kubernetes"})
        assert (await submitted.reply()).content == "thanks: more kubernetes"


async def test_a_callback_after_the_deadline_is_an_unknown_interaction(fake: FakeDiscord,
                                                                       acme: Guild) -> None:
    client = Client()
    study_tree(client, acme)
    async with connected(client, fake):
        fake.interactions.deadline = 0.0  # every answer is too late, as after Discord's 3 seconds
        late = await fake.slash("k8s", user=acme.member("bob"), channel=acme.channel("general"),
                                options={"query": "pods"})
        await fake.wait_for(lambda c: c.route.endswith("/callback"))
        [(_, refusal)] = late.refused_callbacks
        assert (refusal.status, refusal.code) == (404, 10062)
        assert late.first_callback is None


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=r"answer:(?P<post>\d+):(?P<choice>[A-D])"):
    def __init__(self, post: int, choice: str) -> None:
        super().__init__(discord.ui.Button(label=choice, custom_id=f"answer:{post}:{choice}"))
        self.choice = choice

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str]) -> AnswerButton:
        return cls(int(match["post"]), match["choice"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"you picked {self.choice}", ephemeral=True)


class CloseView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Close", custom_id="close")
    async def close(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="closed", view=None)


class QuizClient(Client):
    async def setup_hook(self) -> None:
        self.add_dynamic_items(AnswerButton)
        self.add_view(CloseView())


async def test_a_persistent_button_still_works_after_the_client_restarts(fake: FakeDiscord,
                                                                         acme: Guild) -> None:
    general = acme.channel("general")
    async with connected(QuizClient(), fake) as first:
        view = discord.ui.View(timeout=None)
        for choice in "AB":
            view.add_item(AnswerButton(7, choice))
        sent = await first.get_channel(general.id).send("Which object runs pods?", view=view)

    async with connected(QuizClient(), fake):
        stored = fake.message(sent.id)
        assert [b["custom_id"] for b in stored.buttons()] == ["answer:7:A", "answer:7:B"]
        reply = await (await fake.click(stored, "answer:7:B", user=acme.member("bob"))).reply()
        assert reply.content == "you picked B"
        assert reply.ephemeral
        assert [s.connected for s in fake.sessions] == [False, True]
        with pytest.raises(ImpossibleInteraction, match="no component"):
            await fake.click(stored, "answer:7:C", user=acme.member("bob"))

        closing = await post_with_button(fake, general.id)
        closed = await (await fake.click(closing, "close", user=acme.member("ada"))).reply()
        assert closed.id == closing.id
        assert closed.content == "closed"
        assert closed.components == []
        assert [e.route for e in closed.edits] == [
            "/interactions/{interaction_id}/{interaction_token}/callback"]


async def post_with_button(fake: FakeDiscord, channel_id: int, custom_id: str = "close") -> Any:
    """A message with one button (the persistent Close button), posted straight through the REST API."""
    body = {"content": "open", "components": [{"type": 1, "components": [
        {"type": 2, "style": 4, "label": "Close", "custom_id": custom_id}]}]}
    async with aiohttp.ClientSession() as http, http.post(
            f"{fake.api_url}/channels/{channel_id}/messages", json=body,
            headers={"Authorization": f"Bot {fake.token}"}) as response:
        assert response.status == 200
        return fake.message(int((await response.json())["id"]))


async def test_messages_edits_history_and_limits(fake: FakeDiscord, acme: Guild) -> None:
    general = acme.channel("general")
    async with connected(Client(), fake) as client:
        channel = client.get_channel(general.id)
        first = await channel.send("one")
        second = await channel.send("two @everyone", allowed_mentions=discord.AllowedMentions.none())
        await first.edit(content="one, edited")
        await first.edit(content="one, edited again")
        assert [m.content async for m in channel.history(limit=10)] == ["two @everyone", "one, edited again"]
        assert [m.id async for m in channel.history(after=first)] == [second.id]
        assert [m.id async for m in channel.history(before=second)] == [first.id]
        assert (await channel.fetch_message(first.id)).content == "one, edited again"
        upload = await channel.send("notes", file=discord.File(io.BytesIO(b"kubectl get pods"), "notes.txt"))
        assert [(a.filename, a.size) for a in upload.attachments] == [("notes.txt", 16)]
        with pytest.raises(discord.HTTPException) as too_long:
            await channel.send("x" * 2001)
        assert too_long.value.status == 400
        assert too_long.value.code == 50035
        await upload.delete()

    [one, two] = fake.messages(general.id)
    assert [m.deleted for m in fake.messages(general.id, include_hidden=True)] == [False, False, True]
    assert [e.body["content"] for e in one.edits] == ["one, edited", "one, edited again"]
    assert [v["content"] for v in one.versions] == ["one", "one, edited", "one, edited again"]
    assert not two.pings
    assert two.body["allowed_mentions"] == {"parse": []}
    assert fake.unknown_calls() == []


async def test_a_429_with_retry_after_is_retried_once_and_posts_once(fake: FakeDiscord, acme: Guild) -> None:
    general = acme.channel("general")
    fake.rate_limit("POST", "/channels/{channel_id}/messages", retry_after=0.3)
    async with connected(Client(), fake) as client:
        await client.get_channel(general.id).send("question of the day")

    limited, posted = fake.calls_to("POST", f"/channels/{general.id}/messages")
    assert (limited.status, limited.limited, posted.status) == (429, "injected", 200)
    assert limited.response == {"message": "You are being rate limited.", "retry_after": 0.3, "global": False}
    assert limited.response_headers["Via"]
    assert limited.response_headers["X-RateLimit-Scope"] == "user"
    assert posted.at - limited.at >= 0.3
    assert [m.content for m in fake.messages(general.id)] == ["question of the day"]
    assert fake.served_429 == 1


async def test_a_repeated_nonce_returns_the_first_message(fake: FakeDiscord, acme: Guild) -> None:
    general = acme.channel("general")
    async with connected(Client(), fake) as client:
        channel = client.get_channel(general.id)
        first = await channel.send("posted once", nonce="post-42")
        again = await channel.send("posted once", nonce="post-42")
        other = await channel.send("another", nonce="post-43")

    assert again.id == first.id != other.id
    assert first.nonce == "post-42"
    async with connected(Client(), fake) as client:
        fetched = await client.get_channel(general.id).fetch_message(first.id)
        assert fetched.nonce is None  # Discord keeps no nonce: a later read cannot find a post by it
    assert [m.nonce for m in fake.messages(general.id)] == ["post-42", "post-43"]
    assert all(c.json["enforce_nonce"] for c in fake.calls_to("POST", "/channels/{channel_id}/messages"))


async def test_a_sharded_client_gets_only_its_shards_guilds(fake: FakeDiscord) -> None:
    mine = [fake.add_guild(f"zero-{i}", shard=(0, 2)) for i in range(2)]
    theirs = fake.add_guild("one", shard=(1, 2))
    theirs_member: Member = theirs.add_member("carol")
    async with connected(ShardedClient(shard_count=2, shard_ids=[0]), fake) as client:
        assert sorted(g.id for g in client.guilds) == sorted(g.id for g in mine)
        [session] = fake.sessions
        assert session.shard == (0, 2)
        with pytest.raises(AssertionError, match="no gateway session"):
            await fake.interact(dict(_minimal_interaction(fake, theirs, theirs_member)))

        joined = asyncio.ensure_future(client.wait_for("guild_join", timeout=5))
        late = fake.add_guild("late", shard=(0, 2))
        assert (await joined).id == late.id
        created = asyncio.ensure_future(client.wait_for("guild_channel_create", timeout=5))
        late.add_channel("announcements")
        assert (await created).name == "announcements"

        async with connected(ShardedClient(shard_count=2, shard_ids=[1]), fake) as other:
            assert [g.id for g in other.guilds] == [theirs.id]
            assert sorted(s.shard for s in await fake.wait_for_sessions(2)) == [(0, 2), (1, 2)]
            # REST does not depend on the shard: the shard-1 client posts into a shard-0 guild.
            await other.get_partial_messageable(mine[0].channel("general").id).send("from shard 1")
        assert [m.content for m in fake.messages(mine[0].channel("general").id)] == ["from shard 1"]


def _minimal_interaction(fake: FakeDiscord, guild: Guild, member: Member) -> dict[str, Any]:
    return {"id": str(fake.ids.next()), "application_id": str(fake.application_id), "type": 3,
            "token": "t", "version": 1, "guild_id": str(guild.id), "member": member.payload(permissions=0),
            "data": {"custom_id": "x", "component_type": 2}, "attachment_size_limit": 1}


async def test_the_global_limit_answers_429_past_n_per_second(fake: FakeDiscord) -> None:
    guild = fake.add_guild("Busy", channels=[f"c{i}" for i in range(8)])
    async with connected(Client(), fake) as client:
        fake.set_global_limit(5)
        channels = [client.get_channel(c.id) for c in guild.channels.values()]
        await asyncio.gather(*(channel.send(f"hello {channel.name}") for channel in channels))
        fake.set_global_limit(None)

    posts = fake.calls_to("POST", "/channels/{channel_id}/messages")
    refused = [c for c in posts if c.status == 429]
    assert refused
    assert all(c.limited == "global" for c in refused)
    assert fake.served_global_429 == len(refused)
    assert refused[0].response["global"] is True
    assert refused[0].response["retry_after"] > 0
    assert refused[0].response_headers["X-RateLimit-Global"] == "true"
    accepted = sorted(c.at for c in posts if c.ok)
    assert all(later - earlier >= 1.0 for earlier, later in zip(accepted, accepted[5:], strict=False))
    assert sorted(len(fake.messages(c.id)) for c in guild.channels.values()) == [1] * 8


async def test_interaction_endpoints_are_exempt_from_the_global_limit(fake: FakeDiscord, acme: Guild) -> None:
    client = Client()
    study_tree(client, acme)
    async with connected(client, fake), aiohttp.ClientSession() as http:
        fake.set_global_limit(1, window=60.0)
        auth = {"Authorization": f"Bot {fake.token}"}
        async with http.get(f"{fake.api_url}/users/@me", headers=auth) as first:
            assert first.status == 200
        async with http.get(f"{fake.api_url}/users/@me", headers=auth) as second:
            assert second.status == 429
            assert second.headers["Content-Type"] == "application/json"
            assert second.headers["X-RateLimit-Scope"] == "global"
            assert second.headers["Via"]
            assert (await second.json())["global"] is True
        handle = await fake.slash("study setup", user=acme.member("ada"), channel=acme.channel("general"),
                                  options={"channel": acme.channel("general"), "time": "08:30"})
        assert (await handle.reply()).content.startswith(f"<#{acme.channel('general').id}>")
        fake.set_global_limit(None)

        ignored = await post_with_button(fake, acme.channel("random").id, custom_id="nobody-handles-this")
        click = await fake.click(ignored, "nobody-handles-this", user=acme.member("bob"))
        callback_url = f"{fake.api_url}/interactions/{click.id}/{click.token}/callback"
        async with http.post(callback_url, json={"type": 6}) as acked:
            assert acked.status == 204
        async with http.post(callback_url, json={"type": 6}) as again:
            assert again.status == 400
            assert (await again.json())["code"] == 40060
        original_url = f"{fake.api_url}/webhooks/{fake.application_id}/{click.token}/messages/@original"
        async with http.get(original_url) as original:
            assert (await original.json())["id"] == str(ignored.id)

        async with http.get(f"{fake.api_url}/users/@me", headers={"Authorization": "Bot wrong"}) as wrong:
            assert wrong.status == 401
        async with http.get(f"{fake.api_url}/no/such/route", headers=auth) as unknown:
            assert unknown.status == 404
            assert await unknown.json() == {"message": "Unknown route", "code": 0}
        assert [c.path for c in fake.unknown_calls()] == ["/no/such/route"]


async def test_a_dropped_connection_resumes_the_same_session(fake: FakeDiscord, acme: Guild) -> None:
    client = Client()
    study_tree(client, acme)
    admin = acme.add_member("root", permissions=ADMINISTRATOR)
    async with connected(client, fake):
        assert await fake.drop_connections() == 1
        handle = await fake.slash("study setup", user=admin, channel=acme.channel("general"),
                                  options={"channel": acme.channel("general"), "time": "07:00"})
        assert (await handle.reply()).ephemeral
        [session] = fake.sessions
        assert session.resumes == 1
        assert session.connected
        assert [c.path for c in fake.gateway.connections] == ["/resume"]


async def test_resume_replays_missed_events_and_an_unknown_session_is_invalid(fake: FakeDiscord) -> None:
    guild = fake.add_guild("Raw")

    async def receive(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
        return json.loads((await ws.receive()).data)

    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(fake.gateway_url) as ws:
            assert (await receive(ws))["op"] == 10
            await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": 0}})
            ready = await receive(ws)
            assert ready["t"] == "READY"
            assert (await receive(ws))["t"] == "GUILD_CREATE"
            session_id, seen = ready["d"]["session_id"], 2
            await fake.drop_connections()
        await fake.wait_until(lambda: not fake.sessions[0].connected, what="the drop")
        assert await fake.dispatch("TYPING_START", {"channel_id": "1"}, guild_id=guild.id) == 1

        async with http.ws_connect(ready["d"]["resume_gateway_url"]) as ws:
            await receive(ws)
            await ws.send_json({"op": 6, "d": {"token": fake.token, "session_id": session_id, "seq": seen}})
            missed, resumed = await receive(ws), await receive(ws)
            assert (missed["t"], missed["s"], resumed["t"]) == ("TYPING_START", 3, "RESUMED")
        async with http.ws_connect(fake.gateway_url) as ws:
            await receive(ws)
            await ws.send_json({"op": 6, "d": {"token": fake.token, "session_id": "nope", "seq": 0}})
            assert await receive(ws) == {"op": 9, "s": None, "t": None, "d": False}


def test_the_fake_needs_none_of_the_bot() -> None:
    fake = Path(__file__).resolve().parents[1] / "support" / "discord"
    for path in [*fake.rglob("*.py"), fake.parent / "local_server.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not [n for n in names if n == "bot" or n.startswith("bot.")], path
