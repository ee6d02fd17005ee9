"""The item-analysis arithmetic against hand-computed values and the textbook formulas."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.items import (
    Finding,
    Flag,
    Group,
    ItemTally,
    Moments,
    Picks,
    analyse,
    band_of,
    point_biserial,
    preferred_distractor,
)


def moments(xs: list[float], ys: list[float]) -> Moments:
    return Moments(len(xs), sum(xs), sum(x * x for x in xs), sum(ys), sum(y * y for y in ys),
                   sum(x * y for x, y in zip(xs, ys, strict=True)))


def textbook_point_biserial(xs: list[int], ys: list[float]) -> float:
    """r_pb = (M1 - M0) / s_n * sqrt(p q): means of y for right and wrong, population SD."""
    right = [y for x, y in zip(xs, ys, strict=True) if x]
    wrong = [y for x, y in zip(xs, ys, strict=True) if not x]
    mean = sum(ys) / len(ys)
    s_n = math.sqrt(sum((y - mean) ** 2 for y in ys) / len(ys))
    p = len(right) / len(xs)
    return (sum(right) / len(right) - sum(wrong) / len(wrong)) / s_n * math.sqrt(p * (1 - p))


XS = [1, 1, 1, 0, 1, 0, 0, 1, 0, 0]
YS = [0.9, 0.8, 0.75, 0.7, 0.6, 0.5, 0.4, 0.35, 0.3, 0.2]


def test_point_biserial_by_hand() -> None:
    # M1 = 3.4 / 5 = 0.68, M0 = 2.1 / 5 = 0.42, mean 0.55, sum of squares 0.5 so s_n = sqrt(0.05),
    # p = q = 0.5: r = 0.26 / 0.2236068 * 0.5 = 0.58138.
    assert point_biserial(moments(XS, YS)) == pytest.approx(0.58138, abs=1e-5)
    assert point_biserial(moments(XS, YS)) == pytest.approx(textbook_point_biserial(XS, YS))


@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 20)), min_size=10, max_size=60))
def test_point_biserial_is_the_textbook_formula(pairs: list[tuple[int, int]]) -> None:
    xs = [x for x, _ in pairs]
    ys = [y / 20 for _, y in pairs]
    r = point_biserial(moments(xs, ys))
    if len(set(xs)) < 2 or len(set(ys)) < 2:
        assert r is None
    else:
        assert r == pytest.approx(textbook_point_biserial(xs, ys), abs=1e-9)


def test_no_correlation_from_too_few_answerers_or_no_variation() -> None:
    assert point_biserial(moments(XS[:9], YS[:9])) is None  # fewer than 10 ranked answerers
    assert point_biserial(moments([1] * 10, YS)) is None  # everybody right
    assert point_biserial(moments(XS, [0.5] * 10)) is None  # everybody equally able
    assert point_biserial(moments(XS, [0.1] * 10)) is None  # ... with a rounding residue


def test_the_27_percent_groups() -> None:
    assert [r for r in range(1, 22) if band_of(r, 21) == -1] == [1, 2, 3, 4, 5]
    assert [r for r in range(1, 22) if band_of(r, 21) == 1] == [17, 18, 19, 20, 21]
    assert [band_of(r, 4) for r in range(1, 5)] == [-1, 0, 0, 1]
    assert [band_of(r, 3) for r in range(1, 4)] == [0, 0, 0]


@given(st.integers(1, 500))
def test_the_groups_are_equal_and_disjoint(count: int) -> None:
    bands = [band_of(rank, count) for rank in range(1, count + 1)]
    assert bands.count(-1) == bands.count(1) == math.floor(0.27 * count)
    assert bands == sorted(bands)


def tally(answers: int, correct: int, picks: dict[int, int], **kwargs: object) -> ItemTally:
    return ItemTally(posts=1, answers=answers, correct=correct,
                     picks={i: Picks(n) for i, n in picks.items()}, **kwargs)  # type: ignore[arg-type]


def flags(stats_findings: tuple[Finding, ...]) -> list[tuple[Flag, int | None]]:
    return [(f.flag, f.choice) for f in stats_findings]


def test_difficulty_pick_rates_and_the_easy_and_hard_limits() -> None:
    stats = analyse(tally(40, 38, {0: 38, 1: 1, 2: 1}), choices=3, key=0)
    assert stats.difficulty == 0.95
    assert stats.pick_rates == (0.95, 0.025, 0.025)
    assert flags(stats.findings) == [(Flag.DEAD_DISTRACTOR, 1), (Flag.DEAD_DISTRACTOR, 2)]
    assert flags(analyse(tally(40, 39, {0: 39, 1: 1}), 3, 0).findings) == [
        (Flag.TOO_EASY, None), (Flag.DEAD_DISTRACTOR, 1), (Flag.DEAD_DISTRACTOR, 2)]
    spread = {0: 6, 1: 12, 2: 12, 3: 10}
    assert flags(analyse(tally(40, 6, spread), 4, 0).findings) == []  # 15% is not under 15%
    spread = {0: 5, 1: 13, 2: 12, 3: 10}
    assert flags(analyse(tally(40, 5, spread), 4, 0).findings) == [(Flag.TOO_HARD, None)]
    # A distractor at exactly 5% is alive; 1 in 40 is not.
    assert flags(analyse(tally(40, 20, {0: 20, 1: 18, 2: 2}), 3, 0).findings) == []
    assert flags(analyse(tally(40, 20, {0: 20, 1: 19, 2: 1}), 3, 0).findings) == [
        (Flag.DEAD_DISTRACTOR, 2)]


def test_nothing_is_flagged_below_min_answers() -> None:
    extreme = tally(19, 19, {0: 19})
    assert analyse(extreme, 4, 0).findings == ()
    assert analyse(extreme, 4, 0).difficulty == 1.0  # still measured
    assert flags(analyse(extreme, 4, 0, min_answers=19).findings)[0] == (Flag.TOO_EASY, None)
    never = analyse(ItemTally(), 4, 0)
    assert (never.difficulty, never.point_biserial, never.upper_lower) == (None, None, None)
    assert never.pick_rates == (0.0, 0.0, 0.0, 0.0)


def shifted(n: int, shift: float) -> tuple[list[int], list[float]]:
    """n answerers; those right on this item have rest scores lower by `shift` on average."""
    xs = [i % 2 for i in range(n)]
    ys = [0.5 + (i % 5) / 20 - (shift if x else 0.0) for i, x in enumerate(xs)]
    return xs, ys


# (answerers, shift, r, flagged): the limit is -1.645 / sqrt(n), i.e. -0.368 for 20 answerers,
# -0.165 for 100 and -0.082 for 400.
@pytest.mark.parametrize(("n", "shift", "r", "flagged"), [
    (20, 0.02, -0.140, False), (20, 0.05, -0.333, False), (20, 0.1, -0.577, True),
    (100, 0.02, -0.140, False), (100, 0.03, -0.208, True), (400, 0.01, -0.071, False),
])
def test_negative_discrimination_is_flagged_beyond_chance(
    n: int, shift: float, r: float, flagged: bool
) -> None:
    xs, ys = shifted(n, shift)
    assert textbook_point_biserial(xs, ys) == pytest.approx(r, abs=5e-4)
    picks = {0: Picks(n // 2, 0, 3), 1: Picks(n // 2, 4, 1)}
    item = ItemTally(posts=1, answers=n, correct=sum(xs), picks=picks, moments=moments(xs, ys))
    stats = analyse(item, 2, 0)
    assert stats.point_biserial == pytest.approx(textbook_point_biserial(xs, ys))
    assert ((Flag.NEGATIVE_DISCRIMINATION, 1) in flags(stats.findings)) == flagged


def test_the_distractor_strong_answerers_prefer() -> None:
    picks = {0: Picks(10, 0, 5), 1: Picks(8, 5, 0), 2: Picks(2, 1, 1), 3: Picks(6, 5, 3)}
    assert preferred_distractor(picks, 4, key=0) == 1  # +5 beats +2 and 0
    assert preferred_distractor({0: Picks(10, 5, 0), 1: Picks(3, 0, 3)}, 2, key=0) is None


def test_upper_lower_index() -> None:
    item = ItemTally(answers=21, correct=10, moments=moments(XS * 2 + [1], YS * 2 + [0.5]),
                     upper=Group(5, 1.0), lower=Group(5, 4.0))
    assert analyse(item, 4, 0).upper_lower == pytest.approx(1 / 5 - 4 / 5)
    assert analyse(ItemTally(answers=9, moments=moments(XS[:9], YS[:9]), upper=Group(2, 2.0),
                             lower=Group(2, 0.0)), 4, 0).upper_lower is None

