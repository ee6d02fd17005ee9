"""The Slack app end to end: the real `studybot run --platform slack` process over real HTTP,
signed requests built as Slack builds them, and a local fake of Slack's Web API."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.support.slack.bot import SECRET, BotProcess, start_bot
from tests.support.slack.fake import FakeSlack
from tests.support.slack.reading import CATALOG, letter_of, text_of
from tests.support.slack.requests import block_actions, post, post_signed, sign, slash_command

TEAM = "T0TEST"  # the fake's default workspace for any xoxb- token


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("UADMIN", name="ada", is_admin=True)
        fake.add_user("UOWNER", name="olga", is_owner=True)
        fake.add_user("UGROUP", name="gus")
        fake.usergroups["S0ADMINS"] = ["UGROUP"]
        for user, name in [("U1", "bea"), ("U2", "cid"), ("U3", "dee"), ("U4", "eve")]:
            fake.add_user(user, name=name)
        yield fake


@pytest.fixture(scope="module")
async def bot(slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotProcess]:
    process = await start_bot(tmp_path_factory.mktemp("slack"), slack.api_url,
                              {"SLACK_ADMIN_GROUP": "S0ADMINS"})
    yield process
    await process.stop()


async def command(bot: BotProcess, slack: FakeSlack, name: str, text: str, *, user: str = "UADMIN",
                  channel: str = "C1", team: str = TEAM) -> dict:
    """Send a signed slash command; return the ephemeral reply the bot posts to response_url."""
    tag = f"{name}-{time.monotonic_ns()}"
    body = slash_command(command=f"/{name}", text=text, team_id=team, channel_id=channel,
                         user_id=user, user_name=slack.users.get(user, {}).get("name", user),
                         channel_name=f"chan-{channel.lower()}",
                         response_url=slack.response_url(tag))
    status, _ = await post_signed(bot.events, SECRET, body)
    assert status == 200
    [reply] = await slack.wait_for("response_url", tag=tag, timeout=10)
    return reply


async def click(bot: BotProcess, slack: FakeSlack, message: dict, letter: str, user: str,
                channel: str = "C1", team: str = TEAM) -> dict:
    """Click a button of a posted question; return the ephemeral reply."""
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    button = next(e for e in actions["elements"] if e["text"]["text"] == letter)
    before = len(slack.calls_to("chat.postEphemeral"))
    body = block_actions(team_id=team, user_id=user, channel_id=channel,
                         action_id=button["action_id"], value=button["value"],
                         block_id=actions["block_id"], message_ts=message["ts"], message=message,
                         user_name=slack.users[user]["name"],
                         response_url=slack.response_url(f"click-{time.monotonic_ns()}"))
    status, _ = await post_signed(bot.events, SECRET, body)
    assert status == 200
    replies = await slack.wait_for("chat.postEphemeral", count=before + 1, timeout=10)
    reply = replies[before]
    assert reply["user"] == user
    assert reply["channel"] == channel
    return reply






async def test_lookup_with_typo_answers_privately_with_share_button(bot, slack) -> None:
    reply = await command(bot, slack, "k8s", "crashlop")
    assert reply["response_type"] == "ephemeral"
    assert "CrashLoopBackOff" in text_of(reply)
    share = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert share
    assert share[0]["action_id"] == "studybot.share"
    assert share[0]["value"] == "k8s.crashloopbackoff"
    # Sharing posts the entry publicly in the channel.
    body = block_actions(team_id=TEAM, user_id="U1", channel_id="C7",
                         action_id="studybot.share", value="k8s.crashloopbackoff",
                         block_id=reply["blocks"][-1].get("block_id", "b"), message_ts="1.1",
                         response_url=slack.response_url("share"), is_ephemeral=True,
                         button_text="Share to channel")
    assert (await post_signed(bot.events, SECRET, body))[0] == 200
    [shared] = [m for m in await slack.wait_for("chat.postMessage", timeout=10)
                if m["channel"] == "C7"]
    assert "CrashLoopBackOff" in text_of(shared)
    assert "<@U1>" in text_of(shared)


async def test_lookup_without_match_suggests_titles(bot, slack) -> None:
    reply = await command(bot, slack, "lookup", "qwxz zzyzx")
    assert "No entry matches" in text_of(reply)
    assert "Closest:" in text_of(reply)
    empty = await command(bot, slack, "terraform", "")
    assert "What should I look up?" in text_of(empty)
    assert "State" in text_of(empty) or "state" in text_of(empty)


async def metric_values(bot: BotProcess) -> dict[str, float]:
    async with aiohttp.ClientSession() as session, session.get(f"{bot.url}/metrics") as response:
        assert response.status == 200
        text = await response.text()
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in text.splitlines() if line.startswith("studybot_")}


async def test_daily_question_flow(bot, slack) -> None:
    metrics_before = await metric_values(bot)
    question_id = next(q for q in CATALOG.questions if q.startswith("k8s.q."))
    reply = await command(bot, slack, "study", f"post-now {question_id}", channel="CFLOW")
    assert f"Posted `{question_id}`" in text_of(reply)
    assert "no daily schedule yet" in text_of(reply)
    [posted] = [m for m in await slack.wait_for("chat.postMessage") if m["channel"] == "CFLOW"]
    assert posted["metadata"]["event_type"] == "studybot_post"
    message = slack.messages("CFLOW")[-1]
    prompt = CATALOG.questions[question_id].prompt
    assert prompt.split()[0] in message["blocks"][0]["text"]["text"]
    buttons = message["blocks"][1]["elements"]
    assert [b["text"]["text"] for b in buttons] == list("ABCD"[: len(buttons)])
    assert all(re.fullmatch(r"studybot\.answer\.\d+\.\d", b["action_id"]) for b in buttons)

    right, wrong = letter_of(question_id, True), letter_of(question_id, False)
    first = await click(bot, slack, message, right, "U1", channel="CFLOW")
    assert "Correct!" in text_of(first)
    assert "streak 1" in text_of(first)
    assert "Not quite" in text_of(await click(bot, slack, message, wrong, "U2", channel="CFLOW"))
    await click(bot, slack, message, right, "U3", channel="CFLOW")
    again = await click(bot, slack, message, wrong, "U1", channel="CFLOW")
    assert f"You already answered *{right}*" in text_of(again)

    # The "N answered" line is coalesced: one edit for the burst of clicks, not one per click.
    await asyncio.sleep(3.5)
    tallies = [u for u in slack.calls_to("chat.update") if u.get("ts") == message["ts"]]
    assert 1 <= len(tallies) <= 2
    assert "3 answered" in text_of(tallies[-1])

    closed = await command(bot, slack, "study", "close", channel="CFLOW")
    assert "Closed" in text_of(closed)
    updates = [u for u in slack.calls_to("chat.update") if u.get("ts") == message["ts"]]
    result = updates[-1]
    assert not any(b["type"] == "actions" for b in result["blocks"])  # buttons are gone
    shown = text_of(result)
    assert f"Answer: {right}." in shown
    assert "3 answered" in shown
    assert "67% right" in shown
    assert "Right: bea, dee" in shown

    late = await click(bot, slack, message, right, "U4", channel="CFLOW")
    assert "closed" in text_of(late)
    assert f"answer was {right}" in text_of(late)

    board = await command(bot, slack, "leaderboard", "all", user="U2", channel="CFLOW")
    lines = board["blocks"][0]["text"]["text"].splitlines()
    ranked = [line for line in lines if re.match(r"^\d+\. ", line)]
    assert [re.sub(r"^\d+\. \*?([a-z]+).*", r"\1", line) for line in ranked] == ["bea", "dee", "cid"]
    streak = await command(bot, slack, "streak", "", user="U1", channel="CFLOW")
    assert "streak *1*" in text_of(streak)

    metrics_after = await metric_values(bot)

    def delta(name: str) -> float:
        return metrics_after.get(name, 0) - metrics_before.get(name, 0)

    answers = 'studybot_answers_total{outcome="%s",platform="slack"}'
    assert [delta(answers % o) for o in ("correct", "wrong", "repeat", "refused")] == [2, 1, 1, 1]
    assert delta('studybot_posts_sent_total{platform="slack"}') == 1


async def test_admin_commands_need_an_admin(bot, slack) -> None:
    refused = await command(bot, slack, "study", "setup 09:00 Europe/London mon-fri",
                            user="U4", channel="CADM")
    assert "Only workspace admins" in text_of(refused)
    assert "no study schedule yet" in text_of(await command(bot, slack, "study", "schedule",
                                                      user="U4", channel="CADM"))
    owner = await command(bot, slack, "study", "setup 09:00 Europe/London mon-fri k8s",
                          user="UOWNER", channel="CADM")
    assert "Saved." in text_of(owner)
    assert "Europe/London" in text_of(owner)
    group = await command(bot, slack, "study", "pause", user="UGROUP", channel="CADM")
    assert "paused" in text_of(group)
    assert "Only workspace admins" in text_of(
        await command(bot, slack, "study", "post-now", user="U4", channel="CADM"))


async def test_setup_by_channel_mention_and_bad_input(bot, slack) -> None:
    saved = await command(bot, slack, "study", "setup <#CTARGET|target> 7:30 Asia/Tokyo daily",
                          channel="CELSE")
    assert "Asia/Tokyo" in text_of(saved)
    assert "#target" in text_of(saved)
    assert "07:30 Asia/Tokyo" in text_of(await command(bot, slack, "study", "schedule",
                                                        channel="CTARGET"))
    for text, expected in [("setup 25:00 UTC", "Invalid time '25:00'"),
                           ("setup 09:00 Mars/Olympus", "Invalid timezone 'Mars/Olympus'"),
                           ("setup 09:00 UTC ,", "Invalid days ','"),
                           ("launch rockets", "unknown subcommand 'launch'")]:
        assert expected in text_of(await command(bot, slack, "study", text, channel="CTARGET"))
    view = text_of(await command(bot, slack, "study", "schedule", channel="CTARGET"))
    assert "07:30 Asia/Tokyo, daily" in view


async def test_forged_and_replayed_requests_are_refused(bot, slack) -> None:
    slack.clear_calls()
    body = slash_command(command="/study", text="post-now", team_id=TEAM, channel_id="CFORGE",
                         user_id="UADMIN", response_url=slack.response_url("forged"))
    wrong = sign("not-the-secret", body)
    assert (await post(bot.events, body, wrong))[0] == 401
    stale = sign(SECRET, body, timestamp=int(time.time()) - 6 * 60)
    assert (await post(bot.events, body, stale))[0] == 401
    tampered = sign(SECRET, body)
    assert (await post(bot.events, body.replace(b"post-now", b"pause"), tampered))[0] == 401
    async with aiohttp.ClientSession() as session, session.post(bot.events, data=body) as response:
        assert response.status == 401
    await asyncio.sleep(0.5)
    assert slack.calls == []  # nothing was posted, nothing answered
    assert "Traceback" not in bot.log()
    # Secrets come from the environment and never reach the log.
    assert "xoxb-e2e" not in bot.log()
    assert SECRET not in bot.log()


async def test_rate_limited_post_is_retried_after_retry_after(bot, slack) -> None:
    slack.rate_limit("chat.postMessage", times=1, retry_after=1)
    await command(bot, slack, "study", "post-now", channel="CRATE")
    calls = [c for c in slack.calls if c.method == "chat.postMessage"
             and c.body.get("channel") == "CRATE"]
    assert [c.limited for c in calls] == [True, False]
    assert calls[1].at - calls[0].at >= 0.9
    assert len(slack.messages("CRATE")) == 1


async def test_two_workspaces_are_isolated(bot, slack) -> None:
    for team, channel, user in [(TEAM, "CISO1", "U1"), ("T0OTHER", "CISO2", "U2")]:
        await command(bot, slack, "study", "post-now", channel=channel, team=team)
        message = slack.messages(channel)[-1]
        await click(bot, slack, message, "A", user, channel=channel, team=team)
    other = text_of(await command(bot, slack, "leaderboard", "all", user="U2", team="T0OTHER",
                                  channel="CISO2"))
    assert "cid" in other
    assert "bea" not in other
    assert "dee" not in other


async def test_garbage_payloads_get_no_stack_trace(bot, slack) -> None:
    body = block_actions(team_id=TEAM, user_id="U1", channel_id="C1",
                         action_id="studybot.answer.99999999.0", value="x", block_id="b",
                         message_ts="1.1", response_url=slack.response_url("ghost"),
                         is_ephemeral=True, button_text="A")
    before = len(slack.calls_to("chat.postEphemeral"))
    assert (await post_signed(bot.events, SECRET, body))[0] == 200
    replies = await slack.wait_for("chat.postEphemeral", count=before + 1)
    assert "no longer exists" in text_of(replies[before])
    # A signed but malformed payload: refused without touching anything.
    slack.clear_calls()
    weird = json.dumps({"type": "block_actions"}).encode()
    status, _ = await post_signed(bot.events, SECRET, b"payload=" + weird)
    assert status in (400, 404)
    await asyncio.sleep(0.3)
    assert slack.calls == []


async def test_oauth_installs_serve_each_workspace_with_its_own_token(
    tmp_path: Path, slack: FakeSlack
) -> None:
    oauth_bot = await start_bot(tmp_path, slack.api_url, {
        "SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "shh",
    })
    try:
        tokens = {}
        async with aiohttp.ClientSession() as session:
            for team in ("TWSA", "TWSB"):
                tokens[team] = slack.add_oauth_code(f"code-{team}", team_id=team,
                                                    bot_token=f"xoxb-{team.lower()}")
                async with session.get(f"{oauth_bot.url}/slack/install",
                                       allow_redirects=False) as response:
                    assert response.status in (200, 302)
                    state = response.cookies["slack-app-oauth-state"].value
                async with session.get(
                    f"{oauth_bot.url}/slack/oauth_redirect",
                    params={"code": f"code-{team}", "state": state},
                    cookies={"slack-app-oauth-state": state},
                ) as response:
                    assert response.status == 200, await response.text()
        for team in ("TWSA", "TWSB"):
            slack.add_user(f"UA{team}", name=f"admin-{team.lower()}", is_admin=True, team_id=team)
            reply = await command(oauth_bot, slack, "study", "post-now", user=f"UA{team}",
                                  channel=f"C{team}", team=team)
            assert "Posted" in text_of(reply)
            [call] = [c for c in slack.calls if c.method == "chat.postMessage"
                      and c.body.get("channel") == f"C{team}"]
            assert call.token == tokens[team]
        unknown = slash_command(command="/lookup", text="sbom", team_id="TNOPE", channel_id="C1",
                                user_id="U1", response_url=slack.response_url("nope"))
        before = len(slack.calls)
        status, _ = await post_signed(oauth_bot.events, SECRET, unknown)
        assert status == 200
        await asyncio.sleep(0.5)
        # A workspace that never installed the app is told so by Bolt, and no token is used.
        after = [c for c in slack.calls[before:]
                 if c.method == "response_url" or c.body.get("team_id") == "TNOPE"]
        assert [c.method for c in after] in ([], ["response_url"])
        assert all("installation" in c.body.get("text", "") for c in after)
    finally:
        await oauth_bot.stop()


async def test_serves_even_when_auth_test_fails(tmp_path: Path) -> None:
    async with FakeSlack() as fake:
        fake.fail("auth.test", times=1000, error="invalid_auth")
        process = await start_bot(tmp_path, fake.api_url)
        try:
            reply = await command(process, fake, "lookup", "sbom")
            assert "SBOM" in text_of(reply) or "Bill of Materials" in text_of(reply)
        finally:
            await process.stop()


async def test_quiz_is_private_practice_with_another_one_button(bot, slack) -> None:
    reply = await command(bot, slack, "quiz", "linux", user="U4", channel="CQUIZ")
    assert reply["response_type"] == "ephemeral"
    assert "Practice" in text_of(reply)
    buttons = next(b for b in reply["blocks"] if b["type"] == "actions")["elements"]
    question_id = buttons[0]["value"]
    assert question_id.startswith("linux.q.")
    right = letter_of(question_id, True)
    button = buttons["ABCDE".index(right)]
    tag = f"quiz-{time.monotonic_ns()}"
    body = block_actions(team_id=TEAM, user_id="U4", channel_id="CQUIZ",
                         action_id=button["action_id"], value=button["value"], block_id="p",
                         message_ts="1.2", response_url=slack.response_url(tag),
                         is_ephemeral=True, button_text=right)
    assert (await post_signed(bot.events, SECRET, body))[0] == 200
    [result] = await slack.wait_for("response_url", tag=tag, timeout=10)
    assert result["replace_original"] is True
    assert "Correct!" in text_of(result)
    assert "Box 1" in text_of(result)
    assert not any(p.get("channel") == "CQUIZ" for p in slack.calls_to("chat.postMessage"))


async def test_streak_of_a_mentioned_user(bot, slack) -> None:
    await command(bot, slack, "study", "post-now", channel="CSTREAK")
    message = slack.messages("CSTREAK")[-1]
    await click(bot, slack, message, "A", "U3", channel="CSTREAK")
    theirs = text_of(await command(bot, slack, "streak", "<@U3|dee>", user="U4",
                                   channel="CSTREAK"))
    assert "*dee* · streak *1*" in theirs
    unnamed = text_of(await command(bot, slack, "streak", "<@U3>", user="U4", channel="CSTREAK"))
    assert "*dee* · streak *1*" in unnamed  # a bare mention does not rename anybody
    assert "mention someone" in text_of(await command(bot, slack, "streak", "dee", user="U4"))


async def test_setup_by_plain_channel_name(bot, slack) -> None:
    slack.register("conversations.list", lambda call: {
        "ok": True, "channels": [{"id": "CNAMED", "name": "named-study"}],
        "response_metadata": {"next_cursor": ""}})
    saved = await command(bot, slack, "study", "setup #named-study 10:15 UTC weekdays",
                          channel="COTHER")
    assert "Saved." in text_of(saved)
    assert "10:15 UTC" in text_of(await command(bot, slack, "study", "schedule",
                                                channel="CNAMED"))
    missing = await command(bot, slack, "study", "setup #nowhere 10:15 UTC", channel="COTHER")
    assert "I can't find that channel" in text_of(missing)


async def test_competition_board_in_slack(bot, slack) -> None:
    refused = await command(bot, slack, "study", "competition start spring", user="U4",
                            channel="CCOMP")
    assert "Only workspace admins" in text_of(refused)
    started = await command(bot, slack, "study", "competition start spring 14", channel="CCOMP")
    assert "Competition spring" in text_of(started)
    assert "/leaderboard spring" in text_of(started)
    await command(bot, slack, "study", "post-now", channel="CCOMP")
    message = slack.messages("CCOMP")[-1]
    await click(bot, slack, message, "A", "U4", channel="CCOMP")
    board = await command(bot, slack, "leaderboard", "spring", user="U4", channel="CCOMP")
    assert "Competition spring" in text_of(board)
    assert "eve" in text_of(board)
    assert "no competition" not in text_of(board)
    ended = await command(bot, slack, "study", "competition end spring", channel="CCOMP")
    assert "(final)" in text_of(ended)
    assert "eve" in text_of(ended)
    listed = await command(bot, slack, "study", "competition list", user="U4", channel="CCOMP")
    assert "*Competition spring*: ended" in text_of(listed)
