"""Teams of a competition: the teams it listed, who counts for which, and the team boards.

A person's team in a competition lives on their score row of that competition (period `c<id>`,
one per person and competition): `team_id`, and `team_chosen` when they joined it themselves.
So a team's points are its members' rows, and `ix_scores_team` (team, then board order) gives a
team's best N as its first N entries. Writing a team onto the row is an upsert on the row's key,
like the answer path's score upsert, so a join and an answer that come together never lose one
another: the second waits for the first on that key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.rules import periods
from bot.rules import teams as rules
from bot.store.tables import Competition, CompetitionTeam, Score, User
from bot.store.upsert import insert

# The board's order (bot/store/boards.py), which ix_scores_team follows after the team.
_ORDER = (Score.points.desc(), Score.correct.desc(), Score.answered.asc(), Score.user_id.asc())


async def add(session: AsyncSession, competition_id: int,
              teams: Sequence[tuple[str, str | None]]) -> None:
    """Teams as (name, group id or None for a team people join), in the order listed."""
    for position, (name, group_id) in enumerate(teams):
        session.add(CompetitionTeam(competition_id=competition_id, position=position,
                                    name=name, group_id=group_id))
    await session.flush()


async def of_competition(session: AsyncSession, competition_id: int) -> list[CompetitionTeam]:
    rows = await session.execute(select(CompetitionTeam)
                                 .where(CompetitionTeam.competition_id == competition_id)
                                 .order_by(CompetitionTeam.position))
    return list(rows.scalars())


async def of_competitions(session: AsyncSession,
                          competition_ids: Sequence[int]) -> dict[int, list[CompetitionTeam]]:
    found: dict[int, list[CompetitionTeam]] = {c: [] for c in competition_ids}
    if not competition_ids:
        return found
    rows = await session.execute(select(CompetitionTeam)
                                 .where(CompetitionTeam.competition_id.in_(competition_ids))
                                 .order_by(CompetitionTeam.competition_id,
                                           CompetitionTeam.position))
    for team in rows.scalars():
        found[team.competition_id].append(team)
    return found


async def with_groups_running(session: AsyncSession, workspace_id: int,
                              now: datetime) -> list[tuple[Competition, list[CompetitionTeam]]]:
    """The running competitions of a workspace that have a group team, with all their teams."""
    grouped = (select(CompetitionTeam.competition_id)
               .where(CompetitionTeam.group_id.is_not(None)).distinct())
    rows = await session.execute(
        select(Competition).where(
            Competition.workspace_id == workspace_id, Competition.ended.is_(False),
            Competition.starts_at <= now, Competition.ends_at > now,
            Competition.id.in_(grouped)).order_by(Competition.id))
    found = list(rows.scalars())
    teams = await of_competitions(session, [c.id for c in found])
    return [(c, teams[c.id]) for c in found]


class Membership(NamedTuple):
    team_id: int
    chosen: bool


async def membership(session: AsyncSession, workspace_id: int, competition_id: int,
                     user_id: int) -> Membership | None:
    row = (await session.execute(
        select(Score.team_id, Score.team_chosen).where(
            Score.workspace_id == workspace_id,
            Score.period == periods.competition_key(competition_id), Score.user_id == user_id,
            Score.team_id.is_not(None)))).one_or_none()
    if row is None or row[0] is None:
        return None
    return Membership(row[0], bool(row[1]))


async def put(session: AsyncSession, *, workspace_id: int, competition_id: int, user_id: int,
              team_id: int, chosen: bool) -> None:
    """Put a person in a team. Their own choice (`chosen`) replaces a team their group gave them
    but not an earlier choice; a group's team only fills an empty place. A person who has not
    scored yet gets a row with no points, so they show on the team's board from the start."""
    statement = insert(session, Score).values(
        workspace_id=workspace_id, period=periods.competition_key(competition_id),
        user_id=user_id, points=0, answered=0, correct=0, team_id=team_id, team_chosen=chosen)
    vacant = (or_(Score.team_chosen.is_(None), Score.team_chosen.is_(False)) if chosen
              else Score.team_id.is_(None))
    await session.execute(statement.on_conflict_do_update(
        index_elements=["workspace_id", "period", "user_id"],
        set_={"team_id": statement.excluded.team_id,
              "team_chosen": statement.excluded.team_chosen},
        where=vacant))


class Member(NamedTuple):
    team_id: int
    user_id: int
    name: str
    points: int
    correct: int
    answered: int


def _member(row: Any) -> Member:
    return Member(int(row[0]), int(row[1]), str(row[2]), int(row[3]), int(row[4]), int(row[5]))


class TeamTotal(NamedTuple):
    team_id: int
    name: str
    points: int  # the sum of its best `best` members' points
    counted: int  # how many members that is (at most `best`)
    top: tuple[tuple[str, int], ...]  # its best members' names and points, best first


# Per team, its best `best` entries of ix_scores_team (a LATERAL per team, whatever the team's
# size), summed here; names only for the first `top` of them. One row per team, listed order.
TEAM_TOTALS = """
SELECT t.id, t.name, coalesce(sum(b.points), 0)::int, count(b.user_id)::int,
       array_agg(u.display_name ORDER BY b.place) FILTER (WHERE b.place <= :top),
       array_agg(b.points ORDER BY b.place) FILTER (WHERE b.place <= :top)
FROM competition_teams t
LEFT JOIN LATERAL (
    SELECT l.user_id, l.points,
           row_number() OVER (ORDER BY l.points DESC, l.correct DESC, l.answered, l.user_id)
             AS place
    FROM (SELECT user_id, points, correct, answered FROM scores WHERE team_id = t.id
          ORDER BY points DESC, correct DESC, answered, user_id LIMIT :best) l
) b ON true
-- A lookup by key per name shown: a plain join let the planner hash all users for 200 teams.
LEFT JOIN LATERAL (
    SELECT display_name FROM users WHERE id = b.user_id AND b.place <= :top LIMIT 1
) u ON true
WHERE t.competition_id = :competition
GROUP BY t.id, t.name, t.position
ORDER BY t.position
"""


async def team_totals(session: AsyncSession, competition_id: int, best: int,
                      top: int = 3) -> list[TeamTotal]:
    """Every team of a competition, in listed order, scored from its best `best` members (none:
    the competition has no teams)."""
    if session.get_bind().dialect.name == "postgresql":
        rows = await session.execute(text(TEAM_TOTALS), {
            "competition": competition_id, "best": best, "top": top})
        return [TeamTotal(int(r[0]), str(r[1]), int(r[2]), int(r[3]),
                          tuple(zip(r[4] or (), r[5] or (), strict=True))) for r in rows]
    # SQLite has no LATERAL: a window over the competition's team rows (SQLite serves small
    # teams; PostgreSQL is for the large ones), summed by the rule.
    place = func.row_number().over(partition_by=Score.team_id, order_by=_ORDER).label("place")
    ranked = (select(Score.team_id, Score.user_id, Score.points, place)
              .join(CompetitionTeam, CompetitionTeam.id == Score.team_id)
              .where(CompetitionTeam.competition_id == competition_id).subquery())
    best_rows: dict[int, list[tuple[str, int]]] = {}
    found: Any = await session.execute(
        select(ranked.c.team_id, User.display_name, ranked.c.points)
        .join(User, User.id == ranked.c.user_id).where(ranked.c.place <= best)
        .order_by(ranked.c.team_id, ranked.c.place))
    for team_id, name, points in found:
        best_rows.setdefault(int(team_id), []).append((str(name), int(points)))
    totals = []
    for team in await of_competition(session, competition_id):
        members = best_rows.get(team.id, [])
        score = rules.team_score((p for _, p in members), best)
        totals.append(TeamTotal(team.id, team.name, score.points, score.counted,
                                tuple(members[:top])))
    return totals


async def members(session: AsyncSession, team_id: int, limit: int) -> list[Member]:
    """One team's first `limit` members in board order."""
    rows = await session.execute(
        select(Score.team_id, Score.user_id, User.display_name, Score.points, Score.correct,
               Score.answered)
        .join(User, User.id == Score.user_id).where(Score.team_id == team_id)
        .order_by(*_ORDER).limit(limit))
    return [_member(row) for row in rows]


async def place_in_team(session: AsyncSession, team_id: int, user_id: int
                        ) -> tuple[int, Member] | None:
    """A member's place in their team (1 = its best) and figures; None when not a member."""
    mine = (await session.execute(
        select(Score.team_id, Score.user_id, User.display_name, Score.points, Score.correct,
               Score.answered)
        .join(User, User.id == Score.user_id)
        .where(Score.team_id == team_id, Score.user_id == user_id))).one_or_none()
    if mine is None:
        return None
    member = _member(mine)
    # Those ahead in the team: four contiguous ranges of ix_scores_team, counted from the index
    # (as boards.standing_query does for a whole board), not an OR that reads the team's rows.
    same = (Score.team_id == team_id, Score.points == member.points)
    ranges = ((Score.team_id == team_id, Score.points > member.points),
              (*same, Score.correct > member.correct),
              (*same, Score.correct == member.correct, Score.answered < member.answered),
              (*same, Score.correct == member.correct, Score.answered == member.answered,
               Score.user_id < member.user_id))
    counts = [select(func.count()).select_from(Score).where(*conditions).scalar_subquery()
              for conditions in ranges]
    ahead: int = (await session.execute(select(counts[0] + counts[1] + counts[2] + counts[3])
                                   )).scalar_one()
    return int(ahead) + 1, member
