"""The team's own questions through the service, on SQLite and PostgreSQL: proposed, reviewed,
then picked, posted, answered (both answer paths), practised and measured like bundled ones."""

from __future__ import annotations

import pytest

from bot import errors
from bot.catalog.catalog import Catalog
from bot.catalog.search.index import SearchIndex
from bot.service import Actor, ChannelRef, StudyService
from bot.service.daily import DailyPolicy, claim_due
from bot.store.database import Database
from tests.support.clock import FakeClock

ADA = Actor("slack", "T1", "U-ada", "ada", is_admin=True)
BOB = Actor("slack", "T1", "U-bob", "bob")
CHANNEL = ChannelRef("slack", "T1", "C1", "study", "Acme")
FORM = {
    "prompt": "A deploy broke checkout. What do we run first?",
    "choices": "./deploy.sh --force\n* ./rollback.sh\nkubectl delete ns prod",
    "explanation": "Our runbook: roll back first, read the logs after.",
    "topic": "runbooks: Our runbooks",
    "difficulty": "1",
}
ROLLBACK = "runbooks.q.deploy-broke-checkout-run-first"
FILE = """\
topic: {slug: runbooks, title: Our runbooks}
entries:
- id: runbooks.deploy
  title: Our deploy runbook
  keywords: [rollback, release]
  body: Deploy with `./deploy.sh`; roll back with `./rollback.sh`.
questions:
- id: runbooks.q.freeze
  prompt: When is our change freeze?
  choices: [{text: Friday noon, correct: true}, {text: Monday}]
  explanation: From Friday noon to Monday.
- id: runbooks.q.pager
  prompt: Who is paged first?
  choices: [{text: the on-call, correct: true}, {text: the CTO}]
  explanation: The on-call, always.
"""


async def approved(service: StudyService, fields: dict[str, str] | None = None) -> str:
    proposed = await service.propose(BOB, CHANNEL, fields or FORM)
    await service.review(ADA, proposed.id, approve=True)
    return proposed.id


async def test_a_proposal_is_studied_only_once_approved(service: StudyService) -> None:
    proposed = await service.propose(BOB, CHANNEL, FORM)
    assert (proposed.id, proposed.status, proposed.author) == (ROLLBACK, "proposed", "bob")
    assert proposed.new_topic
    with pytest.raises(errors.NoQuestions):  # the topic is there, its question is not yet
        await service.practice(BOB, "runbooks")
    with pytest.raises(errors.UnknownQuestion):
        await service.post_now(ADA, CHANNEL, ROLLBACK)

    queue = await service.review_queue(ADA)
    assert (queue.waiting, queue.question.id if queue.question else None) == (1, ROLLBACK)
    reviewed = await service.review(ADA, ROLLBACK, approve=True)
    assert reviewed.question.status == "approved"
    assert reviewed.question.reviewer == "ada"
    assert reviewed.author == Actor("slack", "T1", "U-bob", "bob")  # whom to tell
    assert reviewed.origin == ChannelRef("slack", "T1", "C1")
    assert reviewed.queue.question is None

    assert (await service.practice(BOB, "runbooks")).question_id == ROLLBACK
    with pytest.raises(errors.AlreadyReviewed):
        await service.review(ADA, ROLLBACK, approve=False)


async def test_an_own_question_answers_scores_and_closes_like_a_bundled_one(
        service: StudyService) -> None:
    question_id = await approved(service)
    card = await service.post_now(ADA, CHANNEL, question_id)
    assert (card.topic, card.topic_title, card.difficulty) == ("runbooks", "Our runbooks", 1)
    assert card.choices[1] == "./rollback.sh"
    right = await service.answer(BOB, card.post_id, 1)  # SQLite alone; PostgreSQL group commit
    assert right.verdict.correct
    assert right.points == 10  # difficulty 1
    assert "roll back first" in right.verdict.key.explanation
    wrong = await service.answer(ADA, card.post_id, 0)
    assert not wrong.verdict.correct
    assert wrong.verdict.key.letter == "B"
    result = await service.close_latest(ADA, CHANNEL)
    assert result.distribution == (1, 1, 0)
    assert result.correct_users == ("bob",)
    stats = await service.stats(BOB, CHANNEL)
    assert [(t.topic, t.title, t.correct) for t in stats.topics] == [("runbooks", "Our runbooks", 1)]

    report = await service.item_report("slack", "T1", min_answers=1)
    [measured] = [q for q in report.questions if q.question_id == question_id]
    assert (measured.topic, measured.answers, measured.correct) == ("runbooks", 2, 1)
    everywhere = await service.item_report(min_answers=1)
    assert question_id not in {q.question_id for q in everywhere.questions}


async def test_a_refused_form_says_what_is_wrong_field_by_field(service: StudyService) -> None:
    with pytest.raises(errors.InvalidForm) as refused:
        await service.propose(BOB, CHANNEL, FORM | {
            "choices": "only one", "explanation": "x" * 1501, "topic": "cooking",
            "difficulty": "hard-ish"})
    problems = refused.value.fields
    assert set(problems) == {"choices", "explanation", "topic", "difficulty"}
    assert "mark the right choice" in problems["choices"]
    assert "1501 > 1500" in problems["explanation"]
    assert "unknown topic 'cooking'" in problems["topic"]
    assert (await service.review_queue(ADA)).waiting == 0  # nothing was stored


async def test_only_admins_review_edit_and_retire(service: StudyService) -> None:
    proposed = await service.propose(BOB, CHANNEL, FORM)
    with pytest.raises(errors.NotAllowed):
        await service.review_queue(BOB)
    with pytest.raises(errors.NotAllowed):
        await service.review(BOB, proposed.id, approve=True)
    with pytest.raises(errors.NotAllowed):
        await service.propose(BOB, CHANNEL, FORM, question_id=proposed.id)
    await service.review(ADA, proposed.id, approve=True)
    with pytest.raises(errors.NotAllowed):
        await service.retire_question(BOB, proposed.id)


async def test_an_edit_that_moves_a_proposal_to_another_topic_gives_it_a_new_id(
        service: StudyService) -> None:
    proposed = await service.propose(BOB, CHANNEL, FORM)
    fields = await service.question_fields(ADA, proposed.id)
    assert fields["choices"].splitlines()[1] == "* ./rollback.sh"
    same = await service.propose(ADA, CHANNEL, fields | {"explanation": "Roll back first."},
                                 question_id=proposed.id)
    assert (same.id, same.explanation, same.author) == (proposed.id, "Roll back first.", "bob")
    moved = await service.propose(ADA, CHANNEL, fields | {"topic": "k8s"}, question_id=proposed.id)
    assert moved.id == "k8s.q.deploy-broke-checkout-run-first"
    assert moved.author == "bob"
    queue = await service.review_queue(ADA)
    assert (queue.waiting, queue.question.id if queue.question else None) == (1, moved.id)


async def test_ids_are_never_given_again(service: StudyService) -> None:
    first = await service.propose(BOB, CHANNEL, FORM)
    await service.review(ADA, first.id, approve=False)
    again = await service.propose(BOB, CHANNEL, FORM)
    assert again.id == f"{first.id}-2"
    with_bundled_prompt = await service.propose(BOB, CHANNEL, FORM | {
        "prompt": "Which command shows the logs of the crashed container?", "topic": "k8s"})
    assert with_bundled_prompt.id != "k8s.q.one"
    assert any("same prompt as k8s.q.one" in w for w in with_bundled_prompt.warnings)


async def test_a_retired_question_leaves_the_rotation_and_keeps_its_history(
        service: StudyService) -> None:
    question_id = await approved(service)
    card = await service.post_now(ADA, CHANNEL, question_id)
    retired = await service.retire_question(ADA, question_id)
    assert retired.status == "retired"
    assert (await service.answer(BOB, card.post_id, 1)).points == 10  # its open post still counts
    with pytest.raises(errors.UnknownQuestion):
        await service.post_now(ADA, CHANNEL, question_id)
    with pytest.raises(errors.NoQuestions):
        await service.practice(BOB, "runbooks")
    with pytest.raises(errors.AlreadyReviewed):
        await service.retire_question(ADA, question_id)
    with pytest.raises(errors.InvalidInput):
        await service.retire_question(ADA, "k8s.q.one")  # the bundled bank is not the team's
    assert "retired: true" in await service.export_questions("slack", "T1")


async def test_a_channel_draws_from_the_bank_it_chose(service: StudyService,
                                                      clock: FakeClock) -> None:
    with pytest.raises(errors.InvalidInput, match="no approved question of its own yet"):
        await service.configure_channel(ADA, CHANNEL, "09:00", "UTC", "daily", bank="own")
    await service.import_questions("slack", "T1", "ours.yaml", FILE, approve=True)
    view = await service.configure_channel(ADA, CHANNEL, "09:00", "UTC", "daily", bank="own")
    assert view.bank == "own"
    bundled = ChannelRef("slack", "T1", "C2", "bundled")
    await service.configure_channel(ADA, bundled, "09:00", "UTC", "daily", bank="bundled")
    mixed = ChannelRef("slack", "T1", "C3", "both")
    await service.configure_channel(ADA, mixed, "09:00", "UTC", "daily", ["runbooks", "linux"])
    picked: dict[str, list[str]] = {"C1": [], "C2": [], "C3": []}
    for _ in range(6):
        clock.advance(days=1)
        for card in await claim_due(service, DailyPolicy(), ["slack"]):
            picked[card.channel_id].append(card.question_id)
    own = {"runbooks.q.freeze", "runbooks.q.pager"}
    assert set(picked["C1"]) == own
    assert set(picked["C1"][:2]) == own  # no repeat before the bank went round
    assert not own & set(picked["C2"])
    assert own <= set(picked["C3"])
    assert {q.split(".")[0] for q in picked["C3"]} == {"runbooks", "linux"}
    with pytest.raises(errors.InvalidInput):
        await service.configure_channel(ADA, CHANNEL, "09:00", "UTC", "daily", bank="theirs")


async def test_lookup_finds_our_entries_beside_the_bundled_ones(service: StudyService) -> None:
    await service.import_questions("slack", "T1", "ours.yaml", FILE, approve=True)
    found = await service.lookup(BOB, "deploy runbook")
    assert found.best is not None
    assert found.best.id == "runbooks.deploy"
    assert (await service.lookup(BOB, "crashloop")).best.id == "k8s.crashloopbackoff"
    assert (await service.lookup(BOB, "roll back", topic="runbooks")).best.id == "runbooks.deploy"
    assert (await service.entry(BOB, "runbooks.deploy")).title == "Our deploy runbook"


async def test_another_instance_sees_a_change_at_its_next_read(
        database: Database, engine_catalog: Catalog, engine_index: SearchIndex,
        clock: FakeClock) -> None:
    one = StudyService(database, engine_catalog, engine_index, clock)
    two = StudyService(database, engine_catalog, engine_index, clock)
    before = await two.lookup(BOB, "deploy runbook")  # `two` caches the workspace's bank now
    assert "runbooks.deploy" not in {hit.id for hit in before.hits}
    await one.import_questions("slack", "T1", "ours.yaml", FILE, approve=True)
    assert (await two.lookup(BOB, "deploy runbook")).best.id == "runbooks.deploy"
    await one.retire_question(ADA, "runbooks.q.pager")
    await one.retire_question(ADA, "runbooks.q.freeze")
    with pytest.raises(errors.NoQuestions):
        await two.practice(BOB, "runbooks")


async def test_a_refused_form_is_kept_a_day_for_its_author_only(service: StudyService,
                                                              clock: FakeClock) -> None:
    kept = await service.keep_draft(BOB, "studybot.form.question", {"prompt": "Half a thought"})
    assert (await service.draft(BOB, kept)).fields == {"prompt": "Half a thought"}
    with pytest.raises(errors.DraftGone):
        await service.draft(ADA, kept)
    clock.advance(hours=25)
    with pytest.raises(errors.DraftGone):
        await service.draft(BOB, kept)
