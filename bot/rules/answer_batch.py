"""The streak and scoring rules over answers that are recorded together, in arrival order.

A batch must give every answer exactly what it would have got if the answers had been recorded
one by one in the order they arrived: two answers by one user in one channel see each other's
streak, a repeated click sees the streak as it stands at its place in the order. This module
replays `streaks.after_answer` and `scoring.points_for` over a batch, and sums what the recorded
answers add to each board row, sorted by key (the order the store writes them in, so that two
writers always lock rows in the same order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.rules import scoring, streaks
from bot.rules.streaks import StreakState

StreakKey = tuple[int, int]  # channel id, user id


@dataclass(frozen=True)
class Attempt:
    """One click in a batch. `records` is False for a click that only looks (a repeat): it sees
    the streak at its place in the order and changes nothing."""

    streak_key: StreakKey
    post_id: int
    prev_post_id: int | None
    counted: bool
    correct: bool
    difficulty: int
    records: bool = True
    prev_prev_post_id: int | None = None  # see streaks.after_answer (a held freeze)


@dataclass(frozen=True)
class Outcome:
    points: int  # 0 for a click that does not record
    streak: StreakState  # after this click (the standing streak for one that does not count)


@dataclass(frozen=True)
class Replay:
    outcomes: list[Outcome]
    # The final streak of every key that a recorded answer to a counted post moved.
    moved: dict[StreakKey, StreakState]


def replay(attempts: Sequence[Attempt], start: Mapping[StreakKey, StreakState]) -> Replay:
    """Apply the rules to `attempts` in order, from the stored streaks `start`."""
    running = dict(start)
    moved: dict[StreakKey, StreakState] = {}
    outcomes = []
    for attempt in attempts:
        state = running.get(attempt.streak_key, StreakState())
        if not attempt.records:
            outcomes.append(Outcome(0, state))
            continue
        if attempt.counted:
            state = streaks.after_answer(state, attempt.post_id, attempt.prev_post_id,
                                         attempt.prev_prev_post_id)
            running[attempt.streak_key] = moved[attempt.streak_key] = state
        points = scoring.points_for(attempt.correct, attempt.difficulty,
                                    state.current if attempt.counted else 0)
        outcomes.append(Outcome(points, state))
    return Replay(outcomes, moved)


ScoreKey = tuple[int, str, int]  # workspace id, period key, user id
TopicKey = tuple[int, int, str]  # workspace id, user id, topic


@dataclass(frozen=True)
class Recorded:
    """A recorded answer, as the boards see it."""

    workspace_id: int
    user_id: int
    periods: tuple[str, ...]
    topic: str
    points: int
    correct: bool


@dataclass(frozen=True)
class Tally:
    points: int
    answered: int
    correct: int


def score_sums(recorded: Iterable[Recorded]) -> list[tuple[ScoreKey, Tally]]:
    """What the answers add to each (workspace, period, user) board row, sorted by key."""
    sums: dict[ScoreKey, Tally] = {}
    for answer in recorded:
        for period in answer.periods:
            key = (answer.workspace_id, period, answer.user_id)
            before = sums.get(key, Tally(0, 0, 0))
            sums[key] = Tally(before.points + answer.points, before.answered + 1,
                              before.correct + answer.correct)
    return sorted(sums.items())


def topic_sums(recorded: Iterable[Recorded]) -> list[tuple[TopicKey, Tally]]:
    """What the answers add to each (workspace, user, topic) accuracy row, sorted by key."""
    sums: dict[TopicKey, Tally] = {}
    for answer in recorded:
        key = (answer.workspace_id, answer.user_id, answer.topic)
        before = sums.get(key, Tally(0, 0, 0))
        sums[key] = Tally(0, before.answered + 1, before.correct + answer.correct)
    return sorted(sums.items())
