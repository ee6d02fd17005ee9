"""Dashboard pages at scale: 100,000 users and 5,000,000 answers in one workspace.

Run: .venv/bin/python bench/bench_dashboard.py [--requests 40] [--keep]
         [--database postgresql+asyncpg://postgres@127.0.0.1:5432/test]

A throwaway database beside the one in the URL (tests/support/databases.py), migrated to head,
filled set-based with generate_series the way bench/bench_boards.py fills it: 100,000 users,
50 channels x 240 days = 12,000 daily posts over the bundled bank's questions (the last day's
posts still open), 5,000,000 answers by about 90,000 users (1 to 111 each, 30-80% right), and
every maintained table the answer path and the closes keep: scores (all, weeks, months), topic
scores, streaks (gaps and islands over each user's answered posts per channel), and the dashboard
rollups (activity, topic and member days of the closed posts). Then VACUUM ANALYZE.

Timed: each page fetched over HTTP from the bot's own aiohttp app (`build_web_app` with the
dashboard's routes, signed link, real service and templates, on 127.0.0.1), `--requests` times
in turn after one warm-up, p50/p95/max per page: the overview, topics, people (first page and a
deep page), a person (the leader, and one from the middle of the board) and questions (the item
report measured once beforehand, off the request path, as the page does; its one-off time is
reported too). Also timed: the rollup cost of closing one post (the close transaction with and
without the rollup, on the open posts). Target: every page p95 < 300 ms.

Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

import aiohttp
import asyncpg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_boards import machine  # noqa: E402
from bench_dispatch import percentile  # noqa: E402

from bot import config as paths  # noqa: E402
from bot.catalog.loader import load  # noqa: E402
from bot.catalog.search.index import SearchIndex  # noqa: E402
from bot.dashboard.pages import Dashboard  # noqa: E402
from bot.dashboard.tokens import DashboardLinks, WorkspaceKey  # noqa: E402
from bot.service.study import StudyService  # noqa: E402
from bot.store import migrations  # noqa: E402
from bot.store.database import Database, create_engine  # noqa: E402
from bot.web import build_web_app  # noqa: E402
from tests.support.databases import create_scratch, drop_scratch  # noqa: E402
from tests.support.local_server import serve_local  # noqa: E402

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PLATFORM, WORKSPACE = "slack", "T-big"
USERS, ACTIVE, ANSWERS, CHANNELS, DAYS = 100_000, 90_000, 5_000_000, 50, 240
TODAY = dt.date(2026, 11, 30)
FIRST = TODAY - dt.timedelta(days=DAYS - 1)
SECRET = "bench-dashboard-secret-0123456789abcdef"
TARGET_MS = 300
COUNTED = ("users", "posts", "answers", "scores", "streaks", "topic_scores", "member_days",
           "topic_days", "activity_days")


def populate_statements(question_ids: list[str]) -> list[str]:
    questions = "ARRAY[" + ", ".join(f"'{q}'" for q in question_ids) + "]"
    topic = "split_part(p.question_id, '.', 1)"
    right = "sum(CASE WHEN a.correct THEN 1 ELSE 0 END)"
    closed = ("FROM answers a JOIN posts p ON p.id = a.post_id "
              "JOIN channels c ON c.id = p.channel_id WHERE p.status = 'closed'")
    return [
        f"""INSERT INTO workspaces (id, platform, external_id, name, created_at)
            VALUES (1, '{PLATFORM}', '{WORKSPACE}', 'Big Co', now())""",
        f"""INSERT INTO channels (workspace_id, external_id, name, timezone, post_time, weekdays,
                                 topics, scheduled, paused, next_due_at, created_at)
            SELECT 1, 'C' || c, 'study-' || c, 'UTC', '09:00', 127, '[]', true, false,
                   timestamptz '{TODAY + dt.timedelta(days=1)} 09:00+00', now()
            FROM generate_series(1, {CHANNELS}) c""",
        f"""INSERT INTO users (workspace_id, external_id, display_name)
            SELECT 1, 'U' || u, 'user ' || u FROM generate_series(1, {USERS}) u""",
        # Post ids 1..12,000 in day order: post p is on day (p - 1) / CHANNELS. The last day's
        # posts are still open, as they are at 10:00 on a working day.
        f"""INSERT INTO posts (channel_id, question_id, local_date, day, prev_post_id, status,
                              claimed_at, posted_at, closes_at, closed_at, send_attempts)
            SELECT c.id, ({questions})[1 + ((d * {CHANNELS} + c.id) % {len(question_ids)})],
                   date '{FIRST}' + d, date '{FIRST}' + d,
                   CASE WHEN d > 0 THEN (d - 1) * {CHANNELS} + c.id END,
                   CASE WHEN d = {DAYS - 1} THEN 'open' ELSE 'closed' END,
                   t, t, t + interval '1 day', CASE WHEN d < {DAYS - 1} THEN t + interval '1 day' END, 1
            FROM channels c, generate_series(0, {DAYS - 1}) d,
                 LATERAL (SELECT (date '{FIRST}' + d) + time '09:00' AS t) s
            ORDER BY d, c.id""",
        "SET session_replication_role = replica",
        f"""INSERT INTO answers (post_id, user_id, choice, correct, points, answered_at)
            SELECT a.p, u, CASE WHEN a.ok THEN 0 ELSE 1 + (hu.h % 3) END, a.ok,
                   CASE WHEN a.ok THEN 10 + 5 * (a.p % 3) ELSE 0 END,
                   timestamptz '{FIRST} 09:00+00' + ((a.p - 1) / {CHANNELS}) * interval '1 day'
                     + (u % 3600) * interval '1 second'
            FROM generate_series(1, {ACTIVE}) u,
                 LATERAL (SELECT abs(hashint4(u)) AS h) hu,
                 LATERAL generate_series(0, hu.h % 111) j,
                 LATERAL (SELECT 1 + ((u::bigint * 104729 + j * 7919) % {CHANNELS * DAYS})::int AS p,
                                 abs(hashint8(u::bigint * 1000 + j)) % 100 < 30 + (hu.h / 111) % 51 AS ok) a
            LIMIT {ANSWERS}""",
        "SET session_replication_role = DEFAULT",
        """INSERT INTO scores (workspace_id, period, user_id, points, answered, correct)
           SELECT 1, k.period, a.user_id, sum(a.points), count(*), sum(a.correct::int)
           FROM answers a JOIN posts p ON p.id = a.post_id,
                LATERAL (VALUES ('all'), ('w' || to_char(p.local_date, 'IYYY-IW')),
                                ('m' || to_char(p.local_date, 'YYYY-MM'))) k(period)
           GROUP BY k.period, a.user_id""",
        f"""INSERT INTO topic_scores (workspace_id, user_id, topic, answered, correct)
            SELECT 1, a.user_id, {topic}, count(*), sum(a.correct::int)
            FROM answers a JOIN posts p ON p.id = a.post_id GROUP BY a.user_id, {topic}""",
        # A streak is the last run of consecutive answered posts of a channel (one post a day).
        f"""INSERT INTO streaks (channel_id, user_id, current, best, last_post_id)
            WITH answered AS (
                SELECT p.channel_id, a.user_id, p.id AS post_id,
                       (p.id - 1) / {CHANNELS} - row_number() OVER (
                           PARTITION BY p.channel_id, a.user_id ORDER BY p.id) AS island
                FROM answers a JOIN posts p ON p.id = a.post_id),
            runs AS (
                SELECT channel_id, user_id, count(*) AS length, max(post_id) AS last
                FROM answered GROUP BY channel_id, user_id, island)
            SELECT channel_id, user_id, (array_agg(length ORDER BY last DESC))[1], max(length),
                   max(last)
            FROM runs GROUP BY channel_id, user_id""",
        f"""INSERT INTO topic_days (workspace_id, topic, day, answers, correct)
            SELECT c.workspace_id, {topic}, p.local_date, count(*), {right} {closed}
            GROUP BY c.workspace_id, {topic}, p.local_date""",
        f"""INSERT INTO member_days (workspace_id, user_id, day, answers, correct)
            SELECT c.workspace_id, a.user_id, p.local_date, count(*), {right} {closed}
            GROUP BY c.workspace_id, a.user_id, p.local_date""",
        """INSERT INTO activity_days (workspace_id, day, answers, correct, people)
           SELECT workspace_id, day, sum(answers), sum(correct), count(*) FROM member_days
           GROUP BY workspace_id, day""",
    ]


async def populate(dsn: str, question_ids: list[str]) -> tuple[float, str, dict[str, int]]:
    conn = await asyncpg.connect(dsn)
    try:
        start = time.perf_counter()
        for statement in populate_statements(question_ids):
            await conn.execute(statement)
        await conn.execute("VACUUM ANALYZE")
        seconds = time.perf_counter() - start
        version = await conn.fetchval("SHOW server_version")
        counts = {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in COUNTED}
        return seconds, version, counts
    finally:
        await conn.close()


async def existing(dsn: str, rank_index: bool) -> tuple[float, str, dict[str, int]]:
    conn = await asyncpg.connect(dsn)
    try:
        # The board's index in its full order, as migration 0006 (branch fsrs) makes it.
        await conn.execute("DROP INDEX IF EXISTS ix_scores_rank")
        if rank_index:
            await conn.execute("CREATE INDEX ix_scores_rank ON scores (workspace_id, period, "
                               "points DESC, correct DESC, answered, user_id)")
            await conn.execute("VACUUM ANALYZE scores")
        # Posts closed by an earlier timing run are opened again, so the close is timed anew.
        await conn.execute(f"UPDATE posts SET status = 'open', closed_at = NULL "
                           f"WHERE local_date = date '{TODAY}'")
        for table in ("activity_days", "topic_days", "member_days"):
            await conn.execute(f"DELETE FROM {table} WHERE day = date '{TODAY}'")
        version = await conn.fetchval("SHOW server_version")
        counts = {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in COUNTED}
        return 0.0, version, counts
    finally:
        await conn.close()


async def fetch(session: aiohttp.ClientSession, url: str) -> tuple[float, str]:
    start = time.perf_counter()
    async with session.get(url) as response:
        body = await response.text()
        elapsed = time.perf_counter() - start
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
    return elapsed, body


async def run(args: argparse.Namespace) -> int:
    if args.reuse:  # a database kept by an earlier --keep run: time again without loading
        url = make_url(args.database).set(database=args.reuse).render_as_string(
            hide_password=False)
    else:
        url = await create_scratch(args.database, "studybot_bench_dashboard")
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    print(f"scratch database: {make_url(url).database}", file=sys.stderr)
    engine = create_engine(url)
    try:
        await migrations.upgrade(engine)
        catalog = load(paths.content_dir())
        if args.reuse:
            load_seconds, version, counts = await existing(dsn, args.rank_index)
        else:
            load_seconds, version, counts = await populate(
                dsn, sorted(q.id for q in catalog.questions_in()))
        print(f"loaded in {load_seconds:.0f} s: {counts}", file=sys.stderr)
        now = dt.datetime.combine(TODAY, dt.time(10, 0), dt.UTC)
        service = StudyService(Database(engine), catalog, SearchIndex.build(catalog), lambda: now)
        dashboard = Dashboard(service, SECRET)
        runner, port = await serve_local(build_web_app(service.db, dashboard.routes()))
        base = f"http://127.0.0.1:{port}"
        link = DashboardLinks(SECRET, base).link(WorkspaceKey(PLATFORM, WORKSPACE), now).url
        start = time.perf_counter()
        measured = await dashboard.reports.settled(PLATFORM, WORKSPACE)
        report_seconds = time.perf_counter() - start
        assert measured.report is not None
        ranked = await service.team_people(PLATFORM, WORKSPACE, 1)
        middle = await service.team_people(PLATFORM, WORKSPACE, 900)
        pages = {
            "overview": link,
            "topics": f"{link}/topics",
            "people, page 1": f"{link}/people",
            "people, page 900 (ranks 44,951-45,000)": f"{link}/people?page=900",
            "person: the leader": f"{link}/people/{ranked.rows[0].person_id}",
            "person: rank 44,951": f"{link}/people/{middle.rows[0].person_id}",
            "questions (item report cached)": f"{link}/questions",
        }
        results: dict[str, list[float]] = {name: [] for name in pages}
        async with aiohttp.ClientSession() as session:
            for page in pages.values():
                await fetch(session, page)  # warm: statement caches, template compilation
            for _ in range(args.requests):
                for name, page in pages.items():
                    results[name].append((await fetch(session, page))[0])
        await runner.cleanup()
        close_times = []
        conn = await asyncpg.connect(dsn)
        open_posts = [r[0] for r in await conn.fetch(
            "SELECT id FROM posts WHERE status = 'open' ORDER BY id LIMIT 20")]
        await conn.close()
        for post_id in open_posts:
            start = time.perf_counter()
            await service.close_post(post_id)
            close_times.append(time.perf_counter() - start)
        report(args, version, load_seconds, counts, report_seconds, results, close_times)
        return 0 if all(percentile(v, 0.95) * 1000 < TARGET_MS for v in results.values()) else 1
    finally:
        await engine.dispose()
        if not args.keep and not args.reuse:
            await drop_scratch(url, args.database)


def report(args: argparse.Namespace, version: str, load_seconds: float, counts: dict[str, int],
           report_seconds: float, results: dict[str, list[float]], close_times: list[float]) -> None:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print("## Dashboard pages on 100,000 users and 5,000,000 answers (bench/bench_dashboard.py)\n")
    print(f"- Date: {when}")
    print(f"- Machine: {machine()}; PostgreSQL {version} on the same machine. Other sessions' "
          "test runs share it, so these are upper bounds.")
    extra = (" --reuse NAME" if args.reuse else "") + (" --rank-index" if args.rank_index else "")
    print(f"- Command: `.venv/bin/python bench/bench_dashboard.py --requests {args.requests}{extra}`"
          + ("; with the board-order index `ix_scores_rank` of migration 0006 (branch fsrs)"
             if args.rank_index else "; the scores indexes of this branch (no 0006)"))
    print(f"- Data (set-based load, {load_seconds:.0f} s, not timed): "
          + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
    print("- Timed: each page over HTTP from the bot's aiohttp app on 127.0.0.1 (signed link, "
          f"service, templates, SVG), {args.requests} requests per page in turn after a warm-up.\n")
    print("| page | p50 ms | p95 ms | max ms | target |")
    print("|---|---|---|---|---|")
    for name, values in results.items():
        p95 = percentile(values, 0.95) * 1000
        print(f"| {name} | {statistics.median(values) * 1000:.1f} | {p95:.1f} | "
              f"{max(values) * 1000:.1f} | p95 < {TARGET_MS} ms: "
              f"{'met' if p95 < TARGET_MS else '**not met**'} |")
    print(f"\nThe item report behind the Questions page took {report_seconds:.1f} s to measure "
          "once (off the request path; pages show the last one, refreshed at most every 15 "
          "minutes).")
    if close_times:
        print(f"Closing an open post with its rollup: median {statistics.median(close_times) * 1000:.1f} ms, "
              f"max {max(close_times) * 1000:.1f} ms over {len(close_times)} posts of about "
              f"{ANSWERS // (CHANNELS * DAYS)} answers each.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--database", default=DEFAULT_PG)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", metavar="NAME", help="time again on a database kept by --keep")
    parser.add_argument("--rank-index", action="store_true",
                        help="with --reuse: add the board-order index of migration 0006 first")
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
