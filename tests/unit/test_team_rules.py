"""The fair team score and who counts for which team."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.teams import TeamScore, counts_toward, first_group_team, ranking, team_score

points = st.lists(st.integers(0, 500), max_size=40)


def test_the_best_n_count_and_the_rest_do_not() -> None:
    assert team_score([10, 50, 20, 40, 30, 60], 3) == TeamScore(150, 3)
    assert team_score([10, 20], 5) == TeamScore(30, 2)
    assert team_score([], 5) == TeamScore(0, 0)


@settings(max_examples=300, deadline=None)
@given(members=points, more=points, best=st.integers(1, 10))
def test_size_alone_never_wins(members: list[int], more: list[int], best: int) -> None:
    score = team_score(members, best)
    assert score.counted == min(best, len(members))
    assert score.points <= sum(members)
    # Adding members never lowers a score, and adds at most `best` times the best newcomer.
    bigger = team_score(members + more, best)
    assert score.points <= bigger.points <= score.points + best * max(more, default=0)
    # A team of any size whose members all score less than a small team's worst counted member
    # cannot beat a small team that has `best` members.
    if len(members) >= best:
        floor = sorted(members, reverse=True)[best - 1]
        weaker = [min(p, max(floor - 1, 0)) for p in more]
        assert team_score(weaker, best).points <= score.points


def test_a_person_in_two_groups_counts_for_the_first_listed() -> None:
    listed = ["S2", None, "S1", "S3"]
    assert first_group_team(listed, {"S1", "S2"}) == 0
    assert first_group_team(listed, {"S3", "S1"}) == 2
    assert first_group_team(listed, {"S9"}) is None
    assert first_group_team(listed, set()) is None


def test_ties_go_to_fewer_members_then_to_the_first_listed() -> None:
    scores = [TeamScore(30, 3), TeamScore(30, 2), TeamScore(40, 5), TeamScore(0, 4),
              TeamScore(0, 0), TeamScore(30, 2)]
    assert ranking(scores) == [2, 1, 5, 0, 3, 4]


def test_topic_filters() -> None:
    assert counts_toward([], "k8s")
    assert counts_toward(["k8s", "linux"], "k8s")
    assert not counts_toward(["linux"], "k8s")
