"""Team competitions through the router (SQLite): groups named in the platform's syntax, people
counted for their group's team after they answer, joins, team boards and the final announcement."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest

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
class GroupHooks:
    """A platform whose group mentions look like `<g:ID|label>`."""

    groups: dict[str, set[str]] = field(default_factory=dict)  # user -> group ids
    asked: list[tuple[str, frozenset[str]]] = field(default_factory=list)

    async def is_admin(self, actor: Actor) -> bool:
        return actor.user_id == "ada"

    def looks_like_channel(self, word: str) -> bool:
        return word.startswith("#")

    async def find_channel(self, here: ChannelRef, text: str) -> ChannelRef | None:
        return None

    async def find_user(self, actor: Actor, text: str) -> Actor | None:
        return None

    def parse_group(self, word: str) -> tuple[str, str] | None:
        if not (word.startswith("<g:") and word.endswith(">")):
            return None
        group, _, label = word[3:-1].partition("|")
        return group, label

    async def groups_of(self, actor: Actor, candidates: set[str]) -> set[str]:
        self.asked.append((actor.user_id, frozenset(candidates)))
        return self.groups.get(actor.user_id, set()) & candidates


@dataclass
class Bot:
    router: Router
    platform: FakePlatform
    hooks: GroupHooks
    service: StudyService

    def context(self, user: str) -> Context:
        return Context(Actor("slack", "T1", user, user), CHANNEL, self.hooks)

    async def say(self, user: str, line: str) -> Reply:
        name, _, text = line.lstrip("/").partition(" ")
        return await self.router.text(self.context(user), name, text)

    async def answer(self, user: str, right: bool = True) -> Reply:
        [*_, card] = self.platform.messages.values()
        choice = self.service.catalog.questions[card.question_id].correct_index
        button = interactions.encode(interactions.Answer(card.post_id, choice if right else
                                                         (choice + 1) % 3))
        reply = await self.router.click(self.context(user), button)
        await self.router.settle()
        return reply


@pytest.fixture
async def bot(sqlite_database: Database, engine_catalog: Catalog, engine_index: SearchIndex,
              clock: FakeClock) -> AsyncIterator[Bot]:
    service = StudyService(sqlite_database, engine_catalog, engine_index, clock)
    platform = FakePlatform()
    async with router_on(service, platform) as router:
        yield Bot(router, platform, GroupHooks(), service)


async def test_answering_counts_people_for_the_first_listed_group_they_are_in(bot: Bot) -> None:
    bot.hooks.groups = {"bob": {"S2", "S1"}, "cy": {"S2"}}
    started = await bot.say("ada", "/study competition start cup 3 teams: <g:S1|@sre> "
                                   "<g:S2|@dev> blue best: 2 topics: k8s")
    assert "Teams: @sre, @dev, blue (the best 2 of each count). Topics: k8s." in shown(started)
    await bot.say("ada", "/study post-now k8s.q.two")
    await bot.answer("bob")
    await bot.answer("cy", right=False)
    await bot.answer("dee")  # in no group: no team
    assert bot.hooks.asked == [(user, frozenset({"S1", "S2"})) for user in ("bob", "cy", "dee")]
    board = shown(await bot.say("dee", "/leaderboard cup"))
    assert "Teams (the best 2 of each team count)" in board
    assert "1. @sre — 15 pts (1 counted · bob 15)" in board
    assert "2. @dev — 0 pts (1 counted · cy 0)" in board
    assert "3. blue — 0 pts (0 counted)" in board
    # Placed once: the next answer asks nothing for bob; dee is asked again (he may join a group).
    bot.hooks.asked.clear()
    await bot.say("ada", "/study post-now k8s.q.one")
    await bot.answer("bob")
    await bot.answer("dee")
    assert bot.hooks.asked == [("dee", frozenset({"S1", "S2"}))]


async def test_join_by_name_and_one_teams_board(bot: Bot) -> None:
    await bot.say("ada", "/study competition start cup 3 teams: red blue")
    joined = await bot.say("bob", "/study team join Blue")
    assert "You are in team blue for cup." in shown(joined)
    final = await bot.say("bob", "/study team join red")
    assert "You chose team blue for cup already; a choice is final." in shown(final)
    await bot.say("ada", "/study post-now k8s.q.three")
    await bot.answer("bob")
    blue = shown(await bot.say("bob", "/leaderboard cup team: blue"))
    assert "blue: 20 pts, rank 1 of the teams; its best 5 count." in blue
    assert "1. bob — 20 pts (1/1 correct) ✓" in blue
    refused = shown(await bot.say("bob", "/study team join green"))
    assert "no running competition has that team; teams: blue, red" in refused
    assert "no competition with teams is running" not in refused


async def test_no_group_competition_costs_an_answer_nothing(bot: Bot) -> None:
    await bot.say("ada", "/study competition start plain 3 teams: red")  # named teams only
    await bot.say("ada", "/study post-now k8s.q.two")
    await bot.answer("bob")
    await bot.answer("cy")
    assert bot.hooks.asked == []
    assert not bot.service.may_have_group_teams(Actor("slack", "T1", "bob", "bob"))


async def test_an_admin_end_announces_the_winners_where_it_started(bot: Bot) -> None:
    bot.hooks.groups = {"bob": {"S1"}, "cy": {"S2"}}
    await bot.say("ada", "/study competition start cup 3 teams: <g:S1|@sre> <g:S2|@dev>")
    await bot.say("ada", "/study post-now k8s.q.two")
    await bot.answer("bob")
    await bot.answer("cy", right=False)
    ended = await bot.say("ada", "/study competition end cup")
    assert "(final)" in shown(ended)
    [(view, board)] = bot.platform.final_boards
    assert view.channel_id == "C1"
    assert [t.name for t in board.teams] == ["@sre", "@dev"]
    refused = await bot.say("ada", "/study competition end cup")
    assert refused.tone == "error"
    assert len(bot.platform.final_boards) == 1
