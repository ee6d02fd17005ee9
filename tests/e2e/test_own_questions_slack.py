"""The team's own questions on Slack, through the real `studybot run` process and the fake Web API:
a member proposes one in a modal (views.open), a refused field is answered inside the modal
(`response_action: errors`), an admin reviews it with buttons (Edit opens the modal filled in,
Approve tells the author in a direct message), and the question is posted and answered."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest

from tests.support.slack.bot import SECRET, BotProcess, start_bot
from tests.support.slack.fake import FakeSlack
from tests.support.slack.reading import text_of
from tests.support.slack.requests import (
    block_actions,
    post_signed,
    slash_command,
    view_submission,
)

TEAM = "T0TEST"
ADMIN, MEMBER = "UADMIN", "U1"
NAMES = {ADMIN: "ada", MEMBER: "bea"}
QUESTION = {
    "prompt": "A deploy broke checkout. What do we run first?",
    "choices": "./rollback.sh\n./deploy.sh --force\nkubectl delete ns prod",  # no key marked
    "explanation": "Our runbook: roll back first, read the logs after.",
    "topic": "runbooks: Our runbooks",
    "difficulty": "1",
}


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user(ADMIN, name="ada", is_admin=True)
        fake.add_user(MEMBER, name="bea")
        yield fake


@pytest.fixture(scope="module")
async def bot(slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotProcess]:
    process = await start_bot(tmp_path_factory.mktemp("slack-own"), slack.api_url)
    yield process
    await process.stop()


async def command(bot: BotProcess, slack: FakeSlack, text: str, user: str,
                  name: str = "study") -> dict | None:
    """A slash command; its reply through response_url, or None when it opened a modal."""
    tag = f"cmd-{time.monotonic_ns()}"
    opened = len(slack.opened_views)
    body = slash_command(command=f"/{name}", text=text, team_id=TEAM, channel_id="C1",
                         channel_name="general", user_id=user, user_name=NAMES[user],
                         response_url=slack.response_url(tag))
    assert (await post_signed(bot.events, SECRET, body))[0] == 200
    for _ in range(200):
        if slack.calls_to("response_url", tag=tag):
            return slack.calls_to("response_url", tag=tag)[0]
        if len(slack.opened_views) > opened:
            return None
        await asyncio.sleep(0.05)
    raise AssertionError(f"no reply to /{name} {text}")


async def submit(bot: BotProcess, view: dict, values: dict[str, str], user: str) -> dict | None:
    """Submit the modal; Slack's answer to the submission (None: the modal just closes)."""
    body = view_submission(team_id=TEAM, user_id=user, view=view, values=values,
                           user_name=NAMES[user])
    status, text = await post_signed(bot.events, SECRET, body)
    assert status == 200, text
    return json.loads(text) if text else None


async def press(bot: BotProcess, slack: FakeSlack, button: dict, user: str) -> str:
    """Press a button of a private message; the response_url tag its answer goes to."""
    tag = f"press-{time.monotonic_ns()}"
    body = block_actions(team_id=TEAM, user_id=user, channel_id="C1", action_id=button["action_id"],
                         value=button["value"], block_id="b", message_ts="1.1",
                         response_url=slack.response_url(tag), is_ephemeral=True,
                         button_text=button["text"]["text"], user_name=NAMES[user])
    assert (await post_signed(bot.events, SECRET, body))[0] == 200
    return tag


def buttons(message: dict) -> dict[str, dict]:
    return {e["text"]["text"]: e for b in message.get("blocks") or [] if b["type"] == "actions"
            for e in b["elements"]}


async def test_propose_review_post_and_answer_a_question_of_our_own(bot, slack) -> None:
    # A member opens the form: a modal with the five fields.
    assert await command(bot, slack, "question add", MEMBER) is None
    [opened] = await slack.wait_for("views.open")
    form = slack.opened_views[-1]
    assert opened["trigger_id"]
    assert form["title"]["text"] == "Propose a question"
    assert [b["block_id"] for b in form["blocks"] if b["type"] == "input"] == [
        "prompt", "choices", "explanation", "topic", "difficulty"]

    # No choice marked right: answered inside the modal, on that field only.
    refused = await submit(bot, form, QUESTION, MEMBER)
    assert refused is not None
    assert refused["response_action"] == "errors"
    assert list(refused["errors"]) == ["choices"]
    assert "*" in refused["errors"]["choices"]
    assert not slack.ephemerals  # nothing was said in the channel

    fixed = QUESTION | {"choices": "* ./rollback.sh\n./deploy.sh --force\nkubectl delete ns prod"}
    assert await submit(bot, form, fixed, MEMBER) is None  # the modal closes
    await slack.wait_for("chat.postEphemeral")
    [thanks] = [e for e in slack.ephemerals if e["user"] == MEMBER]
    assert thanks["channel"] == "C1"
    assert "proposed" in thanks["text"]
    question_id = "runbooks.q.deploy-broke-checkout-run-first"
    assert question_id in text_of(thanks)

    # Only admins review.
    refused_review = await command(bot, slack, "question review", MEMBER)
    assert "Only workspace admins" in text_of(refused_review)

    review = await command(bot, slack, "question review", ADMIN)
    assert "Review 1 of 1" in text_of(review)
    assert "Proposed by bea" in text_of(review)
    assert list(buttons(review)) == ["Approve", "Edit", "Reject"]

    # Edit opens the same modal, filled in; the admin changes the explanation.
    await press(bot, slack, buttons(review)["Edit"], ADMIN)
    await slack.wait_for("views.open", count=2)
    edit = slack.opened_views[-1]
    filled = {b["block_id"]: b["element"].get("initial_value") for b in edit["blocks"]
              if b["type"] == "input"}
    assert filled["prompt"] == QUESTION["prompt"]
    assert filled["topic"] == "runbooks"
    assert filled["choices"].startswith("* ./rollback.sh")
    edited = filled | {"explanation": "Roll back first (runbook step 1); read the logs after."}
    assert await submit(bot, edit, edited, ADMIN) is None
    await slack.wait_for("chat.postEphemeral", count=2)
    assert "Saved" in slack.ephemerals[-1]["text"]

    # Approve: the review goes on in place, and the author is told in a direct message.
    review = await command(bot, slack, "question review", ADMIN)
    tag = await press(bot, slack, buttons(review)["Approve"], ADMIN)
    [approved] = await slack.wait_for("response_url", tag=tag, timeout=10)
    assert approved["replace_original"]
    assert f"Approved `{question_id}`" in text_of(approved)
    assert "No proposed question is waiting" in text_of(approved)
    [told] = [m for m in await slack.wait_for("chat.postMessage") if m["channel"] == MEMBER]
    assert "Your question was approved" in told["text"]
    assert question_id in text_of(told)
    assert "by ada" in text_of(told)

    # Posted by id and answered like any question; it scores by its difficulty (1: 10 points).
    posted = await command(bot, slack, f"post-now {question_id}", ADMIN)
    assert f"Posted `{question_id}`" in text_of(posted)
    [post] = [m for m in slack.messages("C1") if question_id in text_of(m)]
    assert "Our runbooks" in text_of(post)
    assert "./rollback.sh" in text_of(post)
    answer = next(e for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["text"]["text"] == "A")
    body = block_actions(team_id=TEAM, user_id=MEMBER, channel_id="C1",
                         action_id=answer["action_id"], value=answer["value"], block_id="b",
                         message_ts=post["ts"], response_url=slack.response_url("answer"),
                         message=slack.message("C1", post["ts"]))
    assert (await post_signed(bot.events, SECRET, body))[0] == 200
    await slack.wait_for("chat.postEphemeral", count=3)
    verdict = slack.ephemerals[-1]
    assert verdict["user"] == MEMBER
    assert "Correct" in verdict["text"]
    assert "+10 points" in text_of(verdict)
    assert "runbook step 1" in text_of(verdict)

    # A channel can study only the team's own questions.
    setup = await command(bot, slack, "setup 09:00 UTC bank:own", ADMIN)
    assert "of the team's own questions" in text_of(setup)

    # Retired: out of rotation, its post and answers stay.
    retired = await command(bot, slack, f"question retire {question_id}", ADMIN)
    assert f"Retired `{question_id}`" in text_of(retired)
    again = await command(bot, slack, f"post-now {question_id}", ADMIN)
    assert "There is no question with id" in text_of(again)
