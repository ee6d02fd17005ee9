"""Leitner practice cards (revision 0004) become FSRS cards and back, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Integer, String, column, insert, select, table

from bot.catalog.catalog import Catalog
from bot.catalog.search.index import SearchIndex
from bot.service import Actor, StudyService
from bot.store import migrations
from bot.store.database import Database, create_engine
from bot.store.tables import PracticeCard
from bot.store.types import UTCDateTime
from tests.support.clock import FakeClock

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)

# The tables as revision 0004 left them (only the columns these rows need).
WORKSPACES = table("workspaces", column("id", Integer), column("platform", String),
                   column("external_id", String), column("name", String),
                   column("created_at", UTCDateTime()))
USERS = table("users", column("id", Integer), column("workspace_id", Integer),
              column("external_id", String), column("display_name", String))
LEITNER = table("practice_cards", column("workspace_id", Integer), column("user_id", Integer),
                column("question_id", String), column("box", Integer),
                column("due_at", UTCDateTime()), column("seen", Integer),
                column("correct", Integer), column("last_seen_at", UTCDateTime()))

# question id: (box, seen, correct, last seen, due) as the Leitner code left them.
CARDS = {
    "k8s.q.one": (0, 1, 0, NOW - timedelta(hours=2), NOW - timedelta(hours=2) + timedelta(minutes=10)),
    "k8s.q.two": (0, 6, 4, NOW - timedelta(days=1), NOW - timedelta(days=1) + timedelta(minutes=10)),
    "k8s.q.three": (3, 5, 4, NOW - timedelta(days=2), NOW + timedelta(days=5)),
    "linux.q.port": (1, 1, 1, NOW - timedelta(days=3), NOW - timedelta(days=2)),
    "linux.q.perms": (5, 12, 12, NOW - timedelta(days=10), NOW + timedelta(days=20)),
}


async def _leitner_database(url: str) -> Database:
    db = Database(create_engine(url))
    await migrations.upgrade(db.engine, "0004")
    async with db.engine.begin() as conn:
        await conn.execute(insert(WORKSPACES).values(id=1, platform="slack", external_id="T1",
                                                     name="", created_at=NOW))
        await conn.execute(insert(USERS).values(id=1, workspace_id=1, external_id="U-bea",
                                                display_name="bea"))
        await conn.execute(insert(LEITNER), [
            {"workspace_id": 1, "user_id": 1, "question_id": q, "box": box, "seen": seen,
             "correct": correct, "last_seen_at": last, "due_at": due}
            for q, (box, seen, correct, last, due) in CARDS.items()])
    return db


async def _fsrs_cards(db: Database) -> dict[str, PracticeCard]:
    async with db.transaction() as session:
        rows = (await session.execute(select(PracticeCard))).scalars()
        return {row.question_id: row for row in rows}


async def test_every_card_keeps_its_history_and_due_date(empty_url: str) -> None:
    db = await _leitner_database(empty_url)
    try:
        await migrations.upgrade(db.engine)
        cards = await _fsrs_cards(db)
        assert set(cards) == set(CARDS)
        for question, (box, seen, correct, last, due) in CARDS.items():
            card = cards[question]
            assert (card.seen, card.correct, card.last_seen_at, card.due_at) == (
                seen, correct, last, due), question
            assert card.right_in_a_row == box
            assert 1 <= card.difficulty <= 10
        # Right last time: in review, with the interval the box had given it.
        assert (cards["k8s.q.three"].state, cards["k8s.q.three"].stability) == ("review", 7)
        assert (cards["linux.q.perms"].state, cards["linux.q.perms"].stability) == ("review", 30)
        # Wrong last time: relearning after a lapse, learning if it was never right.
        assert (cards["k8s.q.two"].state, cards["k8s.q.two"].step) == ("relearning", 0)
        assert (cards["k8s.q.one"].state, cards["k8s.q.one"].step) == ("learning", 0)
        # Always missed is harder than always right.
        assert cards["k8s.q.one"].difficulty > cards["k8s.q.two"].difficulty > (
            cards["linux.q.perms"].difficulty)
    finally:
        await db.dispose()


async def test_migrated_cards_practice_on_fsrs(empty_url: str, engine_catalog: Catalog,
                                               engine_index: SearchIndex) -> None:
    db = await _leitner_database(empty_url)
    try:
        await migrations.upgrade(db.engine)
        service = StudyService(db, engine_catalog, engine_index, FakeClock(NOW))
        bea = Actor("slack", "T1", "U-bea", "bea")
        assert (await service.stats(bea)).reviews_due == 3
        card = await service.practice(bea)
        assert (card.question_id, card.reviews) == ("linux.q.port", 1)  # the most overdue
        result = await service.practice_answer(bea, "linux.q.port",
                                               engine_catalog.questions["linux.q.port"].correct_index)
        assert (result.state, result.reviews, result.right_in_a_row) == ("review", 2, 2)
        assert result.interval > timedelta(days=1)  # grows from the box's one day
        right = engine_catalog.questions["k8s.q.three"].correct_index
        missed = await service.practice_answer(bea, "k8s.q.three", (right + 1) % 3)
        assert (missed.state, missed.interval, missed.reviews) == (
            "relearning", timedelta(minutes=10), 6)
    finally:
        await db.dispose()


@pytest.mark.parametrize("practice_first", [False, True])
async def test_downgrade_gives_the_boxes_back(empty_url: str, engine_catalog: Catalog,
                                              engine_index: SearchIndex,
                                              practice_first: bool) -> None:
    db = await _leitner_database(empty_url)
    try:
        await migrations.upgrade(db.engine)
        boxes = {q: box for q, (box, *_rest) in CARDS.items()}
        if practice_first:  # two more right answers on FSRS: box 3 -> 5, box 5 stays 5
            service = StudyService(db, engine_catalog, engine_index, FakeClock(NOW))
            bea = Actor("slack", "T1", "U-bea", "bea")
            for question in ("k8s.q.three", "linux.q.perms") * 2:
                await service.practice_answer(
                    bea, question, engine_catalog.questions[question].correct_index)
            boxes |= {"k8s.q.three": 5, "linux.q.perms": 5}
        await migrations.downgrade(db.engine, "0004")
        async with db.engine.connect() as conn:
            rows = (await conn.execute(select(LEITNER))).mappings().all()
        assert {r["question_id"]: r["box"] for r in rows} == boxes
        if not practice_first:
            assert {r["question_id"]: (r["seen"], r["correct"], r["last_seen_at"], r["due_at"])
                    for r in rows} == {q: (s, c, last, due)
                                       for q, (_b, s, c, last, due) in CARDS.items()}
    finally:
        await db.dispose()
