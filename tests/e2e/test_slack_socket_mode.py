"""Slack over Socket Mode end to end: the real `studybot run --platform slack` process with
SLACK_APP_TOKEN set, a fake Slack Web API and a fake Socket Mode endpoint on 127.0.0.1.

Nothing here is sent to the bot's HTTP endpoint: commands and clicks reach it only as envelopes
on the websocket it opened, and each must be acknowledged there, so these fail if Socket Mode is
not connected or not wired to the Bolt app.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.support.slack.bot import BotProcess, free_port, start_bot
from tests.support.slack.fake import FakeSlack
from tests.support.slack.reading import CATALOG, letter_of, text_of
from tests.support.slack.socket_fake import (
    ACK_TIMEOUT,
    FakeSocketMode,
    block_actions_payload,
    slash_command_payload,
)

TEAM = "T0TEST"  # the fake's default workspace
BOT_TOKEN = "xoxb-e2e"  # what start_bot sets


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("UADMIN", name="ada", is_admin=True)
        for user, name in [("U1", "bea"), ("U2", "cid"), ("U3", "dee")]:
            fake.add_user(user, name=name)
        yield fake


@pytest.fixture(scope="module")
async def socket_mode(slack: FakeSlack) -> AsyncIterator[FakeSocketMode]:
    async with FakeSocketMode(slack) as fake:
        yield fake


@pytest.fixture(scope="module")
async def bot(slack: FakeSlack, socket_mode: FakeSocketMode,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotProcess]:
    process = await start_bot(tmp_path_factory.mktemp("socket"), slack.api_url,
                              {"SLACK_APP_TOKEN": socket_mode.app_token})
    try:
        await socket_mode.wait_connected(timeout=20)
    except AssertionError as exc:
        await process.stop()
        raise AssertionError(f"{exc}\nbot log:\n{process.log()}") from None
    yield process
    await process.stop()


@pytest.fixture(autouse=True)
def socket_mode_hygiene(socket_mode: FakeSocketMode) -> Iterator[None]:
    yield
    assert socket_mode.protocol_errors == []
    assert socket_mode.app_token_misuse() == []


async def command(socket_mode: FakeSocketMode, slack: FakeSlack, name: str, text: str, *,
                  user: str, channel: str) -> tuple[dict, dict]:
    """Deliver a slash command over the socket; return (the ack, the reply on response_url)."""
    tag = f"socket-{name}-{time.monotonic_ns()}"
    payload = slash_command_payload(
        command=f"/{name}", text=text, team_id=TEAM, channel_id=channel, user_id=user,
        user_name=slack.users[user]["name"], response_url=slack.response_url(tag))
    ack = await socket_mode.send_slash_command(payload)
    delivery = socket_mode.deliveries[-1]
    assert delivery.envelope["type"] == "slash_commands"
    assert delivery.envelope["accepts_response_payload"] is True
    assert ack["envelope_id"] == delivery.envelope_id
    assert delivery.latency is not None
    assert delivery.latency < ACK_TIMEOUT
    [reply] = await slack.wait_for("response_url", tag=tag, timeout=10)
    return ack, reply


async def click(socket_mode: FakeSocketMode, slack: FakeSlack, message: dict, letter: str,
                user: str, channel: str) -> dict:
    """Click a posted question's button over the socket; return the ephemeral reply."""
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    button = next(e for e in actions["elements"] if e["text"]["text"] == letter)
    before = len(slack.calls_to("chat.postEphemeral"))
    payload = block_actions_payload(
        team_id=TEAM, user_id=user, channel_id=channel, action_id=button["action_id"],
        value=button["value"], block_id=actions["block_id"], message_ts=message["ts"],
        message=message, user_name=slack.users[user]["name"],
        response_url=slack.response_url(f"socket-click-{time.monotonic_ns()}"))
    ack = await socket_mode.send_block_actions(payload)
    delivery = socket_mode.deliveries[-1]
    assert delivery.envelope["type"] == "interactive"
    assert delivery.envelope["accepts_response_payload"] is False
    assert ack == {"envelope_id": delivery.envelope_id}
    replies = await slack.wait_for("chat.postEphemeral", count=before + 1, timeout=10)
    reply = replies[before]
    assert reply["user"] == user
    assert reply["channel"] == channel
    return reply






async def test_the_fake_hands_out_single_use_links_for_app_tokens_only() -> None:
    async with FakeSlack() as slack, FakeSocketMode(slack) as fake:
        client = AsyncWebClient(base_url=slack.api_url)
        for token, error in [(BOT_TOKEN, "not_allowed_token_type"), ("xapp-1-other", "invalid_auth")]:
            with pytest.raises(SlackApiError) as refused:
                await client.apps_connections_open(app_token=token)
            assert refused.value.response["error"] == error
        url = (await client.apps_connections_open(app_token=fake.app_token))["url"]
        assert url.startswith("ws://127.0.0.1:")
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(url) as ws:
                hello = await ws.receive_json(timeout=5)
                assert hello["type"] == "hello"
                assert hello["connection_info"] == {"app_id": "A0TEST"}
                assert hello["num_connections"] == 1
            with pytest.raises(aiohttp.WSServerHandshakeError) as reused:
                await session.ws_connect(url)
            assert reused.value.status == 401
        [link] = fake.connections  # the refused reuse opened none
        for _ in range(100):
            if link.closed_at is not None:
                break
            await asyncio.sleep(0.02)
        assert link.closed_at is not None
        assert fake.current is None
        assert fake.app_token_misuse() == []


async def test_the_bot_opens_a_socket_with_its_app_token(bot, slack, socket_mode) -> None:
    # The first link checks the token at start-up (so a refused token stops the bot at once);
    # the second is the one the Socket Mode client connects to.
    first, opened = [c for c in socket_mode.open_calls() if c.ok]
    assert first.token == opened.token == socket_mode.app_token
    link = socket_mode.current
    assert link is not None
    assert link.number == 1
    assert opened.response["url"].endswith(f"ticket={link.ticket}&app_id=A0TEST")
    # It answers Slack's pings, and pings with data it can match to our pongs.
    assert await socket_mode.ping() < 5
    assert any(p.startswith(b"sdk-ping-pong:") for p in link.pings)
    assert "Traceback" not in bot.log()


async def test_lookup_command_over_the_socket(bot, slack, socket_mode) -> None:
    http_before = len(slack.calls)
    ack, reply = await command(socket_mode, slack, "k8s", "crashloop", user="U1", channel="C1")
    assert "payload" not in ack  # the answer goes to response_url, not into the ack
    assert reply["response_type"] == "ephemeral"
    assert "CrashLoopBackOff" in text_of(reply)
    share = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["value"] for e in share] == ["k8s.crashloopbackoff"]
    # The reply went to the response_url that only the envelope carried.
    after = [c.method for c in slack.calls[http_before:]]
    assert after.count("response_url") == 1
    assert "Traceback" not in bot.log()


async def test_post_now_and_clicks_over_the_socket(bot, slack, socket_mode) -> None:
    _, reply = await command(socket_mode, slack, "study", "post-now", user="UADMIN",
                             channel="CSOCK")
    found = re.search(r"Posted `([^`]+)`", text_of(reply))
    assert found, text_of(reply)
    question_id = found.group(1)
    assert question_id in CATALOG.questions

    [post] = [c for c in slack.calls if c.method == "chat.postMessage"
              and c.body.get("channel") == "CSOCK"]
    assert post.ok
    assert post.token == BOT_TOKEN
    assert post.body["metadata"]["event_type"] == "studybot_post"
    message = slack.messages("CSOCK")[-1]
    buttons = next(b for b in message["blocks"] if b["type"] == "actions")["elements"]
    assert [b["text"]["text"] for b in buttons] == list("ABCDE"[: len(buttons)])
    assert len(buttons) == len(CATALOG.questions[question_id].choices)

    right, wrong = letter_of(question_id, True), letter_of(question_id, False)
    first = await click(socket_mode, slack, message, right, "U1", "CSOCK")
    assert "Correct!" in text_of(first)
    second = await click(socket_mode, slack, message, wrong, "U2", "CSOCK")
    assert "Not quite" in text_of(second)
    assert all(c.token == BOT_TOKEN for c in slack.calls
               if c.method == "chat.postEphemeral")
    assert "Traceback" not in bot.log()


async def test_an_envelope_delivered_twice_is_served_once(bot, slack, socket_mode) -> None:
    payload = slash_command_payload(
        command="/study", text="post-now", team_id=TEAM, channel_id="CTWICE", user_id="UADMIN",
        user_name="ada", response_url=slack.response_url("twice"))
    await socket_mode.send_slash_command(payload)
    await slack.wait_for("response_url", tag="twice", timeout=10)
    first = socket_mode.deliveries[-1]

    # Slack sends an envelope again when it thinks the ack was late: same id, same payload.
    again = await socket_mode.send_envelope(
        "slash_commands", payload, accepts_response_payload=True,
        extra={"envelope_id": first.envelope_id})

    assert again == {"envelope_id": first.envelope_id}
    await asyncio.sleep(0.5)
    assert len(slack.messages("CTWICE")) == 1
    assert len(slack.calls_to("response_url", tag="twice")) == 1


async def test_malformed_envelopes_are_acknowledged_and_change_nothing(bot, slack,
                                                                       socket_mode) -> None:
    calls = len(slack.calls)
    for payload in ({"type": "block_actions", "user": "U1", "actions": []},
                    {"type": "block_actions", "user": {"id": "U1"}, "team": 5},
                    {"type": "view_submission", "view": 3}):
        ack = await socket_mode.send_interactive(payload)
        assert ack == {"envelope_id": socket_mode.deliveries[-1].envelope_id}
    await socket_mode.send_slash_command({"command": "/study", "text": "post-now"})
    await asyncio.sleep(0.5)
    # (earlier questions' "N answered" edits land on their own schedule)
    assert [c.method for c in slack.calls[calls:] if c.method != "chat.update"] == []
    assert "Traceback" not in bot.log()


async def test_the_bot_reconnects_when_slack_refreshes_or_drops_the_link(
    bot, slack, socket_mode
) -> None:
    first = socket_mode.current
    assert first is not None
    opens = len(socket_mode.open_calls())

    refreshed = await socket_mode.request_refresh()
    assert refreshed.number == first.number + 1
    assert first.closed
    assert len(socket_mode.open_calls()) == opens + 1  # a new ticket, not the used one
    _, reply = await command(socket_mode, slack, "k8s", "crashloop", user="U3", channel="C2")
    assert "CrashLoopBackOff" in text_of(reply)
    assert socket_mode.deliveries[-1].acked_on == refreshed.number

    dropped = await socket_mode.drop()
    back = await socket_mode.wait_connected(count=dropped.number + 1, timeout=20)
    _, reply = await command(socket_mode, slack, "lookup", "crashloop", user="U3", channel="C2")
    assert "CrashLoopBackOff" in text_of(reply)
    assert socket_mode.deliveries[-1].acked_on == back.number
    assert "Traceback" not in bot.log()


async def test_a_refused_app_token_stops_start_up_with_a_clear_line(
    slack: FakeSlack, socket_mode: FakeSocketMode, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET="s", SLACK_API_URL=slack.api_url,
               SLACK_APP_TOKEN="xapp-1-A0TEST-1-wrong", PORT=str(free_port()),
               DATABASE_URL=f"sqlite:///{tmp_path / 'refused.db'}")
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot", "run", "--platform", "slack"], env=env,
        cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2
    assert "SLACK_APP_TOKEN was refused by Slack (invalid_auth)" in done.stderr
    assert "Traceback" not in done.stderr
