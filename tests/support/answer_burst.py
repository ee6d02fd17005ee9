"""A second bot instance for the tests: its own OS process, engine and pool, answering a plan.

    python -m tests.support.answer_burst URL NOW < plan.json

stdin: one JSON line, {"clicks": [[platform, workspace, user, post_id, choice], ...],
"spread": seconds}. The process builds a StudyService on the test content with a clock fixed at
NOW (ISO 8601), prints "ready", waits for a line "go" on stdin, then starts the clicks evenly over
`spread` seconds (open loop, as a crowd clicks) and prints one JSON line: each click's outcome
and the answer batches it ran.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.catalog.loader import load
from bot.catalog.search.index import SearchIndex
from bot.service import Actor, StudyService
from bot.store.database import Database, create_engine

DATA = Path(__file__).resolve().parents[1] / "data"


async def main(url: str, now: datetime) -> None:
    loop = asyncio.get_running_loop()
    plan = json.loads(await loop.run_in_executor(None, sys.stdin.readline))
    catalog = load(DATA / "engine")
    db = Database(create_engine(url))
    service = StudyService(db, catalog, SearchIndex.build(catalog), lambda: now)
    clicks = plan["clicks"]
    spread = float(plan["spread"])
    outcomes: list[dict[str, Any]] = [{} for _ in clicks]

    async def click(index: int, at: float) -> None:
        await asyncio.sleep(max(0.0, at - loop.time()))
        platform, workspace, user, post_id, choice = clicks[index]
        try:
            result = await service.answer(Actor(platform, workspace, user, user), post_id, choice)
        except Exception as exc:  # reported to the test, which fails on any
            outcomes[index] = {"error": f"{type(exc).__name__}: {exc}"}
            return
        outcomes[index] = {"points": result.points, "total": result.total_points,
                           "streak": result.streak, "already": result.already_answered}

    try:
        print("ready", flush=True)
        await loop.run_in_executor(None, sys.stdin.readline)
        start = loop.time()
        await asyncio.gather(*(click(i, start + spread * i / len(clicks))
                               for i in range(len(clicks))))
        await service.close()
        stats = service.answer_batch_stats()
        assert stats is not None
        print(json.dumps({"outcomes": outcomes, "batches": stats.batches, "split": stats.split,
                          "largest": max(stats.sizes)}), flush=True)
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], datetime.fromisoformat(sys.argv[2])))
