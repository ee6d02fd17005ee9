"""The keys of one file lean towards one position (always "B", never "D")."""

from __future__ import annotations

import math
from collections.abc import Iterator

from bot.catalog.source import Problem, SourceFile

LETTERS = "ABCDE"
# Below a dozen questions a test has too little to go on (expected counts under 3 per position
# for four choices), and a lean there is visible by eye anyway.
MIN_QUESTIONS = 12
# Pearson's chi-square against "each question's key is equally likely at any of its positions".
# At 1% a fairly shuffled file is flagged once in a hundred, so a healthy bank of a dozen files
# rarely sees a false warning, while a file with half its keys on one letter is caught.
ALPHA = 0.01


def skewed_positions(files: list[SourceFile]) -> Iterator[Problem]:
    for source in files:
        questions = [q for _, q in source.questions()]
        if len(questions) < MIN_QUESTIONS:
            continue
        width = max(len(q.choices) for q in questions)
        observed = [0] * width
        expected = [0.0] * width
        for question in questions:
            observed[question.correct_index] += 1
            # Questions have three or four choices: each adds 1/k to the positions it has.
            for position in range(len(question.choices)):
                expected[position] += 1 / len(question.choices)
        statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True) if e)
        p = chi_square_survival(statistic, sum(1 for e in expected if e) - 1)
        if p < ALPHA:
            seen = " · ".join(f"{LETTERS[i]} {n}" for i, n in enumerate(observed))
            chance = " · ".join(f"{e:.0f}" for e in expected)
            yield source.warning(
                ("questions",),
                f"key positions lean: {seen} against about {chance} by chance "
                f"(chi-square p = {p:.2g}); move some keys",
            )


def chi_square_survival(x: float, df: int) -> float:
    """P(X >= x) for X ~ chi-square with df degrees of freedom (integer df: closed form).

    Q(x; k+2) = Q(x; k) + (x/2)^(k/2) e^(-x/2) / Gamma(k/2 + 1), from Q(x; 1) = erfc(sqrt(x/2))
    or Q(x; 0) = 0 (Abramowitz & Stegun 26.4.4-26.4.5)."""
    if df < 1:
        return 1.0
    if x <= 0:
        return 1.0
    half = x / 2
    k = df % 2
    total = math.erfc(math.sqrt(half)) if k == 1 else 0.0
    while k < df:
        total += math.exp((k / 2) * math.log(half) - half - math.lgamma(k / 2 + 1))
        k += 2
    return min(1.0, total)
