"""Lookup benchmark: index build time and search latency over the full bundled bank.

Run: .venv/bin/python bench/bench_lookup.py [--rounds N]

Queries: every query of tests/data/lookup_queries.yaml as typed, the same across all topics, and
each cut to two thirds of its length (what Discord autocomplete sends while someone types).
Targets (issue 3): index built in under 200 ms, p99 under 2 ms per lookup.
Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_dispatch import percentile  # noqa: E402

from bot.catalog.catalog import Catalog  # noqa: E402
from bot.catalog.loader import load  # noqa: E402
from bot.catalog.search.index import SearchIndex  # noqa: E402

QUERIES = ROOT / "tests" / "data" / "lookup_queries.yaml"


def queries(catalog: Catalog) -> list[tuple[str | None, str]]:
    rows = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    typed = [(catalog.resolve_topic(t) if t else None, str(q)) for t, q, _ in rows]
    everywhere = [(None, q) for _, q in typed]
    partial = [(t, q[: max(1, len(q) * 2 // 3)]) for t, q in typed]
    return typed + everywhere + partial


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the queries")
    parser.add_argument("--builds", type=int, default=20, help="index builds to time")
    args = parser.parse_args()

    catalog = load(ROOT / "content")
    builds = []
    for _ in range(args.builds):
        gc.collect()
        start = time.perf_counter()
        index = SearchIndex.build(catalog)
        builds.append((time.perf_counter() - start) * 1000)

    asked = queries(catalog)
    search_ms: list[float] = []
    suggest_ms: list[float] = []
    empty = 0
    gc.collect()
    for _ in range(args.rounds):
        for topic, query in asked:
            start = time.perf_counter()
            hits = index.search(query, topic)
            search_ms.append((time.perf_counter() - start) * 1000)
            if not hits:
                empty += 1
                start = time.perf_counter()
                index.suggest(query, topic)
                suggest_ms.append((time.perf_counter() - start) * 1000)

    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print("## Lookup: index build and search latency (bench/bench_lookup.py)\n")
    print(f"- Date: {today}")
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"- Machine: {cpus} CPUs (nproc), {cpu_model()}; "
          f"Python {platform.python_version()} ({platform.python_implementation()})")
    print(f"- Bank: {len(catalog.topics)} topics, {len(catalog.entries)} entries")
    print(f"- Queries: {len(asked)} distinct ({len(asked) // 3} as typed, the same across all "
          f"topics, and two-thirds-typed prefixes) x {args.rounds} rounds = {len(search_ms)} "
          f"lookups; {empty // args.rounds} per round had no match and also ran suggest()\n")
    print("| measure | p50 | p99 | max | target |")
    print("|---|---|---|---|---|")
    print(f"| index build ({args.builds} builds) | {statistics.median(builds):.1f} ms | "
          f"{percentile(builds, 0.99):.1f} ms | {max(builds):.1f} ms | < 200 ms |")
    print(f"| search() per lookup | {percentile(search_ms, 0.5):.3f} ms | "
          f"{percentile(search_ms, 0.99):.3f} ms | {max(search_ms):.3f} ms | p99 < 2 ms |")
    if suggest_ms:
        print(f"| suggest() when nothing matched | {percentile(suggest_ms, 0.5):.3f} ms | "
              f"{percentile(suggest_ms, 0.99):.3f} ms | {max(suggest_ms):.3f} ms | - |")


if __name__ == "__main__":
    main()
