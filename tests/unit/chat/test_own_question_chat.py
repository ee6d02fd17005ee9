"""The team's own questions in the chat layer, over the real service (SQLite): the one form, its
submission through the router (a refused one keeps what was typed), review clicks, the author
told, and the `bank:` keyword of `/study setup`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot import errors
from bot.bootstrap import registry_for
from bot.catalog.catalog import Catalog
from bot.catalog.search.index import SearchIndex
from bot.chat import interactions, replies
from bot.chat.commands import split_words
from bot.chat.context import Context
from bot.chat.reply import Reply
from bot.chat.router import Router
from bot.platforms.discord import forms as discord_forms
from bot.service.study import StudyService
from bot.service.views import Actor, ChannelRef
from bot.store.database import Database
from tests.support.chat_router import router_on, shown
from tests.support.clock import FakeClock
from tests.support.discord.validation import check_modal
from tests.support.fake_platform import FakePlatform

CHANNEL = ChannelRef("slack", "T1", "C1", "general")
GOOD = {"prompt": "Which script rolls back our deploy?",
        "choices": "* ./rollback.sh\n./deploy.sh --undo", "explanation": "Runbook step 1.",
        "topic": "runbooks: Our runbooks", "difficulty": ""}


@dataclass
class Hooks:
    told: list[tuple[str, Reply]] = field(default_factory=list)

    async def is_admin(self, actor: Actor) -> bool:
        return actor.user_id == "ada"

    def looks_like_channel(self, word: str) -> bool:
        return word.startswith("#")

    async def find_channel(self, here: ChannelRef, text: str) -> ChannelRef | None:
        return None

    async def find_user(self, actor: Actor, text: str) -> Actor | None:
        return None

    async def tell(self, person: Actor, reply: Reply) -> bool:
        self.told.append((person.user_id, reply))
        return True


@dataclass
class Chat:
    router: Router
    hooks: Hooks

    def context(self, user: str) -> Context:
        return Context(Actor("slack", "T1", user, user), CHANNEL, self.hooks)


@pytest.fixture
async def chat(sqlite_database: Database, engine_catalog: Catalog, engine_index: SearchIndex,
               clock: FakeClock) -> AsyncIterator[Chat]:
    service = StudyService(sqlite_database, engine_catalog, engine_index, clock)
    async with router_on(service, FakePlatform()) as router:
        yield Chat(router, Hooks())


def buttons(reply: Reply) -> dict[str, interactions.ButtonId]:
    return {b.label: b.id for b in reply.buttons}


async def test_the_add_command_opens_the_one_form(chat: Chat) -> None:
    reply = await chat.router.text(chat.context("bea"), "study", "question add")
    assert reply.form is not None
    assert [f.name for f in reply.form.fields] == ["prompt", "choices", "explanation", "topic",
                                                   "difficulty"]
    assert reply.form.id.custom_id == "studybot.form.question"
    # Discord's limits, with every field filled to its maximum.
    full = reply.form.filled({f.name: "x" * f.max_length for f in reply.form.fields})
    check_modal(discord_forms.modal(full).to_dict())


async def test_a_refused_form_keeps_what_was_typed(chat: Chat) -> None:
    typed = GOOD | {"choices": "./rollback.sh\n./deploy.sh --undo"}
    refused = await chat.router.submit(chat.context("bea"), "studybot.form.question", typed)
    assert [name for name, _ in refused.field_errors] == ["choices"]
    assert refused.form is not None
    assert {f.name: f.value for f in refused.form.fields} == typed
    assert "Choices:" in shown(refused)
    reopened = await chat.router.click(chat.context("bea"), buttons(refused)["Edit again"])
    assert reopened.form is not None
    assert {f.name: f.value for f in reopened.form.fields} == typed
    # Someone else's draft does not open.
    theirs = await chat.router.click(chat.context("cy"), buttons(refused)["Edit again"])
    assert theirs.form is None
    assert "no longer kept" in shown(theirs)


async def test_review_clicks_and_the_author_is_told(chat: Chat) -> None:
    proposed = await chat.router.submit(chat.context("bea"), "studybot.form.question", GOOD)
    assert "Your question is proposed" in shown(proposed)
    review = await chat.router.text(chat.context("ada"), "study", "question review")
    assert list(buttons(review)) == ["Approve", "Edit", "Reject"]
    # A member cannot press an admin's buttons (a forwarded or forged click).
    refused = await chat.router.click(chat.context("bea"), buttons(review)["Approve"])
    assert "Only workspace admins" in shown(refused)
    edit = await chat.router.click(chat.context("ada"), buttons(review)["Edit"])
    assert edit.form is not None
    assert edit.form.title == "Edit a question"
    approved = await chat.router.click(chat.context("ada"), buttons(review)["Approve"])
    assert approved.replaces
    assert "Approved" in shown(approved)
    [(who, notice)] = chat.hooks.told
    assert who == "bea"
    assert "Your question was approved" in shown(notice)
    again = await chat.router.click(chat.context("ada"), buttons(review)["Reject"])
    assert "is already approved" in shown(again)


async def test_a_forged_form_id_changes_nothing(chat: Chat) -> None:
    reply = await chat.router.submit(chat.context("bea"), "studybot.form.other", GOOD)
    assert reply.tone == "error"
    assert not reply.field_errors
    review = await chat.router.text(chat.context("ada"), "study", "question review")
    assert "No proposed question is waiting" in shown(review)


def test_bank_is_typed_by_name_anywhere_after_the_command(engine_catalog: Catalog) -> None:
    registry = registry_for(engine_catalog)
    command, words, raw = registry.find("study", "setup 09:00 UTC bank:own k8s linux")
    args = command.parse(words, raw, Hooks())
    assert (args["bank"], args["topics"], args["timezone"]) == ("own", ("k8s", "linux"), "UTC")
    command, words, raw = registry.find("study", "setup bank:BUNDLED 09:00 UTC daily")
    assert command.parse(words, raw, Hooks())["bank"] == "bundled"
    with pytest.raises(errors.InvalidInput, match="choose both, bundled, own"):
        command.parse(split_words("09:00 UTC bank:theirs"), "09:00 UTC bank:theirs", Hooks())
    assert "[bank: both|bundled|own]" in command.usage


def test_the_question_form_fits_every_platform() -> None:
    form = replies.question_form("runbooks.q.a", {"prompt": "P"})
    assert form.title == "Edit a question"
    assert form.fields[0].value == "P"
    assert interactions.decode_custom_id(form.id.custom_id) == interactions.QuestionForm("runbooks.q.a")
