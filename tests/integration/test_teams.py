"""Teams in competitions, topic filters and overlapping competitions, on SQLite and PostgreSQL
(whose answers take the group-commit path)."""

from __future__ import annotations

import asyncio

import pytest

from bot import errors
from bot.catalog.catalog import Catalog
from bot.catalog.search.index import SearchIndex
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.scheduler import DailyScheduler
from bot.service import Actor, ChannelRef, StudyService
from bot.service.views import Board, TeamSpec
from bot.store.database import Database, create_engine
from tests.support.clock import FakeClock
from tests.support.fake_platform import FakePlatform

CHANNEL = ChannelRef("slack", "T1", "C1", "study")
ADMIN = Actor("slack", "T1", "U-admin", "admin", is_admin=True)
# Points of a right answer by question (difficulty 1, 2, 3 -> 10, 15, 20), extra posts: no bonus.
ONE, TWO, THREE, PORT = "k8s.q.one", "k8s.q.two", "k8s.q.three", "linux.q.port"


def member(name: str) -> Actor:
    return Actor("slack", "T1", f"U-{name}", name)


async def answer(service: StudyService, who: Actor, question_id: str, right: bool = True) -> int:
    """Post the question now (an extra post after the day's first: no streak bonus) and answer
    it; the points it scored."""
    card = await service.post_now(ADMIN, CHANNEL, question_id)
    question = service.catalog.questions[question_id]
    choice = question.correct_index if right else (question.correct_index + 1) % 3
    return (await service.answer(who, card.post_id, choice)).points


def teams_of(board: Board) -> list[tuple[str, int, int]]:
    return [(t.name, t.points, t.counted) for t in board.teams]


async def test_best_n_decides_whatever_the_team_sizes(service: StudyService) -> None:
    await service.start_competition(ADMIN, CHANNEL, "cup", "7", teams=[
        TeamSpec("many"), TeamSpec("few")], best="3")
    await answer(service, member("warm-up"), ONE)  # the day's counted post; the rest are extras
    # Seven in `many` with 10 points each (70 all together), two in `few` with 20 and 15.
    for index in range(7):
        name = f"m{index}"
        assert [j.outcome for j in await service.join_team(member(name), "many")] == ["joined"]
        await answer(service, member(name), ONE)
    for name, question in (("f0", THREE), ("f1", TWO)):
        await service.join_team(member(name), "FEW")  # names in any case
        await answer(service, member(name), question)
    board = await service.leaderboard(member("f0"), "cup")
    assert teams_of(board) == [("few", 35, 2), ("many", 30, 3)]
    assert board.best == 3
    assert [(m.name, m.points) for m in board.teams[0].top] == [("f0", 20), ("f1", 15)]
    assert board.teams[0].is_callers
    assert not board.teams[1].is_callers
    assert [r.name for r in board.rows][:2] == ["f0", "f1"]  # people too
    # One team's members: all seven, the best three marked as counted by their rank.
    many = await service.leaderboard(member("m3"), "cup", team="many")
    assert many.team is not None
    assert (many.team.name, many.team.rank) == ("many", 2)
    assert len(many.rows) == 7
    assert [r.is_caller for r in many.rows].count(True) == 1
    with pytest.raises(errors.InvalidInput):
        await service.leaderboard(member("m3"), "cup", team="nobody")
    with pytest.raises(errors.InvalidInput):
        await service.leaderboard(member("m3"), "all", team="many")


async def test_a_person_in_two_groups_counts_for_the_first_listed_and_a_choice_wins(
    service: StudyService,
) -> None:
    await service.start_competition(ADMIN, CHANNEL, "groups", "7", teams=[
        TeamSpec("@sre", "S1"), TeamSpec("@dev", "S2"), TeamSpec("solo")])
    ada, bob, cy = member("ada"), member("bob"), member("cy")
    assert await service.group_team_candidates(ada) == {"S1", "S2"}
    await service.place_in_group_teams(ada, {"S1", "S2"})  # in both: the first listed
    await service.place_in_group_teams(bob, {"S2"})
    await service.place_in_group_teams(cy, set())  # in neither: no team, asked again later
    assert await service.group_team_candidates(ada) == set()  # placed: nothing more to do
    assert await service.group_team_candidates(cy) == {"S1", "S2"}
    await answer(service, ada, THREE)
    await answer(service, bob, TWO)
    await answer(service, cy, ONE)
    board = await service.leaderboard(ADMIN, "groups")
    assert teams_of(board) == [("@sre", 20, 1), ("@dev", 15, 1), ("solo", 0, 0)]
    # bob chooses another team: a choice wins over the group's team, and his points go along.
    [joined] = await service.join_team(bob, "sre")
    assert (joined.team, joined.outcome) == ("@sre", "joined")
    await service.place_in_group_teams(bob, {"S2"})  # the group cannot take him back
    assert teams_of(await service.leaderboard(ADMIN, "groups"))[:2] == [("@sre", 35, 2),
                                                                       ("@dev", 0, 0)]
    # A choice is final.
    [kept] = await service.join_team(bob, "solo")
    assert (kept.team, kept.outcome) == ("@sre", "kept")
    assert (await service.join_team(bob, "@sre"))[0].outcome == "already"
    with pytest.raises(errors.InvalidInput, match="team"):
        await service.join_team(bob, "nope")


async def test_joining_before_answering_shows_on_the_team_board(service: StudyService) -> None:
    await service.start_competition(ADMIN, CHANNEL, "early", "7", teams=[TeamSpec("red")])
    await service.join_team(member("dee"), "red")
    red = await service.leaderboard(member("dee"), "early", team="red")
    assert [(r.name, r.points) for r in red.rows] == [("dee", 0)]
    await answer(service, member("dee"), TWO)
    assert teams_of(await service.leaderboard(ADMIN, "early")) == [("red", 15, 1)]


async def test_the_dashboard_shows_a_team_competition_by_its_teams(service: StudyService) -> None:
    await service.start_competition(ADMIN, CHANNEL, "cup", "7", teams=[
        TeamSpec("red"), TeamSpec("blue")], best="1")
    await service.start_competition(ADMIN, CHANNEL, "solo", "7")
    await answer(service, member("warm-up"), ONE)
    for name, team, question in (("ann", "red", TWO), ("ben", "red", ONE), ("cat", "blue", THREE)):
        await service.join_team(member(name), team)
        await answer(service, member(name), question)
    overview = await service.team_overview("slack", "T1")
    shown = {s.competition.name: s.board for s in overview.competitions}
    assert teams_of(shown["cup"]) == [("blue", 20, 1), ("red", 15, 1)]
    assert teams_of(shown["cup"]) == teams_of(await service.leaderboard(ADMIN, "cup"))
    assert shown["cup"].best == 1
    assert not any(t.is_callers for t in shown["cup"].teams)  # a page read by the team, no one's
    assert [r.name for r in shown["cup"].rows][:3] == ["cat", "ann", "warm-up"]
    assert shown["solo"].teams == ()


async def test_only_answers_to_its_topics_count(service: StudyService) -> None:
    await service.start_competition(ADMIN, CHANNEL, "linux-week", "7", topics=["linux"])
    ada = member("ada")
    assert await answer(service, ada, ONE) == 10  # k8s: scores everywhere else
    assert await answer(service, ada, PORT) > 0  # linux
    board = await service.leaderboard(ada, "linux-week")
    assert [(r.name, r.answered) for r in board.rows] == [("ada", 1)]
    assert (await service.leaderboard(ada, "all")).rows[0].answered == 2
    [view] = await service.list_competitions(ADMIN)
    assert view.topics == ("linux",)
    with pytest.raises(errors.UnknownTopic):
        await service.start_competition(ADMIN, CHANNEL, "astro", "7", topics=["astrology"])


async def test_overlapping_competitions_each_keep_their_window_and_filter(
    service: StudyService, clock: FakeClock,
) -> None:
    await service.start_competition(ADMIN, CHANNEL, "long", "10")
    clock.advance(days=1)
    await service.start_competition(ADMIN, CHANNEL, "k8s-sprint", "2", topics=["k8s"],
                                    teams=[TeamSpec("a"), TeamSpec("b")], best="1")
    bea, cid = member("bea"), member("cid")
    await service.join_team(bea, "a")
    await service.join_team(cid, "b")
    await answer(service, bea, ONE)
    await answer(service, cid, PORT)  # linux: only the long one
    await answer(service, cid, TWO)
    assert [(r.name, r.points) for r in (await service.leaderboard(bea, "k8s-sprint")).rows] == [
        ("cid", 15), ("bea", 10)]
    assert {r.name for r in (await service.leaderboard(bea, "long")).rows} == {"bea", "cid"}
    clock.advance(days=2, seconds=1)
    platform = FakePlatform()
    scheduler = DailyScheduler(service, Dispatcher(service, {"slack": platform}))
    assert (await scheduler.tick()).competitions_ended == 1
    await answer(service, bea, THREE)  # after the sprint: the long one only
    sprint = await service.leaderboard(bea, "k8s-sprint")
    assert "(final)" in sprint.label
    assert teams_of(sprint) == [("b", 15, 1), ("a", 10, 1)]
    assert (await service.leaderboard(bea, "long")).rows[0].name == "bea"
    listed = {v.name: v for v in await service.list_competitions(ADMIN)}
    assert (listed["long"].ended, listed["k8s-sprint"].ended) == (False, True)
    assert listed["k8s-sprint"].teams == ("a", "b")
    assert listed["k8s-sprint"].best == 1
    with pytest.raises(errors.InvalidInput):  # an ended competition takes no one
        await service.join_team(bea, "b", "k8s-sprint")


@pytest.mark.parametrize(("teams", "best"), [
    ([TeamSpec("Has Space")], ""), ([TeamSpec("a"), TeamSpec("A")], ""),
    ([TeamSpec("@x", "S1"), TeamSpec("@y", "S1")], ""), ([TeamSpec("a")], "0"),
    ([TeamSpec("a")], "51"), ([], "3"), ([TeamSpec(f"t{i}") for i in range(26)], ""),
])
async def test_bad_teams_are_refused(service: StudyService, teams: list[TeamSpec],
                                     best: str) -> None:
    with pytest.raises(errors.InvalidInput):
        await service.start_competition(ADMIN, CHANNEL, "bad", "7", teams=teams, best=best)
    assert await service.list_competitions(ADMIN) == []


async def test_two_schedulers_announce_the_winning_team_once(
    pg_database: Database, engine_catalog: Catalog, engine_index: SearchIndex, clock: FakeClock,
) -> None:
    setup = StudyService(pg_database, engine_catalog, engine_index, clock)
    await setup.start_competition(ADMIN, CHANNEL, "final", "1",
                                  teams=[TeamSpec("@ops", "S1"), TeamSpec("@dev", "S2")])
    await setup.place_in_group_teams(member("ada"), {"S2"})
    await setup.place_in_group_teams(member("bob"), {"S1"})
    await answer(setup, member("ada"), THREE)
    await answer(setup, member("bob"), ONE)
    clock.advance(days=1, seconds=1)
    platform = FakePlatform()
    url = pg_database.engine.url.render_as_string(hide_password=False)
    services = [StudyService(Database(create_engine(url)), engine_catalog, engine_index, clock)
                for _ in range(2)]
    try:
        for _ in range(3):  # together, several times: one of them ends it, once
            reports = await asyncio.gather(*(
                DailyScheduler(s, Dispatcher(s, {"slack": platform})).tick() for s in services))
            assert sum(r.competitions_ended for r in reports) == (1 if _ == 0 else 0)
    finally:
        for s in services:
            await s.db.dispose()
    [(view, board)] = platform.final_boards
    assert (view.name, view.channel_id) == ("final", "C1")
    assert teams_of(board) == [("@dev", 20, 1), ("@ops", 10, 1)]
    assert [r.name for r in board.rows] == ["ada", "bob"]


async def test_a_big_teams_board_shows_its_first_members_and_the_callers_place(
    service: StudyService,
) -> None:
    await service.start_competition(ADMIN, CHANNEL, "big", "7", teams=[TeamSpec("all-hands")])
    await answer(service, member("warm-up"), ONE)
    # 24 members: 12 right (15 points each, ties broken by who came first), 12 wrong.
    for index in range(24):
        await service.join_team(member(f"p{index:02}"), "all-hands")
        await answer(service, member(f"p{index:02}"), TWO, right=index < 12)
    board = await service.leaderboard(member("p23"), "big", team="all-hands")
    assert len(board.rows) == 20
    assert board.caller is not None
    assert (board.caller.rank, board.caller.name, board.caller.points) == (24, "p23", 0)
    tied = await service.leaderboard(member("p05"), "big", team="all-hands")
    assert (tied.caller, [r.name for r in tied.rows if r.is_caller]) == (None, ["p05"])
    assert [r.rank for r in tied.rows if r.is_caller] == [6]
