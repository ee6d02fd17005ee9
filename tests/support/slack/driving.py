"""Driving a running Slack bot as Slack would: signed commands and clicks, and what came back."""

from __future__ import annotations

import time

from tests.support.bot_process import BotProcess
from tests.support.slack.bot import SECRET
from tests.support.slack.fake import FakeSlack, Json
from tests.support.slack.requests import block_actions, post_signed, slash_command

TEAM = "T0TEST"  # the fake's default workspace for any xoxb- token


def command_body(slack: FakeSlack, name: str, text: str, *, user: str = "UADMIN",
                 channel: str = "C1", team: str = TEAM, user_name: str | None = None,
                 tag: str | None = None) -> tuple[bytes, str]:
    """A slash command's signed-to-be body, and the response_url tag its reply will carry."""
    tag = tag or f"{name}-{time.monotonic_ns()}"
    body = slash_command(command=f"/{name}", text=text, team_id=team, channel_id=channel,
                         user_id=user,
                         user_name=user_name or slack.users.get(user, {}).get("name", user),
                         channel_name=f"chan-{channel.lower()}", response_url=slack.response_url(tag))
    return body, tag


async def command(bot: BotProcess, slack: FakeSlack, name: str, text: str, *, user: str = "UADMIN",
                  channel: str = "C1", team: str = TEAM, user_name: str | None = None,
                  timeout: float = 10) -> Json:  # noqa: ASYNC109
    """Send a signed slash command; return the private reply (one Slack accepted)."""
    body, tag = command_body(slack, name, text, user=user, channel=channel, team=team,
                             user_name=user_name)
    status, _ = await post_signed(bot.events, SECRET, body)
    assert status == 200
    [reply] = await slack.wait_for("response_url", tag=tag, timeout=timeout)
    return reply


def click_body(slack: FakeSlack, message: Json, letter: str, user: str, *, channel: str = "C1",
               team: str = TEAM) -> bytes:
    """The body of a click on the button `letter` of a posted question."""
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    button = next(e for e in actions["elements"] if e["text"]["text"] == letter)
    return block_actions(team_id=team, user_id=user, channel_id=channel,
                         action_id=button["action_id"], value=button["value"],
                         block_id=actions["block_id"], message_ts=message["ts"], message=message,
                         user_name=slack.users.get(user, {}).get("name", user.lower()),
                         response_url=slack.response_url(f"click-{time.monotonic_ns()}"))


async def click(bot: BotProcess, slack: FakeSlack, message: Json, letter: str, user: str, *,
                channel: str = "C1", team: str = TEAM) -> Json:
    """Click a button of a posted question; return the private reply (one Slack accepted)."""
    before = len(slack.calls_to("chat.postEphemeral"))
    status, _ = await post_signed(bot.events, SECRET,
                                  click_body(slack, message, letter, user, channel=channel, team=team))
    assert status == 200
    replies = await slack.wait_for("chat.postEphemeral", count=before + 1, timeout=10)
    [reply] = [r for r in replies[before:] if r["user"] == user][:1]
    return reply


def ephemerals_to(slack: FakeSlack, user: str) -> list[Json]:
    """The private replies Slack accepted for one person."""
    return [r for r in slack.calls_to("chat.postEphemeral") if r.get("user") == user]
