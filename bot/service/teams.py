"""Teams in competitions: joining a team, counting people for their group's team, team boards.

Who counts for which team is written on the person's score row of the competition
(bot/store/competition_teams.py): by `/study team join` (their own choice, which stays), or,
for a team that is a platform group, the first time they act (an answer) while the competition
runs, when the platform says they are in the group. That second path runs after every answer
on every platform, so it is kept cheap: which workspaces have a running group-team competition
is cached here for a short while (GROUP_TEAMS_TTL), and who was already placed is remembered.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cachetools import LRUCache

from bot import errors
from bot.rules import teams as rules
from bot.service.base import ServiceBase
from bot.service.views import Actor, Board, BoardRow, TeamJoin, TeamMember, TeamRow
from bot.store import competition_teams, competitions, directory
from bot.store.database import Session
from bot.store.tables import Competition, CompetitionTeam

# Another instance's new competition is seen here within this long; this instance's own at once.
GROUP_TEAMS_TTL = timedelta(seconds=30)
TOP_CONTRIBUTORS = 3
TEAM_BOARD_ROWS = 20

Workspace = tuple[str, str]  # platform, the platform's workspace id


@dataclass(frozen=True)
class _GroupCompetition:
    competition_id: int
    workspace_id: int
    ends_at: datetime
    teams: tuple[tuple[int, str | None], ...]  # (team id, group id or None), in listed order


@dataclass
class _TeamsState:
    group_competitions: dict[Workspace, tuple[datetime, tuple[_GroupCompetition, ...]]]
    placed: LRUCache[tuple[int, str], bool]  # (competition id, the platform's user id)


def team_named(teams: Sequence[CompetitionTeam], name: str) -> CompetitionTeam | None:
    """A team by its name as people type it: any case, with or without a group's `@`."""
    wanted = name.strip().lower().lstrip("@")
    return next((t for t in teams if t.name.lower().lstrip("@") == wanted), None)


async def team_rows(session: Session, competition: Competition,
                    totals: Sequence[competition_teams.TeamTotal],
                    user_id: int | None) -> tuple[TeamRow, ...]:
    """Every team of a competition in board order (`totals`: its teams, scored); `user_id`'s
    team marked."""
    mine = None
    if user_id is not None:
        found = await competition_teams.membership(session, competition.workspace_id,
                                                   competition.id, user_id)
        mine = found.team_id if found else None
    scores = [rules.TeamScore(t.points, t.counted) for t in totals]
    return tuple(
        TeamRow(rank, totals[i].name, totals[i].points, totals[i].counted,
                tuple(TeamMember(name, points) for name, points in totals[i].top),
                is_callers=totals[i].team_id == mine)
        for rank, i in enumerate(rules.ranking(scores), start=1))


class Teams(ServiceBase):
    _teams_state: _TeamsState | None = None

    def _teams(self) -> _TeamsState:
        if self._teams_state is None:
            self._teams_state = _TeamsState({}, LRUCache(maxsize=100_000))
        return self._teams_state

    def forget_group_teams(self, actor: Actor) -> None:
        """A competition of this workspace started or ended here: look again at once."""
        self._teams().group_competitions.pop((actor.platform, actor.workspace_id), None)

    def may_have_group_teams(self, actor: Actor) -> bool:
        """False only when a recent look found no running group-team competition in the actor's
        workspace: then an answer costs nothing more (no task, no database, no platform call)."""
        cached = self._teams().group_competitions.get((actor.platform, actor.workspace_id))
        return cached is None or cached[0] <= self.clock() or bool(cached[1])

    async def group_team_candidates(self, actor: Actor) -> set[str]:
        """The group ids whose membership would place this person in a team they are not in
        yet; empty when there is nothing to do."""
        return {group for competition in await self._unplaced(actor)
                for _, group in competition.teams if group is not None}

    async def place_in_group_teams(self, actor: Actor, groups: Collection[str]) -> None:
        """Count the person, in each running competition where they have no team yet, for the
        first listed team whose group they are in (`groups`: those the platform says they are in,
        among the candidates). A team they chose themselves stays."""
        placing = []
        for competition in await self._unplaced(actor):
            position = rules.first_group_team([g for _, g in competition.teams], groups)
            if position is not None:
                placing.append((competition, competition.teams[position][0]))
        if not placing:
            return
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id, user_id = await self.ensure_member(session, actor, now)
            still = {c.id for c in await _competitions(session, [c.competition_id
                                                               for c, _ in placing])
                     if not c.ended and c.ends_at > now}
            for competition, team_id in placing:
                if competition.competition_id in still:
                    await competition_teams.put(
                        session, workspace_id=workspace_id,
                        competition_id=competition.competition_id, user_id=user_id,
                        team_id=team_id, chosen=False)
        for competition, _ in placing:
            self._teams().placed[(competition.competition_id, actor.user_id)] = True

    async def _unplaced(self, actor: Actor) -> list[_GroupCompetition]:
        now = self.clock()
        placed = self._teams().placed
        return [c for c in await self._group_competitions(actor)
                if c.ends_at > now and (c.competition_id, actor.user_id) not in placed]

    async def _group_competitions(self, actor: Actor) -> tuple[_GroupCompetition, ...]:
        key = (actor.platform, actor.workspace_id)
        state = self._teams()
        cached = state.group_competitions.get(key)
        now = self.clock()
        if cached is not None and cached[0] > now:
            return cached[1]
        async with self.db.transaction() as session:
            workspace_id = await directory.find_workspace(session, *key)
            found = () if workspace_id is None else tuple(
                _GroupCompetition(c.id, c.workspace_id, c.ends_at,
                                  tuple((t.id, t.group_id) for t in teams))
                for c, teams in await competition_teams.with_groups_running(
                    session, workspace_id, now))
        state.group_competitions[key] = (now + GROUP_TEAMS_TTL, found)
        return found

    async def join_team(self, actor: Actor, team: str,
                        competition: str | None = None) -> list[TeamJoin]:
        """`/study team join NAME [COMPETITION]`: in every running competition (or the one named)
        that has a team of that name. A choice is final; it replaces a group's team."""
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id, user_id = await self.ensure_member(session, actor, now)
            running = [c for c in await _running_with_teams(session, workspace_id, now)
                       if competition is None or c[0].name == competition.strip().lower()]
            if competition is not None and not running:
                raise errors.InvalidInput("competition name", competition,
                                          "no running competition with teams has that name")
            matches = [(c, found) for c, teams in running
                       if (found := team_named(teams, team)) is not None]
            if not matches:
                names = sorted({t.name for _, teams in running for t in teams})
                reason = (f"no running competition has that team; teams: {', '.join(names)}"
                          if names else "no competition with teams is running")
                raise errors.InvalidInput("team", team, reason)
            done = []
            for found_competition, found_team in matches:
                before = await competition_teams.membership(session, workspace_id,
                                                            found_competition.id, user_id)
                if before is not None and before.chosen:
                    kept = next(t for _, teams in running for t in teams if t.id == before.team_id)
                    outcome = "already" if before.team_id == found_team.id else "kept"
                    done.append(TeamJoin(found_competition.name, kept.name, outcome))
                    continue
                await competition_teams.put(session, workspace_id=workspace_id,
                                            competition_id=found_competition.id, user_id=user_id,
                                            team_id=found_team.id, chosen=True)
                self._teams().placed[(found_competition.id, actor.user_id)] = True
                done.append(TeamJoin(found_competition.name, found_team.name, "joined"))
            return done

    async def team_board(self, session: Session, competition: Competition,
                         totals: Sequence[competition_teams.TeamTotal], name: str,
                         user_id: int | None, period: str, label: str) -> Board:
        """One team's members in board order; the best `best` of them make its score."""
        wanted = name.strip().lower().lstrip("@")
        team = next((t for t in totals if t.name.lower().lstrip("@") == wanted), None)
        if team is None:
            raise errors.InvalidInput("team", name, "teams of this competition: "
                                      + ", ".join(t.name for t in totals))
        shown = await competition_teams.members(session, team.team_id,
                                                max(TEAM_BOARD_ROWS, competition.best))
        rows = tuple(BoardRow(rank, m.name, m.points, m.correct, m.answered,
                              is_caller=m.user_id == user_id)
                     for rank, m in enumerate(shown, start=1))
        caller = None
        if user_id is not None and not any(r.is_caller for r in rows):
            placed = await competition_teams.place_in_team(session, team.team_id, user_id)
            if placed is not None:
                rank, m = placed
                caller = BoardRow(rank, m.name, m.points, m.correct, m.answered, is_caller=True)
        ranked = {row.name: row for row in await team_rows(session, competition, totals,
                                                                user_id)}
        return Board(period, f"{label} · team {team.name}", rows, caller,
                     best=competition.best, team=ranked[team.name])


async def _competitions(session: Session, ids: list[int]) -> list[Competition]:
    return [c for c in [await session.get(Competition, i) for i in ids] if c is not None]


async def _running_with_teams(session: Session, workspace_id: int, now: datetime
                              ) -> list[tuple[Competition, list[CompetitionTeam]]]:
    found = [c for c in await competitions.of_workspace(session, workspace_id)
             if not c.ended and c.starts_at <= now < c.ends_at]
    teams = await competition_teams.of_competitions(session, [c.id for c in found])
    return [(c, teams[c.id]) for c in found if teams[c.id]]
