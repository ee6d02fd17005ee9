"""Which practice question comes next (pure rules, a fixed clock and fixed seeds)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.rules.repetition import JUST_REVIEWED, Practiced, pick_practice, topic_weight

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=30)
K8S = {"k1": "k8s", "k2": "k8s", "k3": "k8s"}


def card(question_id: str, due_in: timedelta, reviewed: datetime = LONG_AGO) -> Practiced:
    return Practiced(question_id, NOW + due_in, reviewed)


def test_due_reviews_come_first_the_most_overdue_first() -> None:
    practiced = [card("k1", -timedelta(hours=1)), card("k2", -timedelta(days=3)),
                 card("k3", timedelta(days=1))]
    eligible = {**K8S, "l1": "linux"}  # l1 is new, yet a due review goes before it
    assert pick_practice(eligible, practiced, {}, NOW, seed=1) == "k2"
    assert pick_practice(eligible, practiced[:1] + practiced[2:], {}, NOW, seed=1) == "k1"


def test_then_new_questions_then_the_review_due_soonest() -> None:
    practiced = [card("k1", timedelta(days=5)), card("k2", timedelta(days=2))]
    assert pick_practice(K8S, practiced, {}, NOW, seed=3) == "k3"
    assert pick_practice({"k1": "k8s", "k2": "k8s"}, practiced, {}, NOW, seed=3) == "k2"


def test_a_question_reviewed_moments_ago_waits_unless_nothing_else_is_left() -> None:
    just_now = NOW - timedelta(seconds=30)
    practiced = [card("k1", timedelta(days=1), reviewed=just_now),
                 card("k2", timedelta(days=9), reviewed=NOW - timedelta(minutes=1))]
    # Both were just reviewed: the one answered longer ago, never the one answered last.
    assert pick_practice({"k1": "k8s", "k2": "k8s"}, practiced, {}, NOW, seed=0) == "k2"
    practiced.append(card("k3", timedelta(days=20)))
    assert pick_practice(K8S, practiced, {}, NOW, seed=0) == "k3"  # though due last
    assert pick_practice({"k1": "k8s"}, practiced, {}, NOW, seed=0) == "k1"
    assert pick_practice({}, practiced, {}, NOW, seed=0) is None


def test_a_missed_question_is_not_held_back_once_it_is_due() -> None:
    missed = card("k1", timedelta(0), reviewed=NOW - JUST_REVIEWED)
    assert pick_practice(K8S, [missed, card("k2", timedelta(days=1))], {}, NOW, seed=0) == "k1"


def test_questions_no_longer_eligible_are_ignored() -> None:
    practiced = [card("gone", -timedelta(days=9)), card("k1", -timedelta(hours=1))]
    assert pick_practice(K8S, practiced, {}, NOW, seed=0) == "k1"


def test_topic_weight_is_the_smoothed_miss_rate() -> None:
    assert topic_weight(0, 0) == 0.5
    assert topic_weight(10, 2) > topic_weight(2, 1) > topic_weight(10, 9) > 0
    assert topic_weight(4, 4) < topic_weight(1, 1)  # more evidence, more confidence


def _share_of_weak(eligible: dict[str, str], weights: dict[str, float]) -> float:
    picks = Counter(eligible[pick_practice(eligible, [], weights, NOW, seed) or ""]
                    for seed in range(3000))
    return picks["weak"] / 3000


def test_new_questions_lean_toward_the_weakest_topic() -> None:
    weights = {"weak": topic_weight(10, 2), "strong": topic_weight(10, 9)}  # 0.75 vs 1/6
    expected = weights["weak"] / (weights["weak"] + weights["strong"])  # 0.82
    even = {"w1": "weak", "w2": "weak", "s1": "strong", "s2": "strong"}
    assert abs(_share_of_weak(even, weights) - expected) < 0.03
    # However many questions the strong topic holds: topics are drawn first.
    lopsided = {"w1": "weak", **{f"s{i}": "strong" for i in range(20)}}
    assert abs(_share_of_weak(lopsided, weights) - expected) < 0.03
    # Without any answers both topics come up as often.
    assert abs(_share_of_weak(even, {}) - 0.5) < 0.03


def test_the_same_seed_picks_the_same_question() -> None:
    eligible = {f"q{i}": "k8s" for i in range(50)}
    assert len({pick_practice(eligible, [], {}, NOW, seed=7) for _ in range(5)}) == 1
    assert len({pick_practice(eligible, [], {}, NOW, seed=s) for s in range(20)}) > 5


@given(offsets=st.lists(st.integers(-10_000, 10_000), min_size=1, max_size=8),
       new=st.integers(0, 3), seed=st.integers(0, 2**32))
def test_always_an_eligible_question(offsets: list[int], new: int, seed: int) -> None:
    practiced = [card(f"p{i}", timedelta(minutes=m), reviewed=NOW - timedelta(minutes=abs(m) % 20))
                 for i, m in enumerate(offsets)]
    eligible = {c.question_id: "k8s" for c in practiced} | {f"n{i}": "linux" for i in range(new)}
    assert pick_practice(eligible, practiced, {}, NOW, seed) in eligible
