from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.rules.repetition import BOX_DAYS, Review, after_practice, pick_practice

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_correct_answers_climb_and_wait_longer() -> None:
    box, due = 0, NOW
    waits = []
    for _ in range(7):
        box, due = after_practice(box, True, NOW)
        waits.append((due - NOW).days)
    assert waits == [1, 3, 7, 14, 30, 30, 30]


def test_a_wrong_answer_sends_it_back_soon() -> None:
    assert after_practice(4, False, NOW) == (0, NOW + timedelta(minutes=10))


def test_due_questions_come_first_lowest_box_first() -> None:
    reviews = [Review("a", 3, NOW - timedelta(days=1)), Review("b", 1, NOW - timedelta(hours=1)),
               Review("c", 0, NOW + timedelta(days=1))]
    assert pick_practice(["a", "b", "c", "d"], reviews, NOW, last=None, seed=1) == "b"


def test_then_unseen_questions_then_the_soonest() -> None:
    reviews = [Review("a", 2, NOW + timedelta(days=2)), Review("b", 1, NOW + timedelta(days=1))]
    assert pick_practice(["a", "b", "c"], reviews, NOW, last=None, seed=3) == "c"
    assert pick_practice(["a", "b"], reviews, NOW, last=None, seed=3) == "b"


def test_never_the_same_question_twice_in_a_row() -> None:
    reviews = [Review("a", 0, NOW - timedelta(days=1)), Review("b", 5, NOW + timedelta(days=20))]
    assert pick_practice(["a", "b"], reviews, NOW, last="a", seed=0) == "b"
    assert pick_practice(["a"], reviews, NOW, last="a", seed=0) == "a"
    assert pick_practice([], reviews, NOW, last=None, seed=0) is None


@given(answers=st.lists(st.booleans(), min_size=1, max_size=30))
def test_box_stays_in_range_and_due_is_in_the_future(answers: list[bool]) -> None:
    box = 0
    for correct in answers:
        box, due = after_practice(box, correct, NOW)
        assert 0 <= box < len(BOX_DAYS)
        assert due > NOW
