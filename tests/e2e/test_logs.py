"""The log of the real `studybot run --platform slack` process, with every secret set: JSON lines
with the events an operator looks for, and no secret anywhere, not even inside an exception.

The fake Slack is made to answer with an error that echoes every secret back, so slack_sdk puts
them in the exception text the bot logs; the database URL carries a password (PostgreSQL here
trusts local connections, so it is never checked, only carried)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.support.bot_process import BotProcess, clean_environment, free_port, launch
from tests.support.databases import IN_CI, PG_URL, create_scratch, drop_scratch
from tests.support.slack.fake import FakeSlack
from tests.support.slack.reading import CATALOG, letter_of
from tests.support.slack.requests import block_actions, post_signed, slash_command

TEAM = "T0TEST"
BOT_TOKEN = "xoxb-2718281828-3141592653-ZqTestTokenNotRealAbCdEf"
SIGNING_SECRET = "8f14e45fceea167a5a36dedd4bea2543"
CLIENT_SECRET = "3c59dc048e8850243be8079a5c74d079"
DISCORD_TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB"
# Token-shaped strings the bot was never given (another workspace's install, a user token):
# masked by their shape.
STRANGERS = ("xoxp-1111-2222-3333-userTokenFromSomewhere", "xapp-1-A0OTHER-44-appLevelToken")


@pytest.fixture
async def database_url() -> AsyncIterator[tuple[str, str]]:
    """A fresh PostgreSQL database of this test and a URL to it with a password in it."""
    try:
        url = await create_scratch(PG_URL, "studybot_logs")
    except Exception as exc:
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}: {exc}")
    parsed = make_url(url)
    password = parsed.password or "pg-Pa55word-never-logged"
    yield parsed.set(password=password).render_as_string(hide_password=False), str(password)
    await drop_scratch(url, PG_URL)


async def command(bot: BotProcess, slack: FakeSlack, text: str, channel: str) -> None:
    tag = f"cmd-{time.monotonic_ns()}"
    body = slash_command(command="/study", text=text, team_id=TEAM, channel_id=channel,
                         user_id="UADMIN", user_name="ada", response_url=slack.response_url(tag))
    assert (await post_signed(bot.events, SIGNING_SECRET, body))[0] == 200
    await slack.wait_for("response_url", tag=tag, timeout=10)


async def click(bot: BotProcess, message: dict, letter: str, user: str, channel: str) -> None:
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    button = next(e for e in actions["elements"] if e["text"]["text"] == letter)
    body = block_actions(team_id=TEAM, user_id=user, channel_id=channel,
                         action_id=button["action_id"], value=button["value"],
                         block_id=actions["block_id"], message_ts=message["ts"], message=message,
                         user_name="bea", response_url="http://127.0.0.1:9/unused")
    assert (await post_signed(bot.events, SIGNING_SECRET, body))[0] == 200


def events(log: str) -> list[dict]:
    lines = [line for line in log.splitlines() if line.strip()]
    assert lines
    parsed = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"event", "level", "timestamp", "logger"} <= set(e) for e in parsed)
    return parsed


def the(found: list[dict], **fields: object) -> dict:
    matching = [e for e in found if all(e.get(k) == v for k, v in fields.items())]
    assert matching, f"no event with {fields} in:\n" + "\n".join(map(json.dumps, found))
    return matching[0]


async def test_log_is_json_events_without_a_secret(tmp_path: Path, database_url) -> None:
    url, password = database_url
    secrets = (BOT_TOKEN, SIGNING_SECRET, CLIENT_SECRET, DISCORD_TOKEN, password, *STRANGERS)
    echo = "invalid_auth; you sent " + " ".join(secrets)
    question = next(q for q in CATALOG.questions if q.startswith("k8s.q."))
    async with FakeSlack() as slack:
        slack.add_user("UADMIN", name="ada", is_admin=True)
        slack.add_user("U1", name="bea")
        bot = await launch(tmp_path, "slack", {
            "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_CLIENT_SECRET": CLIENT_SECRET, "DISCORD_TOKEN": DISCORD_TOKEN,
            "SLACK_API_URL": slack.api_url, "DATABASE_URL": url})
        try:
            # A post whose send fails with every secret in the exception text.
            slack.fail("chat.postMessage", error=echo)
            await command(bot, slack, f"post-now {question}", "CFAIL")
            # A post that goes out, an answer whose private reply fails the same way.
            await command(bot, slack, f"post-now {question}", "CLOGS")
            [message] = slack.messages("CLOGS")
            slack.fail("chat.postEphemeral", error=echo)
            await click(bot, message, letter_of(question, True), "U1", "CLOGS")
            await slack.wait_for("chat.postEphemeral", timeout=10)
        finally:
            await bot.stop()
    log = bot.log()

    for secret in secrets:
        assert secret not in log
    found = events(log)
    where = {"platform": "slack", "workspace": TEAM}
    failed = the(found, event="post_failed", channel="CFAIL", level="error", **where)
    # The exception did reach the log, with the secrets masked in it.
    assert "invalid_auth; you sent [REDACTED]" in failed["exception"]
    the(found, event="post_sent", channel="CLOGS", level="info", **where)
    the(found, event="command", command="study post-now", outcome="ok", channel="CFAIL",
        user="UADMIN", **where)
    the(found, event="answer", outcome="correct", channel="CLOGS", user="U1", **where)
    reply_failed = the(found, event="error", level="error", channel="CLOGS", user="U1", **where)
    assert "chat.postEphemeral" in reply_failed["exception"]
    assert "[REDACTED]" in reply_failed["exception"]


async def test_a_crash_at_start_up_is_one_json_event_without_the_password(tmp_path: Path) -> None:
    password = "pg-Pa55word-of-a-dead-server"
    env = clean_environment() | {
        "DATABASE_URL": f"postgresql://studybot:{password}@127.0.0.1:{free_port()}/nowhere",
        "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--platform", "shell", cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    for secret in (password, BOT_TOKEN, SIGNING_SECRET):
        assert secret.encode() not in out + err
    crash = the(events(err.decode()), event="crashed", level="critical")
    assert "ConnectionRefusedError" in crash["exception"]
