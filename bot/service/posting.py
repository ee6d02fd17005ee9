"""Questions posted to channels, from claim to close."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from bot import errors
from bot.rules import picking, schedule
from bot.service.banks import Bank
from bot.service.base import answer_key, require_admin
from bot.service.item_analysis import ItemAnalysis
from bot.service.views import (
    Actor,
    ChannelRef,
    PostResult,
    QuestionCard,
)
from bot.store import activity, posts
from bot.store.database import Session
from bot.store.tables import Channel, Post


class Posting(ItemAnalysis):
    async def post_now(
        self, actor: Actor, channel: ChannelRef, question_id: str | None = None
    ) -> QuestionCard:
        """An admin posts a question now. It is the day's counted post unless the channel already
        has one today; then it is an extra that does not count toward streaks. A question asked
        for by id is posted even when the item analysis flags it."""
        require_admin(actor, "post a question")
        # Before the transaction: the analysis has its own, and SQLite has one connection.
        avoid = await self.avoided_questions() if question_id is None else frozenset()
        now = self.clock()
        async with self.db.transaction() as session:
            row = await self.ensure_channel(session, channel, now)
            bank = await self.banks.of(session, row.workspace_id)
            asked = bank.catalog.questions.get(question_id) if question_id is not None else None
            if question_id is not None and (asked is None or asked.retired):
                raise errors.UnknownQuestion(question_id)
            return await self._claim(session, row, now, question_id, avoid, bank)

    async def mark_sent_many(self, references: dict[int, str]) -> None:
        async with self.db.transaction() as session:
            await posts.mark_sent_many(session, references, self.clock())

    async def mark_sent(self, post_id: int, message_ref: str) -> None:
        await self.mark_sent_many({post_id: message_ref})

    async def _claim(
        self, session: Session, row: Channel, now: datetime, question_id: str | None,
        avoid: frozenset[str], bank: Bank,
    ) -> QuestionCard:
        day = schedule.local_date(now, row.timezone)
        previous = await posts.latest_counted(session, row.id)
        chosen = question_id or self.pick_for(row, await posts.history(session, row.id), avoid,
                                              bank)
        next_post = row.next_due_at if row.scheduled and not row.paused else None

        async def claim(counted: bool) -> Post | None:
            return await posts.claim(
                session, counted=counted, channel_id=row.id, question_id=chosen, local_date=day,
                prev_post_id=previous.id if previous else None, now=now,
                closes_at=schedule.closing_time(now, next_post))

        post = None
        if previous is None or previous.day != day:
            post = await claim(counted=True)
        if post is None:  # the day already has its counted post (maybe claimed a moment ago)
            post = await claim(counted=False)
        assert post is not None  # an extra post has no day, so it never conflicts
        return self.card_for(post, row, bank)

    def pick_for(
        self, row: Channel, history: list[str], avoid: frozenset[str] = frozenset(),
        bank: Bank | None = None,
    ) -> str:
        """The channel's next question from its bank (`bank`: its workspace's, see
        bot/service/banks.py); `avoid` (from `avoided_questions`) is skipped while any other
        eligible question remains."""
        bank = bank or self.banks.bundled
        eligible = [q.id for q in bank.questions_for(row.bank, row.topics or None)]
        chosen = picking.pick_question(eligible, history, seed=row.id * 100_003 + len(history),
                                       avoid=avoid)
        if chosen is None:
            raise errors.NoQuestions()
        return chosen

    async def close_post(self, post_id: int) -> PostResult | None:
        """Close a post and return its result; None when it was already closed."""
        async with self.db.transaction() as session:
            if not await posts.close(session, post_id, self.clock()):
                return None
            post = await posts.get(session, post_id)
            assert post is not None
            row = await posts.channel_of(session, post)
            bank = await self.banks.of(session, row.workspace_id)
            # Its answers are final now: the dashboard's rollups take them in this transaction.
            await activity.roll_up_post(
                session, post_id=post.id, workspace_id=row.workspace_id,
                topic=bank.catalog.topic_of.get(post.question_id, post.question_id.split(".")[0]),
                day=post.local_date)
            return await self._result(session, post, bank)

    async def close_latest(self, actor: Actor, channel: ChannelRef) -> PostResult:
        require_admin(actor, "close the question")
        async with self.db.transaction() as session:
            row = await self.existing_channel(session, channel)
            post = await posts.latest_open(session, row.id)
            if post is None:
                raise errors.NoOpenPost()
        result = await self.close_post(post.id)
        if result is None:
            raise errors.NoOpenPost()
        return result

    async def still_claimed(self, post_id: int, send_attempts: int) -> bool:
        """Whether this sender still holds the post's lease: claimed, and not re-leased since."""
        async with self.db.transaction() as session:
            post = await posts.get(session, post_id)
            return post is not None and post.status == "claimed" and \
                post.send_attempts == send_attempts

    async def posts_due_to_close(self, limit: int = 100,
                                 platforms: Collection[str] | None = None) -> list[int]:
        async with self.db.transaction() as session:
            return await posts.due_to_close(session, self.clock(), limit, platforms)

    async def _result(self, session: Session, post: Post, bank: Bank) -> PostResult:
        row = await posts.channel_of(session, post)
        question = bank.question(post.question_id)
        counts = await posts.tally(session, post.id)
        names = await posts.correct_names(session, post.id)
        distribution = tuple(counts.get(i, 0) for i in range(len(question.choices)))
        return PostResult(
            card=self.card_for(post, row, bank), key=answer_key(question), distribution=distribution,
            correct_users=tuple(names), answered=sum(distribution),
        )

