"""Spaced repetition for private practice: a Leitner system.

A question climbs one box per correct answer and waits longer in each box before it comes back;
a wrong answer sends it back to the first box, due again soon. Picking prefers what is due
(lowest box first), then questions never practiced, then whatever is due soonest.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Days a question waits in each box before it is due again.
BOX_DAYS = (0, 1, 3, 7, 14, 30)
RETRY_AFTER_WRONG = timedelta(minutes=10)


@dataclass(frozen=True)
class Review:
    question_id: str
    box: int
    due_at: datetime


def after_practice(box: int, correct: bool, now: datetime) -> tuple[int, datetime]:
    if not correct:
        return 0, now + RETRY_AFTER_WRONG
    new_box = min(box + 1, len(BOX_DAYS) - 1)
    return new_box, now + timedelta(days=BOX_DAYS[new_box])


def pick_practice(
    eligible: Sequence[str], reviews: Sequence[Review], now: datetime, last: str | None, seed: int
) -> str | None:
    pool = set(eligible)
    if not pool:
        return None
    known = {r.question_id: r for r in reviews if r.question_id in pool}
    fresh = sorted(pool - set(known))
    if len(pool) > 1:
        # Never the same question twice in a row while there is another one.
        fresh = [q for q in fresh if q != last] or fresh
        known = {q: r for q, r in known.items() if q != last} or known
    due = sorted((r for r in known.values() if r.due_at <= now),
                 key=lambda r: (r.box, r.due_at, r.question_id))
    if due:
        return due[0].question_id
    if fresh:
        return random.Random(seed).choice(fresh)
    return min(known.values(), key=lambda r: (r.due_at, r.question_id)).question_id
