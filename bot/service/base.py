"""What every use case shares: the dependencies and a few lookups over content and channels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot import errors
from bot.catalog.catalog import Catalog
from bot.catalog.model import Question
from bot.catalog.search.index import SearchIndex
from bot.rules import schedule
from bot.service.banks import Bank, Banks
from bot.service.grouped_answers import AnswerBatching
from bot.service.views import (
    LETTERS,
    Actor,
    AnswerKey,
    Avoidance,
    ChannelRef,
    QuestionCard,
    ScheduleView,
)
from bot.store import directory
from bot.store.database import Database, Session
from bot.store.ownership import SenderLock
from bot.store.tables import Channel, Post

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class ServiceBase:
    def __init__(
        self, db: Database, catalog: Catalog, index: SearchIndex, clock: Clock = utc_now,
        avoidance: Avoidance | None = None,
        *, answer_batching: AnswerBatching | None = None,
    ) -> None:
        self.db = db
        self.catalog = catalog  # the bundled bank; a workspace's own is in `banks`
        self.index = index
        self.banks = Banks(catalog, index)
        self.clock = clock
        # None: the daily picker ignores the item analysis. Else the avoided set and when it was
        # computed (a cache: any instance can recompute it from the database).
        self.avoidance = avoidance
        self._avoided: tuple[datetime, frozenset[str]] | None = None
        self.sender_locks: dict[str, SenderLock] = {}
        self.answer_batching = answer_batching or AnswerBatching()

    async def ensure_channel(self, session: Session, channel: ChannelRef, now: datetime) -> Channel:
        workspace_id = await directory.ensure_workspace(
            session, channel.platform, channel.workspace_id, channel.workspace_name, now
        )
        return await directory.ensure_channel(
            session, workspace_id, channel.channel_id, channel.channel_name, now
        )

    async def ensure_member(self, session: Session, actor: Actor, now: datetime) -> tuple[int, int]:
        """The (workspace id, user id) of the actor, created on first sight."""
        workspace_id = await directory.ensure_workspace(session, actor.platform,
                                                        actor.workspace_id, "", now)
        user_id = await directory.ensure_user(session, workspace_id, actor.user_id,
                                              actor.display_name)
        return workspace_id, user_id

    async def existing_channel(
        self, session: Session, channel: ChannelRef, for_update: bool = False
    ) -> Channel:
        workspace_id = await directory.find_workspace(session, channel.platform,
                                                      channel.workspace_id)
        row = None
        if workspace_id is not None:
            row = await directory.find_channel(session, workspace_id, channel.channel_id,
                                               for_update=for_update)
        if row is None:
            raise errors.ChannelNotSetUp()
        return row

    def card_for(self, post: Post, row: Channel, bank: Bank | None = None) -> QuestionCard:
        """The card of a post; `bank` is its workspace's (bot/service/banks.py)."""
        bank = bank or self.banks.bundled
        question = bank.question(post.question_id)
        topic = bank.catalog.topic_of[question.id]
        return QuestionCard(
            post_id=post.id, question_id=question.id, topic=topic,
            topic_title=bank.topic_title(topic), prompt=question.prompt,
            choices=tuple(c.text for c in question.choices), difficulty=question.difficulty,
            counted=post.day is not None, local_date=post.local_date, closes_at=post.closes_at,
            channel_id=row.external_id, platform=row.workspace.platform,
            workspace_id=row.workspace.external_id, message_ref=post.message_ref,
            send_attempts=post.send_attempts,
        )

    def schedule_view(self, row: Channel) -> ScheduleView:
        next_local = None
        if row.next_due_at is not None and row.scheduled and not row.paused:
            next_local = row.next_due_at.astimezone(schedule_of(row).zone)
        return ScheduleView(
            channel_name=row.name or row.external_id, scheduled=row.scheduled, paused=row.paused,
            post_time=row.post_time.strftime("%H:%M"), timezone=row.timezone,
            days=schedule.format_days(row.weekdays), topics=tuple(row.topics or ()),
            next_post_local=next_local, bank=row.bank,
        )


def answer_key(question: Question) -> AnswerKey:
    right = question.correct_index
    return AnswerKey(LETTERS[right], question.choices[right].text, question.explanation,
                     question.entry)


def schedule_of(row: Channel) -> schedule.Schedule:
    return schedule.Schedule(row.post_time, row.timezone, row.weekdays)


def require_admin(actor: Actor, action: str) -> None:
    if not actor.is_admin:
        raise errors.NotAllowed(action)

