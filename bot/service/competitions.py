"""Competitions: a named window with its own board, started and ended by admins or by time."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import timedelta

from bot import errors
from bot.rules import periods
from bot.rules import teams as teams_rules
from bot.service.base import require_admin
from bot.service.standings import Standings
from bot.service.views import Actor, Board, ChannelRef, CompetitionView, TeamSpec
from bot.store import competition_teams, competitions, directory, posts
from bot.store.database import Session
from bot.store.tables import Competition

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_DAYS = 90


class Competitions(Standings):
    async def start_competition(
        self, actor: Actor, channel: ChannelRef, name: str, days: str = "7",
        teams: Sequence[TeamSpec] = (), topics: Sequence[str] = (), best: str = "",
    ) -> CompetitionView:
        """A competition from now for `days`. `teams`: platform groups or names, in order (a
        person in two groups counts for the first); `topics`: only answers to these count;
        `best`: how many members' points make a team's score (default 5)."""
        require_admin(actor, "run competitions")
        name = name.strip().lower()
        if not _NAME.match(name) or name in periods.PERIODS:
            raise errors.InvalidInput("competition name", name, "use 1-40 lower-case letters, "
                                      "digits and dashes, other than week, month or all")
        if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
            raise errors.InvalidInput("days", days, f"a competition lasts 1 to {MAX_DAYS} days")
        listed = _checked_teams(teams)
        best_of = _checked_best(best, bool(listed))
        now = self.clock()
        async with self.db.transaction() as session:
            row = await self.ensure_channel(session, channel, now)
            # Topics of the bundled bank or of the workspace's own.
            slugs = (await self.banks.of(session, row.workspace_id)).resolve_topics(list(topics))
            created = await competitions.create(
                session, workspace_id=row.workspace_id, channel_id=row.id, name=name,
                starts_at=now, ends_at=now + timedelta(days=int(days)), topics=slugs,
                best=best_of)
            if created is None:
                raise errors.InvalidInput("competition name", name, "that name is already taken "
                                          "in this workspace")
            await competition_teams.add(session, created.id,
                                        [(t.name, t.group_id) for t in listed])
            view = await self._view(session, created)
        self.forget_group_teams(actor)
        return view

    async def end_competition(self, actor: Actor, name: str) -> tuple[CompetitionView, Board]:
        require_admin(actor, "run competitions")
        async with self.db.transaction() as session:
            found = await self._named(session, actor, name)
            if found.ended or not await competitions.end(session, found.id, self.clock()):
                raise errors.InvalidInput("competition name", name, "that competition has ended")
            await session.refresh(found)
            view = await self._view(session, found)
        self.forget_group_teams(actor)
        # Its final board as everyone sees it (the caller's own rank is in their reply only).
        return view, await self.leaderboard(Actor(view.platform, view.workspace_id, "", ""), name)

    async def list_competitions(self, actor: Actor) -> list[CompetitionView]:
        async with self.db.transaction() as session:
            workspace_id = await directory.find_workspace(session, actor.platform,
                                                          actor.workspace_id)
            if workspace_id is None:
                return []
            return [await self._view(session, c)
                    for c in await competitions.of_workspace(session, workspace_id)]

    async def end_due_competitions(
        self, platforms: Collection[str] | None = None,
    ) -> list[tuple[CompetitionView, Board]]:
        """Competitions whose time is up, ended once each, with their final boards."""
        now = self.clock()
        ended = []
        async with self.db.transaction() as session:
            for row in await competitions.due_to_end(session, now, platforms):
                if await competitions.end(session, row.id, now):
                    await session.refresh(row)
                    ended.append(await self._view(session, row))
        results = []
        for view in ended:
            viewer = Actor(view.platform, view.workspace_id, "", "")
            results.append((view, await self.leaderboard(viewer, view.name)))
        return results

    async def _named(self, session: Session, actor: Actor, name: str) -> Competition:
        workspace_id = await directory.find_workspace(session, actor.platform, actor.workspace_id)
        found = None
        if workspace_id is not None:
            found = await competitions.named(session, workspace_id, name.strip().lower())
        if found is None:
            raise errors.InvalidInput("competition name", name, "no competition has that name")
        return found

    async def _view(self, session: Session, row: Competition) -> CompetitionView:
        channel = await posts.channel_by_id(session, row.channel_id)
        teams = await competition_teams.of_competition(session, row.id)
        return CompetitionView(row.name, row.starts_at, row.ends_at, row.ended,
                               channel.workspace.platform, channel.workspace.external_id,
                               channel.external_id, tuple(t.name for t in teams),
                               tuple(row.topics or ()), row.best)


def _checked_teams(teams: Sequence[TeamSpec]) -> list[TeamSpec]:
    """Named teams' names are like competition names; no two teams alike; at most MAX_TEAMS."""
    checked: list[TeamSpec] = []
    for team in teams:
        if team.group_id is None:
            team = TeamSpec(team.name.strip().lower(), None)
            if not _NAME.match(team.name):
                raise errors.InvalidInput("team", team.name, "a team is a group (a role or a user "
                                          "group) or a name of 1-40 letters, digits and dashes")
        key = team.name.lower().lstrip("@")
        if any(key == t.name.lower().lstrip("@") or (team.group_id and team.group_id == t.group_id)
               for t in checked):
            raise errors.InvalidInput("team", team.name, "that team is listed twice")
        checked.append(team)
    if len(checked) > teams_rules.MAX_TEAMS:
        raise errors.InvalidInput("teams", str(len(checked)),
                                  f"a competition has at most {teams_rules.MAX_TEAMS} teams")
    return checked


def _checked_best(best: str, has_teams: bool) -> int:
    if not best:
        return teams_rules.DEFAULT_BEST
    if not has_teams:
        raise errors.InvalidInput("best", best, "best counts a team's members: list the teams "
                                  "too (teams: ...)")
    if not best.isdigit() or not 1 <= int(best) <= teams_rules.MAX_BEST:
        raise errors.InvalidInput("best", best, f"a team's best 1 to {teams_rules.MAX_BEST} "
                                  "members count")
    return int(best)
