"""Answers to posted questions: exactly once per user, with streaks and points.

On PostgreSQL, answers that arrive together are group-committed (bot/service/group_commit.py,
bot/service/grouped_answers.py); on SQLite each is its own transaction (`_answer_alone`). Both
give every click the same result, and both retry once when the connection was lost, then raise
errors.TryAgain.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot import errors, metrics
from bot.catalog.model import Question
from bot.rules import periods, scoring, streaks, teams
from bot.service.base import ServiceBase, answer_key
from bot.service.group_commit import GroupCommit, Stats
from bot.service.grouped_answers import MAX_ID, Click, GroupedAnswers
from bot.service.views import (
    LETTERS,
    Actor,
    AnswerResult,
    ChannelRef,
    QuestionCard,
    Verdict,
)
from bot.store import answers, boards, competitions, directory, posts
from bot.store.database import Session, is_disconnect
from bot.store.tables import Post


class Answering(ServiceBase):
    _answer_batches: GroupCommit[Click, AnswerResult] | None = None

    async def answer(self, actor: Actor, post_id: int, choice: int) -> AnswerResult:
        now = self.clock()
        if self.db.dialect == "postgresql" and self.answer_batching.enabled is not False:
            return await self._batches().submit(Click(actor, post_id, choice, now))
        return await self._answer_alone(actor, post_id, choice, now)

    async def close(self) -> None:
        """Finish every answer already taken. Call at shutdown, before disposing of the
        database; answers taken meanwhile are finished too."""
        if self._answer_batches is not None:
            await self._answer_batches.drain()

    def answer_batch_stats(self) -> Stats | None:
        return self._answer_batches.stats if self._answer_batches is not None else None

    def _batches(self) -> GroupCommit[Click, AnswerResult]:
        # Started on first use, on the running loop (a service made outside any loop works).
        if self._answer_batches is None or self._answer_batches.loop is not asyncio.get_running_loop():
            grouped = GroupedAnswers(self.db, self.catalog, answer_key,
                                     cache_size=self.answer_batching.post_cache)
            self._answer_batches = GroupCommit(
                grouped.record, max_batch=self.answer_batching.max_batch,
                max_in_flight=self.answer_batching.max_in_flight,
                min_share=self.answer_batching.min_share,
                observe=metrics.ANSWER_BATCH_SIZE.observe)
        return self._answer_batches

    async def _answer_alone(self, actor: Actor, post_id: int, choice: int,
                            now: datetime) -> AnswerResult:
        if not 0 < post_id <= MAX_ID:
            raise errors.UnknownPost()
        try:
            return await self._answer_in_transaction(actor, post_id, choice, now)
        except Exception as exc:
            if not is_disconnect(exc):
                raise
        # The connection was lost (and rolled back): once more on a fresh one.
        try:
            return await self._answer_in_transaction(actor, post_id, choice, now)
        except Exception as exc:
            if is_disconnect(exc):
                raise errors.TryAgain() from exc
            raise

    async def _answer_in_transaction(self, actor: Actor, post_id: int, choice: int,
                                     now: datetime) -> AnswerResult:
        async with self.db.transaction() as session:
            post = await posts.get(session, post_id)
            if post is None:
                raise errors.UnknownPost()
            row = await posts.channel_of(session, post)
            workspace_id = await directory.find_workspace(session, actor.platform,
                                                          actor.workspace_id)
            if workspace_id != row.workspace_id:
                raise errors.UnknownPost()
            bank = await self.banks.of(session, workspace_id)
            question = bank.question(post.question_id)
            if post.status == "closed" or now >= post.closes_at:
                raise errors.PostClosed(LETTERS[question.correct_index])
            if not 0 <= choice < len(question.choices):
                raise errors.InvalidChoice(LETTERS[: len(question.choices)])
            user_id = await directory.ensure_user(session, workspace_id, actor.user_id,
                                                  actor.display_name)
            correct = choice == question.correct_index
            state = await answers.streak(session, row.id, user_id)
            if post.day is not None:
                state = streaks.after_answer(state, post.id, post.prev_post_id,
                                             await self._prev_prev(session, post, state))
            points = scoring.points_for(correct, question.difficulty,
                                        state.current if post.day is not None else 0)
            if not await answers.record(session, post_id=post.id, user_id=user_id, choice=choice,
                                        correct=correct, points=points, now=now):
                return await self._already(session, post, question, user_id, workspace_id)
            if post.day is not None:
                await answers.save_streak(session, row.id, user_id, state)
            topic = bank.catalog.topic_of[question.id]
            running = [competition_id for competition_id, topics
                       in await competitions.running_topics(session, workspace_id, now)
                       if teams.counts_toward(topics, topic)]
            await answers.add_score(
                session, workspace_id=workspace_id, user_id=user_id,
                periods=(*periods.keys_for(post.local_date),
                         *map(periods.competition_key, running)),
                points=points, correct=correct, topic=topic,
            )
            total = await boards.score_of(session, workspace_id, periods.ALL_TIME, user_id)
            return AnswerResult(
                post_id=post.id, verdict=Verdict(LETTERS[choice], answer_key(question)), points=points,
                total_points=total.points if total else points, streak=state.current,
            )

    async def _prev_prev(self, session: Session, post: Post, state: streaks.StreakState
                         ) -> int | None:
        """The predecessor of the post's predecessor, read only when a held freeze may forgive
        one missed post (the streak did not end at the predecessor)."""
        if not state.freeze or post.prev_post_id is None or state.last_post_id in (
                None, post.prev_post_id, post.id):
            return None
        prev = await posts.get(session, post.prev_post_id)
        return prev.prev_post_id if prev is not None else None

    async def answer_latest(self, actor: Actor, channel: ChannelRef, letter: str) -> AnswerResult:
        """Answer the channel's newest open question by letter (the terminal's way to click)."""
        async with self.db.transaction() as session:
            try:
                row = await self.existing_channel(session, channel)
            except errors.ChannelNotSetUp:
                raise errors.NoOpenPost() from None
            post = await posts.latest_open(session, row.id)
            if post is None:
                raise errors.NoOpenPost()
            bank = await self.banks.of(session, row.workspace_id)
        choice = LETTERS.find(letter.strip().upper())
        if len(letter.strip()) != 1 or choice < 0:
            raise errors.InvalidChoice(LETTERS[: len(bank.question(post.question_id).choices)])
        return await self.answer(actor, post.id, choice)

    async def _already(
        self, session: Session, post: Post, question: Question, user_id: int, workspace_id: int
    ) -> AnswerResult:
        before = await answers.previous(session, post.id, user_id)
        assert before is not None
        state = await answers.streak(session, post.channel_id, user_id)
        total = await boards.score_of(session, workspace_id, periods.ALL_TIME, user_id)
        return AnswerResult(
            post_id=post.id, verdict=Verdict(LETTERS[before.choice], answer_key(question)),
            points=before.points, total_points=total.points if total else 0,
            streak=state.current, already_answered=True,
        )

    async def open_card(self, post_id: int) -> QuestionCard | None:
        """The card of a post that is still open (sent and not closed); None otherwise."""
        async with self.db.transaction() as session:
            post = await posts.get(session, post_id)
            if post is None or post.status != "open":
                return None
            row = await posts.channel_of(session, post)
            return self.card_for(post, row, await self.banks.of(session, row.workspace_id))

    async def answered_count(self, post_id: int) -> int:
        async with self.db.transaction() as session:
            return await posts.answered_count(session, post_id)

