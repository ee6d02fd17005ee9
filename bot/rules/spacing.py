"""When a practiced question comes back: the FSRS scheduler (the `fsrs` package), and nothing else.

Every call into `fsrs` goes through this module, so the rest of the bot sees only `Memory`, a
plain value it can store and show. A wrong answer is rated Again, a right one Good; practice has
no Hard or Easy button.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

# One step of ten minutes for new and for lapsed questions: a miss comes back within the session,
# while a question answered right on first sight goes straight to days (a second showing ten
# minutes later would only test short-term memory). Fuzzing is off: it spreads the load of
# decks of thousands of cards, and here it would only make the date we tell the user random.
# A year at most, because content is edited and a question should not vanish for decades.
RELEARN_STEP = timedelta(minutes=10)
SCHEDULER = Scheduler(
    learning_steps=(RELEARN_STEP,), relearning_steps=(RELEARN_STEP,),
    maximum_interval=365, enable_fuzzing=False,
)

STATES = ("learning", "review", "relearning")
_STATE_OF = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}
_FSRS_STATE = {name: state for state, name in _STATE_OF.items()}


@dataclass(frozen=True)
class Memory:
    """What FSRS knows about one user's memory of one question, as stored."""

    state: str  # one of STATES
    step: int | None  # the (re)learning step; None in review
    stability: float | None  # days until recall drops to 90%
    difficulty: float | None  # 1 (easy) .. 10 (hard)
    due_at: datetime
    last_review_at: datetime | None

    def interval(self) -> timedelta:
        """How long after its last review the question comes back."""
        return self.due_at - self.last_review_at if self.last_review_at else timedelta(0)


def review(memory: Memory | None, correct: bool, now: datetime) -> Memory:
    """The memory after one practice answer at `now`; None for a question never practiced."""
    now = now.astimezone(UTC)  # fsrs insists on UTC itself
    card = Card(card_id=0, due=now) if memory is None else _card(memory)
    card, _log = SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, now)
    return Memory(_STATE_OF[card.state], card.step, card.stability, card.difficulty,
                  card.due, card.last_review)


def _card(memory: Memory) -> Card:
    # A fixed card_id: fsrs only uses it to tie review logs to cards, and leaving it out makes
    # fsrs read the wall clock and sleep a millisecond to keep ids unique.
    return Card(card_id=0, state=_FSRS_STATE[memory.state], step=memory.step,
                stability=memory.stability, difficulty=memory.difficulty,
                due=memory.due_at.astimezone(UTC),
                last_review=memory.last_review_at.astimezone(UTC) if memory.last_review_at
                else None)
