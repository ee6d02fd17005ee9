"""Leaderboards and personal figures."""

from __future__ import annotations

from bot import errors
from bot.rules import periods, schedule, streaks
from bot.service.base import ServiceBase
from bot.service.views import (
    Actor,
    Board,
    BoardRow,
    ChannelRef,
    TopicAccuracy,
    UserStats,
)
from bot.store import boards, competitions, directory, posts, practice
from bot.store.database import Session

_PERIOD_LABELS = {"week": "This week", "month": "This month", "all": "All time"}


class Standings(ServiceBase):
    async def leaderboard(
        self, actor: Actor, period: str = "week", limit: int = 10,
        channel: ChannelRef | None = None,
    ) -> Board:
        """A board: `week`, `month`, `all`, or a competition's name."""
        period = period.strip().lower() or "week"
        async with self.db.transaction() as session:
            workspace_id = await directory.find_workspace(session, actor.platform,
                                                          actor.workspace_id)
            key, label = await self._period(session, workspace_id, period, channel)
            if workspace_id is None:
                return Board(period, label, ())
            user_id = await directory.find_user(session, workspace_id, actor.user_id)
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
            return Board(period, label, rows, caller)

    async def _period(self, session: Session, workspace_id: int | None, period: str,
                      channel: ChannelRef | None) -> tuple[str, str]:
        """The scores key and the label of a board."""
        if period in periods.PERIODS:
            timezone = "UTC"
            if workspace_id is not None and channel is not None:
                row = await directory.find_channel(session, workspace_id, channel.channel_id)
                timezone = row.timezone if row else "UTC"
            today = schedule.local_date(self.clock(), timezone)
            return periods.key_of(period, today), _PERIOD_LABELS[period]
        found = None
        if workspace_id is not None:
            found = await competitions.named(session, workspace_id, period)
        if found is None:
            raise errors.InvalidInput("period", period,
                                      "choose week, month, all or a competition's name")
        state = "final" if found.ended else f"until {found.ends_at:%Y-%m-%d %H:%M} UTC"
        return periods.competition_key(found.id), f"Competition {found.name} ({state})"

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
            for row in await boards.streaks_of(session, user_id):
                if here is not None and row.channel_id == here.id:
                    closed = await posts.latest_counted_closed(session, row.channel_id)
                    latest = await posts.latest_counted(session, row.channel_id)
                    current = streaks.visible(
                        streaks.StreakState(row.current, row.best, row.last_post_id),
                        closed, latest.id if latest and latest.status != "closed" else None,
                    )
                    best = row.best
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
            )

