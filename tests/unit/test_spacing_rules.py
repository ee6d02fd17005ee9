"""FSRS scheduling as the bot uses it: Again for a miss, Good for a right answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.rules.spacing import STATES, review

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_a_right_answer_waits_days_a_wrong_one_ten_minutes() -> None:
    right, wrong = review(None, True, NOW), review(None, False, NOW)
    assert right.state == "review"
    assert right.interval() >= timedelta(days=1)
    assert wrong.state == "learning"
    assert wrong.interval() == timedelta(minutes=10)
    assert right.difficulty < wrong.difficulty


def test_intervals_grow_with_each_right_answer_on_time() -> None:
    memory, intervals = None, []
    now = NOW
    for _ in range(5):
        memory = review(memory, True, now)
        intervals.append(memory.interval())
        now = memory.due_at
    assert intervals == sorted(intervals)
    assert len(set(intervals)) == 5
    assert intervals[-1] <= timedelta(days=365)


def test_a_lapse_relearns_in_minutes_then_returns_to_days() -> None:
    memory = review(review(None, True, NOW), True, NOW + timedelta(days=3))
    lapse = review(memory, False, memory.due_at)
    assert (lapse.state, lapse.interval()) == ("relearning", timedelta(minutes=10))
    assert lapse.stability < memory.stability
    relearned = review(lapse, True, lapse.due_at)
    assert relearned.state == "review"
    assert relearned.interval() >= timedelta(days=1)


@given(answers=st.lists(st.tuples(st.booleans(), st.integers(0, 60 * 24 * 400)), max_size=25))
def test_due_is_always_after_the_review_and_the_state_is_known(
        answers: list[tuple[bool, int]]) -> None:
    memory, now = None, NOW
    for correct, minutes_later in answers:
        now += timedelta(minutes=minutes_later)
        memory = review(memory, correct, now)
        assert memory.state in STATES
        assert memory.last_review_at == now < memory.due_at <= now + timedelta(days=365)
        assert 1 <= (memory.difficulty or 0) <= 10
