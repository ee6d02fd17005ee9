"""What people see on Slack, through the real process: bugs that each rendering path had."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import pytest

from tests.support.slack.bot import SECRET, BotProcess, start_bot
from tests.support.slack.fake import FakeSlack
from tests.support.slack.reading import CATALOG, text_of
from tests.support.slack.requests import block_actions, post_signed, slash_command

TEAM = "T0TEST"
ITALIC = re.compile(r"(?<![*\w])\*(?P<word>[A-Za-z][A-Za-z ]*[A-Za-z])\*(?![*\w])")


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("UADMIN", name="ada", is_admin=True)
        fake.add_user("U1", name="bea")
        yield fake


@pytest.fixture(scope="module")
async def bot(slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotProcess]:
    process = await start_bot(tmp_path_factory.mktemp("slack-replies"), slack.api_url)
    yield process
    await process.stop()


async def command(bot: BotProcess, slack: FakeSlack, name: str, text: str, user: str = "UADMIN",
                  channel: str = "C1") -> dict:
    tag = f"{name}-{time.monotonic_ns()}"
    body = slash_command(command=f"/{name}", text=text, team_id=TEAM, channel_id=channel,
                         user_id=user, response_url=slack.response_url(tag))
    assert (await post_signed(bot.events, SECRET, body))[0] == 200
    [reply] = await slack.wait_for("response_url", tag=tag, timeout=10)
    return reply


async def press(bot: BotProcess, slack: FakeSlack, button: dict, user: str = "U1") -> dict:
    """Press a button on a private (ephemeral) message; return what replaced it."""
    tag = f"press-{time.monotonic_ns()}"
    body = block_actions(team_id=TEAM, user_id=user, channel_id="C1", action_id=button["action_id"],
                         value=button["value"], block_id="b", message_ts="1.1",
                         response_url=slack.response_url(tag), is_ephemeral=True,
                         button_text=button["text"]["text"])
    assert (await post_signed(bot.events, SECRET, body))[0] == 200
    [reply] = await slack.wait_for("response_url", tag=tag, timeout=10)
    return reply


def buttons(reply: dict) -> list[dict]:
    return [e for b in reply.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


async def test_content_italics_are_italic_not_bold(bot, slack) -> None:
    entry = next(e for e in CATALOG.entries.values() if ITALIC.search(e.body))
    word = ITALIC.search(entry.body)["word"]
    shown = text_of(await command(bot, slack, "lookup", entry.id))
    assert f"_{word}_" in shown
    assert f"*{word}*" not in shown


async def test_an_extra_question_is_not_announced_as_the_question_of_the_day(bot, slack) -> None:
    await command(bot, slack, "study", "post-now", channel="CEXTRA")
    await command(bot, slack, "study", "post-now", channel="CEXTRA")
    first, second = slack.messages("CEXTRA")
    assert first["text"].startswith("Question of the day: ")
    assert second["text"].startswith("Extra question: ")


async def test_another_practice_question_is_not_narrowed_to_the_last_topic(bot, slack) -> None:
    reply = await command(bot, slack, "quiz", "", user="U1")
    topics = []
    for _ in range(6):
        question_id = buttons(reply)[0]["value"]
        topics.append(CATALOG.topic_of[question_id])
        result = await press(bot, slack, buttons(reply)[0])
        [another] = buttons(result)
        assert another["text"]["text"] == "Another one"
        reply = await press(bot, slack, another)
    assert len(set(topics)) > 1, topics  # practice over every topic stays over every topic
    narrowed = await command(bot, slack, "quiz", "linux", user="U1")
    result = await press(bot, slack, buttons(narrowed)[0])
    following = await press(bot, slack, buttons(result)[0])
    assert CATALOG.topic_of[buttons(following)[0]["value"]] == "linux"
