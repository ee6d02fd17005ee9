"""The dashboard's views over a known history (tests/support/team_seed.py), on both databases."""

from __future__ import annotations

from datetime import date

import pytest

from bot import errors
from bot.dashboard.tokens import DashboardLinks, Signer, WorkspaceKey
from bot.service import StudyService
from tests.support.team_seed import admin, member, seed

MON, TUE, WED, THU = (date(2026, 11, d) for d in (23, 24, 25, 26))


async def test_participation_counts_closed_posts_per_day(service: StudyService, clock) -> None:
    await seed(service, clock)
    overview = await service.team_overview("slack", "T1")
    assert overview.workspace_name == "Acme"
    assert len(overview.days) == 90
    assert overview.days[-1].day == THU
    shown = {d.day: (d.answers, d.people, d.correct) for d in overview.days if d.answers}
    # Thursday's post is still open: its answer is not rolled up yet.
    assert shown == {MON: (3, 3, 2), TUE: (2, 2, 2), WED: (2, 2, 1)}


async def test_alive_streaks_and_week_board(service: StudyService, clock) -> None:
    await seed(service, clock)
    overview = await service.team_overview("slack", "T1")
    assert [(s.name, s.current) for s in overview.longest_streaks] == [("bea", 4), ("dee", 1)]
    assert overview.on_streak == 2
    assert dict(overview.streak_bands) == {"1": 1, "2-4": 1, "5-9": 0, "10-19": 0, "20+": 0}
    board = await service.leaderboard(member("bea"), "week")
    assert [(r.name, r.points) for r in overview.week.rows] == [
        (r.name, r.points) for r in board.rows]
    assert "zed" not in {r.name for r in overview.week.rows}


async def test_other_workspace_sees_only_its_own(service: StudyService, clock) -> None:
    await seed(service, clock)
    other = await service.team_overview("slack", "T2")
    assert other.workspace_name == "Other"
    assert sum(d.answers for d in other.days) == 1
    people = await service.team_people("slack", "T2")
    assert [r.name for r in people.rows] == ["zed"]
    acme = await service.team_people("slack", "T1")
    bea = next(r for r in acme.rows if r.name == "bea")
    # A person of Acme is not reachable through Other's workspace.
    assert await service.person("slack", "T2", bea.person_id) is None
    assert await service.person("slack", "T1", bea.person_id) is not None


async def test_topics_per_week_and_weakest(service: StudyService, clock) -> None:
    await seed(service, clock)
    topics = await service.team_topics("slack", "T1")
    by_topic = {t.topic: t for t in topics.topics}
    assert (by_topic["k8s"].answers, by_topic["k8s"].correct) == (5, 4)
    assert (by_topic["linux"].answers, by_topic["linux"].correct) == (2, 1)
    assert topics.weeks[-1] == MON
    assert by_topic["k8s"].weeks[-1].answers == 5
    assert topics.weakest == ()  # nobody has 10 answers in a topic yet


async def test_people_and_person(service: StudyService, clock) -> None:
    await seed(service, clock)
    people = await service.team_people("slack", "T1")
    assert people.rows[0].name == "bea"
    assert [r.rank for r in people.rows] == list(range(1, len(people.rows) + 1))
    bea = people.rows[0]
    assert (bea.answered, bea.correct, bea.last_day) == (4, 4, WED)
    view = await service.person("slack", "T1", bea.person_id)
    assert view is not None
    assert view.rank == bea.rank
    assert [d.day for d in view.calendar] == [MON, TUE, WED]
    assert [(s.channel, s.current, s.best) for s in view.streaks] == [("study", 4, 4)]
    assert {t.topic: (t.answered, t.correct) for t in view.topics} == {"k8s": (3, 3),
                                                                       "linux": (1, 1)}
    cid = next(r for r in people.rows if r.name == "cid")
    cid_view = await service.person("slack", "T1", cid.person_id)
    assert cid_view is not None
    assert cid_view.rank == cid.rank
    assert [(s.current, s.best) for s in cid_view.streaks] == [(0, 2)]


async def test_practice_shows_on_the_person(service: StudyService, clock) -> None:
    await seed(service, clock)
    card = await service.practice(member("bea"), "linux")
    await service.practice_answer(member("bea"), card.question_id, 0)
    bea = (await service.team_people("slack", "T1")).rows[0]
    view = await service.person("slack", "T1", bea.person_id)
    assert view is not None
    assert [(p.topic, p.cards, p.reviews) for p in view.practice] == [("linux", 1, 1)]


async def test_dashboard_link_is_for_admins_and_only_when_on(service: StudyService, clock) -> None:
    await seed(service, clock)
    with pytest.raises(errors.DashboardOff):
        service.dashboard_link(admin())
    service.dashboard_links = DashboardLinks("k" * 40, "https://bot.example")
    with pytest.raises(errors.NotAllowed):
        service.dashboard_link(member("bea"))
    link = service.dashboard_link(admin())
    token = link.url.removeprefix("https://bot.example/d/")
    assert Signer("k" * 40).verify(token, clock()).workspace == WorkspaceKey("slack", "T1")
    assert (link.expires_at - clock()).days == 7


async def test_home_shows_own_figures(service: StudyService, clock) -> None:
    await seed(service, clock)
    home = await service.home(member("dee"))
    assert (home.streak, home.best_streak) == (1, 1)
    assert home.weakest is not None
    assert home.weakest.topic == "linux"
    assert [s.channel_name for s in home.schedules] == ["study"]
    assert home.dashboard_url is None
