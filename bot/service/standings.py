"""Leaderboards and personal figures."""

from __future__ import annotations

from bot import errors
from bot.rules import periods, schedule, streaks
from bot.service.teams import TOP_CONTRIBUTORS, Teams, team_rows
from bot.service.views import (
    Actor,
    Board,
    BoardRow,
    ChannelRef,
    TopicAccuracy,
    UserStats,
)
from bot.store import boards, competition_teams, competitions, directory, posts, practice
from bot.store.database import Session
from bot.store.tables import Competition, Streak

_PERIOD_LABELS = {"week": "This week", "month": "This month", "all": "All time"}


class Standings(Teams):
    async def leaderboard(
        self, actor: Actor, period: str = "week", limit: int = 10,
        channel: ChannelRef | None = None, team: str | None = None,
    ) -> Board:
        """A board: `week`, `month`, `all`, or a competition's name. A competition with teams
        also ranks its teams; with `team`, the board is that team's members."""
        period = period.strip().lower() or "week"
        async with self.db.transaction() as session:
            workspace_id = await directory.find_workspace(session, actor.platform,
                                                          actor.workspace_id)
            key, label, competition = await self._period(session, workspace_id, period, channel)
            if workspace_id is None:
                if team:
                    raise errors.InvalidInput("team", team, "only a competition has teams")
                return Board(period, label, ())
            user_id = await directory.find_user(session, workspace_id, actor.user_id)
            teams = (await competition_teams.team_totals(session, competition.id,
                                                         competition.best, TOP_CONTRIBUTORS)
                     if competition is not None else [])
            if team:
                if competition is None or not teams:
                    raise errors.InvalidInput("team", team, "this board has no teams")
                return await self.team_board(session, competition, teams, team, user_id,
                                             period, label)
            top = await boards.top(session, workspace_id, key, limit)
            rows = tuple(
                BoardRow(rank, name, pts, correct, answered, is_caller=uid == user_id)
                for rank, (uid, name, pts, correct, answered) in enumerate(top, start=1)
            )
            caller = None
            if user_id is not None and not any(r.is_caller for r in rows):
                mine = await boards.standing(session, workspace_id, key, user_id)
                if mine is not None:
                    caller = BoardRow(mine.rank, mine.name, mine.points, mine.correct,
                                      mine.answered, is_caller=True)
            if competition is None or not teams:
                return Board(period, label, rows, caller)
            return Board(period, label, rows, caller,
                         teams=await team_rows(session, competition, teams, user_id),
                         best=competition.best)

    async def _period(self, session: Session, workspace_id: int | None, period: str,
                      channel: ChannelRef | None) -> tuple[str, str, Competition | None]:
        """The scores key and the label of a board, and its competition if it is one."""
        if period in periods.PERIODS:
            timezone = "UTC"
            if workspace_id is not None and channel is not None:
                row = await directory.find_channel(session, workspace_id, channel.channel_id)
                timezone = row.timezone if row else "UTC"
            today = schedule.local_date(self.clock(), timezone)
            return periods.key_of(period, today), _PERIOD_LABELS[period], None
        found = None
        if workspace_id is not None:
            found = await competitions.named(session, workspace_id, period)
        if found is None:
            raise errors.InvalidInput("period", period,
                                      "choose week, month, all or a competition's name")
        state = "final" if found.ended else f"until {found.ends_at:%Y-%m-%d %H:%M} UTC"
        return periods.competition_key(found.id), f"Competition {found.name} ({state})", found

    async def stats(self, actor: Actor, channel: ChannelRef | None = None) -> UserStats:
        async with self.db.transaction() as session:
            workspace_id = await directory.find_workspace(session, actor.platform,
                                                          actor.workspace_id)
            if workspace_id is None:
                return UserStats(actor.display_name, 0, 0, 0, 0, 0, 0)
            user_id = await directory.ensure_user(session, workspace_id, actor.user_id,
                                                  actor.display_name)
            here = None
            if channel is not None:
                here = await directory.find_channel(session, workspace_id, channel.channel_id)
            total = await boards.score_of(session, workspace_id, periods.ALL_TIME, user_id)
            current = best = best_elsewhere = 0
            freeze, to_freeze = False, streaks.FREEZE_AT if here is not None else 0
            for row in await boards.streaks_of(session, user_id):
                if here is not None and row.channel_id == here.id:
                    shown = await self._standing_streak(session, row)
                    current, best, freeze = shown.current, row.best, shown.freeze
                    # One freeze per streak: a streak past FREEZE_AT without one has spent it.
                    to_freeze = streaks.FREEZE_AT - current if current < streaks.FREEZE_AT else 0
                else:
                    best_elsewhere = max(best_elsewhere, row.best)
            bank = await self.banks.of(session, workspace_id)
            topics = tuple(
                TopicAccuracy(t.topic, bank.topic_title(t.topic), t.answered, t.correct)
                for t in sorted(await boards.topics_of(session, workspace_id, user_id),
                                key=lambda t: t.topic)
            )
            due = await practice.due_question_ids(session, workspace_id, user_id, self.clock())
            return UserStats(
                name=await boards.user_name(session, user_id), points=total.points if total else 0,
                answered=total.answered if total else 0, correct=total.correct if total else 0,
                streak=current, best_streak=best, best_elsewhere=best_elsewhere, topics=topics,
                # Questions since removed from the content can never be practiced again.
                reviews_due=sum(1 for q in due if q in bank.catalog.questions),
                freeze=freeze, to_freeze=0 if freeze else to_freeze,
            )

    async def _standing_streak(self, session: Session, row: Streak) -> streaks.StreakState:
        """A streak as it stands now (rules.streaks.standing): broken, or saved by a freeze,
        by the posts of its channel that closed since the user's last answer."""
        state = streaks.StreakState(row.current, row.best, row.last_post_id, row.freeze_held)
        closed = await posts.latest_counted_closed(session, row.channel_id)
        latest = await posts.latest_counted(session, row.channel_id)
        closed_prev = None
        if state.freeze and closed is not None and state.last_post_id is not None \
                and closed > state.last_post_id:
            found = await posts.get(session, closed)
            closed_prev = found.prev_post_id if found is not None else None
        return streaks.standing(state, closed,
                                latest.id if latest and latest.status != "closed" else None,
                                closed_prev)

