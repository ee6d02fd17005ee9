"""Streaks: consecutive counted posts of a channel that a user answered.

Days without a post (weekends, a paused channel) are simply not in the sequence, so they cannot
break a streak; a post that the user let close unanswered does, unless they hold a streak freeze.

Streak freeze: a streak that reaches FREEZE_AT posts earns one freeze (one per streak: the count
passes FREEZE_AT once per run, and a forgiven miss does not reset it; a person holds at most one).
The first counted post missed after that is forgiven automatically: the freeze is spent and the
streak goes on from where it was. A second miss breaks it. A break always spends a held freeze
first, so every new streak starts without one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

FREEZE_AT = 7


@dataclass(frozen=True)
class StreakState:
    current: int = 0
    best: int = 0
    last_post_id: int | None = None
    freeze: bool = False  # a streak freeze held, to be spent on the next missed post


def after_answer(state: StreakState, post_id: int, prev_post_id: int | None,
                 prev_prev_post_id: int | None = None) -> StreakState:
    """The streak after answering counted post `post_id`, whose predecessor in the channel was
    `prev_post_id` (None for the channel's first post) and whose predecessor's predecessor was
    `prev_prev_post_id` (only needed when a freeze is held: it tells one missed post from more)."""
    if state.last_post_id == post_id:
        return state
    last = state.last_post_id
    freeze = state.freeze
    if last is not None and last == prev_post_id:
        current = state.current + 1
    elif freeze and last is not None and prev_post_id is not None and last == prev_prev_post_id:
        current, freeze = state.current + 1, False  # exactly one post missed: forgiven
    else:
        current, freeze = 1, False  # broken (a held freeze went on the first of the misses)
    if current == FREEZE_AT:
        freeze = True
    return StreakState(current=current, best=max(state.best, current), last_post_id=post_id,
                       freeze=freeze)


def standing(state: StreakState, latest_closed_post_id: int | None,
             latest_open_post_id: int | None = None,
             latest_closed_prev_post_id: int | None = None) -> StreakState:
    """The streak as it stands now: broken (current 0) once a later post closed unanswered, or
    two did when a freeze was held; a freeze shown as spent once the post it forgives closed.

    `latest_closed_post_id` is the channel's most recent counted post that has closed and
    `latest_closed_prev_post_id` its predecessor; an open post breaks nothing yet, since the user
    may still answer it.
    """
    if state.last_post_id is None:
        return replace(state, current=0, freeze=False)
    if state.last_post_id in (latest_closed_post_id, latest_open_post_id):
        return state
    if latest_closed_post_id is None or latest_closed_post_id < state.last_post_id:
        return state
    if state.freeze and latest_closed_prev_post_id == state.last_post_id:
        return replace(state, freeze=False)  # one missed post, forgiven by the freeze
    return replace(state, current=0, freeze=False)


def visible(state: StreakState, latest_closed_post_id: int | None,
            latest_open_post_id: int | None = None,
            latest_closed_prev_post_id: int | None = None) -> int:
    """The streak's length as it stands now (see `standing`)."""
    return standing(state, latest_closed_post_id, latest_open_post_id,
                    latest_closed_prev_post_id).current


def streak_of(answered: list[bool]) -> StreakState:
    """Reference model over a channel's whole post sequence (True = answered); used by tests
    and by anyone rebuilding streaks from history."""
    state = StreakState()
    for post_id, was_answered in enumerate(answered, start=1):
        if was_answered:
            state = after_answer(state, post_id, post_id - 1 if post_id > 1 else None,
                                 post_id - 2 if post_id > 2 else None)
    return state
