"""Teams in a competition: which team a person counts for, and the fair team score.

A team is a platform group (a Discord role, a Slack user group) or a name people join. Each person
counts for at most one team per competition: the team they joined themselves, otherwise the first
listed team whose group they belong to. A team's score is the sum of its best N members' points,
so a big team does not win by size alone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

DEFAULT_BEST = 5
MAX_BEST = 50
MAX_TEAMS = 25


def counts_toward(competition_topics: Collection[str], topic: str) -> bool:
    """Whether an answer to a question of `topic` scores in a competition (no topics: all)."""
    return not competition_topics or topic in competition_topics


def first_group_team(listed: Sequence[str | None], groups: Collection[str]) -> int | None:
    """The position of the first listed team whose group (None: a named team) the person is in."""
    return next((i for i, group in enumerate(listed) if group is not None and group in groups),
                None)


@dataclass(frozen=True)
class TeamScore:
    points: int
    counted: int  # members whose points make the score: at most `best`


def team_score(member_points: Iterable[int], best: int) -> TeamScore:
    """The sum of the best `best` members' points."""
    top = sorted(member_points, reverse=True)[:best]
    return TeamScore(sum(top), len(top))


def ranking(scores: Sequence[TeamScore]) -> list[int]:
    """Indexes of `scores` in board order: more points first; a tie goes to the team that made
    them with fewer members (the better average), then to the team listed first (`scores` are in
    the order the competition listed its teams). Teams without points stay in listed order."""
    return sorted(range(len(scores)), key=lambda i: (
        -scores[i].points, scores[i].counted if scores[i].points else 0, i))
