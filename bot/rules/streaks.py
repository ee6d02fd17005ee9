"""Streaks: consecutive counted posts of a channel that a user answered.

Days without a post (weekends, a paused channel) are simply not in the sequence, so they cannot
break a streak; a post that the user let close unanswered does.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StreakState:
    current: int = 0
    best: int = 0
    last_post_id: int | None = None


def after_answer(state: StreakState, post_id: int, prev_post_id: int | None) -> StreakState:
    """The streak after answering counted post `post_id`, whose predecessor in the channel was
    `prev_post_id` (None for the channel's first post)."""
    if state.last_post_id == post_id:
        return state
    continues = state.last_post_id is not None and state.last_post_id == prev_post_id
    current = state.current + 1 if continues else 1
    return StreakState(current=current, best=max(state.best, current), last_post_id=post_id)


def visible(state: StreakState, latest_closed_post_id: int | None,
            latest_open_post_id: int | None = None) -> int:
    """The streak as it stands now: it is already broken if a later post closed unanswered.

    `latest_closed_post_id` is the channel's most recent counted post that has closed;
    an open post does not break anything yet, since the user may still answer it.
    """
    if state.last_post_id is None:
        return 0
    if state.last_post_id in (latest_closed_post_id, latest_open_post_id):
        return state.current
    if latest_closed_post_id is not None and latest_closed_post_id > state.last_post_id:
        return 0
    return state.current


def streak_of(answered: list[bool]) -> StreakState:
    """Reference model over a channel's whole post sequence (True = answered); used by tests
    and by anyone rebuilding streaks from history."""
    state = StreakState()
    prev: int | None = None
    for post_id, was_answered in enumerate(answered, start=1):
        if was_answered:
            state = after_answer(state, post_id, prev)
        prev = post_id
    return state
