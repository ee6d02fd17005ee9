"""Group-committed answers on the real PostgreSQL: a batch never lets one click hurt another."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, text

from bot import errors
from bot.catalog.catalog import Catalog
from bot.catalog.search.index import SearchIndex
from bot.service import Actor, ChannelRef, StudyService
from bot.service.grouped_answers import AnswerBatching
from bot.store.database import Database
from bot.store.tables import Answer, Score, Streak, User

CHANNEL = ChannelRef("slack", "T1", "C1", "study", "Acme")
ADMIN = Actor("slack", "T1", "U-admin", "admin", is_admin=True)


def member(name: str, team: str = "T1") -> Actor:
    return Actor("slack", team, f"U-{name}", name)


@pytest.fixture
def pg_service(pg_database: Database, engine_catalog: Catalog, engine_index: SearchIndex,
               clock) -> StudyService:
    # One batch at a time, so that clicks made together are certainly in one batch.
    return StudyService(pg_database, engine_catalog, engine_index, clock,
                        answer_batching=AnswerBatching(max_in_flight=1))


async def scalar(db: Database, statement) -> int:
    async with db.transaction() as session:
        return (await session.execute(statement)).scalar_one()


async def test_invalid_clicks_in_a_batch_get_their_own_errors_and_the_others_count(
    pg_service: StudyService,
) -> None:
    card = await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.one")  # B is right, 10 points
    closed = await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.two")
    await pg_service.close_post(closed.post_id)
    good = [pg_service.answer(member(f"u{i}"), card.post_id, 1) for i in range(8)]
    bad = [
        pg_service.answer(member("late"), closed.post_id, 0),
        pg_service.answer(member("forger"), 10**30, 0),
        pg_service.answer(member("guesser"), 999_999, 0),
        pg_service.answer(member("typo"), card.post_id, 7),
        pg_service.answer(member("stranger", team="T2"), card.post_id, 1),
    ]
    results = await asyncio.gather(*good[:4], *bad, *good[4:], return_exceptions=True)
    assert pg_service.answer_batch_stats().sizes == {13: 1}  # all in one batch
    counted = results[:4] + results[9:]
    assert all(r.points == 10 and r.total_points == 10 and not r.already_answered
               for r in counted), counted
    late, forged, unknown, typo, stranger = results[4:9]
    assert isinstance(late, errors.PostClosed)
    assert late.correct_letter == "ABC"[pg_service.catalog.questions["k8s.q.two"].correct_index]
    assert isinstance(forged, errors.UnknownPost)
    assert isinstance(unknown, errors.UnknownPost)
    assert isinstance(typo, errors.InvalidChoice)
    assert typo.letters == "ABC"
    assert isinstance(stranger, errors.UnknownPost)
    db = pg_service.db
    assert await scalar(db, select(func.count()).select_from(Answer)) == 8
    assert await scalar(db, select(func.sum(Score.points)).where(Score.period == "all")) == 80
    # A refused click leaves no trace, not even a user row (as when answering alone).
    assert await scalar(db, select(func.count()).select_from(User)) == 8


async def test_a_click_that_breaks_the_whole_batch_fails_alone(pg_service: StudyService) -> None:
    card = await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.one")
    too_long = Actor("slack", "T1", "U-long", "x" * 500)  # the column holds 200 characters
    clicks = [pg_service.answer(member(f"u{i}"), card.post_id, 1) for i in range(5)]
    results = await asyncio.gather(*clicks[:2], pg_service.answer(too_long, card.post_id, 1),
                                   *clicks[2:], return_exceptions=True)
    assert isinstance(results[2], Exception)
    assert "too long" in str(results[2])  # the database's own refusal, as when answering alone
    assert [r.points for i, r in enumerate(results) if i != 2] == [10] * 5
    assert pg_service.answer_batch_stats().split == 1
    assert await scalar(pg_service.db, select(func.count()).select_from(Answer)) == 5


async def test_a_post_closed_after_its_facts_were_cached_refuses(pg_service: StudyService) -> None:
    card = await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.one")
    await pg_service.answer(member("early"), card.post_id, 1)  # the post's facts are now cached
    await pg_service.close_post(card.post_id)
    with pytest.raises(errors.PostClosed):
        await pg_service.answer(member("late"), card.post_id, 1)
    assert await scalar(pg_service.db, select(func.count()).select_from(Answer)) == 1


async def test_double_clicks_in_one_batch_see_the_first_and_count_once(
    pg_service: StudyService,
) -> None:
    card = await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.one")
    bea = member("bea")
    results = await asyncio.gather(pg_service.answer(bea, card.post_id, 1),
                                   pg_service.answer(bea, card.post_id, 0),
                                   pg_service.answer(member("cid"), card.post_id, 1),
                                   pg_service.answer(bea, card.post_id, 2))
    assert [(r.verdict.chosen, r.points, r.total_points, r.already_answered)
            for r in results] == [("B", 10, 10, False), ("B", 10, 10, True),
                                  ("B", 10, 10, False), ("B", 10, 10, True)]
    assert await scalar(pg_service.db, select(func.count()).select_from(Answer)) == 2


async def test_a_streak_moved_by_another_instance_meanwhile_is_not_overwritten(
    pg_service: StudyService, clock
) -> None:
    """Another instance records bea's answer to p2 while this one records her answer to p3:
    this batch read her streak before that commit, so its write must not win."""
    bea = member("bea")
    p1 = (await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.one")).post_id
    await pg_service.answer(bea, p1, 1)
    clock.advance(days=1)
    p2 = (await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.one")).post_id
    clock.advance(days=1)
    p3 = (await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.one")).post_id
    db = pg_service.db
    async with db.engine.connect() as other:
        user_id = (await other.execute(select(User.id).where(User.external_id == "U-bea"))
                   ).scalar_one()
        await other.execute(text(
            "INSERT INTO answers (post_id, user_id, choice, correct, points, answered_at) "
            "VALUES (:p, :u, 1, true, 11, now())"), {"p": p2, "u": user_id})
        await other.execute(text(
            "UPDATE streaks SET current = 2, best = 2, last_post_id = :p WHERE user_id = :u"),
            {"p": p2, "u": user_id})
        answering = asyncio.ensure_future(pg_service.answer(bea, p3, 1))
        await _wait_for_a_lock_wait(db)
        await other.commit()
    result = await answering
    assert (result.streak, result.points) == (3, 10 + 2)
    async with db.transaction() as session:
        row = (await session.execute(select(Streak))).scalar_one()
    assert (row.current, row.best, row.last_post_id) == (3, 3, p3)
    assert await scalar(db, select(func.count()).select_from(Answer)) == 3


async def test_a_close_waits_for_the_batch_in_flight_and_its_tally_includes_it(
    pg_service: StudyService,
) -> None:
    """The batch locks its posts FOR SHARE: a close that comes while the batch is writing
    waits for it, so the closing tally counts every answer that was accepted."""
    card = await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.one")
    extra = await pg_service.post_now(ADMIN, CHANNEL, "k8s.q.two")
    await pg_service.answer(member("bea"), extra.post_id, 0)  # bea has board rows now
    db = pg_service.db
    async with db.engine.connect() as blocker:
        # Hold bea's board row: the batch will wait in its last statement, post locked.
        await blocker.execute(text(
            "SELECT 1 FROM scores s JOIN users u ON u.id = s.user_id "
            "WHERE u.external_id = 'U-bea' FOR UPDATE OF s"))
        answering = asyncio.ensure_future(pg_service.answer(member("bea"), card.post_id, 1))
        await _wait_for_a_lock_wait(db)
        closing = asyncio.ensure_future(pg_service.close_post(card.post_id))
        await _wait_for_a_lock_wait(db, waiters=2, required=False)
        assert not closing.done()  # the close waits for the batch
        await blocker.rollback()
    answered = await answering
    closed = await closing
    assert answered.points == 10
    assert closed is not None
    assert closed.answered == 1
    assert closed.correct_users == ("bea",)


async def _wait_for_a_lock_wait(db: Database, waiters: int = 1, required: bool = True) -> None:
    """Until `waiters` backends of this database wait for a lock (bounded: 10 s)."""
    async with db.engine.connect() as watcher:
        for _ in range(1000):
            waiting = (await watcher.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"))).scalar_one()
            await watcher.rollback()
            if waiting >= waiters:
                return
            await asyncio.sleep(0.01)
    if required:
        raise AssertionError("no transaction ever waited for the other one's row lock")
