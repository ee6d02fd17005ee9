"""Property: group commit changes nothing a user can notice.

Any sequence of clicks (repeats by the same user, several posts and channels and workspaces,
right, wrong and out-of-range choices, forged and unknown post ids, closed posts, closes in
between) gives, through the batched path on PostgreSQL, exactly what the one-transaction-per-
answer path gives when the same clicks are recorded one by one in arrival order: the same
result or error for every click, the same close results, and the same answers, users, streaks
(streak freezes earned and spent included), scores (every period, a running competition and
one that counts only its topics' answers) and topic scores in the database.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.catalog.catalog import Catalog
from bot.catalog.search.index import SearchIndex
from bot.service import Actor, ChannelRef, StudyService
from bot.service.grouped_answers import AnswerBatching
from bot.store.database import Database, create_engine
from bot.store.tables import Base
from tests.support.clock import FakeClock
from tests.support.databases import require_postgres as _require

ADMINS = {"T1": Actor("slack", "T1", "U-admin", "admin", is_admin=True),
          "T2": Actor("slack", "T2", "U-admin2", "admin2", is_admin=True)}
C1 = ChannelRef("slack", "T1", "C1", "one", "Acme")
C2 = ChannelRef("slack", "T1", "C2", "two", "Acme")
C9 = ChannelRef("slack", "T2", "C9", "nine", "Other")
# Counted posts on three local days in a row (11-23, 11-24, 11-25), for streak freezes.
C3 = ChannelRef("slack", "T1", "C3", "three", "Acme")
# A channel posting the workspace's own question (T2's C9 posts T2's question of the same id).
C4 = ChannelRef("slack", "T1", "C4", "four", "Acme")
# (minutes after the start, channel, question): counted posts on three days and an extra post;
# the first closes by time before the clicks, the others are open when they come.
POSTS = [(0, C1, "k8s.q.one"), (1, C3, "k8s.q.one"), (31, C3, "k8s.q.two"),
         (24 * 60 + 60, C1, "k8s.q.two"), (24 * 60 + 70, C1, "linux.q.port"),
         (24 * 60 + 80, C2, "k8s.q.three"), (24 * 60 + 90, C3, "linux.q.perms"),
         (2 * 24 * 60 + 5, C1, "linux.q.perms"),
         (2 * 24 * 60 + 10, C2, "k8s.q.one"), (2 * 24 * 60 + 15, C9, "k8s.q.two"),
         # Each workspace's own question of the same id, with another key (T1: A, T2: B).
         (2 * 24 * 60 + 16, C4, "runbooks.q.rollback"), (2 * 24 * 60 + 17, C9, "runbooks.q.rollback")]
OWN = """\
topic: {{slug: runbooks, title: Our runbooks}}
questions:
- id: runbooks.q.rollback
  prompt: What do we run first?
  choices: [{{text: ./rollback.sh, correct: {first}}}, {{text: ./deploy.sh, correct: {second}}},
            {{text: nothing}}]
  explanation: The runbook.
  difficulty: 3
"""
# In C3, U-a answered the first post and holds a freeze (the second one, missed, is forgiven if
# U-a answers the third); U-b's streak of 6 ends at the second (the third earns a freeze).
SEED = """
    UPDATE streaks SET freeze_held = true
    WHERE channel_id = (SELECT id FROM channels WHERE external_id = 'C3')
      AND user_id = (SELECT id FROM users WHERE external_id = 'U-a');
    INSERT INTO users (workspace_id, external_id, display_name)
    SELECT workspace_id, 'U-b', '' FROM channels WHERE external_id = 'C3';
    INSERT INTO streaks (channel_id, user_id, current, best, last_post_id, freeze_held)
    SELECT c.id, u.id, 6, 6, :second, false FROM channels c, users u
    WHERE c.external_id = 'C3' AND u.external_id = 'U-b';
"""
START = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
CLICKS_AT = START + timedelta(days=2, minutes=20)
USERS = [("T1", "U-a"), ("T1", "U-b"), ("T1", "U-c"), ("T2", "U-z")]
NAMES = ["", "Ann", "Bea"]
FORGED, UNKNOWN = 10**30, 999_999

click = st.tuples(st.integers(0, len(USERS) - 1), st.integers(0, len(POSTS) + 1),
                  st.integers(0, 4), st.integers(0, len(NAMES) - 1))
wave = st.lists(click, min_size=1, max_size=10)
step = st.one_of(wave, st.tuples(st.just("close"), st.integers(0, len(POSTS) - 1)))
scenario = st.fixed_dictionaries({
    "steps": st.lists(step, min_size=1, max_size=5),
    # Small batches: a wave is carried by several consecutive transactions.
    "max_batch": st.sampled_from([1, 2, 3, 200]),
})


async def play(db: Database, catalog: Catalog, index: SearchIndex, scene: dict[str, Any],
               batching: AnswerBatching) -> tuple[list[Any], dict[str, list[tuple]]]:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    clock = FakeClock(START)
    service = StudyService(db, catalog, index, clock, answer_batching=batching)
    for team, first in (("T1", "true"), ("T2", "false")):
        second = "false" if first == "true" else "true"
        await service.import_questions("slack", team, "own.yaml",
                                       OWN.format(first=first, second=second), approve=True)
    await service.start_competition(ADMINS["T1"], C1, "cup", "3")
    await service.start_competition(ADMINS["T1"], C1, "cup-linux", "3", topics=["linux"])
    post_ids = []
    for minutes, channel, question in POSTS:
        clock.now = START + timedelta(minutes=minutes)
        post_ids.append((await service.post_now(ADMINS[channel.workspace_id], channel,
                                                question)).post_id)
        if len(post_ids) in (1, 2):  # some history: streaks to continue, scores to add to
            await service.answer(Actor("slack", "T1", "U-a", "Ann"), post_ids[-1], 1)
    async with db.engine.begin() as conn:
        for statement in SEED.split(";"):
            if statement.strip():
                await conn.execute(text(statement), {"second": post_ids[2]})
    clock.now = CLICKS_AT
    seen: list[Any] = []
    for step_ in scene["steps"]:
        if step_[0] == "close":
            seen.append(await service.close_post(post_ids[step_[1]]))
            continue
        calls = []
        for user, post, choice, name in step_:
            team, external = USERS[user]
            post_id = post_ids[post] if post < len(POSTS) else (FORGED, UNKNOWN)[post - len(POSTS)]
            calls.append((Actor("slack", team, external, NAMES[name]), post_id, choice))
        if batching.enabled is False:
            for actor, post_id, choice in calls:  # one by one, in arrival order
                try:
                    seen.append(await service.answer(actor, post_id, choice))
                except Exception as exc:
                    seen.append(exc)
        else:
            seen += await asyncio.gather(*(service.answer(*call) for call in calls),
                                         return_exceptions=True)
    await service.close()
    return [describe(item) for item in seen], await snapshot(db)


def describe(item: Any) -> Any:
    if isinstance(item, BaseException):
        return (type(item).__name__, vars(item))
    return item


async def snapshot(db: Database) -> dict[str, list[tuple]]:
    # Users by their platform ids: the one-by-one path's upsert spends a sequence value on
    # every answer, so internal user ids differ (nobody sees them).
    queries = {
        "answers": "SELECT post_id, u.external_id, choice, correct, points "
                   "FROM answers JOIN users u ON u.id = user_id",
        "users": "SELECT workspace_id, external_id, display_name FROM users",
        "streaks": "SELECT channel_id, u.external_id, current, best, last_post_id, freeze_held "
                   "FROM streaks JOIN users u ON u.id = user_id",
        "scores": "SELECT s.workspace_id, period, u.external_id, points, answered, correct, "
                  "team_id FROM scores s JOIN users u ON u.id = user_id",
        "topics": "SELECT t.workspace_id, u.external_id, topic, answered, correct "
                  "FROM topic_scores t JOIN users u ON u.id = user_id",
    }
    async with db.engine.connect() as conn:
        return {name: sorted(tuple(row) for row in await conn.execute(text(sql)))
                for name, sql in queries.items()}


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(scene=scenario)
# Always: U-a's forgiven miss and U-b's earned freeze in C3 (the third C3 post, index 6).
@example(scene={"steps": [[(0, 6, 1, 1), (1, 6, 1, 2), (1, 6, 0, 2)]], "max_batch": 200})
def test_batched_answers_match_answers_one_by_one(
    pg_url: str | None, engine_catalog: Catalog, engine_index: SearchIndex, scene: dict[str, Any]
) -> None:
    url = _require(pg_url)

    async def both() -> tuple[Any, Any]:
        db = Database(create_engine(url))
        try:
            batched = await play(db, engine_catalog, engine_index, scene,
                                 AnswerBatching(max_batch=scene["max_batch"], max_in_flight=1))
            alone = await play(db, engine_catalog, engine_index, scene,
                               AnswerBatching(enabled=False))
        finally:
            await db.dispose()
        return batched, alone

    (batched_seen, batched_db), (alone_seen, alone_db) = asyncio.run(both())
    assert batched_seen == alone_seen
    assert batched_db == alone_db
