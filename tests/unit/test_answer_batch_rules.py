"""The rules over a batch give each answer what it would have got alone, in arrival order."""

from __future__ import annotations

from bot.rules.answer_batch import Attempt, Recorded, Tally, replay, score_sums, topic_sums
from bot.rules.streaks import StreakState


def attempt(post: int, prev: int | None, *, user: int = 1, channel: int = 7, correct: bool = True,
            counted: bool = True, records: bool = True) -> Attempt:
    return Attempt(streak_key=(channel, user), post_id=post, prev_post_id=prev, counted=counted,
                   correct=correct, difficulty=1, records=records)


def test_answers_to_consecutive_posts_in_one_batch_build_on_each_other() -> None:
    start = {(7, 1): StreakState(current=3, best=3, last_post_id=10)}
    result = replay([attempt(11, 10), attempt(12, 11)], start)
    assert [o.points for o in result.outcomes] == [10 + 3, 10 + 4]
    assert [o.streak.current for o in result.outcomes] == [4, 5]
    assert result.moved == {(7, 1): StreakState(current=5, best=5, last_post_id=12)}


def test_a_repeat_sees_the_streak_at_its_place_and_changes_nothing() -> None:
    result = replay([attempt(11, 10, records=False), attempt(11, None),
                     attempt(11, None, records=False)], {})
    assert [(o.points, o.streak.current) for o in result.outcomes] == [(0, 0), (10, 1), (0, 1)]


def test_an_extra_post_scores_without_a_bonus_and_leaves_the_streak() -> None:
    start = {(7, 1): StreakState(current=4, best=6, last_post_id=10)}
    result = replay([attempt(99, None, counted=False)], start)
    assert (result.outcomes[0].points, result.outcomes[0].streak.current) == (10, 4)
    assert result.moved == {}


def test_users_and_channels_keep_their_own_streaks() -> None:
    start = {(7, 1): StreakState(2, 2, 10)}
    result = replay([attempt(11, 10, user=1), attempt(11, 10, user=2),
                     attempt(21, 20, user=1, channel=8)], start)
    assert [o.streak.current for o in result.outcomes] == [3, 1, 1]


def test_board_sums_add_up_per_key_in_key_order() -> None:
    answers = [Recorded(1, 5, ("all", "w2026-48"), "k8s", 10, True),
               Recorded(1, 2, ("all",), "linux", 0, False),
               Recorded(1, 5, ("all", "c3"), "k8s", 15, True)]
    assert score_sums(answers) == [
        ((1, "all", 2), Tally(0, 1, 0)),
        ((1, "all", 5), Tally(25, 2, 2)),
        ((1, "c3", 5), Tally(15, 1, 1)),
        ((1, "w2026-48", 5), Tally(10, 1, 1)),
    ]
    assert topic_sums(answers) == [((1, 2, "linux"), Tally(0, 1, 0)),
                                   ((1, 5, "k8s"), Tally(0, 2, 2))]
