"""Private practice on FSRS, on SQLite and PostgreSQL, under the tests' FakeClock."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

import pytest

from bot import errors
from bot.rules import spacing
from bot.service import Actor, ChannelRef, StudyService
from bot.store import practice as practice_store

BEA = Actor("slack", "T1", "U-bea", "bea")
ADMIN = Actor("slack", "T1", "U-ada", "ada", is_admin=True)
CHANNEL = ChannelRef("slack", "T1", "C1", "study", "Acme")


def right(service: StudyService, question_id: str) -> int:
    return service.catalog.questions[question_id].correct_index


def wrong(service: StudyService, question_id: str) -> int:
    return (right(service, question_id) + 1) % len(service.catalog.questions[question_id].choices)


async def test_practice_walks_the_bank_before_anything_repeats(service: StudyService) -> None:
    seen = []
    for _ in range(3):
        card = await service.practice(BEA, "k8s")
        assert (card.due_at, card.reviews) == (None, 0)
        seen.append(card.question_id)
        await service.practice_answer(BEA, card.question_id, right(service, card.question_id))
    assert sorted(seen) == ["k8s.q.one", "k8s.q.three", "k8s.q.two"]


async def test_a_right_answer_comes_back_days_later_a_wrong_one_in_minutes(
        service: StudyService, clock) -> None:
    hit = await service.practice_answer(BEA, "k8s.q.one", right(service, "k8s.q.one"))
    miss = await service.practice_answer(BEA, "k8s.q.two", wrong(service, "k8s.q.two"))
    assert hit.verdict.correct
    assert not miss.verdict.correct
    assert hit.next_due == clock.now + hit.interval
    assert hit.interval >= timedelta(days=1)
    assert (miss.interval, miss.state) == (timedelta(minutes=10), "learning")
    assert miss.next_due < hit.next_due


async def test_intervals_grow_with_each_right_answer(service: StudyService, clock) -> None:
    intervals = []
    for _ in range(4):
        result = await service.practice_answer(BEA, "k8s.q.one", right(service, "k8s.q.one"))
        intervals.append(result.interval)
        clock.now = result.next_due  # answer again exactly when it is due
    assert intervals[0] >= timedelta(days=1)
    assert all(a < b for a, b in itertools.pairwise(intervals)), intervals
    assert result.right_in_a_row == result.reviews == 4


async def test_a_miss_comes_back_within_minutes_and_first(service: StudyService, clock) -> None:
    for question in ("k8s.q.one", "k8s.q.three"):
        await service.practice_answer(BEA, question, right(service, question))
        clock.advance(seconds=20)
    lapse_at = clock.now
    missed = await service.practice_answer(BEA, "k8s.q.two", wrong(service, "k8s.q.two"))
    assert missed.next_due - lapse_at == timedelta(minutes=10)
    clock.advance(minutes=5)  # not due yet, and just reviewed: something else comes first
    assert (await service.practice(BEA, "k8s")).question_id != "k8s.q.two"
    clock.advance(minutes=5)
    card = await service.practice(BEA, "kubernetes")
    assert (card.question_id, card.due_at, card.reviews) == ("k8s.q.two", missed.next_due, 1)
    back = await service.practice_answer(BEA, "k8s.q.two", right(service, "k8s.q.two"))
    assert back.interval >= timedelta(days=1)
    assert (back.state, back.reviews, back.right_in_a_row) == ("review", 2, 1)


async def test_due_reviews_come_before_new_questions_most_overdue_first(
        service: StudyService, clock) -> None:
    # One a day, each answered right: each comes back a few days after its own answer.
    for question in ("linux.q.port", "k8s.q.one", "k8s.q.two"):
        await service.practice_answer(BEA, question, right(service, question))
        clock.advance(days=1)
    clock.advance(days=30)  # all three overdue, by different amounts; k8s.q.three still new
    order = []
    for _ in range(4):
        card = await service.practice(BEA)
        order.append(card.question_id)
        await service.practice_answer(BEA, card.question_id, right(service, card.question_id))
        clock.advance(minutes=1)
    assert order[:3] == ["linux.q.port", "k8s.q.one", "k8s.q.two"]
    assert order[3] in {"k8s.q.three", "linux.q.perms"}


async def test_new_questions_lean_toward_each_users_weakest_topic(service: StudyService) -> None:
    """Two groups with opposite histories; the seed is fixed by each user's id and history."""
    posts = [await service.post_now(ADMIN, CHANNEL, question)
             for question in ("k8s.q.one", "k8s.q.two", "linux.q.perms")]
    weak_in_k8s = [Actor("slack", "T1", f"U-k{i}", f"k{i}") for i in range(25)]
    weak_in_linux = [Actor("slack", "T1", f"U-l{i}", f"l{i}") for i in range(25)]
    for user in weak_in_k8s:  # daily questions: k8s twice wrong, linux right
        for post in posts:
            choose = wrong if post.topic == "k8s" else right
            await service.answer(user, post.post_id, choose(service, post.question_id))
    for user in weak_in_linux:  # daily k8s right, and a linux question missed in practice
        for post in posts[:2]:
            await service.answer(user, post.post_id, right(service, post.question_id))
        await service.practice_answer(user, "linux.q.port", wrong(service, "linux.q.port"))

    async def k8s_share(users: list[Actor]) -> float:
        picks = [await service.practice(user) for user in users]
        return sum(card.topic == "k8s" for card in picks) / len(users)

    # Expected from the weights: 0.69 and 0.27 (0.5 if topics did not matter).
    weak_k8s, weak_linux = await k8s_share(weak_in_k8s), await k8s_share(weak_in_linux)
    assert weak_k8s > 0.55 > 0.45 > weak_linux, (weak_k8s, weak_linux)


async def test_streak_shows_how_many_reviews_are_due(service: StudyService, clock) -> None:
    assert (await service.stats(BEA)).reviews_due == 0
    await service.practice_answer(BEA, "k8s.q.one", wrong(service, "k8s.q.one"))
    await service.practice_answer(BEA, "k8s.q.two", right(service, "k8s.q.two"))
    assert (await service.stats(BEA)).reviews_due == 0
    clock.advance(minutes=10)
    assert (await service.stats(BEA)).reviews_due == 1
    clock.advance(days=40)
    assert (await service.stats(BEA)).reviews_due == 2
    other = Actor("slack", "T1", "U-cy", "cy")
    assert (await service.stats(other)).reviews_due == 0


async def test_practice_does_not_touch_points_or_streaks(service: StudyService) -> None:
    await service.practice_answer(BEA, "k8s.q.one", right(service, "k8s.q.one"))
    assert (await service.leaderboard(BEA, "all")).rows == ()
    stats = await service.stats(BEA)
    assert (stats.points, stats.answered, stats.streak) == (0, 0, 0)


async def test_practice_refusals(service: StudyService) -> None:
    with pytest.raises(errors.UnknownTopic):
        await service.practice(BEA, "cooking")
    with pytest.raises(errors.UnknownQuestion):
        await service.practice_answer(BEA, "k8s.q.nope", 0)
    with pytest.raises(errors.InvalidChoice):
        await service.practice_answer(BEA, "k8s.q.one", 7)


async def test_two_quick_answers_are_scheduled_one_after_the_other(service: StudyService) -> None:
    """A double click on a question practiced before: the second answer is scheduled from the
    state the first one left, never both from the same old state."""
    question = "k8s.q.one"
    await service.practice_answer(BEA, question, wrong(service, question))
    await asyncio.gather(*(service.practice_answer(BEA, question, wrong(service, question))
                           for _ in range(2)))
    async with service.db.transaction() as session:
        workspace_id, user_id = await service.ensure_member(session, BEA, service.clock())
        stored = await practice_store.card_for_update(session, workspace_id, user_id, question)
    now = service.clock()
    thrice = spacing.review(spacing.review(spacing.review(None, False, now), False, now), False, now)
    assert (stored.seen, stored.right_in_a_row) == (3, 0)
    assert stored.stability == pytest.approx(thrice.stability)
