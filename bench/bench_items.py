"""Item analysis on a big answer history: how long `StudyService.item_report` takes.

Run: .venv/bin/python bench/bench_items.py [--answers 100000,1000000] [--users 5000]
         [--per-post 500] [--repeat 3] [--database postgresql+asyncpg://postgres@127.0.0.1:5432/test | sqlite]

Each size gets a throwaway database beside the one in the URL (or a temporary SQLite file),
migrated with bot.store.migrations.upgrade. One workspace with 20 channels; answers/per-post
posts of the bundled bank's questions in turn; each post answered by a window of --per-post
users out of --users, with a user-dependent accuracy (20-69%), written by one INSERT ... SELECT
over a recursive counter (the same SQL on both databases). The report is then timed --repeat
times (all workspaces, default min answers) with the service built as bot/bootstrap.py builds it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import platform
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dispatch import create_database  # noqa: E402

from bot.catalog.loader import load  # noqa: E402
from bot.catalog.search.index import SearchIndex  # noqa: E402
from bot.service.study import StudyService  # noqa: E402
from bot.store import migrations  # noqa: E402
from bot.store.database import Database, create_engine  # noqa: E402
from bot.store.tables import Answer, Channel, Post, User, Workspace  # noqa: E402

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
CHANNELS = 20
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

# Post p is answered by users (37 p + j) mod U for j < per_post: distinct within a post. A user
# is right when a hash of (user, post) falls under their accuracy, 20% + (user mod 50)%.
ANSWERS_SQL = """
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :count - 1)
INSERT INTO answers (post_id, user_id, choice, correct, points, answered_at)
SELECT i / :per_post + 1,
       ((i / :per_post) * 37 + i % :per_post) % :users + 1,
       (i * 7 + i / :per_post) % 4,
       CASE WHEN ((i % :per_post) * 31 + (i / :per_post) * 17) % 100
                 < 20 + (((i / :per_post) * 37 + i % :per_post) % :users) % 50
            THEN TRUE ELSE FALSE END,
       0, CURRENT_TIMESTAMP
FROM n
"""


async def populate(db: Database, answers: int, users: int, per_post: int,
                   questions: list[str]) -> None:
    posts = answers // per_post
    async with db.engine.begin() as conn:
        await conn.execute(Workspace.__table__.insert(), [
            {"platform": "slack", "external_id": "T1", "name": "bench", "created_at": NOW}])
        await conn.execute(Channel.__table__.insert(), [
            {"workspace_id": 1, "external_id": f"C{c}", "name": f"c{c}", "timezone": "UTC",
             "post_time": dt.time(9), "weekdays": 127, "topics": [], "scheduled": False,
             "paused": False, "created_at": NOW} for c in range(CHANNELS)])
        await conn.execute(User.__table__.insert(), [
            {"workspace_id": 1, "external_id": f"U{u}", "display_name": f"user {u}"}
            for u in range(users)])
        await conn.execute(Post.__table__.insert(), [
            {"channel_id": p % CHANNELS + 1, "question_id": questions[p % len(questions)],
             "local_date": NOW.date(), "day": None, "status": "closed", "claimed_at": NOW,
             "closes_at": NOW, "send_attempts": 1} for p in range(posts)])
        await conn.execute(text(ANSWERS_SQL), {"count": posts * per_post, "per_post": per_post,
                                               "users": users})
        if db.dialect == "postgresql":
            await conn.execute(text("ANALYZE"))


async def measure(url: str, answers: int, users: int, per_post: int, repeat: int) -> dict:
    scratch, drop = await create_database(url)
    engine = create_engine(scratch)
    db = Database(engine)
    try:
        await migrations.upgrade(engine)
        catalog = load(ROOT / "content")
        started = time.perf_counter()
        await populate(db, answers, users, per_post, sorted(catalog.questions))
        setup = time.perf_counter() - started
        async with db.transaction() as session:
            stored = (await session.execute(select(func.count()).select_from(Answer))).scalar_one()
        service = StudyService(db, catalog, SearchIndex.build(catalog))
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            report = await service.item_report()
            timings.append(time.perf_counter() - started)
        return {"answers": stored, "setup": setup, "median": statistics.median(timings),
                "min": min(timings), "max": max(timings), "dialect": db.dialect,
                "asked": sum(1 for q in report.questions if q.posts),
                "flagged": len(report.flagged)}
    finally:
        await db.dispose()
        await drop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", default="100000,1000000")
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--per-post", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", default=DEFAULT_PG)
    args = parser.parse_args()
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; Python {platform.python_version()}")
    print("| database | answers | users | setup s | report median s | min | max | asked | flagged |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in (int(s) for s in args.answers.split(",")):
        r = await measure(args.database, size, args.users, args.per_post, args.repeat)
        print(f"| {r['dialect']} | {r['answers']:,} | {args.users:,} | {r['setup']:.1f} | "
              f"{r['median']:.2f} | {r['min']:.2f} | {r['max']:.2f} | {r['asked']} | "
              f"{r['flagged']} |", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
