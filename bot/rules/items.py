"""Item analysis: how well each question works, read from the answers it got (classical test
theory, as exam authors use it).

Units. An *answer* is one click on a posted question; a user may answer the same question more
than once (in two channels, or when the bank comes round again). An *answerer* is one (user,
question) pair; their *item score* x is the share of their answers to it that were right (0 or 1
when they answered once). Their *rest score* y is their share right on every OTHER question in
the same scope, so the item does not correlate with itself; an answerer with no other answers has
none and is left out of the discrimination figures.

The store aggregates answers into an `ItemTally` per question (sums, never rows); everything
here is arithmetic over those tallies.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# Kelley's 27%: the upper and lower groups on the rest score that the upper-lower index compares.
# The store ranks answerers by rest score (ties by user id) and puts rank r of k in the lower
# group when 100 r <= 27 k, in the upper group when 100 (k - r + 1) <= 27 k: `band_of` below.
GROUP_PERCENT = 27
TOO_EASY = 0.95
TOO_HARD = 0.15
DEAD_DISTRACTOR = 0.05
# A correlation over fewer answerers is mostly noise: below this, discrimination is None.
MIN_RANKED = 10
# Negative discrimination is flagged when r is below what chance gives an item that does not
# discriminate at all, one-sided at 5%: r < -1.645 / sqrt(n) (the null standard error of r is
# about 1 / sqrt(n)). A miskeyed item sits far below that; a merely useless one rarely does.
NEGATIVE_Z = 1.645
DEFAULT_MIN_ANSWERS = 20
# The content model allows 2 to 5 choices; the store counts picks per choice up to this many.
MAX_CHOICES = 5


class Flag(StrEnum):
    """What can be wrong with a question, worst first."""

    NEGATIVE_DISCRIMINATION = "negative-discrimination"
    TOO_HARD = "too-hard"
    TOO_EASY = "too-easy"
    DEAD_DISTRACTOR = "dead-distractor"


# Flags that say the question misleads or teaches nothing: the picker may avoid them. A dead
# distractor only makes a question a little easier to guess, and most real items have one.
AVOIDED = frozenset({Flag.NEGATIVE_DISCRIMINATION, Flag.TOO_HARD, Flag.TOO_EASY})


@dataclass(frozen=True)
class Picks:
    """Answers that chose one choice: all of them, and those by the upper and lower groups."""

    total: int = 0
    upper: int = 0
    lower: int = 0


@dataclass(frozen=True)
class Moments:
    """Sums over the answerers who have a rest score: x item score, y rest score."""

    n: int = 0
    x: float = 0.0
    xx: float = 0.0
    y: float = 0.0
    yy: float = 0.0
    xy: float = 0.0


@dataclass(frozen=True)
class Group:
    """One of the 27% groups: how many answerers, and the sum of their item scores."""

    n: int = 0
    x: float = 0.0


@dataclass(frozen=True)
class ItemTally:
    posts: int = 0
    answers: int = 0
    correct: int = 0
    picks: Mapping[int, Picks] = field(default_factory=dict)
    moments: Moments = field(default_factory=Moments)
    upper: Group = field(default_factory=Group)
    lower: Group = field(default_factory=Group)


@dataclass(frozen=True)
class Finding:
    flag: Flag
    choice: int | None = None  # the distractor it is about, if any


@dataclass(frozen=True)
class ItemStats:
    difficulty: float | None  # share of answers that were right
    point_biserial: float | None
    upper_lower: float | None
    pick_rates: tuple[float, ...]  # per choice, share of answers
    findings: tuple[Finding, ...]


def band_of(rank: int, count: int) -> int:
    """-1 lower group, 1 upper group, 0 neither, for rank 1..count by ascending rest score."""
    if 100 * rank <= GROUP_PERCENT * count:
        return -1
    if 100 * (count - rank + 1) <= GROUP_PERCENT * count:
        return 1
    return 0


def point_biserial(m: Moments) -> float | None:
    """Pearson's r of item score with rest score (the point-biserial when x is 0/1); None with
    fewer than MIN_RANKED answerers or when either score does not vary."""
    if m.n < MIN_RANKED:
        return None
    sxx = m.n * m.xx - m.x * m.x
    syy = m.n * m.yy - m.y * m.y
    # Sums of floats leave a rounding residue where the true variance is 0.
    scale = m.n * m.n
    if sxx <= 1e-9 * scale or syy <= 1e-9 * scale:
        return None
    r = (m.n * m.xy - m.x * m.y) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


def upper_lower(tally: ItemTally) -> float | None:
    """Mean item score of the upper 27% minus that of the lower 27% (Kelley / Ebel's D)."""
    if tally.moments.n < MIN_RANKED or not tally.upper.n or not tally.lower.n:
        return None
    return tally.upper.x / tally.upper.n - tally.lower.x / tally.lower.n


def preferred_distractor(picks: Mapping[int, Picks], choices: int, key: int) -> int | None:
    """The wrong choice that draws strong answerers most: upper-group picks minus lower-group
    picks, then upper-group picks. None when no strong answerer chose a distractor."""
    wrong = [i for i in range(choices) if i != key and picks.get(i, Picks()).upper > 0]
    if not wrong:
        return None
    return max(wrong, key=lambda i: (picks[i].upper - picks[i].lower, picks[i].upper, -i))


def analyse(tally: ItemTally, choices: int, key: int,
            min_answers: int = DEFAULT_MIN_ANSWERS) -> ItemStats:
    """The figures of one question with `choices` choices and the key at index `key`; flags only
    once it has at least `min_answers` answers."""
    answers = tally.answers
    difficulty = tally.correct / answers if answers else None
    rates = tuple(tally.picks.get(i, Picks()).total / answers if answers else 0.0
                  for i in range(choices))
    r = point_biserial(tally.moments)
    findings: list[Finding] = []
    if answers >= min_answers and answers > 0:
        assert difficulty is not None
        if r is not None and r < -NEGATIVE_Z / math.sqrt(tally.moments.n):
            findings.append(Finding(Flag.NEGATIVE_DISCRIMINATION,
                                    preferred_distractor(tally.picks, choices, key)))
        if difficulty < TOO_HARD:
            findings.append(Finding(Flag.TOO_HARD))
        if difficulty > TOO_EASY:
            findings.append(Finding(Flag.TOO_EASY))
        findings.extend(Finding(Flag.DEAD_DISTRACTOR, i) for i in range(choices)
                        if i != key and rates[i] < DEAD_DISTRACTOR)
    return ItemStats(difficulty, r, upper_lower(tally), rates, tuple(findings))
