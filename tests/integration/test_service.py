"""Every use case of the study service, on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import pytest

from bot import errors
from bot.service import Actor, ChannelRef, StudyService

CHANNEL = ChannelRef("slack", "T1", "C1", "study", "Acme")
OTHER_TEAM_CHANNEL = ChannelRef("slack", "T2", "C9", "study", "Other")


def admin(name: str = "ada") -> Actor:
    return Actor("slack", "T1", f"U-{name}", name, is_admin=True)


def member(name: str, team: str = "T1") -> Actor:
    return Actor("slack", team, f"U-{name}", name)


async def test_setup_saves_schedule_and_computes_next_post(service: StudyService) -> None:
    view = await service.configure_channel(admin(), CHANNEL, "9:30", "Europe/London", "mon,wed",
                                           ["kubernetes"])
    assert (view.post_time, view.timezone, view.days, view.topics) == (
        "09:30", "Europe/London", "mon,wed", ("k8s",))
    # Clock: Wed 2026-11-25 10:00 UTC, already past 09:30 London, so the next is Monday.
    assert view.next_post_local is not None
    assert view.next_post_local.strftime("%a %Y-%m-%d %H:%M") == "Mon 2026-11-30 09:30"
    assert (await service.schedule(CHANNEL)).days == "mon,wed"


@pytest.mark.parametrize(
    ("time", "zone", "days", "field"),
    [("25:00", "UTC", "mon-fri", "time"), ("09:00", "Mars/Olympus", "mon-fri", "timezone"),
     ("09:00", "UTC", ",", "days"), ("09:00", "UTC", "mon-funday", "days")],
)
async def test_invalid_setup_names_the_field_and_changes_nothing(
    service: StudyService, time: str, zone: str, days: str, field: str
) -> None:
    await service.configure_channel(admin(), CHANNEL, "08:00", "UTC", "daily")
    with pytest.raises(errors.InvalidInput) as caught:
        await service.configure_channel(admin(), CHANNEL, time, zone, days)
    assert caught.value.field == field
    view = await service.schedule(CHANNEL)
    assert (view.post_time, view.timezone, view.days) == ("08:00", "UTC", "daily")


async def test_only_admins_change_configuration(service: StudyService) -> None:
    with pytest.raises(errors.NotAllowed):
        await service.configure_channel(member("bob"), CHANNEL, "09:00", "UTC")
    with pytest.raises(errors.NotAllowed):
        await service.post_now(member("bob"), CHANNEL)
    with pytest.raises(errors.ChannelNotSetUp):
        await service.schedule(CHANNEL)


async def test_unknown_topic_filter_is_refused(service: StudyService) -> None:
    with pytest.raises(errors.UnknownTopic) as caught:
        await service.configure_channel(admin(), CHANNEL, "09:00", "UTC", "daily", ["cooking"])
    assert "k8s" in caught.value.valid


async def test_pause_and_resume(service: StudyService) -> None:
    await service.configure_channel(admin(), CHANNEL, "09:00", "UTC", "daily")
    paused = await service.set_paused(admin(), CHANNEL, True)
    assert paused.paused
    assert paused.next_post_local is None
    resumed = await service.set_paused(admin(), CHANNEL, False)
    assert not resumed.paused
    assert resumed.next_post_local is not None


async def test_post_now_registers_channel_and_first_post_of_the_day_counts(
    service: StudyService,
) -> None:
    first = await service.post_now(admin(), CHANNEL, "k8s.q.one")
    assert first.counted
    assert first.question_id == "k8s.q.one"
    assert first.choices == ("kubectl logs POD", "kubectl logs POD --previous",
                             "kubectl describe node")
    extra = await service.post_now(admin(), CHANNEL)
    assert not extra.counted
    assert extra.question_id != "k8s.q.one"  # no repeat while the bank has unused questions
    with pytest.raises(errors.UnknownQuestion):
        await service.post_now(admin(), CHANNEL, "k8s.q.nope")


async def test_no_repeat_until_the_bank_is_used_up(service: StudyService, clock) -> None:
    await service.configure_channel(admin(), CHANNEL, "09:00", "UTC", "daily", ["k8s"])
    seen = []
    for _ in range(6):
        card = await service.post_now(admin(), CHANNEL)
        seen.append(card.question_id)
        clock.advance(days=1)
    assert sorted(seen[:3]) == ["k8s.q.one", "k8s.q.three", "k8s.q.two"]
    assert sorted(seen[3:]) == ["k8s.q.one", "k8s.q.three", "k8s.q.two"]


async def test_answer_right_wrong_and_double_click(service: StudyService) -> None:
    card = await service.post_now(admin(), CHANNEL, "k8s.q.one")
    right = await service.answer(member("bea"), card.post_id, 1)
    assert right.verdict.correct
    assert right.points == 10
    assert right.streak == 1
    assert right.verdict.key.letter == "B"
    assert "--previous" in right.verdict.key.explanation
    wrong = await service.answer(member("cid"), card.post_id, 0)
    assert not wrong.verdict.correct
    assert wrong.points == 0
    assert wrong.verdict.key.letter == "B"
    again = await service.answer(member("bea"), card.post_id, 2)
    assert again.already_answered
    assert again.verdict.chosen == "B"
    assert again.points == 10
    board = await service.leaderboard(member("bea"), "all")
    assert [(r.name, r.points, r.answered) for r in board.rows] == [("bea", 10, 1), ("cid", 0, 1)]


async def test_answer_refusals(service: StudyService, clock) -> None:
    card = await service.post_now(admin(), CHANNEL, "k8s.q.one")
    with pytest.raises(errors.InvalidChoice):
        await service.answer(member("bea"), card.post_id, 3)
    with pytest.raises(errors.UnknownPost):
        await service.answer(member("eve", team="T2"), card.post_id, 1)
    with pytest.raises(errors.UnknownPost):
        await service.answer(member("bea"), 999_999, 1)
    await service.close_post(card.post_id)
    with pytest.raises(errors.PostClosed) as caught:
        await service.answer(member("bea"), card.post_id, 1)
    assert caught.value.correct_letter == "B"
    board = await service.leaderboard(member("bea"), "all")
    assert board.rows == ()


async def test_a_question_past_its_closing_time_refuses_answers(service: StudyService,
                                                                 clock) -> None:
    card = await service.post_now(admin(), CHANNEL, "k8s.q.one")
    clock.now = card.closes_at
    with pytest.raises(errors.PostClosed):
        await service.answer(member("bea"), card.post_id, 1)
    assert await service.posts_due_to_close() == []  # not marked sent yet: still 'claimed'
    await service.mark_sent(card.post_id, "msg-1")
    assert await service.posts_due_to_close() == [card.post_id]


async def test_close_reports_distribution_and_who_was_right(service: StudyService) -> None:
    card = await service.post_now(admin(), CHANNEL, "k8s.q.one")
    for name, choice in [("bea", 1), ("cid", 0), ("dan", 1), ("eli", 2)]:
        await service.answer(member(name), card.post_id, choice)
    result = await service.close_post(card.post_id)
    assert result is not None
    assert result.distribution == (1, 2, 1)
    assert result.correct_users == ("bea", "dan")
    assert (result.answered, result.percent_correct, result.key.letter) == (4, 50, "B")
    assert await service.close_post(card.post_id) is None  # closes once
    with pytest.raises(errors.NoOpenPost):
        await service.close_latest(admin(), CHANNEL)


async def test_leaderboard_shows_top_n_and_the_callers_rank(service: StudyService) -> None:
    card = await service.post_now(admin(), CHANNEL, "k8s.q.two")  # difficulty 2: 15 points
    for index in range(12):
        await service.answer(member(f"u{index:02d}"), card.post_id, 0 if index < 11 else 1)
    board = await service.leaderboard(member("u11"), "week", limit=10)
    assert len(board.rows) == 10
    assert all(row.points == 15 for row in board.rows)
    assert board.caller is not None
    assert (board.caller.rank, board.caller.points, board.caller.name) == (12, 0, "u11")
    top = await service.leaderboard(member("u00"), "month", limit=10)
    assert top.caller is None
    assert top.rows[0].is_caller
    with pytest.raises(errors.InvalidInput):
        await service.leaderboard(member("u00"), "decade")


async def test_week_board_resets_with_the_iso_week(service: StudyService, clock) -> None:
    card = await service.post_now(admin(), CHANNEL, "k8s.q.one")
    await service.answer(member("bea"), card.post_id, 1)
    clock.advance(days=7)
    assert (await service.leaderboard(member("bea"), "week")).rows == ()
    assert (await service.leaderboard(member("bea"), "all")).rows[0].points == 10


async def test_streaks_follow_posts_not_calendar_days(service: StudyService, clock) -> None:
    bea = member("bea")
    results = []
    for day, answers in enumerate([True, True, False, True, True]):
        card = await service.post_now(admin(), CHANNEL)
        if answers:
            question = service.catalog.questions[card.question_id]
            results.append((await service.answer(bea, card.post_id, question.correct_index)).streak)
        await service.close_post(card.post_id)
        # Weekends and gaps between posts are simply days with no post.
        clock.advance(days=3 if day % 2 else 1)
    assert results == [1, 2, 1, 2]
    stats = await service.stats(bea, CHANNEL)
    assert (stats.streak, stats.best_streak) == (2, 2)
    assert stats.answered == 4
    assert stats.correct == 4


async def test_streak_is_shown_broken_once_a_post_closes_unanswered(
    service: StudyService, clock
) -> None:
    bea = member("bea")
    card = await service.post_now(admin(), CHANNEL, "k8s.q.one")
    await service.answer(bea, card.post_id, 1)
    clock.advance(days=1)
    second = await service.post_now(admin(), CHANNEL, "k8s.q.two")
    assert (await service.stats(bea, CHANNEL)).streak == 1  # still open: can still be saved
    await service.close_post(second.post_id)
    stats = await service.stats(bea, CHANNEL)
    assert (stats.streak, stats.best_streak) == (0, 1)


async def test_extra_posts_score_but_do_not_touch_streaks(service: StudyService) -> None:
    bea = member("bea")
    counted = await service.post_now(admin(), CHANNEL, "k8s.q.one")
    extra = await service.post_now(admin(), CHANNEL, "k8s.q.three")
    assert (await service.answer(bea, counted.post_id, 1)).streak == 1
    result = await service.answer(bea, extra.post_id, 2)
    assert result.verdict.correct
    assert result.points == 20
    assert result.streak == 1
    assert (await service.stats(bea, CHANNEL)).points == 30


async def test_stats_per_topic_and_weakest(service: StudyService, clock) -> None:
    bea = member("bea")
    plan = [("k8s.q.one", 1), ("linux.q.port", 2), ("linux.q.perms", 0), ("k8s.q.two", 0)]
    for question_id, choice in plan:
        card = await service.post_now(admin(), CHANNEL, question_id)
        await service.answer(bea, card.post_id, choice)
        clock.advance(days=1)
    stats = await service.stats(bea, CHANNEL)
    by_topic = {t.topic: (t.correct, t.answered) for t in stats.topics}
    assert by_topic == {"k8s": (2, 2), "linux": (0, 2)}
    assert stats.weakest is not None
    assert stats.weakest.topic == "linux"
    assert stats.accuracy == 0.5


async def test_workspaces_are_isolated(service: StudyService) -> None:
    here = await service.post_now(admin(), CHANNEL, "k8s.q.one")
    there = await service.post_now(Actor("slack", "T2", "U-x", "x", True), OTHER_TEAM_CHANNEL,
                                   "k8s.q.one")
    await service.answer(member("bea"), here.post_id, 1)
    await service.answer(member("zed", team="T2"), there.post_id, 1)
    t1 = await service.leaderboard(member("bea"), "all")
    t2 = await service.leaderboard(member("zed", team="T2"), "all")
    assert [r.name for r in t1.rows] == ["bea"]
    assert [r.name for r in t2.rows] == ["zed"]


async def test_a_retired_question_is_never_posted_again_but_its_past_post_still_shows(
    service: StudyService,
) -> None:
    card = await service.post_now(admin(), CHANNEL, "k8s.q.two")
    await service.mark_sent(card.post_id, "m1")
    await service.answer(member("bob"), card.post_id, 0)
    catalog = service.catalog
    original = catalog.questions["k8s.q.two"]
    catalog.questions["k8s.q.two"] = original.model_copy(update={"retired": True})
    try:
        assert "k8s.q.two" not in {q.id for q in catalog.questions_in()}
        with pytest.raises(errors.UnknownQuestion):
            await service.post_now(admin(), CHANNEL, "k8s.q.two")
        for _ in range(10):  # the picker never chooses it
            assert (await service.post_now(admin(), CHANNEL)).question_id != "k8s.q.two"
        result = await service.close_post(card.post_id)
        assert result is not None
        assert result.card.prompt == "What does a Deployment manage directly?"
        assert result.correct_users == ("bob",)
    finally:
        catalog.questions["k8s.q.two"] = original  # the catalog is shared by the session
