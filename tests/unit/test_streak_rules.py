"""Streaks count consecutive posts answered, whatever the calendar does between posts."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.schedule import ALL_DAYS, Schedule, local_date, next_due
from bot.rules.streaks import StreakState, after_answer, streak_of, visible
from tests.support.strategies import schedules


def _runs(answered: list[bool]) -> tuple[int, int]:
    current = best = 0
    for flag in answered:
        current = current + 1 if flag else 0
        best = max(best, current)
    return current, best


def test_examples() -> None:
    assert streak_of([True, True, True]).current == 3
    assert streak_of([True, False, True]).current == 1
    assert streak_of([True, True, False, True]).best == 2
    assert streak_of([]).current == 0


def test_answering_the_same_post_twice_changes_nothing() -> None:
    state = after_answer(StreakState(), 1, None)
    assert after_answer(state, 1, None) == state


def test_visible_streak_breaks_only_after_a_missed_post_closes() -> None:
    state = StreakState(current=4, best=4, last_post_id=10)
    assert visible(state, latest_closed_post_id=10) == 4
    assert visible(state, latest_closed_post_id=10, latest_open_post_id=11) == 4
    assert visible(state, latest_closed_post_id=11) == 0
    assert visible(StreakState(), None) == 0


@settings(max_examples=300, deadline=None)
@given(answered=st.lists(st.booleans(), max_size=60))
def test_streak_is_the_trailing_run_and_best_the_longest(answered: list[bool]) -> None:
    state = streak_of(answered)
    current, best = _runs(answered)
    assert state.best == best
    # `current` is the run ending at the user's last answer; visible() decides if it still holds.
    last_closed = len(answered) or None
    assert visible(state, last_closed) == current


@settings(max_examples=200, deadline=None)
@given(sched=schedules,
       start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2029, 1, 1),
                          timezones=st.just(UTC)),
       answered=st.lists(st.booleans(), min_size=1, max_size=30))
def test_gaps_between_scheduled_days_never_break_a_streak(
    sched: Schedule, start: datetime, answered: list[bool]
) -> None:
    """Posts made on the schedule's days, in any zone and across DST changes: the streak only
    depends on which posts were answered, never on weekends or hours between them."""
    instants = [next_due(start, sched)]
    while len(instants) < len(answered):
        instants.append(next_due(instants[-1], sched))
    daily = Schedule(sched.post_time, sched.timezone, ALL_DAYS)
    calendar_days = {local_date(i, sched.timezone) for i in instants}
    assert len(calendar_days) == len(instants)
    state, prev = StreakState(), None
    for post_id, (instant, flag) in enumerate(zip(instants, answered, strict=True), start=1):
        assert next_due(instant, daily) > instant
        if flag:
            state = after_answer(state, post_id, prev)
        prev = post_id
    assert (visible(state, len(answered)), state.best) == _runs(answered)
