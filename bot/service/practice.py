"""Private practice by spaced repetition (FSRS): nothing is posted, nothing scores."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from bot import errors
from bot.rules import repetition, spacing
from bot.service.banks import Bank
from bot.service.base import ServiceBase, answer_key
from bot.service.views import (
    LETTERS,
    Actor,
    PracticeQuestion,
    PracticeResult,
    Verdict,
)
from bot.store import boards
from bot.store import practice as practice_store
from bot.store.tables import PracticeCard


class Practice(ServiceBase):
    async def practice(self, actor: Actor, topic: str | None = None) -> PracticeQuestion:
        """The next practice question for this user: due reviews, then weak topics. Practice
        draws from the whole bank of the workspace, its own questions included."""
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id, user_id = await self.ensure_member(session, actor, now)
            bank = await self.banks.of(session, workspace_id)
            slugs = bank.resolve_topics([topic] if topic else [])
            cards = await practice_store.cards(session, workspace_id, user_id)
            daily = await boards.topics_of(session, workspace_id, user_id)
        eligible = {q.id: bank.catalog.topic_of[q.id]
                    for q in bank.catalog.questions_in(slugs or None)}
        results = self._topic_results(((t.topic, t.answered, t.correct) for t in daily), cards,
                                      bank)
        weights = {topic: repetition.topic_weight(answered, correct)
                   for topic, (answered, correct) in results.items()}
        practiced = [repetition.Practiced(c.question_id, c.due_at, c.last_seen_at) for c in cards]
        seed = zlib.crc32(f"{actor.user_id}:{sum(c.seen for c in cards)}".encode())
        chosen = repetition.pick_practice(eligible, practiced, weights, now, seed)
        if chosen is None:
            raise errors.NoQuestions()
        question = bank.question(chosen)
        slug = eligible[chosen]
        mine = next((c for c in cards if c.question_id == chosen), None)
        return PracticeQuestion(
            chosen, slug, bank.topic_title(slug), question.prompt,
            tuple(c.text for c in question.choices),
            due_at=mine.due_at if mine else None, reviews=mine.seen if mine else 0,
        )

    def _topic_results(self, daily: Iterable[tuple[str, int, int]],
                       cards: list[PracticeCard], bank: Bank) -> dict[str, tuple[int, int]]:
        """(answered, correct) per topic over the daily questions and practice together."""
        results: dict[str, tuple[int, int]] = {}
        rows = [*daily, *((bank.catalog.topic_of.get(c.question_id), c.seen, c.correct)
                          for c in cards)]
        for topic, answered, correct in rows:
            if topic is not None:
                before = results.get(topic, (0, 0))
                results[topic] = (before[0] + answered, before[1] + correct)
        return results

    async def practice_answer(self, actor: Actor, question_id: str, choice: int) -> PracticeResult:
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id, user_id = await self.ensure_member(session, actor, now)
            bank = await self.banks.of(session, workspace_id)
            question = bank.question(question_id)
            if not 0 <= choice < len(question.choices):
                raise errors.InvalidChoice(LETTERS[: len(question.choices)])
            correct = choice == question.correct_index
            previous = await practice_store.card_for_update(session, workspace_id, user_id,
                                                            question_id)
            memory = spacing.review(practice_store.memory_of(previous) if previous else None,
                                    correct, now)
            stored = await practice_store.record(
                session, workspace_id=workspace_id, user_id=user_id, question_id=question_id,
                memory=memory, correct=correct, now=now)
            reviews, in_a_row = stored.seen, stored.right_in_a_row
        return PracticeResult(
            question_id=question_id, topic=bank.catalog.topic_of[question_id],
            verdict=Verdict(LETTERS[choice], answer_key(question)), next_due=memory.due_at,
            interval=memory.due_at - now, state=memory.state, reviews=reviews,
            right_in_a_row=in_a_row,
        )
