"""The use cases. Each public method is one transaction; results are plain cards."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import UTC, datetime

from bot import errors
from bot.catalog.catalog import Catalog
from bot.catalog.model import Question
from bot.catalog.search import Hit, SearchIndex
from bot.rules import periods, picking, repetition, schedule, scoring, streaks
from bot.service.cards import (
    LETTERS,
    Actor,
    AnswerKey,
    AnswerResult,
    Board,
    BoardRow,
    ChannelRef,
    EntryView,
    LookupResult,
    PostResult,
    PracticeQuestion,
    PracticeResult,
    QuestionCard,
    ScheduleView,
    TopicAccuracy,
    UserStats,
    Verdict,
)
from bot.store import answers, boards, directory, posts, practice
from bot.store.database import Database, Session
from bot.store.tables import Channel, Post

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


_PERIOD_LABELS = {"week": "This week", "month": "This month", "all": "All time"}


class StudyService:
    def __init__(
        self, db: Database, catalog: Catalog, index: SearchIndex, clock: Clock = utc_now
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.index = index
        self.clock = clock

    # ---- lookups (no database) --------------------------------------------------------

    def lookup(self, query: str, topic: str | None = None, limit: int = 5) -> LookupResult:
        slug = None
        if topic is not None:
            slug = self.catalog.resolve_topic(topic)
            if slug is None:
                raise errors.UnknownTopic(topic, sorted(self.catalog.topics))
        query = query.strip()
        hits = self.index.search(query, topic=slug, limit=limit) if query else []
        suggestions = [] if hits else self.index.suggest(query, topic=slug, limit=limit)
        return LookupResult(query, slug, tuple(map(self._entry_view, hits)),
                            tuple(map(self._entry_view, suggestions)))

    def entry(self, entry_id: str) -> EntryView | None:
        entry = self.catalog.entries.get(entry_id)
        if entry is None:
            return None
        return EntryView(entry.id, self.catalog.topic_of[entry.id], entry.title, entry.body, 0.0)

    def _entry_view(self, hit: Hit) -> EntryView:
        entry = self.catalog.entries[hit.entry_id]
        return EntryView(hit.entry_id, hit.topic, hit.title, entry.body, hit.score)

    # ---- channels and schedules -------------------------------------------------------

    async def configure_channel(
        self, actor: Actor, channel: ChannelRef, time: str, timezone: str, days: str = "mon-fri",
        topics: list[str] | None = None,
    ) -> ScheduleView:
        _require_admin(actor, "change the study schedule")
        try:
            sched = schedule.Schedule(
                post_time=schedule.parse_time(time),
                timezone=schedule.parse_timezone(timezone),
                weekdays=schedule.parse_days(days),
            )
        except schedule.ScheduleInputError as exc:
            raise errors.InvalidInput(exc.field, exc.value, exc.reason) from None
        slugs = self._resolve_topics(topics or [])
        now = self.clock()
        async with self.db.transaction() as session:
            row = await self._ensure_channel(session, channel, now)
            row.post_time, row.timezone, row.weekdays = sched.post_time, sched.timezone, sched.weekdays
            row.topics, row.scheduled = slugs, True
            row.next_due_at = None if row.paused else schedule.next_due(now, sched)
            return self._schedule_view(row)

    async def set_paused(self, actor: Actor, channel: ChannelRef, paused: bool) -> ScheduleView:
        _require_admin(actor, "pause or resume the daily question")
        now = self.clock()
        async with self.db.transaction() as session:
            row = await self._existing_channel(session, channel, for_update=True)
            if not row.scheduled:
                raise errors.ChannelNotSetUp()
            row.paused = paused
            row.next_due_at = None if paused else schedule.next_due(now, _schedule_of(row))
            return self._schedule_view(row)

    async def schedule(self, channel: ChannelRef) -> ScheduleView:
        async with self.db.transaction() as session:
            return self._schedule_view(await self._existing_channel(session, channel))

    # ---- posting ----------------------------------------------------------------------

    async def post_now(
        self, actor: Actor, channel: ChannelRef, question_id: str | None = None
    ) -> QuestionCard:
        """An admin posts a question now. It is the day's counted post unless the channel already
        has one today; then it is an extra that does not count toward streaks."""
        _require_admin(actor, "post a question")
        if question_id is not None and question_id not in self.catalog.questions:
            raise errors.UnknownQuestion(question_id)
        now = self.clock()
        async with self.db.transaction() as session:
            row = await self._ensure_channel(session, channel, now)
            card = await self._claim(session, row, now, question_id, counted=True)
            if card is None:
                card = await self._claim(session, row, now, question_id, counted=False)
            assert card is not None
            return card

    async def mark_sent_many(self, references: dict[int, str]) -> None:
        async with self.db.transaction() as session:
            await posts.mark_sent_many(session, references, self.clock())

    async def mark_sent(self, post_id: int, message_ref: str) -> None:
        await self.mark_sent_many({post_id: message_ref})

    async def _claim(
        self, session: Session, row: Channel, now: datetime, question_id: str | None,
        counted: bool,
    ) -> QuestionCard | None:
        day = schedule.local_date(now, row.timezone)
        previous = await posts.latest_counted(session, row.id)
        if counted and previous is not None and previous.day == day:
            return None
        chosen = question_id or self.pick_for(row, await posts.history(session, row.id))
        next_post = row.next_due_at if row.scheduled and not row.paused else None
        post = await posts.claim(
            session,
            channel_id=row.id, question_id=chosen, local_date=day, counted=counted,
            prev_post_id=previous.id if previous else None, now=now,
            closes_at=schedule.closing_time(now, next_post),
        )
        return None if post is None else self.card_for(post, row)

    def pick_for(self, row: Channel, history: list[str]) -> str:
        eligible = [q.id for q in self.catalog.questions_in(row.topics or None)]
        chosen = picking.pick_question(eligible, history, seed=row.id * 100_003 + len(history))
        if chosen is None:
            raise errors.NoQuestions()
        return chosen

    # ---- answering --------------------------------------------------------------------

    async def answer(self, actor: Actor, post_id: int, choice: int) -> AnswerResult:
        now = self.clock()
        async with self.db.transaction() as session:
            post = await posts.get(session, post_id)
            if post is None:
                raise errors.UnknownPost()
            row = await posts.channel_of(session, post)
            workspace_id = await directory.find_workspace(session, actor.platform,
                                                          actor.workspace_id)
            if workspace_id != row.workspace_id:
                raise errors.UnknownPost()
            question = self._question(post.question_id)
            if post.status == "closed" or now >= post.closes_at:
                raise errors.PostClosed(LETTERS[question.correct_index])
            if not 0 <= choice < len(question.choices):
                raise errors.InvalidChoice(LETTERS[: len(question.choices)])
            user_id = await directory.ensure_user(session, workspace_id, actor.user_id,
                                                  actor.display_name)
            correct = choice == question.correct_index
            state = await answers.streak(session, row.id, user_id)
            if post.day is not None:
                state = streaks.after_answer(state, post.id, post.prev_post_id)
            points = scoring.points_for(correct, question.difficulty,
                                        state.current if post.day is not None else 0)
            if not await answers.record(session, post_id=post.id, user_id=user_id, choice=choice,
                                        correct=correct, points=points, now=now):
                return await self._already(session, post, question, user_id, workspace_id)
            if post.day is not None:
                await answers.save_streak(session, row.id, user_id, state)
            await answers.add_score(
                session, workspace_id=workspace_id, user_id=user_id,
                periods=periods.keys_for(post.local_date), points=points, correct=correct,
                topic=self.catalog.topic_of[question.id],
            )
            total = await boards.score_of(session, workspace_id, periods.ALL_TIME, user_id)
            return AnswerResult(
                post_id=post.id, verdict=Verdict(LETTERS[choice], _key(question)), points=points,
                total_points=total.points if total else points, streak=state.current,
            )

    async def answer_latest(self, actor: Actor, channel: ChannelRef, letter: str) -> AnswerResult:
        """Answer the channel's newest open question by letter (the terminal's way to click)."""
        async with self.db.transaction() as session:
            try:
                row = await self._existing_channel(session, channel)
            except errors.ChannelNotSetUp:
                raise errors.NoOpenPost() from None
            post = await posts.latest_open(session, row.id)
            if post is None:
                raise errors.NoOpenPost()
        choice = LETTERS.find(letter.strip().upper())
        if len(letter.strip()) != 1 or choice < 0:
            raise errors.InvalidChoice(LETTERS[: len(self._question(post.question_id).choices)])
        return await self.answer(actor, post.id, choice)

    async def _already(
        self, session: Session, post: Post, question: Question, user_id: int, workspace_id: int
    ) -> AnswerResult:
        before = await answers.previous(session, post.id, user_id)
        assert before is not None
        state = await answers.streak(session, post.channel_id, user_id)
        total = await boards.score_of(session, workspace_id, periods.ALL_TIME, user_id)
        return AnswerResult(
            post_id=post.id, verdict=Verdict(LETTERS[before.choice], _key(question)),
            points=before.points, total_points=total.points if total else 0,
            streak=state.current, already_answered=True,
        )

    async def open_card(self, post_id: int) -> QuestionCard | None:
        """The card of a post that is still open (sent and not closed); None otherwise."""
        async with self.db.transaction() as session:
            post = await posts.get(session, post_id)
            if post is None or post.status != "open":
                return None
            return self.card_for(post, await posts.channel_of(session, post))

    async def answered_count(self, post_id: int) -> int:
        async with self.db.transaction() as session:
            return await posts.answered_count(session, post_id)

    # ---- closing ----------------------------------------------------------------------

    async def close_post(self, post_id: int) -> PostResult | None:
        """Close a post and return its result; None when it was already closed."""
        async with self.db.transaction() as session:
            if not await posts.close(session, post_id, self.clock()):
                return None
            post = await posts.get(session, post_id)
            assert post is not None
            return await self._result(session, post)

    async def close_latest(self, actor: Actor, channel: ChannelRef) -> PostResult:
        _require_admin(actor, "close the question")
        async with self.db.transaction() as session:
            row = await self._existing_channel(session, channel)
            post = await posts.latest_open(session, row.id)
            if post is None:
                raise errors.NoOpenPost()
        result = await self.close_post(post.id)
        if result is None:
            raise errors.NoOpenPost()
        return result

    async def posts_due_to_close(self, limit: int = 100) -> list[int]:
        async with self.db.transaction() as session:
            return await posts.due_to_close(session, self.clock(), limit)

    async def _result(self, session: Session, post: Post) -> PostResult:
        row = await posts.channel_of(session, post)
        question = self._question(post.question_id)
        counts = await posts.tally(session, post.id)
        names = await posts.correct_names(session, post.id)
        distribution = tuple(counts.get(i, 0) for i in range(len(question.choices)))
        return PostResult(
            card=self.card_for(post, row), key=_key(question), distribution=distribution,
            correct_users=tuple(names), answered=sum(distribution),
        )

    # ---- private practice ------------------------------------------------------------

    async def practice(self, actor: Actor, topic: str | None = None) -> PracticeQuestion:
        """The next practice question for this user, by spaced repetition."""
        slugs = self._resolve_topics([topic] if topic else [])
        eligible = [q.id for q in self.catalog.questions_in(slugs or None)]
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id = await directory.ensure_workspace(
                session, actor.platform, actor.workspace_id, "", now)
            user_id = await directory.ensure_user(session, workspace_id, actor.user_id,
                                                  actor.display_name)
            reviews, last = await practice.reviews(session, workspace_id, user_id)
            box = {r.question_id: r.box for r in reviews}
        chosen = repetition.pick_practice(eligible, reviews, now, last,
                                          seed=zlib.crc32(f"{actor.user_id}:{len(reviews)}".encode()))
        if chosen is None:
            raise errors.NoQuestions()
        question = self._question(chosen)
        slug = self.catalog.topic_of[chosen]
        return PracticeQuestion(chosen, slug, self._topic_title(slug), question.prompt,
                                tuple(c.text for c in question.choices), box.get(chosen, 0))

    async def practice_answer(self, actor: Actor, question_id: str, choice: int) -> PracticeResult:
        question = self._question(question_id)
        if not 0 <= choice < len(question.choices):
            raise errors.InvalidChoice(LETTERS[: len(question.choices)])
        correct = choice == question.correct_index
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id = await directory.ensure_workspace(
                session, actor.platform, actor.workspace_id, "", now)
            user_id = await directory.ensure_user(session, workspace_id, actor.user_id,
                                                  actor.display_name)
            box, due = repetition.after_practice(
                await practice.box_of(session, workspace_id, user_id, question_id), correct, now)
            await practice.record(session, workspace_id=workspace_id, user_id=user_id,
                                  question_id=question_id, box=box, due_at=due, correct=correct,
                                  now=now)
        return PracticeResult(
            question_id=question_id, topic=self.catalog.topic_of[question_id],
            verdict=Verdict(LETTERS[choice], _key(question)), box=box, next_due=due,
        )

    # ---- boards and stats -------------------------------------------------------------

    async def leaderboard(
        self, actor: Actor, period: str = "week", limit: int = 10,
        channel: ChannelRef | None = None,
    ) -> Board:
        period = period.strip().lower() or "week"
        if period not in periods.PERIODS:
            raise errors.InvalidInput("period", period, "choose week, month or all")
        async with self.db.transaction() as session:
            workspace_id = await directory.find_workspace(session, actor.platform,
                                                          actor.workspace_id)
            timezone = "UTC"
            if workspace_id is not None and channel is not None:
                row = await directory.find_channel(session, workspace_id, channel.channel_id)
                timezone = row.timezone if row else "UTC"
            key = periods.key_of(period, schedule.local_date(self.clock(), timezone))
            if workspace_id is None:
                return Board(period, _PERIOD_LABELS[period], ())
            user_id = await directory.ensure_user(session, workspace_id, actor.user_id,
                                                  actor.display_name)
            top = await boards.top(session, workspace_id, key, limit)
            rows = tuple(
                BoardRow(rank, name, pts, correct, answered, is_caller=uid == user_id)
                for rank, (uid, name, pts, correct, answered) in enumerate(top, start=1)
            )
            caller = None
            if not any(r.is_caller for r in rows):
                mine = await boards.score_of(session, workspace_id, key, user_id)
                if mine is not None:
                    caller = BoardRow(await boards.rank_of(session, mine), actor.display_name,
                                      mine.points, mine.correct, mine.answered, is_caller=True)
            return Board(period, _PERIOD_LABELS[period], rows, caller)

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
            topics = tuple(
                TopicAccuracy(t.topic, self._topic_title(t.topic), t.answered, t.correct)
                for t in sorted(await boards.topics_of(session, workspace_id, user_id),
                                key=lambda t: t.topic)
            )
            return UserStats(
                name=await boards.user_name(session, user_id), points=total.points if total else 0,
                answered=total.answered if total else 0, correct=total.correct if total else 0,
                streak=current, best_streak=best, best_elsewhere=best_elsewhere, topics=topics,
            )

    # ---- shared pieces ----------------------------------------------------------------

    def _resolve_topics(self, names: list[str]) -> list[str]:
        slugs = []
        for name in names:
            slug = self.catalog.resolve_topic(name)
            if slug is None:
                raise errors.UnknownTopic(name, sorted(self.catalog.topics))
            if slug not in slugs:
                slugs.append(slug)
        if slugs and not self.catalog.questions_in(slugs):
            raise errors.NoQuestions()
        return slugs

    def _question(self, question_id: str) -> Question:
        question = self.catalog.questions.get(question_id)
        if question is None:
            raise errors.UnknownQuestion(question_id)
        return question

    def _topic_title(self, slug: str) -> str:
        topic = self.catalog.topics.get(slug)
        return topic.title if topic else slug

    async def _ensure_channel(self, session: Session, channel: ChannelRef, now: datetime) -> Channel:
        workspace_id = await directory.ensure_workspace(
            session, channel.platform, channel.workspace_id, channel.workspace_name, now
        )
        return await directory.ensure_channel(
            session, workspace_id, channel.channel_id, channel.channel_name, now
        )

    async def _existing_channel(
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

    def card_for(self, post: Post, row: Channel) -> QuestionCard:
        question = self._question(post.question_id)
        topic = self.catalog.topic_of[question.id]
        return QuestionCard(
            post_id=post.id, question_id=question.id, topic=topic,
            topic_title=self._topic_title(topic), prompt=question.prompt,
            choices=tuple(c.text for c in question.choices), difficulty=question.difficulty,
            counted=post.day is not None, local_date=post.local_date, closes_at=post.closes_at,
            channel_id=row.external_id, platform=row.workspace.platform,
            workspace_id=row.workspace.external_id, message_ref=post.message_ref,
            send_attempts=post.send_attempts,
        )

    def _schedule_view(self, row: Channel) -> ScheduleView:
        next_local = None
        if row.next_due_at is not None and row.scheduled and not row.paused:
            next_local = row.next_due_at.astimezone(_schedule_of(row).zone)
        return ScheduleView(
            channel_name=row.name or row.external_id, scheduled=row.scheduled, paused=row.paused,
            post_time=row.post_time.strftime("%H:%M"), timezone=row.timezone,
            days=schedule.format_days(row.weekdays), topics=tuple(row.topics or ()),
            next_post_local=next_local,
        )


def _key(question: Question) -> AnswerKey:
    right = question.correct_index
    return AnswerKey(LETTERS[right], question.choices[right].text, question.explanation,
                     question.entry)


def _schedule_of(row: Channel) -> schedule.Schedule:
    return schedule.Schedule(row.post_time, row.timezone, row.weekdays)


def _require_admin(actor: Actor, action: str) -> None:
    if not actor.is_admin:
        raise errors.NotAllowed(action)
