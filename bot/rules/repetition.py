"""Which practice question comes next.

Due reviews first, the most overdue first: FSRS chose those dates (bot/rules/spacing.py). Then
questions never practiced, drawn at random but weighted toward the user's weakest topics. With
nothing due and nothing new, the question due soonest. A question reviewed moments ago is held
back unless nothing else is left.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.rules.spacing import RELEARN_STEP

# As long as the relearn step, so a missed question is never held back once it is due again.
JUST_REVIEWED = RELEARN_STEP
# The weight of a topic the user has never answered: as if one of two answers had been wrong.
UNKNOWN_TOPIC_WEIGHT = 0.5


@dataclass(frozen=True)
class Practiced:
    """A question the user has practiced, and when it is due again."""

    question_id: str
    due_at: datetime
    last_review_at: datetime


def topic_weight(answered: int, correct: int) -> float:
    """How much to favour a topic: its miss rate, smoothed (one right and one wrong answer added)
    so a topic is never certain to come up nor ruled out on a handful of answers."""
    return (answered - correct + 1) / (answered + 2)


def pick_practice(
    eligible: Mapping[str, str], practiced: Sequence[Practiced], weights: Mapping[str, float],
    now: datetime, seed: int,
) -> str | None:
    """The next question among `eligible` (question id -> topic). `weights` per topic come from
    topic_weight; a topic not in it counts as UNKNOWN_TOPIC_WEIGHT. Reproducible from `seed`."""
    if not eligible:
        return None
    cards = {p.question_id: p for p in practiced if p.question_id in eligible}
    settled = [c for c in cards.values() if now - c.last_review_at >= JUST_REVIEWED]
    due = [c for c in settled if c.due_at <= now]
    if due:
        return min(due, key=lambda c: (c.due_at, c.question_id)).question_id
    new = sorted(q for q in eligible if q not in cards)
    if new:
        return _weighted_new(new, eligible, weights, seed)
    if settled:
        return min(settled, key=lambda c: (c.due_at, c.question_id)).question_id
    return min(cards.values(), key=lambda c: (c.last_review_at, c.question_id)).question_id


def _weighted_new(new: list[str], eligible: Mapping[str, str], weights: Mapping[str, float],
                  seed: int) -> str:
    # A topic first, by weight, then a question in it: a weak topic comes up more often however
    # many questions the other topics hold.
    by_topic: dict[str, list[str]] = {}
    for question in new:
        by_topic.setdefault(eligible[question], []).append(question)
    topics = sorted(by_topic)
    rng = random.Random(seed)
    topic = rng.choices(topics, [weights.get(t, UNKNOWN_TOPIC_WEIGHT) for t in topics])[0]
    return rng.choice(by_topic[topic])
