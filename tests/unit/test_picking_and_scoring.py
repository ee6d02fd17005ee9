from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.rules.picking import pick_question
from bot.rules.scoring import points_for


def test_no_repeat_until_bank_used_up() -> None:
    bank = ["a", "b", "c", "d"]
    history: list[str] = []
    for round_ in range(3):
        picked = []
        for _ in bank:
            choice = pick_question(bank, history, seed=len(history))
            assert choice is not None
            picked.append(choice)
            history.append(choice)
        assert sorted(picked) == bank, f"round {round_} repeated a question"


def test_new_pass_does_not_repeat_yesterday() -> None:
    bank = ["a", "b"]
    for seed in range(20):
        assert pick_question(bank, ["a", "b"], seed) == "a"


def test_removed_questions_are_ignored_and_new_ones_are_eligible() -> None:
    assert pick_question(["a", "new"], ["a", "gone"], seed=1) == "new"
    assert pick_question([], ["a"], seed=1) is None


@given(bank=st.sets(st.text(min_size=1, max_size=4), min_size=1, max_size=12),
       seed=st.integers())
def test_picks_come_from_the_bank_and_are_reproducible(bank: set[str], seed: int) -> None:
    eligible = sorted(bank)
    first = pick_question(eligible, [], seed)
    assert first in bank
    assert pick_question(eligible, [], seed) == first


def test_avoided_questions_are_left_out_while_others_remain() -> None:
    bank = ["a", "b", "c", "d"]
    history: list[str] = []
    for _ in range(6):
        choice = pick_question(bank, history, seed=len(history), avoid={"b", "d"})
        assert choice in {"a", "c"}
        history.append(choice)
    # Both unflagged questions come once per round, as if the flagged ones were not there.
    assert sorted(history[:2]) == sorted(history[2:4]) == ["a", "c"]


def test_a_channel_whose_whole_bank_is_avoided_still_gets_a_question() -> None:
    assert pick_question(["a", "b"], ["a"], seed=3, avoid={"a", "b", "x"}) == "b"


def test_scoring_rule() -> None:
    assert [points_for(True, d, 1) for d in (1, 2, 3)] == [10, 15, 20]
    assert points_for(True, 1, 4) == 13
    assert points_for(True, 1, 50) == 15
    assert points_for(False, 3, 9) == 0
