"""Private practice by spaced repetition: nothing is posted, nothing scores."""

from __future__ import annotations

import zlib

from bot import errors
from bot.rules import repetition
from bot.service.base import ServiceBase, answer_key
from bot.service.views import (
    LETTERS,
    Actor,
    PracticeQuestion,
    PracticeResult,
    Verdict,
)
from bot.store import practice as practice_store


class Practice(ServiceBase):
    async def practice(self, actor: Actor, topic: str | None = None) -> PracticeQuestion:
        """The next practice question for this user, by spaced repetition."""
        slugs = self.resolve_topics([topic] if topic else [])
        eligible = [q.id for q in self.catalog.questions_in(slugs or None)]
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id, user_id = await self.ensure_member(session, actor, now)
            reviews, last = await practice_store.reviews(session, workspace_id, user_id)
        box = {r.question_id: r.box for r in reviews}
        seed = zlib.crc32(f"{actor.user_id}:{len(reviews)}".encode())
        chosen = repetition.pick_practice(eligible, reviews, now, last, seed=seed)
        if chosen is None:
            raise errors.NoQuestions()
        question = self.question(chosen)
        slug = self.catalog.topic_of[chosen]
        return PracticeQuestion(chosen, slug, self.topic_title(slug), question.prompt,
                                tuple(c.text for c in question.choices), box.get(chosen, 0))

    async def practice_answer(self, actor: Actor, question_id: str, choice: int) -> PracticeResult:
        question = self.question(question_id)
        if not 0 <= choice < len(question.choices):
            raise errors.InvalidChoice(LETTERS[: len(question.choices)])
        correct = choice == question.correct_index
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id, user_id = await self.ensure_member(session, actor, now)
            previous = await practice_store.box_of(session, workspace_id, user_id, question_id)
            box, due = repetition.after_practice(previous, correct, now)
            await practice_store.record(session, workspace_id=workspace_id, user_id=user_id,
                                        question_id=question_id, box=box, due_at=due,
                                        correct=correct, now=now)
        return PracticeResult(
            question_id=question_id, topic=self.catalog.topic_of[question_id],
            verdict=Verdict(LETTERS[choice], answer_key(question)), box=box, next_due=due,
        )

