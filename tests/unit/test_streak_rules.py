"""Streaks count consecutive posts answered, whatever the calendar does between posts."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.schedule import ALL_DAYS, Schedule, local_date, next_due
from bot.rules.streaks import (
    FREEZE_AT,
    StreakState,
    after_answer,
    standing,
    streak_of,
    visible,
)
from tests.support.strategies import schedules


def _runs(answered: list[bool]) -> tuple[int, int]:
    """Reference: (the streak as it shows once every post has closed, the best streak), by the
    README's rule in other words: a run that has reached FREEZE_AT posts has earned its one
    freeze; one missed post between two answers spends it, and the run goes on."""
    current = best = missed = 0
    held = earned_in_run = False
    for flag in answered:
        if not flag:
            missed += 1
            continue
        if current and missed == 0:
            current += 1
        elif current and missed == 1 and held:
            current, held = current + 1, False
        else:
            current, held, earned_in_run = 1, False, False
        missed = 0
        if current >= FREEZE_AT and not earned_in_run:
            held = earned_in_run = True
        best = max(best, current)
    alive = missed == 0 or (missed == 1 and held)
    return (current if alive else 0), best


def _closed(answered: list[bool]) -> tuple[int | None, int | None]:
    """The last closed post and its predecessor when all the posts have closed."""
    n = len(answered)
    return (n or None), (n - 1 if n > 1 else None)


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
    assert visible(state, *_closed(answered)[:1], None, _closed(answered)[1]) == current


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
            state = after_answer(state, post_id, prev, post_id - 2 if post_id > 2 else None)
        prev = post_id
    assert (visible(state, *_closed(answered)[:1], None, _closed(answered)[1]),
            state.best) == _runs(answered)


# -- the streak freeze ---------------------------------------------------------------------

def test_a_freeze_is_earned_at_seven_posts_in_a_row() -> None:
    assert not streak_of([True] * (FREEZE_AT - 1)).freeze
    assert streak_of([True] * FREEZE_AT).freeze
    assert streak_of([False, True] + [True] * (FREEZE_AT - 1)).freeze
    assert not streak_of([True] * 3 + [False, False] + [True] * 4).freeze


def test_the_first_missed_post_spends_it_and_the_streak_survives() -> None:
    state = streak_of([True] * FREEZE_AT + [False, True])
    assert (state.current, state.freeze) == (FREEZE_AT + 1, False)


def test_a_second_miss_breaks_the_streak() -> None:
    together = streak_of([True] * FREEZE_AT + [False, False, True])
    later = streak_of([True] * FREEZE_AT + [False] + [True] * 3 + [False, True])
    assert (together.current, together.freeze) == (1, False)
    assert (later.current, later.freeze) == (1, False)
    assert later.best == FREEZE_AT + 3


def test_one_freeze_per_streak_however_long() -> None:
    """Past a spent freeze the run never passes seven again: no second freeze in it. A new run
    that reaches seven earns one again."""
    run = [True] * FREEZE_AT + [False] + [True] * (3 * FREEZE_AT)
    assert not streak_of(run).freeze
    assert streak_of(run + [False, False] + [True] * FREEZE_AT).freeze


def test_the_visible_streak_survives_one_closed_miss_with_a_freeze() -> None:
    held = StreakState(current=9, best=9, last_post_id=10, freeze=True)
    # Post 11 (whose predecessor is 10) closed unanswered: forgiven, the freeze shown as spent.
    assert standing(held, 11, None, 10) == StreakState(9, 9, 10, freeze=False)
    assert standing(held, 11, 12, 10).current == 9  # post 12 is open: it may still be answered
    # Posts 11 and 12 closed: broken.
    assert standing(held, 12, None, 11) == StreakState(0, 9, 10, freeze=False)
    # Without a freeze one closed miss breaks it, as before.
    assert visible(StreakState(9, 9, 10), 11, None, 10) == 0
    assert standing(held, 10) == held


@settings(max_examples=500, deadline=None)
@given(answered=st.lists(st.booleans(), max_size=80))
def test_freezes_are_earned_once_per_run_held_at_most_one_and_spent_first(
    answered: list[bool]
) -> None:
    state, earned, spent, run_earned = StreakState(), 0, 0, False
    for post_id, flag in enumerate(answered, start=1):
        if not flag:
            continue
        before = state
        state = after_answer(state, post_id, post_id - 1 if post_id > 1 else None,
                             post_id - 2 if post_id > 2 else None)
        new_run = state.current == 1
        if new_run:
            run_earned = False
        if state.freeze and not before.freeze:
            assert not run_earned, "a second freeze in one run"
            assert state.current == FREEZE_AT
            run_earned = True
            earned += 1
        forgiven = before.last_post_id == post_id - 2 and not new_run
        if forgiven:
            assert before.freeze
            assert not state.freeze
            spent += 1
        if before.freeze and not new_run and not forgiven:
            assert state.freeze  # kept while nothing is missed
    assert spent <= earned
    assert (visible(state, *_closed(answered)[:1], None, _closed(answered)[1]),
            state.best) == _runs(answered)
