"""The answer use case for a batch of clicks on PostgreSQL: one transaction, three statements.

Each click gets exactly what `Answering.answer` alone would have given it had the clicks come one
by one in arrival order: its verdict, points, total and streak, or its own error (UnknownPost,
UnknownQuestion, PostClosed, InvalidChoice). Boards are exact when the transaction commits.

Per batch: the facts of posts not seen before (one read, then kept: they never change), then
`store.answer_batch` statement 1 (lock the posts and competitions, write new users, read streaks),
the rules in Python (`rules.answer_batch.replay`), statement 2 (insert the answers), the rules
again with what was actually inserted, and statement 3 (streaks, scores, topic scores, totals).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cachetools import LRUCache

from bot import errors
from bot.catalog.catalog import Catalog
from bot.catalog.model import Question
from bot.rules import answer_batch as rules
from bot.rules import periods, teams
from bot.service.banks import question_of
from bot.service.views import LETTERS, Actor, AnswerKey, AnswerResult, Verdict
from bot.store import answer_batch as store
from bot.store.database import Database, is_disconnect

MAX_ID = 2**63 - 1  # a BIGINT; anything else is a forged id
MAX_REPLANS = 5


@dataclass(frozen=True)
class AnswerBatching:
    """How answers are group-committed. `enabled`: None = on PostgreSQL (SQLite keeps one
    transaction per answer: it has one writer anyway)."""

    enabled: bool | None = None
    max_batch: int = 200
    max_in_flight: int = 2  # batches at once, each on its own pooled connection
    min_share: int = 8  # waiting answers are split among free slots in parts of at least this
    post_cache: int = 4096  # posts whose facts are kept


@dataclass(frozen=True)
class Click:
    actor: Actor
    post_id: int
    choice: int
    now: datetime


class Replan(Exception):
    """Something changed under this batch between its read and its writes (an answer that was
    already there, a streak written by another transaction): run it again, one click at a time."""


Outcome = AnswerResult | errors.StudyError


@dataclass
class _Pending:
    """A click that passed the checks that need no database."""

    index: int
    click: Click
    facts: store.PostFacts
    question: Question
    topic: str
    key: AnswerKey
    valid_choice: bool
    user_id: int = 0  # known after statement 1

    @property
    def answer(self) -> store.AnswerKey:
        return (self.facts.post_id, self.user_id)

    @property
    def member(self) -> tuple[int, int]:
        return (self.facts.workspace_id, self.user_id)

    @property
    def correct(self) -> bool:
        return self.click.choice == self.question.correct_index


class GroupedAnswers:
    def __init__(self, db: Database, catalog: Catalog, answer_key: Callable[[Question], AnswerKey],
                 cache_size: int = 4096) -> None:
        self._db = db
        self._catalog = catalog
        self._answer_key = answer_key
        # Bounded: a post's facts are read again after it falls out, which is harmless.
        self._facts: LRUCache[int, store.PostFacts] = LRUCache(maxsize=cache_size)

    async def record(self, clicks: Sequence[Click]) -> list[Outcome]:
        """One outcome per click. Raises when the batch must be run again click by click."""
        replans = disconnects = 0
        while True:
            try:
                return await self._once(clicks)
            except Replan:
                replans += 1
                if len(clicks) > 1 or replans >= MAX_REPLANS:
                    raise
            except Exception as exc:
                if not is_disconnect(exc):
                    raise
                # A connection that died in the pool, or the server restarted: the transaction
                # was rolled back, and one more try runs on a fresh connection.
                disconnects += 1
                if disconnects > 1:
                    return [errors.TryAgain() for _ in clicks]

    async def _once(self, clicks: Sequence[Click]) -> list[Outcome]:
        outcomes: list[Outcome | None] = [None] * len(clicks)
        async with self._db.driver_transaction() as conn:
            pending = await self._screen(conn, clicks, outcomes)
            if pending:
                await self._record(conn, pending, outcomes)
        assert all(o is not None for o in outcomes)
        return outcomes  # type: ignore[return-value]

    async def _screen(self, conn: Any, clicks: Sequence[Click],
                      outcomes: list[Outcome | None]) -> list[_Pending]:
        """The checks that the post's never-changing facts settle, in the order `answer` makes
        them: unknown post, unknown question, past its closing time."""
        unseen = {c.post_id for c in clicks
                  if 0 < c.post_id <= MAX_ID and c.post_id not in self._facts}
        if unseen:
            for found in await store.post_facts(conn, sorted(unseen)):
                self._facts[found.post_id] = found
        pending = []
        for index, click in enumerate(clicks):
            facts = self._facts.get(click.post_id) if 0 < click.post_id <= MAX_ID else None
            if facts is None or (facts.platform, facts.workspace_external_id) != (
                    click.actor.platform, click.actor.workspace_id):
                outcomes[index] = errors.UnknownPost()
                continue
            # A workspace's own question came with the post's facts; else the bundled bank's.
            question = (question_of(facts.own) if facts.own is not None
                        else self._catalog.questions.get(facts.question_id))
            if question is None:
                outcomes[index] = errors.UnknownQuestion(facts.question_id)
                continue
            if click.now >= facts.closes_at:
                outcomes[index] = errors.PostClosed(LETTERS[question.correct_index])
                continue
            topic = facts.own.topic if facts.own is not None else self._catalog.topic_of[question.id]
            pending.append(_Pending(index, click, facts, question, topic,
                                    self._answer_key(question),
                                    0 <= click.choice < len(question.choices)))
        return pending

    async def _record(self, conn: Any, pending: list[_Pending],
                      outcomes: list[Outcome | None]) -> None:
        valid = [p for p in pending if p.valid_choice]
        standing = await store.lock_and_read(
            conn, post_ids=[p.facts.post_id for p in pending],
            clicks=[store.Click(p.facts.workspace_id, p.click.actor.user_id,
                                p.click.actor.display_name, p.facts.post_id, p.facts.channel_id)
                    for p in valid],
            earliest=min(p.click.now for p in pending), latest=max(p.click.now for p in pending))

        # The checks that need the post as it is now, in `answer`'s order: gone, closed, choice.
        candidates = []
        for p in pending:
            status = standing.post_status.get(p.facts.post_id)
            if status is None:
                self._facts.pop(p.facts.post_id, None)
                outcomes[p.index] = errors.UnknownPost()
            elif status == "closed":
                outcomes[p.index] = errors.PostClosed(LETTERS[p.question.correct_index])
            elif not p.valid_choice:
                outcomes[p.index] = errors.InvalidChoice(LETTERS[: len(p.question.choices)])
            else:
                candidates.append(p)
        if not candidates:
            return

        await self._resolve_users(conn, standing, candidates)
        # The first click of a user on a post records; a repeat in the same batch only looks.
        first: dict[store.AnswerKey, _Pending] = {}
        for p in candidates:
            first.setdefault(p.answer, p)
        planned = rules.replay(_attempts(candidates, lambda p: first[p.answer] is p),
                               standing.streaks)
        inserted = await store.insert_answers(conn, [
            store.NewAnswer(p.facts.post_id, p.user_id, p.click.choice, p.correct,
                            outcome.points, p.click.now)
            for p, outcome in zip(candidates, planned.outcomes, strict=True)
            if first[p.answer] is p])

        # Again with what was actually inserted: an answer that was already there records
        # nothing, and a later answer of that user in that channel must not have counted on it.
        recorded = {id(p) for p in candidates if first[p.answer] is p and p.answer in inserted}
        actual = rules.replay(_attempts(candidates, lambda p: id(p) in recorded),
                              standing.streaks)
        for p, before, after in zip(candidates, planned.outcomes, actual.outcomes, strict=True):
            if id(p) in recorded and before.points != after.points:
                raise Replan()
        results = list(zip(candidates, actual.outcomes, strict=True))
        mine = {p.answer: (p.click.choice, outcome.points) for p, outcome in results
                if id(p) in recorded}
        written = await self._write(conn, results, recorded, mine, actual, standing)

        # The total each click sees is the total after the batch less what later clicks of the
        # same user in this batch added: as if each had been recorded at its place in the order.
        later: dict[tuple[int, int], int] = {}
        for p, outcome in reversed(results):
            total = written.totals.get(p.member, 0) - later.get(p.member, 0)
            if id(p) in recorded:
                later[p.member] = later.get(p.member, 0) + outcome.points
                outcomes[p.index] = AnswerResult(
                    post_id=p.facts.post_id, verdict=Verdict(LETTERS[p.click.choice], p.key),
                    points=outcome.points, total_points=total, streak=outcome.streak.current)
                continue
            earlier = mine.get(p.answer) or written.previous.get(p.answer)
            if earlier is None:
                raise Replan()  # cannot happen: the answer it conflicted with had committed
            choice, points = earlier
            outcomes[p.index] = AnswerResult(
                post_id=p.facts.post_id, verdict=Verdict(LETTERS[choice], p.key), points=points,
                total_points=total, streak=outcome.streak.current, already_answered=True)

    async def _resolve_users(self, conn: Any, standing: store.Standing,
                             candidates: list[_Pending]) -> None:
        ids = standing.user_ids
        unseen = sorted({(p.facts.workspace_id, p.click.actor.user_id) for p in candidates}
                        - ids.keys())
        if unseen:
            ids = {**ids, **await store.user_ids(conn, unseen)}
        for p in candidates:
            p.user_id = ids[(p.facts.workspace_id, p.click.actor.user_id)]

    async def _write(self, conn: Any, results: list[tuple[_Pending, rules.Outcome]],
                     recorded: set[int], mine: dict[store.AnswerKey, tuple[int, int]],
                     actual: rules.Replay, standing: store.Standing) -> store.Written:
        answers = []
        for p, outcome in results:
            if id(p) not in recorded:
                continue
            running = [periods.competition_key(c.id) for c in standing.competitions
                       if c.workspace_id == p.facts.workspace_id
                       and c.starts_at <= p.click.now < c.ends_at
                       and teams.counts_toward(c.topics, p.topic)]
            answers.append(rules.Recorded(
                workspace_id=p.facts.workspace_id, user_id=p.user_id,
                periods=(*periods.keys_for(p.facts.local_date), *running),
                topic=p.topic, points=outcome.points, correct=p.correct))
        streaks = [store.StreakWrite(key, state, standing.streaks.get(key))
                   for key, state in actual.moved.items()]
        scoring = {(a.workspace_id, a.user_id) for a in answers}
        written = await store.write_aggregates(
            conn, streaks=streaks, scores=rules.score_sums(answers),
            topics=rules.topic_sums(answers),
            totals_of=sorted({p.member for p, _ in results} - scoring),
            previous_of=sorted({p.answer for p, _ in results} - mine.keys()))
        if written.streaks != actual.moved.keys():
            raise Replan()  # another transaction moved one of these streaks since the read
        return written


def _attempts(candidates: list[_Pending], records: Callable[[_Pending], bool]
              ) -> list[rules.Attempt]:
    return [rules.Attempt(streak_key=(p.facts.channel_id, p.user_id), post_id=p.facts.post_id,
                          prev_post_id=p.facts.prev_post_id, counted=p.facts.counted,
                          correct=p.correct, difficulty=p.question.difficulty, records=records(p),
                          prev_prev_post_id=p.facts.prev_prev_post_id)
            for p in candidates]
