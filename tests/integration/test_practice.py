"""Private practice by spaced repetition, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from bot import errors
from bot.service import Actor, StudyService

BEA = Actor("slack", "T1", "U-bea", "bea")


async def test_practice_walks_the_bank_then_repeats_what_was_missed(service: StudyService,
                                                                    clock) -> None:
    seen = []
    for _ in range(3):
        card = await service.practice(BEA, "k8s")
        seen.append(card.question_id)
        question = service.catalog.questions[card.question_id]
        await service.practice_answer(BEA, card.question_id, question.correct_index)
    assert sorted(seen) == ["k8s.q.one", "k8s.q.three", "k8s.q.two"]  # unseen ones first


async def test_a_missed_question_comes_back_first_once_due(service: StudyService, clock) -> None:
    await service.practice_answer(BEA, "k8s.q.two", 2)  # wrong: due again in 10 minutes
    clock.advance(seconds=20)
    await service.practice_answer(BEA, "k8s.q.one", 1)  # right: due tomorrow
    clock.advance(seconds=20)
    await service.practice_answer(BEA, "k8s.q.three", 2)  # right: due tomorrow
    assert (await service.practice(BEA, "kubernetes")).question_id != "k8s.q.three"
    clock.advance(minutes=15)
    card = await service.practice(BEA, "kubernetes")
    assert (card.question_id, card.box) == ("k8s.q.two", 0)


async def test_practice_answer_reports_and_schedules(service: StudyService, clock) -> None:
    result = await service.practice_answer(BEA, "k8s.q.one", 1)
    assert (result.verdict.correct, result.verdict.key.letter, result.box) == (True, "B", 1)
    assert (result.next_due - clock.now).days == 1
    again = await service.practice_answer(BEA, "k8s.q.one", 1)
    assert again.box == 2
    missed = await service.practice_answer(BEA, "k8s.q.one", 0)
    assert (missed.verdict.correct, missed.box) == (False, 0)


async def test_practice_does_not_touch_points(service: StudyService) -> None:
    await service.practice_answer(BEA, "k8s.q.one", 1)
    assert (await service.leaderboard(BEA, "all")).rows == ()


async def test_practice_refusals(service: StudyService) -> None:
    with pytest.raises(errors.UnknownTopic):
        await service.practice(BEA, "cooking")
    with pytest.raises(errors.UnknownQuestion):
        await service.practice_answer(BEA, "k8s.q.nope", 0)
    with pytest.raises(errors.InvalidChoice):
        await service.practice_answer(BEA, "k8s.q.one", 7)
