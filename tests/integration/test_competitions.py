"""Competitions: a named window with its own board, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import errors
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.scheduler import DailyScheduler
from bot.service import Actor, ChannelRef, StudyService
from tests.support.fake_platform import FakePlatform

CHANNEL = ChannelRef("slack", "T1", "C1", "study")
ADMIN = Actor("slack", "T1", "U-admin", "admin", is_admin=True)


def member(name: str) -> Actor:
    return Actor("slack", "T1", f"U-{name}", name)


async def answer_right(service: StudyService, who: Actor, question_id: str) -> None:
    card = await service.post_now(ADMIN, CHANNEL, question_id)
    question = service.catalog.questions[question_id]
    await service.answer(who, card.post_id, question.correct_index)


async def test_only_answers_inside_the_window_count_on_its_board(service, clock) -> None:
    await answer_right(service, member("early"), "k8s.q.one")  # before the start
    view = await service.start_competition(ADMIN, CHANNEL, "Sprint-1", "3")
    assert (view.name, view.ends_at - view.starts_at) == ("sprint-1", timedelta(days=3))
    clock.advance(hours=1)
    await answer_right(service, member("bea"), "k8s.q.two")
    await answer_right(service, member("cid"), "k8s.q.three")
    board = await service.leaderboard(member("bea"), "sprint-1")
    assert [(r.name, r.points) for r in board.rows] == [("cid", 20), ("bea", 15)]
    assert board.label.startswith("Competition sprint-1 (until ")
    clock.advance(days=3)
    await answer_right(service, member("late"), "linux.q.port")  # after the end
    assert [r.name for r in (await service.leaderboard(member("bea"), "sprint-1")).rows] == [
        "cid", "bea"]
    assert {r.name for r in (await service.leaderboard(member("bea"), "all")).rows} == {
        "early", "bea", "cid", "late"}


async def test_admin_ends_it_and_gets_the_final_board(service, clock) -> None:
    await service.start_competition(ADMIN, CHANNEL, "week-48")
    await answer_right(service, member("bea"), "k8s.q.one")
    with pytest.raises(errors.NotAllowed):
        await service.end_competition(member("bea"), "week-48")
    view, board = await service.end_competition(ADMIN, "week-48")
    assert view.ended
    assert [r.name for r in board.rows] == ["bea"]
    assert "(final)" in board.label
    clock.advance(minutes=5)
    await answer_right(service, member("cid"), "k8s.q.two")  # after it ended
    assert [r.name for r in (await service.leaderboard(ADMIN, "week-48")).rows] == ["bea"]
    with pytest.raises(errors.InvalidInput):
        await service.end_competition(ADMIN, "week-48")


@pytest.mark.parametrize(("name", "days"), [("all", "7"), ("has space", "7"), ("ok", "0"),
                                            ("ok", "91"), ("ok", "seven")])
async def test_bad_names_and_lengths_are_refused(service, name: str, days: str) -> None:
    with pytest.raises(errors.InvalidInput):
        await service.start_competition(ADMIN, CHANNEL, name, days)
    assert await service.list_competitions(ADMIN) == []


async def test_names_are_unique_per_workspace_and_unknown_boards_refused(service) -> None:
    await service.start_competition(ADMIN, CHANNEL, "q4")
    with pytest.raises(errors.InvalidInput):
        await service.start_competition(ADMIN, CHANNEL, "q4")
    other = ChannelRef("slack", "T2", "C9", "x")
    await service.start_competition(Actor("slack", "T2", "U", "u", True), other, "q4")
    with pytest.raises(errors.InvalidInput):
        await service.leaderboard(member("bea"), "q5")
    assert [c.name for c in await service.list_competitions(ADMIN)] == ["q4"]


async def test_the_scheduler_ends_it_once_and_announces_the_final_board(service, clock) -> None:
    platform = FakePlatform()
    scheduler = DailyScheduler(service, Dispatcher(service, {"slack": platform}))
    await service.start_competition(ADMIN, CHANNEL, "sprint", "1")
    await answer_right(service, member("bea"), "k8s.q.one")
    await scheduler.tick()
    assert platform.final_boards == []
    clock.advance(days=1, seconds=1)
    assert (await scheduler.tick()).competitions_ended == 1
    assert (await scheduler.tick()).competitions_ended == 0
    [(view, board)] = platform.final_boards
    assert (view.name, view.channel_id, view.ended) == ("sprint", "C1", True)
    assert [r.name for r in board.rows] == ["bea"]
    assert board.caller is None
