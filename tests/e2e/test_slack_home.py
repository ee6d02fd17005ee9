"""The Slack App Home end to end: the real bot process, signed events as Slack sends them, and
the fake Web API recording the `views.publish` the bot answers with."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest

from tests.support.slack.bot import SECRET, BotProcess, start_bot
from tests.support.slack.fake import FakeSlack
from tests.support.slack.reading import CATALOG, letter_of, text_of
from tests.support.slack.requests import block_actions, post_signed, slash_command

TEAM = "T0TEST"
QUESTION = next(q for q in sorted(CATALOG.questions) if q.startswith("linux.q."))


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("UADMIN", name="ada", is_admin=True)
        fake.add_user("U1", name="bea")
        yield fake


@pytest.fixture(scope="module")
async def bot(slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotProcess]:
    process = await start_bot(tmp_path_factory.mktemp("home"), slack.api_url, {
        "DASHBOARD_SECRET": "home-test-secret-0123456789abcdefghijkl",
        "PUBLIC_URL": "https://bot.example"})
    yield process
    await process.stop()


async def slash(bot: BotProcess, slack: FakeSlack, text: str, user: str = "UADMIN") -> dict:
    tag = f"home-{time.monotonic_ns()}"
    body = slash_command(command="/study", text=text, team_id=TEAM, channel_id="CHOME",
                         user_id=user, channel_name="study-home", response_url=slack.response_url(tag))
    assert (await post_signed(bot.events, SECRET, body))[0] == 200
    [reply] = await slack.wait_for("response_url", tag=tag, timeout=10)
    return reply


async def open_home(bot: BotProcess, slack: FakeSlack, user: str) -> dict:
    before = len(slack.calls_to("views.publish"))
    event = {"token": "verificationtoken0000000", "team_id": TEAM, "api_app_id": "A0TEST",
             "type": "event_callback", "event_id": f"Ev{time.monotonic_ns()}",
             "event_time": int(time.time()),
             "event": {"type": "app_home_opened", "user": user, "channel": "D" + user[1:],
                       "tab": "home", "event_ts": f"{time.time():.6f}"}}
    body = json.dumps(event)
    status, _ = await post_signed(bot.events, SECRET, body, content_type="application/json")
    assert status == 200
    calls = await slack.wait_for("views.publish", count=before + 1, timeout=10)
    published = calls[before]
    assert published["user_id"] == user
    return published["view"]


def view_text(view: dict) -> str:
    return text_of({"blocks": view["blocks"]})


async def test_home_shows_own_figures_and_practice(bot, slack) -> None:
    assert "Saved" in text_of(await slash(bot, slack, "setup 09:00 UTC daily"))
    await slash(bot, slack, f"post-now {QUESTION}")
    posted = [m for m in await slack.wait_for("chat.postMessage", timeout=10)
              if m["channel"] == "CHOME"]
    assert len(posted) == 1
    message = slack.messages("CHOME")[-1]
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    right = letter_of(QUESTION, True)
    button = next(e for e in actions["elements"] if e["text"]["text"] == right)
    click = block_actions(team_id=TEAM, user_id="U1", channel_id="CHOME",
                          action_id=button["action_id"], value=button["value"],
                          block_id=actions["block_id"], message_ts=message["ts"], message=message,
                          user_name="bea", response_url=slack.response_url("home-click"))
    assert (await post_signed(bot.events, SECRET, click))[0] == 200
    await slack.wait_for("chat.postEphemeral", timeout=10)

    view = await open_home(bot, slack, "U1")
    assert view["type"] == "home"
    shown = view_text(view)
    points = 10 + 5 * (CATALOG.questions[QUESTION].difficulty - 1)
    assert f"Streak *1* (best 1) · this week *{points}* points, rank *1*" in shown
    assert "Weakest topic: *Linux* (1/1 right)" in shown
    assert "#study-home: <!date^" in shown  # the next question, in the reader's own time zone
    assert "dashboard" not in shown  # not an admin

    # "Practice" in the Home tab sends a practice question to the person's DMs.
    practice = next(e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"])
    view_id = slack.home_views["U1"]["id"]
    assert practice["text"]["text"] == "Practice Linux"
    payload = {"type": "block_actions", "user": {"id": "U1", "username": "bea", "name": "bea",
                                                 "team_id": TEAM},
               "api_app_id": "A0TEST", "token": "verificationtoken0000000",
               "container": {"type": "view", "view_id": view_id},
               "trigger_id": "1.2.abc", "team": {"id": TEAM, "domain": "t0test"},
               "view": {"id": view_id, "type": "home"},
               "actions": [{"action_id": practice["action_id"], "block_id": "b",
                            "value": practice["value"], "type": "button",
                            "text": {"type": "plain_text", "text": "Practice Linux"},
                            "action_ts": f"{time.time():.6f}"}]}
    body = urlencode({"payload": json.dumps(payload)})
    assert (await post_signed(bot.events, SECRET, body))[0] == 200
    sent = [m for m in await slack.wait_for("chat.postMessage", count=2, timeout=10)
            if m["channel"] == "U1"]
    assert sent
    assert "Practice" in text_of(sent[-1])
    assert "Linux" in text_of(sent[-1])


async def test_admins_see_the_dashboard_link(bot, slack) -> None:
    view = await open_home(bot, slack, "UADMIN")
    shown = view_text(view)
    assert "open the team dashboard" in shown
    assert "<https://bot.example/d/" in shown
