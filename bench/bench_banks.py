"""Workspace banks benchmark: what a workspace's own content costs each use case.

Run: .venv/bin/python bench/bench_banks.py [--pg URL] [--rounds N]

Measures, on SQLite and PostgreSQL: building a workspace's bank from its rows (cold: the version
read, the rows, the small search index against the bundled one), the version read every use case
makes once the bank is cached (warm), and the lookup latency over the layered index against the
bundled index alone. Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import sys
import time
import uuid
from pathlib import Path

import yaml
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_dispatch import percentile  # noqa: E402
from bench_lookup import cpu_model  # noqa: E402

from bot.catalog.loader import load  # noqa: E402
from bot.catalog.search.index import SearchIndex  # noqa: E402
from bot.config import content_dir  # noqa: E402
from bot.service import StudyService  # noqa: E402
from bot.store import migrations  # noqa: E402
from bot.store.database import Database, create_engine  # noqa: E402

QUERIES = ROOT / "tests" / "data" / "lookup_queries.yaml"


def own_file(entries: int, questions: int) -> str:
    lines = ["topic: {slug: runbooks, title: Our runbooks}", "entries:"]
    for n in range(entries):
        lines += [f"- id: runbooks.entry-{n}", f"  title: Our runbook number {n} for service {n}",
                  f"  keywords: [service-{n}, rollback, on-call]",
                  f"  body: Deploy service {n} with ./deploy.sh {n}; roll back with ./rollback.sh {n}."]
    lines.append("questions:")
    for n in range(questions):
        lines += [f"- id: runbooks.q.question-{n}", f"  prompt: Which port does service {n} use?",
                  f"  choices: [{{text: '{8000 + n}', correct: true}}, {{text: '{9000 + n}'}}]",
                  f"  explanation: Service {n} listens on {8000 + n}."]
    return "\n".join(lines) + "\n"


async def measure(url: str, rounds: int, entries: int, questions: int) -> dict[str, list[float]]:
    catalog = load(content_dir())
    index = SearchIndex.build(catalog)
    engine = create_engine(url)
    await migrations.upgrade(engine)
    db = Database(engine)
    service = StudyService(db, catalog, index)
    await service.import_questions("slack", "T-bench", "bench.yaml", own_file(entries, questions),
                                   approve=True)
    async with db.transaction() as session:
        workspace = (await session.execute(text(
            "SELECT id FROM workspaces WHERE external_id = 'T-bench'"))).scalar_one()
    found: dict[str, list[float]] = {"cold": [], "warm": []}
    for _ in range(rounds):
        for kind in ("cold", "warm"):
            if kind == "cold":
                service.banks._cache.clear()
            async with db.transaction() as session:
                started = time.perf_counter()
                await service.banks.of(session, workspace)
                found[kind].append((time.perf_counter() - started) * 1000)
    await engine.dispose()
    return found


def lookups(rounds: int, entries: int) -> dict[str, list[float]]:
    from bot.catalog.catalog import Catalog
    from bot.catalog.model import Entry, Topic
    from bot.catalog.search.layered import LayeredIndex

    catalog = load(content_dir())
    base = SearchIndex.build(catalog)
    own = Catalog.build([Topic(slug="runbooks", title="Our runbooks")], [
        ("runbooks", Entry(id=f"runbooks.entry-{n}", title=f"Our runbook number {n}",
                           keywords=(f"service-{n}", "rollback"), body=f"Deploy service {n}."))
        for n in range(entries)], [])
    layered = LayeredIndex(SearchIndex.build(own, background=base), base)
    typed = [str(q) for _, q, _ in yaml.safe_load(QUERIES.read_text(encoding="utf-8"))]
    found: dict[str, list[float]] = {"bundled": [], "layered": []}
    for _ in range(rounds):
        for name, index in (("bundled", base), ("layered", layered)):
            for query in typed:
                started = time.perf_counter()
                index.search(query)
                found[name].append((time.perf_counter() - started) * 1000)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--entries", type=int, default=30)
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()
    sqlite = f"sqlite+aiosqlite:////tmp/bench-banks-{uuid.uuid4().hex}.db"
    results = {"SQLite": asyncio.run(measure(sqlite, args.rounds, args.entries, args.questions))}
    try:
        results["PostgreSQL"] = asyncio.run(_on_scratch_pg(args))
    except OSError as exc:
        print(f"(PostgreSQL skipped: {exc})", file=sys.stderr)
    searched = lookups(5, args.entries)
    now = dt.datetime.now(dt.UTC)
    print("## Workspace banks: a team's own content per use case (bench/bench_banks.py)\n")
    print(f"- Date: {now:%Y-%m-%d %H:%M} UTC")
    print(f"- Machine: {os.cpu_count()} CPUs, {cpu_model()}; Python {platform.python_version()}")
    print(f"- Workspace: {args.entries} entries and {args.questions} questions of its own; "
          f"{args.rounds} rounds\n")
    print("| measure | database | p50 | p99 | max |")
    print("|---|---|---|---|---|")
    for database, found in results.items():
        for kind, label in (("cold", "bank built (version read, rows, own index)"),
                            ("warm", "bank cached (the version read)")):
            values = found[kind]
            print(f"| {label} | {database} | {percentile(values, 0.5):.2f} ms | "
                  f"{percentile(values, 0.99):.2f} ms | {max(values):.2f} ms |")
    for name, values in searched.items():
        print(f"| search(), {name} index | - | {percentile(values, 0.5):.3f} ms | "
              f"{percentile(values, 0.99):.3f} ms | {max(values):.3f} ms |")


async def _on_scratch_pg(args: argparse.Namespace) -> dict[str, list[float]]:
    from sqlalchemy.engine import make_url

    base = make_url(args.pg)
    name = f"bench_banks_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.render_as_string(hide_password=False),
                          isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        return await measure(base.set(database=name).render_as_string(hide_password=False),
                             args.rounds, args.entries, args.questions)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE "{name}"'))
        await admin.dispose()


if __name__ == "__main__":
    main()
