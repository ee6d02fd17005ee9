"""The Slack edge as an attacker and as a crowd meet it: replays, forged and malformed requests,
hostile text, over-long replies. The real process on PostgreSQL, signed requests, the fake Slack
(which refuses what Slack would refuse)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest

from tests.support.databases import create_test_database, drop_test_database, require_postgres, row_counts
from tests.support.slack.bot import SECRET, BotProcess, start_bot
from tests.support.slack.driving import (
    TEAM,
    click,
    click_body,
    command,
    command_body,
    ephemerals_to,
)
from tests.support.slack.fake import FakeSlack
from tests.support.slack.reading import letter_of, text_of
from tests.support.slack.requests import FORM, block_actions, post, post_signed, sign, sign_bytes

# Everything Slack would turn into a ping, a channel link or a disguised link.
HOSTILE = "<!channel> <!here> <@U0BOSS> <@U0BOSS|boss> <#C0X|x> <http://evil.example|click> <!subteam^S1>"
# What Slack reads as a live ping or link (`<!date^…>` is the bot's own date formatting).
# The replay guard remembers every request it served; that is the edge working, not a change.
SERVED = ("request_signatures",)
LIVE = re.compile(r"<(?:[@#]|!(?!date\^)|https?:)")


@pytest.fixture(scope="module")
async def database_url() -> AsyncIterator[str]:
    url = require_postgres(await create_test_database())
    yield url
    await drop_test_database(url)


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("UADMIN", name="ada", is_admin=True)
        for user, name in [("U1", "bea"), ("U2", "cid"), ("U3", "dee"), ("U4", "eve")]:
            fake.add_user(user, name=name)
        yield fake


@pytest.fixture(scope="module")
async def bot(slack: FakeSlack, database_url: str,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotProcess]:
    process = await start_bot(tmp_path_factory.mktemp("slack-edge"), slack.api_url,
                              database_url=database_url)
    yield process
    await process.stop()


def answered_since(slack: FakeSlack, start: int) -> list[str]:
    """The Web API calls made since `start`, but the "N answered" edits of earlier tests'
    questions, which land on their own schedule."""
    return [c.method for c in slack.calls[start:] if c.method != "chat.update"]


async def reply_to(slack: FakeSlack, user: str, seen: int) -> dict[str, Any]:
    """The private reply to `user` after the `seen` they had, once Slack has it."""
    for _ in range(200):
        replies = ephemerals_to(slack, user)
        if len(replies) > seen:
            return replies[seen]
        await asyncio.sleep(0.05)
    raise AssertionError(f"no new private reply to {user}")


def defused(text: str) -> bool:
    return LIVE.search(text) is None


async def posted_question(bot: BotProcess, slack: FakeSlack, channel: str) -> dict[str, Any]:
    await command(bot, slack, "study", "post-now", channel=channel)
    return slack.messages(channel)[-1]


# ------------------------------------------------------------------------------- replays


async def test_a_replayed_post_now_inside_the_window_is_refused_and_posts_nothing(
    bot, slack, database_url
) -> None:
    body, tag = command_body(slack, "study", "post-now", channel="CREPLAY")
    headers = sign(SECRET, body)
    assert (await post(bot.events, body, headers))[0] == 200
    await slack.wait_for("response_url", tag=tag, timeout=10)
    assert len(slack.messages("CREPLAY")) == 1
    before = await row_counts(database_url)
    calls = len(slack.calls)

    status, _ = await post(bot.events, body, headers)  # the same bytes, the same signature

    assert status == 401
    await asyncio.sleep(0.5)
    assert len(slack.messages("CREPLAY")) == 1
    assert answered_since(slack, calls) == []
    assert await row_counts(database_url) == before


async def test_a_replay_to_another_instance_is_refused_too(bot, slack, database_url,
                                                           tmp_path: Path) -> None:
    other = await start_bot(tmp_path, slack.api_url, database_url=database_url)
    try:
        body, tag = command_body(slack, "study", "post-now", channel="CREPLAY2")
        headers = sign(SECRET, body)
        assert (await post(bot.events, body, headers))[0] == 200
        await slack.wait_for("response_url", tag=tag, timeout=10)
        before = await row_counts(database_url)

        assert (await post(other.events, body, headers))[0] == 401

        await asyncio.sleep(0.5)
        assert len(slack.messages("CREPLAY2")) == 1
        assert await row_counts(database_url) == before
        # The other instance serves fresh requests as usual.
        assert "No entry matches" in text_of(await command(other, slack, "lookup", "qwxz zzyzx"))
    finally:
        await other.stop()


async def test_a_click_slack_delivers_again_is_answered_once(bot, slack, database_url) -> None:
    message = await posted_question(bot, slack, "CRETRY")
    body = click_body(slack, message, "A", "U2", channel="CRETRY")
    replies = len(ephemerals_to(slack, "U2"))
    assert (await post(bot.events, body, sign(SECRET, body)))[0] == 200
    await reply_to(slack, "U2", replies)
    before = await row_counts(database_url, SERVED)
    replies += 1

    # Slack's own redelivery: the same body, signed afresh (a new timestamp), marked as a retry.
    again = {**sign(SECRET, body, timestamp=int(time.time()) + 1), "X-Slack-Retry-Num": "1",
             "X-Slack-Retry-Reason": "http_timeout"}
    assert (await post(bot.events, body, again))[0] == 200

    assert "You already answered" in text_of(await reply_to(slack, "U2", replies))
    assert await row_counts(database_url, SERVED) == before


async def test_the_same_command_sent_twice_by_slack_is_two_requests(bot, slack) -> None:
    # Slack signs every delivery afresh (a new timestamp), so two identical commands both count.
    for _ in range(2):
        await command(bot, slack, "lookup", "sbom")


# ------------------------------------------------------------------------------- forged


async def test_unsigned_megabyte_posts_get_401_and_a_few_log_lines(bot) -> None:
    size_before = bot.log_path.stat().st_size
    junk = b"payload=" + b"a" * 1_000_000

    statuses = await asyncio.gather(*(post(bot.events, junk, {"Content-Type": FORM})
                                      for _ in range(20)))

    assert [status for status, _ in statuses] == [401] * 20
    await asyncio.sleep(1.2)  # let a rate-limited summary line out, if any
    assert bot.log_path.stat().st_size - size_before < 20_000


@pytest.mark.parametrize(("body", "headers"), [
    (b"payload=%7Bnot json", {"Content-Type": FORM}),
    (b"\xff\xfe\x00garbage", {"Content-Type": FORM}),
    (b'{"type": "block_actions", "user": 5}', {"Content-Type": "application/json"}),
    (b"command=/study&text=post-now", {"Content-Type": FORM, "X-Slack-Request-Timestamp": "abc",
                                       "X-Slack-Signature": "v0=00"}),
    (b"command=/study&text=post-now", {"Content-Type": FORM, "X-Slack-Request-Timestamp": "\u00b2",
                                       "X-Slack-Signature": "v0=00"}),
    (b"command=/study", {"Content-Type": FORM, "X-Slack-Request-Timestamp": "1" * 5000,
                         "X-Slack-Signature": "v0=" + "0" * 5000}),
], ids=["bad-json", "not-utf8", "json-junk", "timestamp-text", "timestamp-superscript",
        "timestamp-huge"])
async def test_malformed_unsigned_bodies_get_401_without_a_traceback(bot, body, headers) -> None:
    headers = {k: v.encode("utf-8").decode("latin-1") for k, v in headers.items()}
    assert (await post(bot.events, body, headers))[0] == 401
    assert "Traceback" not in bot.log()


async def test_bytes_that_are_not_utf8_get_401_unsigned_and_400_signed(bot, slack) -> None:
    body = b"payload=\xff\xfe\x00garbage"
    assert (await post(bot.events, body, sign_bytes("not-the-secret", body)))[0] == 401
    calls = len(slack.calls)
    assert (await post(bot.events, body, sign_bytes(SECRET, body)))[0] == 400
    await asyncio.sleep(0.2)
    assert answered_since(slack, calls) == []
    assert "Traceback" not in bot.log()


# ------------------------------------------------------------------------------- malformed


DROP = object()


def click_payload(action_id: str = "studybot.answer.1.0", value: str = "v", **changes: Any) -> dict:
    """A click by U4 in CBAD, with fields changed (or dropped: DROP)."""
    body = block_actions(team_id=TEAM, user_id="U4", channel_id="CBAD", action_id=action_id,
                         value=value, block_id="b", message_ts="1.1",
                         response_url="http://127.0.0.1:9/unused", is_ephemeral=True,
                         button_text="A")
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    for key, changed in changes.items():
        if changed is DROP:
            payload.pop(key, None)
        else:
            payload[key] = changed
    return payload


REPLIED = "not from this workspace or no longer exists"
# (what is wrong, the payload) -> a clear private reply
ANSWERED = {
    "superscript-digits": click_payload("studybot.answer.\u00b2\u00b2.0"),
    "id-of-4301-digits": click_payload("studybot.answer." + "9" * 4301 + ".0"),
    "id-beyond-int64": click_payload("studybot.answer.99999999999999999999.0"),
    "id-at-int64-max": click_payload("studybot.answer.9223372036854775807.0"),
    "huge-action-id": click_payload("studybot." + "x" * 100_000),
    "huge-value": click_payload("studybot.share", "k8s." + "y" * 100_000),
    "foreign-action-id": click_payload("someone.elses.button"),
    "no-actions": click_payload(actions=DROP),
    "empty-actions": click_payload(actions=[]),
    "actions-not-a-list": click_payload(actions="studybot.answer.1.0"),
    "action-not-an-object": click_payload(actions=[5]),
    "action-id-not-text": click_payload(actions=[{"action_id": 7, "value": "x", "type": "button"}]),
    "value-not-text": click_payload(actions=[{"action_id": "studybot.share", "value": {"a": 1}}]),
}
# (what is wrong, the payload) -> 400: there is nobody to answer
REFUSED = {
    "no-user": click_payload(user=DROP),
    "user-as-text": click_payload(user="U4"),
    "user-id-a-number": click_payload(user={"id": 4, "name": "eve", "team_id": TEAM}),
    "user-id-huge": click_payload(user={"id": "U" + "4" * 5000, "name": "eve", "team_id": TEAM}),
    "no-channel-or-container": click_payload(channel=DROP, container=DROP),
    "container-a-list": click_payload(channel=DROP, container=["CBAD"]),
    "channel-a-number": click_payload(channel=5),
    "no-team": click_payload(team=DROP, user={"id": "U4", "name": "eve"}),
    "team-a-list": click_payload(team=["T0TEST"]),
    "type-missing": click_payload(type=DROP),
    "type-a-number": click_payload(type=3),
}


def form(payload: Any) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


async def test_malformed_clicks_get_a_clear_reply_and_change_nothing(bot, slack, database_url) -> None:
    before = await row_counts(database_url, SERVED)
    for problem, payload in ANSWERED.items():
        replies = len(ephemerals_to(slack, "U4"))
        status, _ = await post_signed(bot.events, SECRET, form(payload))
        assert status == 200, problem
        reply = await reply_to(slack, "U4", replies)
        assert len(ephemerals_to(slack, "U4")) == replies + 1, problem
        assert reply["channel"] == "CBAD", problem
        assert REPLIED in text_of(reply), problem
    assert await row_counts(database_url, SERVED) == before
    assert "Traceback" not in bot.log()


@pytest.mark.parametrize("problem", list(REFUSED))
async def test_clicks_with_nobody_to_answer_get_400(bot, slack, database_url, problem) -> None:
    before, calls = await row_counts(database_url), len(slack.calls)
    assert (await post_signed(bot.events, SECRET, form(REFUSED[problem])))[0] == 400
    await asyncio.sleep(0.2)
    assert answered_since(slack, calls) == []
    assert await row_counts(database_url) == before
    assert "Traceback" not in bot.log()


@pytest.mark.parametrize(("body", "content_type"), [
    (b"payload=%7Bnot+json", FORM),
    (b"payload=%5B1%2C2%5D", FORM),
    (b"payload=%22text%22", FORM),
    (b"payload=", FORM),
    ("payload=" + "[" * 100_000, FORM),
    (b"{not json", "application/json"),
    (b'{"type": "event_callback", "authorizations": 5, "team": 5}', "application/json"),
    (b'{"type": "view_submission", "user": "x"}', "application/json"),
    (b"command=/study&text=post-now&team_id=T0TEST&channel_id=C1", FORM),  # no user
    (b"command=study&text=x&team_id=T0TEST&channel_id=C1&user_id=U1", FORM),  # not a command
    (b"", FORM),
], ids=["bad-json", "json-array", "json-string", "empty-payload", "deep-json",
        "json-body-bad", "event-junk", "view-junk", "command-no-user", "command-no-slash",
        "empty"])
async def test_signed_garbage_gets_400_and_changes_nothing(bot, slack, database_url, body,
                                                           content_type) -> None:
    before, calls = await row_counts(database_url), len(slack.calls)
    status, _ = await post_signed(bot.events, SECRET, body, content_type=content_type)
    assert status == 400
    await asyncio.sleep(0.2)
    assert answered_since(slack, calls) == []
    assert await row_counts(database_url) == before
    assert "Traceback" not in bot.log()


async def test_a_command_whose_text_says_payload_is_served(bot, slack) -> None:
    # Bolt reads any form body holding the word "payload" as an interactivity payload.
    reply = await command(bot, slack, "lookup", "webhook payload")
    assert text_of(reply)


# ------------------------------------------------------------------------------- hostile text


async def test_user_text_never_pings_or_links_in_any_reply(bot, slack) -> None:
    """Every reply that repeats what someone typed, private errors included."""
    seen = []
    for name, text in [
        ("study", HOSTILE),  # unknown subcommand
        ("study", f"setup {HOSTILE}"),  # invalid time
        ("study", f"setup 09:00 {HOSTILE}"),  # invalid timezone
        ("study", f"setup 09:00 UTC {HOSTILE}"),  # invalid days
        ("study", f"setup 09:00 UTC mon-fri {HOSTILE}"),  # unknown topic
        ("study", f"post-now {HOSTILE}"),  # unknown question
        ("study", f"competition start {HOSTILE}"),  # invalid competition name
        ("study", f"competition end {HOSTILE}"),  # unknown competition
        ("lookup", HOSTILE),  # nothing matches
        ("k8s", HOSTILE),
        ("quiz", HOSTILE),  # unknown topic
        ("leaderboard", HOSTILE),  # unknown period
        ("streak", HOSTILE),  # not a mention
        ("help", HOSTILE),
        ("nosuchcommand", HOSTILE),
    ]:
        reply = await command(bot, slack, name, text, channel="CHOSTILE")
        shown = text_of(reply)
        assert defused(shown), (name, text, shown)
        seen.append(shown)
    assert any("&lt;!channel&gt;" in shown for shown in seen)  # repeated, but harmless


async def test_a_hostile_channel_name_in_a_mention_is_shown_harmlessly(bot, slack) -> None:
    reply = await command(bot, slack, "study", "setup <#CHOSTNAME|<!channel> 09:30 UTC daily",
                          channel="CHOSTILE2")
    assert defused(text_of(reply))


async def test_a_hostile_display_name_never_pings_in_public_messages(bot, slack) -> None:
    message = await posted_question(bot, slack, "CNAMES")
    slack.add_user("UHOSTILE", name="<!channel>")
    reply = await click(bot, slack, message, letter_of(
        _question_of(message), True), "UHOSTILE", channel="CNAMES")
    assert defused(text_of(reply))
    board = await command(bot, slack, "leaderboard", "all", channel="CNAMES", user="U1")
    assert defused(text_of(board))
    await command(bot, slack, "study", "close", channel="CNAMES")
    closed = [u for u in slack.calls_to("chat.update") if u.get("ts") == message["ts"]][-1]
    assert defused(text_of(closed))


def _question_of(message: dict) -> str:
    return re.search(r"`([a-z0-9-]+\.q\.[a-z0-9.-]+)`", text_of(message))[1]


# ------------------------------------------------------------------------------- names


async def test_a_mention_never_renames_the_person_it_names(bot, slack) -> None:
    message = await posted_question(bot, slack, "CRENAME")
    await click(bot, slack, message, "A", "U3", channel="CRENAME")
    shown = text_of(await command(bot, slack, "streak", "<@U3|mallory>", user="U4",
                                  channel="CRENAME"))
    assert "dee" in shown
    assert "mallory" not in shown
    # Someone the bot has never seen is not given the mention's name either.
    await command(bot, slack, "streak", "<@U2|mallory>", user="U4", channel="CRENAME")
    await click(bot, slack, message, "B", "U2", channel="CRENAME")
    board = text_of(await command(bot, slack, "leaderboard", "all", user="U4", channel="CRENAME"))
    assert "dee" in board
    assert "cid" in board
    assert "mallory" not in board


# ------------------------------------------------------------------------------- long replies


async def test_over_long_input_gets_a_reply_slack_accepts(bot, slack) -> None:
    rejections = len(slack.rejections)
    lookup = await command(bot, slack, "lookup", "kubernetes pod " * 6_667)  # 100,000 characters
    assert "No entry matches" in text_of(lookup) or "Kubernetes" in text_of(lookup)
    zone = await command(bot, slack, "study", "setup 09:00 " + "Europe/" * 1_429)
    assert "Invalid timezone" in text_of(zone)
    mention = await command(bot, slack, "streak", "<@U3|" + "m" * 100_000 + ">", user="U4")
    assert "dee" in text_of(mention) or "streak" in text_of(mention)
    huge = await command(bot, slack, "streak", "<@U" + "3" * 100_000 + ">", user="U4")
    assert text_of(huge)
    hostile_lookup = await command(bot, slack, "lookup", (HOSTILE + " ") * 1_000)
    assert defused(text_of(hostile_lookup))
    assert slack.rejections[rejections:] == []


async def test_lookup_of_exactly_the_limits(bot, slack) -> None:
    for size in (2_999, 3_000, 3_001, 39_999, 40_000, 40_001):
        reply = await command(bot, slack, "lookup", ("&" * size)[:size])
        assert text_of(reply)
    assert slack.rejections == []


async def test_slacks_certificate_check_is_answered_and_nothing_else(bot, slack) -> None:
    calls = len(slack.calls)
    status, _ = await post(bot.events, b"ssl_check=1&token=" + b"t" * 24, {"Content-Type": FORM})
    assert status == 200
    await asyncio.sleep(0.2)
    assert answered_since(slack, calls) == []


def event(kind: str, **fields: Any) -> bytes:
    return json.dumps({"token": "t", "team_id": TEAM, "api_app_id": "A0TEST",
                       "type": "event_callback", "event_id": f"Ev{time.monotonic_ns()}",
                       "event_time": int(time.time()),
                       "event": {"type": kind, **fields}}).encode()


async def test_slacks_url_check_for_events_gets_its_challenge_back(bot) -> None:
    body = json.dumps({"token": "t", "challenge": "c0ffee_CHALLENGE-1",
                       "type": "url_verification"}).encode()
    status, text = await post_signed(bot.events, SECRET, body, content_type="application/json")
    assert status == 200
    assert json.loads(text) == {"challenge": "c0ffee_CHALLENGE-1"}


async def test_an_event_nobody_listens_to_is_one_short_line(bot, slack) -> None:
    secret_text = "a-marker-that-must-not-reach-the-log"
    body = event("reaction_added", user="U1", reaction=secret_text)
    status, _ = await post_signed(bot.events, SECRET, body, content_type="application/json")
    assert status == 404  # signed and well formed, but not for any listener
    again = {**sign(SECRET, body, timestamp=int(time.time()) + 1,
                    content_type="application/json"), "X-Slack-Retry-Num": "1"}
    assert (await post(bot.events, body, again))[0] == 404  # Slack's retry: new signature
    await asyncio.sleep(0.2)
    assert secret_text not in bot.log()
    assert "Slack request not handled: event_callback (reaction_added)" in bot.log()


async def test_a_click_in_the_home_tab_is_answered_in_direct_messages(bot, slack) -> None:
    payload = click_payload("someone.elses.button", container={"type": "view", "view_id": "V1"},
                            channel=DROP, response_url=DROP)
    before = len(slack.calls_to("chat.postMessage"))
    assert (await post_signed(bot.events, SECRET, form(payload)))[0] == 200
    posts = await slack.wait_for("chat.postMessage", count=before + 1, timeout=10)
    assert posts[before]["channel"] == "U4"
    assert REPLIED in text_of(posts[before])
