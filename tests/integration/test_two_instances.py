"""Two bot instances (separate OS processes, each with its own pool) answering at once on one
PostgreSQL: every answer counted exactly once, boards exact, and no deadlock."""

from __future__ import annotations

import asyncio
import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot.catalog.catalog import Catalog
from bot.catalog.search.index import SearchIndex
from bot.service import Actor, ChannelRef, StudyService
from bot.store.database import Database
from bot.store.tables import Answer, Score, TopicScore

ROOT = Path(__file__).resolve().parents[2]
ADMIN = Actor("discord", "G1", "admin", "admin", is_admin=True)
Click = tuple[str, str, str, int, int]


@pytest.fixture
def pg_service(pg_database: Database, engine_catalog: Catalog, engine_index: SearchIndex,
               clock) -> StudyService:
    return StudyService(pg_database, engine_catalog, engine_index, clock)


async def run_instances(url: str, now: str, plans: list[list[Click]],
                        spread: float) -> list[dict[str, Any]]:
    """Start one process per plan, wait until all are ready, let them go together."""
    processes = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.answer_burst", url, now, cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE) for _ in plans]
    try:
        for process, plan in zip(processes, plans, strict=True):
            assert process.stdin is not None
            process.stdin.write(json.dumps({"clicks": plan, "spread": spread}).encode() + b"\n")
            await process.stdin.drain()
        for process in processes:
            assert process.stdout is not None
            ready = await asyncio.wait_for(process.stdout.readline(), 60)
            assert ready == b"ready\n", ready
        for process in processes:
            assert process.stdin is not None
            process.stdin.write(b"go\n")
            await process.stdin.drain()
        reports = []
        for process in processes:
            out, _ = await asyncio.wait_for(process.communicate(), 120)
            assert process.returncode == 0
            reports.append(json.loads(out.decode().strip().splitlines()[-1]))
        return reports
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def deadlocks(db: Database) -> int:
    async with db.engine.connect() as conn:
        await conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        return (await conn.execute(text(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"))
        ).scalar_one()


async def settled_deadlocks(db: Database, before: int) -> int:
    """Deadlocks since `before`; a backend reports its counters when it exits, so wait for the
    instances' backends to be gone first (bounded)."""
    async with db.engine.connect() as conn:
        for _ in range(200):
            others = (await conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"))).scalar_one()
            await conn.rollback()
            if others <= db.engine.pool.checkedout():
                break
            await asyncio.sleep(0.05)
    return await deadlocks(db) - before


async def scalar(db: Database, statement) -> Any:
    async with db.transaction() as session:
        return (await session.execute(statement)).scalar_one()


async def test_two_instances_bursting_on_one_post_count_every_answer_once(
    pg_service: StudyService, clock
) -> None:
    card = await pg_service.post_now(ADMIN, ChannelRef("discord", "G1", "C1", "study"),
                                     "k8s.q.one")  # B (1) is right: 10 points
    rng = random.Random(11)
    choice = {f"u{i}": rng.randrange(3) for i in range(600)}
    # Users 200-399 click in both instances (a double click that two instances receive).
    plans: list[list[Click]] = [
        [("discord", "G1", f"u{i}", card.post_id, choice[f"u{i}"]) for i in range(0, 400)],
        [("discord", "G1", f"u{i}", card.post_id, choice[f"u{i}"]) for i in range(200, 600)],
    ]
    db = pg_service.db
    before = await deadlocks(db)
    reports = await run_instances(db.engine.url.render_as_string(hide_password=False),
                                  clock.now.isoformat(), plans, spread=0.5)

    outcomes = [o for report in reports for o in report["outcomes"]]
    assert not [o for o in outcomes if "error" in o]
    assert all(report["split"] == 0 for report in reports)  # no batch failed (deadlock or else)
    assert all(report["largest"] > 1 for report in reports)  # they did group-commit
    assert await settled_deadlocks(db, before) == 0
    right = sum(1 for c in choice.values() if c == 1)
    assert sum(not o["already"] for o in outcomes) == 600
    assert sum(o["already"] for o in outcomes) == 200
    assert sum(o["points"] for o in outcomes if not o["already"]) == 10 * right
    assert await scalar(db, select(func.count()).select_from(Answer)) == 600
    for period in ("all", "w2026-48", "m2026-11"):
        assert await scalar(db, select(func.sum(Score.points)).where(Score.period == period)) \
            == 10 * right
        assert await scalar(db, select(func.max(Score.answered)).where(Score.period == period)) \
            == 1
    # Both instances told each doubled user the same thing.
    first, second = reports[0]["outcomes"][200:], reports[1]["outcomes"][:200]
    assert all(a["points"] == b["points"] and a["already"] != b["already"]
               for a, b in zip(first, second, strict=True))


async def test_two_instances_on_overlapping_board_rows_never_deadlock(
    pg_service: StudyService, clock
) -> None:
    """The same 200 users answer four posts of one workspace (four channels, one topic): one
    instance takes two posts, the other the other two, each in its own shuffled order, so both
    update the same score and topic rows at the same moment in different orders."""
    posts = [(await pg_service.post_now(ADMIN, ChannelRef("discord", "G1", f"C{n}", "study"),
                                        "k8s.q.one")).post_id for n in range(5)]
    users = [f"u{i}" for i in range(200)]
    # Known users with board rows already, as on any day but the first: nothing serialises
    # the instances on inserting the same new users.
    warm_up = posts.pop()
    await asyncio.gather(*(pg_service.answer(Actor("discord", "G1", u, u), warm_up, 1)
                           for u in users))
    plans: list[list[Click]] = []
    for seed, mine in ((1, posts[:2]), (2, posts[2:])):
        rng = random.Random(seed)
        plan: list[Click] = []
        for post_id in mine:
            order = users[:]
            rng.shuffle(order)
            plan += [("discord", "G1", user, post_id, 1) for user in order]
        plans.append(plan)
    db = pg_service.db
    before = await deadlocks(db)
    reports = await run_instances(db.engine.url.render_as_string(hide_password=False),
                                  clock.now.isoformat(), plans, spread=0.0)

    outcomes = [o for report in reports for o in report["outcomes"]]
    assert not [o for o in outcomes if "error" in o]
    assert all(report["split"] == 0 for report in reports)  # no batch failed (deadlock or else)
    assert all(report["largest"] > 1 for report in reports)
    assert await settled_deadlocks(db, before) == 0
    assert not any(o["already"] for o in outcomes)
    assert await scalar(db, select(func.count()).select_from(Answer)) == 1000
    for period in ("all", "w2026-48", "m2026-11"):
        points = select(Score.points).where(Score.period == period).subquery()
        assert await scalar(db, select(func.min(points.c.points))) == 50
        assert await scalar(db, select(func.max(points.c.points))) == 50
    assert await scalar(db, select(func.sum(TopicScore.answered))) == 1000
    # Whichever instance recorded a user's last answer told them the full total.
    last_total: dict[str, int] = {}
    for plan, report in zip(plans, reports, strict=True):
        for click, outcome in zip(plan, report["outcomes"], strict=True):
            last_total[click[2]] = max(last_total.get(click[2], 0), outcome["total"])
    assert set(last_total.values()) == {50}
