"""The router over the real service (SQLite): one place where text becomes a use case, errors
become words and clicks become answers, the same for every platform."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

from bot import metrics
from bot.catalog.catalog import Catalog
from bot.catalog.search.index import SearchIndex
from bot.chat import interactions
from bot.chat.context import Context
from bot.chat.reply import Reply
from bot.chat.router import Router
from bot.service.study import StudyService
from bot.service.views import Actor, ChannelRef
from bot.store.database import Database
from tests.support.chat_router import router_on, shown
from tests.support.clock import FakeClock
from tests.support.fake_platform import FakePlatform

CHANNEL = ChannelRef("slack", "T1", "C1", "general")


@dataclass
class Hooks:
    admins: set[str] = field(default_factory=lambda: {"ada"})
    asked: list[str] = field(default_factory=list)

    async def is_admin(self, actor: Actor) -> bool:
        self.asked.append(actor.user_id)
        return actor.user_id in self.admins

    def looks_like_channel(self, word: str) -> bool:
        return word.startswith("#")

    async def find_channel(self, here: ChannelRef, text: str) -> ChannelRef | None:
        return ChannelRef(here.platform, here.workspace_id, "C2", "ops") if text == "#ops" else None

    async def find_user(self, actor: Actor, text: str) -> Actor | None:
        return Actor(actor.platform, actor.workspace_id, text[1:], "") if text.startswith("@") else None


@dataclass
class Bot:
    router: Router
    platform: FakePlatform
    hooks: Hooks
    service: StudyService

    def context(self, user: str, shared_screen: bool = False) -> Context:
        return Context(Actor("slack", "T1", user, user), CHANNEL, self.hooks, shared_screen)

    async def say(self, user: str, line: str) -> Reply:
        name, _, text = line.lstrip("/").partition(" ")
        return await self.router.text(self.context(user), name, text)


@pytest.fixture
async def bot(sqlite_database: Database, engine_catalog: Catalog, engine_index: SearchIndex,
              clock: FakeClock) -> AsyncIterator[Bot]:
    service = StudyService(sqlite_database, engine_catalog, engine_index, clock)
    platform = FakePlatform()
    async with router_on(service, platform) as router:
        yield Bot(router, platform, Hooks(), service)


async def test_admin_commands_ask_the_platform_and_others_do_not(bot: Bot) -> None:
    refused = await bot.say("bob", "/study setup 09:00 UTC")
    assert "Only workspace admins can change the study schedule." in shown(refused)
    assert bot.hooks.asked == ["bob"]
    await bot.say("bob", "/leaderboard")
    await bot.say("bob", "/study schedule")
    assert bot.hooks.asked == ["bob"]  # no admin lookup for commands anyone may run
    saved = await bot.say("ada", "/study setup #ops 09:00 Europe/London daily k8s")
    assert "Saved. Schedule (active) for #ops: 09:00 Europe/London, daily; k8s." in shown(saved)


async def test_text_and_typed_options_reach_the_same_use_case(bot: Bot) -> None:
    typed = await bot.router.invoke(bot.context("ada"), ("study", "setup"), {
        "channel": ChannelRef("slack", "T1", "C2", "ops"), "time": "09:00",
        "timezone": "Europe/London", "days": "daily", "topics": ("k8s",)})
    text = await bot.say("ada", "/study setup #ops 09:00 Europe/London daily k8s")
    assert shown(typed) == shown(text)


async def test_errors_become_specific_words_and_nothing_changes(bot: Bot) -> None:
    for line, expected in [
        ("/study setup 25:00 UTC", "Invalid time '25:00'"),
        ("/study setup 09:00 Europe", "Invalid timezone 'Europe'"),
        ("/study setup #nowhere 09:00 UTC", "I can't find that channel"),
        ("/study launch", "unknown subcommand 'launch'"),
        ("/nonsense", "Unknown command /nonsense."),
        ("/leaderboard decade", "Invalid period 'decade'"),
        ("/streak ada", "mention someone"),
        ("/quiz astrology", "Unknown topic 'astrology'. Topics: k8s, linux."),
        ("/study post-now k8s.q.nope", "There is no question with id 'k8s.q.nope'."),
    ]:
        assert expected in shown(await bot.say("ada", line)), line
    assert "no study schedule yet" in shown(await bot.say("ada", "/study schedule"))


async def test_a_failure_is_sorry_without_a_trace_and_is_counted(bot: Bot, caplog) -> None:
    async def broken(*_: object, **__: object) -> None:
        raise RuntimeError("database exploded: password=hunter2")

    bot.service.leaderboard = broken  # type: ignore[method-assign]
    before = metrics.COMMANDS.labels("slack", "leaderboard", "failed")._value.get()
    reply = await bot.say("bob", "/leaderboard")
    assert "Sorry, something went wrong" in shown(reply)
    assert "hunter2" not in shown(reply)
    assert "Traceback" not in shown(reply)
    assert metrics.COMMANDS.labels("slack", "leaderboard", "failed")._value.get() == before + 1
    # The operator gets one "error" event saying what failed where, with its traceback.
    [error] = [r for r in caplog.records if r.getMessage() == "error"]
    assert (error.command, error.platform, error.workspace, error.channel, error.user) == (
        "leaderboard", "slack", "T1", "C1", "bob")
    assert error.exc_info is not None


async def test_clicks_answer_once_and_feed_the_tally(bot: Bot) -> None:
    posted = await bot.say("ada", "/study post-now k8s.q.two")
    assert "Posted `k8s.q.two`" in posted.body
    [card] = bot.platform.messages.values()
    answer = interactions.encode(interactions.Answer(card.post_id, 0))
    first = await bot.router.click(bot.context("bob"), answer)
    assert first.title == "Correct!"
    assert "+15 points" in first.lead
    again = await bot.router.click(bot.context("bob"), answer)
    assert "You already answered **A**; it was counted once." in again.subtitle
    await bot.router.tally.flush()
    assert bot.platform.tallies == [(card.post_id, 1)]


async def test_on_a_shared_screen_private_replies_name_the_person(bot: Bot) -> None:
    await bot.say("ada", "/study post-now k8s.q.two")
    reply = await bot.router.answer_letter(bot.context("cy", shared_screen=True), "b")
    assert reply.title == "Not quite, cy"
    assert shown(reply).startswith("Not quite, cy\nyou chose B; the answer is A) ReplicaSets.")


async def test_forged_clicks_are_refused(bot: Bot) -> None:
    for name, payload in [("studybot.answer.999999.0", ""), ("studybot.answer.x.0", ""),
                          ("studybot.share", "k8s.nope"), ("evil", "")]:
        reply = await bot.router.click(bot.context("bob"), interactions.ButtonId(name, payload))
        assert reply.tone == "error", name
        assert reply.ephemeral


async def test_another_practice_question_keeps_the_filter_the_user_asked_for(bot: Bot) -> None:
    # The old button narrowed practice to the last question's topic.
    anything = await bot.say("bob", "/quiz")
    result = await bot.router.click(bot.context("bob"), anything.buttons[0].id)
    [again] = result.buttons
    assert interactions.decode(again.id.name, again.id.payload) == interactions.NextPractice(None)
    linux = await bot.say("bob", "/quiz linux")
    result = await bot.router.click(bot.context("bob"), linux.buttons[0].id)
    [again] = result.buttons
    assert interactions.decode(again.id.name, again.id.payload) == interactions.NextPractice("linux")
    following = await bot.router.click(bot.context("bob"), again.id)
    assert following.replaces
    assert "Linux" in following.subtitle


async def test_share_posts_the_entry_publicly_in_place_of_the_private_one(bot: Bot) -> None:
    found = await bot.say("bob", "/k8s crashloop")
    [share] = found.buttons
    shared = await bot.router.click(bot.context("bob"), share.id)
    assert not shared.ephemeral
    assert shared.replaces
    assert shared.title == "Pod in CrashLoopBackOff"
    assert "Shared by <@bob>" in shared.context
