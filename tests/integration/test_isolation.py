"""No read returns another workspace's questions, topics or entries: picking, posting, answering,
lookup, practice, review, the item report and export, on SQLite and PostgreSQL.

Acme and Globex both have a question `runbooks.q.rollback`, with different keys: each workspace
must see its own, and a third workspace (and Acme's Discord namesake) neither."""

from __future__ import annotations

import pytest

from bot import errors
from bot.service import Actor, ChannelRef, StudyService
from bot.service.daily import DailyPolicy, claim_due
from tests.support.clock import FakeClock


def bank(key: str, entry_title: str) -> str:
    wrong = "./deploy.sh --force" if key == "./rollback.sh" else "./rollback.sh"
    return f"""\
topic: {{slug: runbooks, title: Runbooks of {entry_title}}}
entries:
- id: runbooks.deploy
  title: {entry_title} deploy runbook
  keywords: [rollback, release]
  body: How {entry_title} ships.
questions:
- id: runbooks.q.rollback
  prompt: A deploy broke checkout. What do we run first?
  choices: [{{text: "{key}", correct: true}}, {{text: "{wrong}"}}]
  explanation: The {entry_title} way.
  difficulty: 3
"""


ACME = ("slack", "T-acme")
GLOBEX = ("slack", "T-globex")
INITECH = ("slack", "T-initech")  # no content of its own
NAMESAKE = ("discord", "T-acme")  # same external id as Acme, another platform


def admin(where: tuple[str, str]) -> Actor:
    return Actor(*where, "U-admin", "admin", is_admin=True)


def member(where: tuple[str, str]) -> Actor:
    return Actor(*where, "U-bea", "bea")


def channel(where: tuple[str, str]) -> ChannelRef:
    return ChannelRef(*where, "C-study", "study")


@pytest.fixture
async def seeded(service: StudyService) -> StudyService:
    await service.import_questions(*ACME, "acme.yaml", bank("./rollback.sh", "Acme"), approve=True)
    await service.import_questions(*GLOBEX, "globex.yaml", bank("./deploy.sh --force", "Globex"),
                                   approve=True)
    await service.propose(member(ACME), channel(ACME), {
        "prompt": "Which channel pages the on-call?", "choices": "* #pager\n#random",
        "explanation": "The pager channel.", "topic": "runbooks"})
    return service


async def test_posting_and_answering_use_each_workspace_own_question(seeded: StudyService) -> None:
    for where, key in ((ACME, "./rollback.sh"), (GLOBEX, "./deploy.sh --force")):
        card = await seeded.post_now(admin(where), channel(where), "runbooks.q.rollback")
        assert card.choices[0] == key
        assert card.topic_title == f"Runbooks of {'Acme' if where == ACME else 'Globex'}"
        result = await seeded.answer(member(where), card.post_id, 0)
        assert result.verdict.correct
        assert result.points == 20  # difficulty 3
    for where in (INITECH, NAMESAKE):
        with pytest.raises(errors.UnknownQuestion):
            await seeded.post_now(admin(where), channel(where), "runbooks.q.rollback")


async def test_picking_never_draws_another_workspace_question(seeded: StudyService,
                                                              clock: FakeClock) -> None:
    for where in (ACME, GLOBEX, INITECH, NAMESAKE):
        await seeded.configure_channel(admin(where), channel(where), "09:00", "UTC", "daily")
    with pytest.raises(errors.UnknownTopic):
        await seeded.configure_channel(admin(INITECH), channel(INITECH), "09:00", "UTC", "daily",
                                       ["runbooks"])
    with pytest.raises(errors.InvalidInput, match="no approved question of its own"):
        await seeded.configure_channel(admin(NAMESAKE), channel(NAMESAKE), "09:00", "UTC",
                                       "daily", bank="own")
    picked: dict[tuple[str, str], set[str]] = {}
    for _ in range(len(seeded.catalog.questions) + 2):
        clock.advance(days=1)
        for card in await claim_due(seeded, DailyPolicy(), ["slack", "discord"]):
            picked.setdefault((card.platform, card.workspace_id), set()).add(card.question_id)
    assert "runbooks.q.rollback" in picked[ACME]
    assert "runbooks.q.rollback" in picked[GLOBEX]
    assert not any(q.startswith("runbooks.") for q in picked[INITECH] | picked[NAMESAKE])


async def test_lookup_finds_only_this_workspace_entries(seeded: StudyService) -> None:
    acme = await seeded.lookup(member(ACME), "deploy runbook")
    globex = await seeded.lookup(member(GLOBEX), "deploy runbook")
    assert (acme.best.title, globex.best.title) == ("Acme deploy runbook", "Globex deploy runbook")
    for where in (INITECH, NAMESAKE):
        found = await seeded.lookup(member(where), "deploy runbook")
        assert "runbooks.deploy" not in {e.id for e in (*found.hits, *found.suggestions)}
        assert await seeded.entry(member(where), "runbooks.deploy") is None
        with pytest.raises(errors.UnknownTopic):
            await seeded.lookup(member(where), "rollback", topic="runbooks")


async def test_practice_gives_only_this_workspace_questions(seeded: StudyService) -> None:
    acme = await seeded.practice(member(ACME), "runbooks")
    assert acme.choices[0] == "./rollback.sh"
    globex_answer = await seeded.practice_answer(member(GLOBEX), "runbooks.q.rollback", 0)
    assert globex_answer.verdict.key.text == "./deploy.sh --force"
    for where in (INITECH, NAMESAKE):
        with pytest.raises(errors.UnknownTopic):
            await seeded.practice(member(where), "runbooks")
        with pytest.raises(errors.UnknownQuestion):
            await seeded.practice_answer(member(where), "runbooks.q.rollback", 0)
        seen = set()
        for _ in range(len(seeded.catalog.questions)):
            card = await seeded.practice(member(where))
            seen.add(card.question_id)
            await seeded.practice_answer(member(where), card.question_id, 0)
        assert not any(q.startswith("runbooks.") for q in seen)


async def test_review_report_and_export_stay_in_their_workspace(seeded: StudyService) -> None:
    assert (await seeded.review_queue(admin(ACME))).waiting == 1
    for where in (GLOBEX, INITECH, NAMESAKE):
        assert (await seeded.review_queue(admin(where))).waiting == 0
    card = await seeded.post_now(admin(ACME), channel(ACME), "runbooks.q.rollback")
    await seeded.answer(member(ACME), card.post_id, 1)
    acme = {q.question_id: q for q in (await seeded.item_report(*ACME, min_answers=1)).questions}
    assert acme["runbooks.q.rollback"].answers == 1
    assert acme["runbooks.q.rollback"].choices[0].text == "./rollback.sh"
    globex = {q.question_id: q for q in (await seeded.item_report(*GLOBEX)).questions}
    assert globex["runbooks.q.rollback"].answers == 0
    assert globex["runbooks.q.rollback"].choices[0].text == "./deploy.sh --force"
    for platform, workspace in (INITECH, NAMESAKE, (None, None), ("slack", None)):
        report = await seeded.item_report(platform, workspace)
        assert not any(q.question_id.startswith("runbooks.") for q in report.questions)
    assert "Acme" in await seeded.export_questions(*ACME)
    assert "Acme" not in await seeded.export_questions(*GLOBEX)
    for where in (INITECH, NAMESAKE):
        assert (await seeded.export_questions(*where)).strip() == ""
