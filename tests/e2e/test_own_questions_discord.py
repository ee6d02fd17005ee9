"""The team's own questions on Discord, through the real `studybot run --platform discord` process
and the fake Discord: the form is a modal (callback type 9) submitted as MODAL_SUBMIT; a refused
one is answered privately with an "Edit again" button that opens the modal filled in as typed;
an admin reviews with buttons, the author gets a direct message, and the question is posted and
answered."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.bot_process import BotProcess
from tests.support.discord import permissions
from tests.support.discord.bot import start_discord_bot
from tests.support.discord.guilds import Channel, Guild, Member
from tests.support.discord.server import FakeDiscord
from tests.support.discord.validation import TEXT_INPUT, walk

QUESTION = {
    "prompt": "Which dashboard shows our checkout latency?",
    "choices": "Grafana: Checkout SLO\nKibana: Discover\nThe AWS console",  # no key marked
    "explanation": "The Checkout SLO board has p99 latency next to the error budget.",
    "topic": "observe: Our observability",
}
QUESTION_ID = "observe.q.dashboard-shows-checkout-latency"


@pytest.fixture(scope="module")
async def discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as fake:
        yield fake


@pytest.fixture(scope="module")
async def guild(discord: FakeDiscord) -> Guild:
    return discord.add_guild("acme", channels=("general",))


@pytest.fixture(scope="module")
async def admin(guild: Guild) -> Member:
    return guild.add_member("ada", global_name="Ada", permissions=permissions.MANAGE_GUILD)


@pytest.fixture(scope="module")
async def bea(guild: Guild) -> Member:
    return guild.add_member("bea", global_name="Bea")


@pytest.fixture(scope="module")
async def bot(discord: FakeDiscord, guild: Guild, admin: Member, bea: Member,
              tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotProcess]:
    process = await start_discord_bot(tmp_path_factory.mktemp("discord-own"), discord, [guild.id])
    await discord.wait_for_sessions()
    yield process
    await process.stop()
    assert "Traceback" not in process.log()


def inputs(modal: dict) -> dict[str, dict]:
    return {c["custom_id"]: c for c in walk(modal["components"]) if c.get("type") == TEXT_INPUT}


def button(message, label: str) -> str:
    return next(b["custom_id"] for b in message.buttons() if b["label"] == label)


async def test_propose_in_a_modal_review_post_and_answer(bot, discord, guild, admin, bea) -> None:
    general: Channel = guild.channel("general")
    # A member opens the form: the first response to the command is the modal itself.
    opened = await discord.slash("study question add", user=bea, channel=general,
                                 override_permissions=True)
    modal = await opened.modal()
    assert (await opened.callback()).type == 9
    assert modal["title"] == "Propose a question"
    assert list(inputs(modal)) == ["prompt", "choices", "explanation", "topic", "difficulty"]

    # No choice marked right: Discord cannot show it in the modal, so a private reply says
    # what to fix, and keeps what was typed behind "Edit again".
    refused = await (await discord.submit_modal(opened, QUESTION)).reply()
    assert refused.ephemeral
    assert "Not saved yet" in refused.text()
    assert "Choices" in refused.text()
    assert "*" in refused.text()
    again = await discord.click(refused, button(refused, "Edit again"), user=bea)
    filled = inputs(await again.modal())
    assert filled["prompt"]["value"] == QUESTION["prompt"]
    assert filled["choices"]["value"] == QUESTION["choices"]
    assert filled["topic"]["value"] == QUESTION["topic"]

    fixed = QUESTION | {"choices": "* Grafana: Checkout SLO\nKibana: Discover\nThe AWS console"}
    thanks = await (await discord.submit_modal(again, fixed)).reply()
    assert thanks.ephemeral
    assert "Your question is proposed" in thanks.text()
    assert QUESTION_ID in thanks.text()
    assert "Our observability" in thanks.text()

    # The admin reviews: Approve goes on in place, and Bea gets a direct message.
    review = await (await discord.slash("study question review", user=admin,
                                        channel=general)).reply()
    assert review.ephemeral
    assert "Review 1 of 1" in review.text()
    assert "Bea" in review.text()
    assert [b["label"] for b in review.buttons()] == ["Approve", "Edit", "Reject"]
    approved = await (await discord.click(review, button(review, "Approve"), user=admin)).reply()
    assert f"Approved `{QUESTION_ID}`" in approved.text()
    assert "No proposed question is waiting" in approved.text()
    await discord.wait_until(lambda: discord.direct_messages(bea), what="a direct message")
    [told] = discord.direct_messages(bea)
    assert "Your question was approved" in told.text()
    assert QUESTION_ID in told.text()
    assert not told.pings

    # Posted by id, answered with its button like any question.
    posted = await (await discord.slash("study post-now", user=admin, channel=general,
                                        options={"question": QUESTION_ID})).reply()
    assert f"Posted `{QUESTION_ID}`" in posted.text()
    [post] = [m for m in discord.messages(general.id) if QUESTION_ID in m.text()]
    assert "Grafana: Checkout SLO" in post.text()
    right = next(b["custom_id"] for b in post.buttons() if b["label"] == "A")
    verdict = await (await discord.click(post, right, user=bea)).reply()
    assert verdict.ephemeral
    assert "Correct" in verdict.text()
    assert "error budget" in verdict.text()
