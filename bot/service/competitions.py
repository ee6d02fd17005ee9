"""Competitions: a named window with its own board, started and ended by admins or by time."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import timedelta

from bot import errors
from bot.rules import periods
from bot.service.base import require_admin
from bot.service.standings import Standings
from bot.service.views import Actor, Board, ChannelRef, CompetitionView
from bot.store import competitions, directory, posts
from bot.store.database import Session
from bot.store.tables import Competition

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_DAYS = 90


class Competitions(Standings):
    async def start_competition(
        self, actor: Actor, channel: ChannelRef, name: str, days: str = "7"
    ) -> CompetitionView:
        require_admin(actor, "run competitions")
        name = name.strip().lower()
        if not _NAME.match(name) or name in periods.PERIODS:
            raise errors.InvalidInput("competition name", name, "use 1-40 lower-case letters, "
                                      "digits and dashes, other than week, month or all")
        if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
            raise errors.InvalidInput("days", days, f"a competition lasts 1 to {MAX_DAYS} days")
        now = self.clock()
        async with self.db.transaction() as session:
            row = await self.ensure_channel(session, channel, now)
            created = await competitions.create(
                session, workspace_id=row.workspace_id, channel_id=row.id, name=name,
                starts_at=now, ends_at=now + timedelta(days=int(days)))
            if created is None:
                raise errors.InvalidInput("competition name", name, "that name is already taken "
                                          "in this workspace")
            return await self._view(session, created)

    async def end_competition(self, actor: Actor, name: str) -> tuple[CompetitionView, Board]:
        require_admin(actor, "run competitions")
        async with self.db.transaction() as session:
            found = await self._named(session, actor, name)
            if found.ended or not await competitions.end(session, found.id, self.clock()):
                raise errors.InvalidInput("competition name", name, "that competition has ended")
            await session.refresh(found)
            view = await self._view(session, found)
        return view, await self.leaderboard(actor, name)

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
        return CompetitionView(row.name, row.starts_at, row.ends_at, row.ended,
                               channel.workspace.platform, channel.workspace.external_id,
                               channel.external_id)
