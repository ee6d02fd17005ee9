"""Activity rollups for the dashboard: written once when a post closes, read as a few small rows.

A closed post takes no more answers, so its answers are final when it closes: rolling them up in
the closing transaction counts each answer exactly once and leaves the answer path alone. The
dashboard then reads one row per day (participation), per topic and day (accuracy over time) and
per member and day (a person's calendar) instead of the answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import ActivityDay, Answer, MemberDay, Post, Streak, TopicDay, User
from bot.store.upsert import insert

_RIGHT = func.sum(case((Answer.correct, 1), else_=0))


async def roll_up_post(session: AsyncSession, *, post_id: int, workspace_id: int, topic: str,
                       day: date) -> None:
    """Add a post's answers to the rollups; call it once, in the transaction that closes it."""
    answered, right = (await session.execute(
        select(func.count(), _RIGHT).where(Answer.post_id == post_id))).one()
    if not answered:
        return
    # The day's row first: its row lock makes two posts of one workspace and day that close at
    # the same moment take turns, so each sees the other's members below and counts people once.
    day_row = insert(session, ActivityDay).values(
        workspace_id=workspace_id, day=day, answers=answered, correct=right, people=0)
    await session.execute(day_row.on_conflict_do_update(
        index_elements=["workspace_id", "day"],
        set_={"answers": ActivityDay.answers + day_row.excluded.answers,
              "correct": ActivityDay.correct + day_row.excluded.correct}))
    seen_today = exists().where(MemberDay.workspace_id == workspace_id,
                                MemberDay.user_id == Answer.user_id, MemberDay.day == day)
    newcomers = (await session.execute(
        select(func.count()).where(Answer.post_id == post_id, ~seen_today))).scalar_one()
    members = insert(session, MemberDay).from_select(
        ["workspace_id", "user_id", "day", "answers", "correct"],
        select(literal(workspace_id), Answer.user_id, literal(day), literal(1),
               case((Answer.correct, 1), else_=0)).where(Answer.post_id == post_id))
    await session.execute(members.on_conflict_do_update(
        index_elements=["workspace_id", "user_id", "day"],
        set_={"answers": MemberDay.answers + members.excluded.answers,
              "correct": MemberDay.correct + members.excluded.correct}))
    if newcomers:
        await session.execute(
            update(ActivityDay).where(ActivityDay.workspace_id == workspace_id,
                                      ActivityDay.day == day)
            .values(people=ActivityDay.people + newcomers))
    topic_row = insert(session, TopicDay).values(
        workspace_id=workspace_id, topic=topic, day=day, answers=answered, correct=right)
    await session.execute(topic_row.on_conflict_do_update(
        index_elements=["workspace_id", "topic", "day"],
        set_={"answers": TopicDay.answers + topic_row.excluded.answers,
              "correct": TopicDay.correct + topic_row.excluded.correct}))


async def days(session: AsyncSession, workspace_id: int, since: date) -> list[ActivityDay]:
    rows = await session.execute(
        select(ActivityDay).where(ActivityDay.workspace_id == workspace_id, ActivityDay.day >= since)
        .order_by(ActivityDay.day))
    return list(rows.scalars())


async def topic_days(session: AsyncSession, workspace_id: int, since: date) -> list[TopicDay]:
    rows = await session.execute(
        select(TopicDay).where(TopicDay.workspace_id == workspace_id, TopicDay.day >= since))
    return list(rows.scalars())


async def topic_totals(session: AsyncSession, workspace_id: int) -> dict[str, tuple[int, int]]:
    """All-time (answers, right answers) per topic."""
    rows = await session.execute(
        select(TopicDay.topic, func.sum(TopicDay.answers), func.sum(TopicDay.correct))
        .where(TopicDay.workspace_id == workspace_id).group_by(TopicDay.topic))
    return {topic: (int(n), int(c)) for topic, n, c in rows}


async def calendar(session: AsyncSession, workspace_id: int, user_id: int,
                   since: date) -> list[MemberDay]:
    rows = await session.execute(
        select(MemberDay).where(MemberDay.workspace_id == workspace_id,
                                MemberDay.user_id == user_id, MemberDay.day >= since)
        .order_by(MemberDay.day))
    return list(rows.scalars())


async def last_days(session: AsyncSession, workspace_id: int,
                    user_ids: list[int]) -> dict[int, date]:
    """The last day each of these people answered (closed posts)."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(MemberDay.user_id, func.max(MemberDay.day))
        .where(MemberDay.workspace_id == workspace_id, MemberDay.user_id.in_(user_ids))
        .group_by(MemberDay.user_id))
    return {user_id: day for user_id, day in rows}


@dataclass(frozen=True)
class Alive:
    """Where a streak can still end: `posts`, each channel's latest closed counted post and any
    later (open) ones; and, for a streak that holds a freeze, `spared`, the predecessor of each
    channel's latest closed post (that one missed post is forgiven). Streaks ending earlier were
    broken by posts that closed unanswered (the rule of rules.streaks.standing)."""

    posts: list[int]
    spared: list[int]

    def keeps(self, row: Streak) -> bool:
        return row.last_post_id in self.posts or (
            row.freeze_held and row.last_post_id in self.spared)


async def alive_post_ids(session: AsyncSession, channel_ids: list[int]) -> Alive:
    if not channel_ids:
        return Alive([], [])
    later = Post.__table__.alias("later")
    closed_after = exists().where(later.c.channel_id == Post.channel_id, later.c.day.is_not(None),
                                  later.c.status == "closed", later.c.id > Post.id)
    rows = await session.execute(
        select(Post.id, Post.status, Post.prev_post_id).where(
            Post.channel_id.in_(channel_ids), Post.day.is_not(None), ~closed_after))
    found = rows.all()
    return Alive([r[0] for r in found],
                 [r[2] for r in found if r[1] == "closed" and r[2] is not None])


def _alive(alive: Alive) -> ColumnElement[bool]:
    """A streak row still alive. One list of ids for ix_streaks_alive to look up, then a filter
    on its own columns (freeze_held is one), so the scan stays index-only: an OR of two lookups
    would make PostgreSQL visit the table for each row."""
    if not alive.spared:
        return Streak.last_post_id.in_(alive.posts)
    return and_(Streak.last_post_id.in_([*alive.posts, *alive.spared]),
                or_(Streak.last_post_id.in_(alive.posts), Streak.freeze_held.is_(True)))


@dataclass(frozen=True)
class AliveStreak:
    user_id: int
    name: str
    current: int


async def longest_alive(session: AsyncSession, alive: Alive, limit: int) -> list[AliveStreak]:
    """People with the longest streaks still alive (their longest over channels). Read from
    ix_streaks_alive alone; names only for the few shown."""
    if not alive.posts:
        return []
    longest = func.max(Streak.current).label("longest")
    top = (select(Streak.user_id, longest)
           .where(_alive(alive), Streak.current > 0)
           .group_by(Streak.user_id).order_by(longest.desc(), Streak.user_id).limit(limit)
           .subquery())
    rows = await session.execute(
        select(top.c.user_id, User.display_name, top.c.longest)
        .join(User, User.id == top.c.user_id).order_by(top.c.longest.desc(), top.c.user_id))
    return [AliveStreak(int(r[0]), str(r[1]), int(r[2])) for r in rows]


async def alive_lengths(session: AsyncSession, alive: Alive,
                        bounds: tuple[int, ...]) -> list[int]:
    """How many alive streaks have a length in each band [bounds[i], bounds[i+1])."""
    if not alive.posts:
        return [0] * len(bounds)
    band: Any = case(*((Streak.current >= low, i) for i, low in reversed(list(enumerate(bounds)))),
                     else_=-1)
    rows = await session.execute(
        select(band, func.count()).where(_alive(alive),
                                         Streak.current >= bounds[0]).group_by(band))
    counts = [0] * len(bounds)
    for row in rows:
        index, count = int(row[0]), int(row[1])
        if index >= 0:
            counts[index] = count
    return counts


async def streaks_of(session: AsyncSession, channel_ids: list[int],
                     user_ids: list[int]) -> list[Streak]:
    """Streak rows of these people in these channels, by primary key (no scan of the table)."""
    if not channel_ids or not user_ids:
        return []
    rows = await session.execute(select(Streak).where(
        and_(Streak.channel_id.in_(channel_ids), Streak.user_id.in_(user_ids))))
    return list(rows.scalars())


async def alive_people(session: AsyncSession, alive: Alive) -> int:
    """How many people have at least one streak still alive."""
    if not alive.posts:
        return 0
    return (await session.execute(
        select(func.count(func.distinct(Streak.user_id)))
        .where(_alive(alive), Streak.current > 0))).scalar_one()
