"""Leaderboards at scale: 100,000 users and 5,000,000 answers in one workspace.

Run: .venv/bin/python bench/bench_boards.py [--calls 400] [--naive-calls 8] [--churn 20000]
         [--database postgresql+asyncpg://postgres@127.0.0.1:5432/test] [--keep]

A throwaway database beside the one in the URL (tests/support/databases.py), migrated to head,
filled set-based by generate_series (no row-by-row inserts): 100,000 users of one workspace,
50 channels x 240 days = 12,000 posts, 5,000,000 answers by 89,000-odd users (1 to 111 answers
each; accuracy 30-80% per user; 10/15/20 points by the post), and the maintained aggregates the
answer path keeps (scores per user for `all`, each ISO week and each month: about 3.2 million
rows). Then VACUUM ANALYZE, as autovacuum would leave a quiet table.

Measured, side by side in one run, on the all-time board (the largest):

1. The bot's read: `StudyService.leaderboard(actor, "all")`, which runs the real store
   functions (directory.find_workspace, find_user, boards.top, boards.standing) in one
   transaction, as the `/leaderboard` command does. Callers are drawn in turn from four bands:
   top (ranks 1-10: no rank needed), middle (ranks n/2 +- 500), bottom (the last 1,000 ranks)
   and unranked (users with no answer). p50/p99 per band and overall. Target p99 < 10 ms.
   Each caller's rank is checked against the full ordering computed in SQL.
2. The rank alone (one prepared statement over asyncpg), for the same kind of callers:
   - board_counts + ties (what boards.standing does from revision 0007): users on higher
     points summed from board_counts (kept by triggers; 8 rows per points value), plus those
     ahead within the caller's points, three ranges of ix_scores_rank;
   - index only (what it does with revision 0006 alone): four contiguous ranges of
     ix_scores_rank, all counted from the index;
   - row value: `(points, correct, -answered, -user_id) > (...)` over an expression index in
     that order (INCLUDE answered, user_id, so the count can stay in the index);
   - before: the OR of four conditions over the old (workspace, period, points) index.
   Each runs in a transaction that drops the other indexes (rolled back after).
3. A naive GROUP BY over answers (joined to posts and channels for the workspace), ranking every
   user with row_number() to return the top 10 and the caller: a few calls per band, and the
   results must equal the bot's.
4. Churn: --churn random users' all-time scores updated in one statement with autovacuum off on
   `scores`, then the bot's read again (index-only scans now visit the heap for the pages that
   changed, as between autovacuum runs on a busy board).
5. What the triggers cost a write: the score upsert of one right answer (three periods, the
   statement answers.add_score sends), timed inside its transaction, in alternating rounds with
   the board_counts triggers enabled and disabled; then the same upsert from 16 concurrent
   clients (with commits) for 12 s, triggers on and off. Last, since it leaves the counts stale.
   Without revision 0007 (no board_counts) its variant and this part are skipped.

6. Team boards (issue 12): a competition of --teams teams (25, the most the bot allows, by
   default) over every ranked user (its scores are the all-time ones copied to its period
   `c1`, each user in one team; team sizes skewed like real groups: with 200 teams, from about
   220 to 6,300 members), best 5 count. Measured side by side: the bot's
   `StudyService.leaderboard(actor, "teams")` (its people board, the caller's rank and the team
   board in one transaction) and `leaderboard(actor, "teams", team=...)` (one team's members and
   the caller's place in it); the team board's statement alone in the designs compared (team on
   the score row + partial index read by a LATERAL per team, which the bot does; the same rows
   with a window over the whole competition; a members table joined to the scores); and a naive
   GROUP BY over the answers. Every team score is checked against a full ordering in SQL.
   `--teams-only` runs the load, the bot's top-10 + my-rank read and this part only.

Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_dispatch import percentile  # noqa: E402

from bot import config as paths  # noqa: E402
from bot.catalog.loader import load  # noqa: E402
from bot.catalog.search.index import SearchIndex  # noqa: E402
from bot.service.study import StudyService  # noqa: E402
from bot.service.views import Actor  # noqa: E402
from bot.store import boards, competition_teams, migrations  # noqa: E402
from bot.store.database import Database, create_engine  # noqa: E402
from tests.support.databases import create_scratch, drop_scratch  # noqa: E402

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PLATFORM, WORKSPACE = "discord", "G-big"
USERS, ACTIVE, ANSWERS, CHANNELS, DAYS = 100_000, 90_000, 5_000_000, 50, 240
BANDS = ("top", "middle", "bottom", "unranked")

POPULATE = [
    f"""INSERT INTO workspaces (id, platform, external_id, name, created_at)
        VALUES (1, '{PLATFORM}', '{WORKSPACE}', 'bench', now())""",
    f"""INSERT INTO channels (workspace_id, external_id, name, timezone, post_time, weekdays, topics,
                             scheduled, paused, created_at)
        SELECT 1, 'C' || c, 'study-' || c, 'UTC', '09:00', 31, '[]', true, false, now()
        FROM generate_series(1, {CHANNELS}) c""",
    f"""INSERT INTO users (workspace_id, external_id, display_name)
        SELECT 1, 'U' || u, 'user ' || u FROM generate_series(1, {USERS}) u""",
    # Post ids 1..12,000 in day order, so post p is on day (p - 1) / CHANNELS.
    f"""INSERT INTO posts (channel_id, question_id, local_date, day, status, claimed_at, posted_at,
                          closes_at, closed_at, send_attempts)
        SELECT c.id, 'k8s.q.one', date '2026-03-01' + d, date '2026-03-01' + d, 'closed',
               t, t, t + interval '1 day', t + interval '1 day', 1
        FROM channels c, generate_series(0, {DAYS - 1}) d,
             LATERAL (SELECT (date '2026-03-01' + d) + time '09:00' AS t) s
        ORDER BY d, c.id""",
    # User u answers n_u (1..111) distinct posts: j * 7919 mod 12,000 never repeats for j < 12,000.
    # Foreign-key triggers are off for this one statement (replica role): every id is valid by
    # construction, and checking 10 million references one by one would double the load time.
    "SET session_replication_role = replica",
    f"""INSERT INTO answers (post_id, user_id, choice, correct, points, answered_at)
        SELECT a.p, u, 0, a.ok, CASE WHEN a.ok THEN 10 + 5 * (a.p % 3) ELSE 0 END,
               timestamptz '2026-03-01 09:00+00' + ((a.p - 1) / {CHANNELS}) * interval '1 day'
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
]

ORDERED = """SELECT user_id, points, correct, answered FROM scores
             WHERE workspace_id = 1 AND period = 'all'
             ORDER BY points DESC, correct DESC, answered, user_id"""

# The rank four ways: name -> (the one rank index left in place, the query). Each is measured in
# a transaction that drops the other indexes, then rolled back.
RANK_INDEXES = {
    "ix_scores_rank": "",  # made by the migrations
    "ix_bench_row": "CREATE INDEX ix_bench_row ON scores (workspace_id, period, points, correct, "
                    "(-answered), (-user_id)) INCLUDE (answered, user_id)",
    "ix_bench_before": "CREATE INDEX ix_bench_before ON scores (workspace_id, period, points)",
}
TIES = """
        + (SELECT count(*) FROM scores WHERE workspace_id = $1 AND period = $2 AND points = $3
             AND correct > $4)
        + (SELECT count(*) FROM scores WHERE workspace_id = $1 AND period = $2 AND points = $3
             AND correct = $4 AND answered < $5)
        + (SELECT count(*) FROM scores WHERE workspace_id = $1 AND period = $2 AND points = $3
             AND correct = $4 AND answered = $5 AND user_id < $6)"""
RANK_VARIANTS = {
    "board_counts + ties (revision 0007)": ("ix_scores_rank", """
        SELECT (SELECT coalesce(sum(users), 0) FROM board_counts
                WHERE workspace_id = $1 AND period = $2 AND points > $3)""" + TIES),
    "index only: 4 ranges of ix_scores_rank (0006)": ("ix_scores_rank", """
        SELECT (SELECT count(*) FROM scores WHERE workspace_id = $1 AND period = $2 AND points > $3)
        """ + TIES),
    "row value over an expression index": ("ix_bench_row", """
        SELECT count(*) FROM scores WHERE workspace_id = $1 AND period = $2
          AND (points, correct, -answered, -user_id) > ($3, $4, -$5::int, -$6::bigint)"""),
    "before: OR over (workspace, period, points)": ("ix_bench_before", """
        SELECT count(*) FROM scores WHERE workspace_id = $1 AND period = $2
          AND (points > $3 OR (points = $3 AND correct > $4)
               OR (points = $3 AND correct = $4 AND answered < $5)
               OR (points = $3 AND correct = $4 AND answered = $5 AND user_id < $6))"""),
}
TRIGGERS = ("board_counts_on_insert", "board_counts_on_update", "board_counts_on_delete")
# The statement answers.add_score sends for one right answer (all time, its week, its month).
SCORE_UPSERT = """
    INSERT INTO scores (workspace_id, period, user_id, points, answered, correct)
    VALUES (1, 'all', $1, 15, 1, 1), (1, 'w2026-44', $1, 15, 1, 1), (1, 'm2026-10', $1, 15, 1, 1)
    ON CONFLICT (workspace_id, period, user_id) DO UPDATE SET
        points = scores.points + excluded.points, answered = scores.answered + 1,
        correct = scores.correct + excluded.correct"""

NAIVE = """
    WITH totals AS (
        SELECT a.user_id, sum(a.points) AS points, sum(a.correct::int) AS correct,
               count(*) AS answered
        FROM answers a JOIN posts p ON p.id = a.post_id JOIN channels c ON c.id = p.channel_id
        WHERE c.workspace_id = $1 GROUP BY a.user_id),
    ranked AS (
        SELECT user_id, points, correct, answered,
               row_number() OVER (ORDER BY points DESC, correct DESC, answered, user_id) AS rank
        FROM totals)
    SELECT user_id, rank FROM ranked WHERE rank <= 10 OR user_id = $2 ORDER BY rank"""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}" if seconds < 0.1 else f"{seconds * 1000:.0f}"


def machine() -> str:
    model = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs (nproc), {model}; Python {platform.python_version()} "
            f"({platform.python_implementation()})")


class Callers:
    """Who calls the board: user ids per band, and each ranked user's rank and figures."""

    def __init__(self, ordered: list[asyncpg.Record], unranked: list[int]) -> None:
        self.rank = {r["user_id"]: i for i, r in enumerate(ordered, start=1)}
        self.figures = {r["user_id"]: (r["points"], r["correct"], r["answered"]) for r in ordered}
        self.top10 = [r["user_id"] for r in ordered[:10]]
        n = len(ordered)
        ids = [r["user_id"] for r in ordered]
        self.bands = {"top": ids[:10], "middle": ids[n // 2 - 500: n // 2 + 500],
                      "bottom": ids[-1000:], "unranked": unranked}
        self.size = n

    def sequence(self, calls: int, bands: tuple[str, ...], seed: int) -> list[tuple[str, int]]:
        rng = random.Random(seed)
        return [(bands[i % len(bands)], rng.choice(self.bands[bands[i % len(bands)]]))
                for i in range(calls)]


async def populate(dsn: str) -> float:
    conn = await asyncpg.connect(dsn)
    try:
        start = time.perf_counter()
        for statement in POPULATE:
            await conn.execute(statement)
        await conn.execute("VACUUM ANALYZE")
        return time.perf_counter() - start
    finally:
        await conn.close()


async def load_callers(dsn: str) -> Callers:
    conn = await asyncpg.connect(dsn)
    try:
        ordered = await conn.fetch(ORDERED)
        unranked = [r[0] for r in await conn.fetch(
            "SELECT id FROM users u WHERE workspace_id = 1 AND NOT EXISTS "
            "(SELECT 1 FROM scores s WHERE s.workspace_id = 1 AND s.period = 'all' "
            "AND s.user_id = u.id)")]
        return Callers(ordered, unranked)
    finally:
        await conn.close()


async def bot_reads(service: StudyService, callers: Callers, calls: int,
                    seed: int) -> tuple[dict[str, list[float]], int]:
    """The bot's read per band; returns latencies and how many answers were wrong."""
    names = {uid: f"U{uid}" for band in callers.bands.values() for uid in band}
    latencies: dict[str, list[float]] = {band: [] for band in BANDS}
    wrong = 0
    for band, user_id in callers.sequence(calls, BANDS, seed):
        actor = Actor(PLATFORM, WORKSPACE, names[user_id], f"user {user_id}")
        start = time.perf_counter()
        board = await service.leaderboard(actor, "all")
        latencies[band].append(time.perf_counter() - start)
        mine = board.caller or next((r for r in board.rows if r.is_caller), None)
        expected_rank = callers.rank.get(user_id)
        if (mine.rank if mine else None) != expected_rank or len(board.rows) != 10:
            wrong += 1
    return latencies, wrong


def plan_summary(plan: Any) -> str:
    """The scan nodes of an EXPLAIN ANALYZE (FORMAT JSON) plan, with their heap fetches."""
    found: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if "Scan" in node["Node Type"]:
            heap = f", {node['Heap Fetches']} heap fetches" if "Heap Fetches" in node else ""
            blocks = (f", {node['Exact Heap Blocks']} heap blocks"
                      if "Exact Heap Blocks" in node else "")
            found.append(f"{node['Node Type']} ({node['Actual Rows']} rows{heap}{blocks})")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return "; ".join(found)


async def rank_counts(dsn: str, callers: Callers, calls: int, seed: int) -> dict[str, Any]:
    conn = await asyncpg.connect(dsn)
    results: dict[str, Any] = {}
    try:
        for create in RANK_INDEXES.values():
            if create:
                await conn.execute(create)
        await conn.execute("VACUUM ANALYZE scores")
        bottom = callers.bands["bottom"][0]
        counted = await conn.fetchval("SELECT to_regclass('board_counts') IS NOT NULL")
        for name, (kept, query) in RANK_VARIANTS.items():
            if "board_counts" in query and not counted:
                continue
            transaction = conn.transaction()
            await transaction.start()
            try:
                for index in RANK_INDEXES:
                    if index != kept:
                        await conn.execute(f"DROP INDEX {index}")
                statement = await conn.prepare(query)
                latencies: dict[str, list[float]] = {band: [] for band in BANDS[:3]}
                wrong = 0
                share = calls // 5 if name.startswith("before") else calls  # ~100 ms each
                for band, user_id in callers.sequence(share, BANDS[:3], seed):
                    points, correct, answered = callers.figures[user_id]
                    start = time.perf_counter()
                    ahead = await statement.fetchval(1, "all", points, correct, answered, user_id)
                    latencies[band].append(time.perf_counter() - start)
                    wrong += ahead + 1 != callers.rank[user_id]
                plan = await statement.explain(1, "all", *callers.figures[bottom], bottom,
                                               analyze=True)
                results[name] = {"latencies": latencies, "wrong": wrong,
                                 "plan": plan_summary(plan)}
            finally:
                await transaction.rollback()
    finally:
        for index, create in RANK_INDEXES.items():
            if create:
                await conn.execute(f"DROP INDEX IF EXISTS {index}")
        await conn.close()
    return results


async def naive_reads(dsn: str, callers: Callers, calls: int,
                      seed: int) -> tuple[dict[str, list[float]], int]:
    conn = await asyncpg.connect(dsn)
    latencies: dict[str, list[float]] = {band: [] for band in BANDS}
    wrong = 0
    try:
        statement = await conn.prepare(NAIVE)
        for band, user_id in callers.sequence(calls, BANDS, seed):
            start = time.perf_counter()
            rows = await statement.fetch(1, user_id)
            latencies[band].append(time.perf_counter() - start)
            ranks = {r["user_id"]: r["rank"] for r in rows}
            wrong += ([r["user_id"] for r in rows[:10]] != callers.top10
                      or ranks.get(user_id) != callers.rank.get(user_id))
    finally:
        await conn.close()
    return latencies, wrong


async def bot_plan(db: Database, user_id: int) -> str:
    """EXPLAIN ANALYZE of the statement boards.standing sends, for one caller."""
    statement = boards.standing_query(1, "all", user_id).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    async with db.transaction() as session:
        plan = (await session.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}"))).scalar()
    return plan_summary(plan if isinstance(plan, list) else json.loads(plan))


async def churn(dsn: str, users: int) -> float:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("ALTER TABLE scores SET (autovacuum_enabled = false)")
        start = time.perf_counter()
        await conn.execute("""
            UPDATE scores SET points = points + 10, correct = correct + 1, answered = answered + 1
            WHERE workspace_id = 1 AND period = 'all' AND user_id IN (
                SELECT user_id FROM scores WHERE workspace_id = 1 AND period = 'all'
                ORDER BY hashint8(user_id) LIMIT $1)""", users)
        return time.perf_counter() - start
    finally:
        await conn.close()


async def write_cost(dsn: str, callers: Callers, writes: int,
                     seed: int) -> dict[str, list[float]]:
    """SCORE_UPSERT for random ranked users, rounds of 100 with the triggers on, then off."""
    conn = await asyncpg.connect(dsn)
    timings: dict[str, list[float]] = {"triggers on": [], "triggers off": []}
    rng = random.Random(seed)
    users = list(callers.rank)
    try:
        statement = await conn.prepare(SCORE_UPSERT)
        for round_ in range(max(2, writes // 100)):
            mode = "triggers on" if round_ % 2 == 0 else "triggers off"
            action = "ENABLE" if mode == "triggers on" else "DISABLE"
            for trigger in TRIGGERS:
                await conn.execute(f"ALTER TABLE scores {action} TRIGGER {trigger}")
            for _ in range(100):
                async with conn.transaction():
                    start = time.perf_counter()
                    await statement.fetch(rng.choice(users))
                    timings[mode].append(time.perf_counter() - start)
    finally:
        await conn.close()
    return timings


async def write_throughput(dsn: str, callers: Callers, concurrency: int,
                           seconds: float) -> dict[str, float]:
    """Score upserts per second from `concurrency` clients, each its own transaction with its
    commit, in rounds with the triggers on and off. The week's rows are new at first, so the
    first round's inserts all land on one points value: the hottest case, a week's first
    answers."""
    pool = await asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency)
    done = {"triggers on": 0, "triggers off": 0}
    spent = {"triggers on": 0.0, "triggers off": 0.0}
    users = list(callers.rank)
    try:
        for round_ in range(4):
            mode = "triggers on" if round_ % 2 == 0 else "triggers off"
            action = "ENABLE" if mode == "triggers on" else "DISABLE"
            async with pool.acquire() as conn:
                for trigger in TRIGGERS:
                    await conn.execute(f"ALTER TABLE scores {action} TRIGGER {trigger}")
            deadline = time.perf_counter() + seconds / 4
            rng = random.Random(round_)

            async def client(deadline: float, rng: random.Random) -> int:
                count = 0
                async with pool.acquire() as conn:
                    while time.perf_counter() < deadline:
                        async with conn.transaction():
                            await conn.execute(SCORE_UPSERT, rng.choice(users))
                        count += 1
                return count

            start = time.perf_counter()
            done[mode] += sum(await asyncio.gather(*(client(deadline, rng) for _ in range(concurrency))))
            spent[mode] += time.perf_counter() - start
    finally:
        await pool.close()
    return {mode: done[mode] / spent[mode] for mode in done}


async def floor_reads(db: Database, calls: int) -> list[float]:
    """An empty transaction through the bot's Database: what every read pays before its SQL."""
    latencies = []
    for _ in range(calls):
        start = time.perf_counter()
        async with db.transaction() as session:
            await session.execute(text("SELECT 1"))
        latencies.append(time.perf_counter() - start)
    return latencies


# -- team boards (issue 12) -----------------------------------------------------------------

BEST = 5


def team_setup(teams: int) -> list[str]:
    return [
        """INSERT INTO competitions (id, workspace_id, channel_id, name, starts_at, ends_at, ended,
                                    topics, best)
           VALUES (1, 1, 1, 'teams', now() - interval '1 day', now() + interval '30 days', false,
                   '[]', 5)""",
        f"""INSERT INTO competition_teams (id, competition_id, position, name, group_id)
            SELECT t, 1, t - 1, 'team-' || t, 'S' || t FROM generate_series(1, {teams}) t""",
        # Team sizes skewed as groups are: team t holds the users whose hash falls in its slice
        # of a square law (with 200 teams, from about 6,300 members down to about 220).
        f"""INSERT INTO scores (workspace_id, period, user_id, points, answered, correct, team_id,
                               team_chosen)
            SELECT 1, 'c1', user_id, points, answered, correct,
                   1 + floor({teams} * power((abs(hashint8(user_id + 7)) % 1000000) / 1000000.0,
                                             2)),
                   false
            FROM scores WHERE workspace_id = 1 AND period = 'all'""",
        # The other design: who is in which team in a table of its own, the points on the scores.
        """CREATE TABLE bench_members (competition_id bigint, user_id bigint, team_id bigint,
                                      PRIMARY KEY (competition_id, user_id))""",
        """INSERT INTO bench_members SELECT 1, user_id, team_id FROM scores
           WHERE workspace_id = 1 AND period = 'c1'""",
        "CREATE INDEX bench_members_team ON bench_members (competition_id, team_id, user_id)",
        "VACUUM ANALYZE scores",
        "VACUUM ANALYZE bench_members",
        "VACUUM ANALYZE competition_teams",
    ]


TEAM_ORDERED = """SELECT team_id, user_id, points FROM scores WHERE workspace_id = 1 AND period = 'c1'
                  ORDER BY team_id, points DESC, correct DESC, answered, user_id"""
_TEAM_ORDER = "s.points DESC, s.correct DESC, s.answered, s.user_id"
TEAM_VARIANTS_SQL = {
    "members table joined to the scores, a window per team": f"""
        SELECT team_id, user_id, points FROM (
            SELECT m.team_id, s.user_id, s.points,
                   row_number() OVER (PARTITION BY m.team_id ORDER BY {_TEAM_ORDER}) AS place
            FROM bench_members m
            JOIN scores s ON s.workspace_id = 1 AND s.period = 'c1' AND s.user_id = m.user_id
            WHERE m.competition_id = 1) ranked
        WHERE place <= {BEST}""",
    "naive: GROUP BY over the answers, members table, a window per team": f"""
        WITH totals AS (
            SELECT a.user_id, sum(a.points) AS points, sum(a.correct::int) AS correct,
                   count(*) AS answered
            FROM answers a JOIN posts p ON p.id = a.post_id JOIN channels c ON c.id = p.channel_id
            WHERE c.workspace_id = 1 GROUP BY a.user_id)
        SELECT team_id, user_id, points FROM (
            SELECT m.team_id, s.user_id, s.points,
                   row_number() OVER (PARTITION BY m.team_id ORDER BY {_TEAM_ORDER}) AS place
            FROM totals s JOIN bench_members m ON m.user_id = s.user_id AND m.competition_id = 1
        ) ranked WHERE place <= {BEST}""",
}


def team_statements() -> dict[str, str]:
    """The team board's statement in each design, as SQL text (the bot's as it sends it)."""
    bot = (competition_teams.TEAM_TOTALS.replace(":competition", "1")
           .replace(":best", str(BEST)).replace(":top", "3"))
    window = f"""
        SELECT team_id, user_id, points FROM (
            SELECT s.team_id, s.user_id, s.points,
                   row_number() OVER (PARTITION BY s.team_id ORDER BY {_TEAM_ORDER}) AS place
            FROM scores s JOIN competition_teams t ON t.id = s.team_id
            WHERE t.competition_id = 1) ranked
        WHERE place <= {BEST}"""
    return {"team on the score row: a LATERAL per team over ix_scores_team, summed (the bot)": bot,
            "team on the score row: a window over the competition": window,
            **TEAM_VARIANTS_SQL}


async def setup_teams(dsn: str, teams: int
                      ) -> tuple[float, dict[int, tuple[int, int]], dict[int, int]]:
    """The competition and its teams; the expected board (team id -> (score, counted)) and
    each team's size."""
    conn = await asyncpg.connect(dsn)
    try:
        start = time.perf_counter()
        for statement in team_setup(teams):
            await conn.execute(statement)
        seconds = time.perf_counter() - start
        expected: dict[int, list[int]] = {}
        sizes: dict[int, int] = {}
        for row in await conn.fetch(TEAM_ORDERED):
            sizes[row["team_id"]] = sizes.get(row["team_id"], 0) + 1
            best = expected.setdefault(row["team_id"], [])
            if len(best) < BEST:
                best.append(row["points"])
        return seconds, {t: (sum(p), len(p)) for t, p in expected.items()}, sizes
    finally:
        await conn.close()


def team_board_wrong(rows: list[asyncpg.Record] | list[tuple[int, int, int]],
                     expected: dict[int, tuple[int, int]]) -> bool:
    found: dict[int, list[int]] = {}
    for team_id, _user, points in ((r[0], r[1], r[2]) for r in rows):
        found.setdefault(team_id, []).append(points)
    return {t: (sum(p), len(p)) for t, p in found.items()} != expected


async def team_bot_reads(service: StudyService, callers: Callers, calls: int, seed: int,
                         expected: dict[int, tuple[int, int]]
                         ) -> tuple[dict[str, list[float]], int]:
    """`/leaderboard teams`: people (top 10, the caller's rank) and the 200 teams."""
    by_name = {f"team-{t}": score for t, score in expected.items()}
    latencies: dict[str, list[float]] = {band: [] for band in BANDS}
    wrong = 0
    for band, user_id in callers.sequence(calls, BANDS, seed):
        actor = Actor(PLATFORM, WORKSPACE, f"U{user_id}", f"user {user_id}")
        start = time.perf_counter()
        board = await service.leaderboard(actor, "teams")
        latencies[band].append(time.perf_counter() - start)
        mine = board.caller or next((r for r in board.rows if r.is_caller), None)
        scores = [t.points for t in board.teams]
        wrong += ((mine.rank if mine else None) != callers.rank.get(user_id)
                  or {t.name: (t.points, t.counted) for t in board.teams} != by_name
                  or scores != sorted(scores, reverse=True))
    return latencies, wrong


async def team_member_reads(service: StudyService, dsn: str, sizes: dict[int, int],
                            calls: int) -> dict[str, list[float]]:
    """`/leaderboard teams team:X` for the largest and the smallest team, by its last member
    (a place counted in the team's range) and by someone of another team."""
    conn = await asyncpg.connect(dsn)
    try:
        largest, smallest = max(sizes, key=sizes.__getitem__), min(sizes, key=sizes.__getitem__)
        last = {t: await conn.fetchval(
            "SELECT user_id FROM scores WHERE team_id = $1 "
            "ORDER BY points, correct, answered DESC, user_id DESC LIMIT 1", t)
            for t in (largest, smallest)}
    finally:
        await conn.close()
    latencies: dict[str, list[float]] = {}
    for team in (largest, smallest):
        for who, user_id in (("its last member", last[team]),
                             ("another team's member", last[smallest if team == largest
                                                            else largest])):
            key = f"team of {sizes[team]:,}, asked by {who}"
            latencies[key] = []
            actor = Actor(PLATFORM, WORKSPACE, f"U{user_id}", f"user {user_id}")
            for _ in range(calls):
                start = time.perf_counter()
                await service.leaderboard(actor, "teams", team=f"team-{team}")
                latencies[key].append(time.perf_counter() - start)
    return latencies


async def team_variants(dsn: str, calls: int, naive_calls: int,
                        expected: dict[int, tuple[int, int]]) -> dict[str, Any]:
    conn = await asyncpg.connect(dsn)
    results: dict[str, Any] = {}
    try:
        for name, sql in team_statements().items():
            statement = await conn.prepare(sql)
            times, wrong = [], 0
            for _ in range(naive_calls if name.startswith("naive") else calls):
                start = time.perf_counter()
                rows = await statement.fetch()
                times.append(time.perf_counter() - start)
                if len(rows[0]) > 3:  # the bot's: one row per team, summed
                    wrong += {r[0]: (r[2], r[3]) for r in rows if r[3]} != expected
                else:
                    wrong += team_board_wrong(rows, expected)
            plan = await statement.explain(analyze=True)
            results[name] = {"latencies": {f"{len(expected)} teams": times}, "wrong": wrong,
                             "plan": plan_summary(plan)}
    finally:
        await conn.close()
    return results


def band_rows(latencies: dict[str, list[float]]) -> list[str]:
    rows = []
    for band, values in latencies.items():
        if values:
            rows.append(f"| {band} | {len(values)} | {ms(percentile(values, 0.5))} | "
                        f"{ms(percentile(values, 0.99))} | {ms(max(values))} |")
    every = [v for values in latencies.values() for v in values]
    if not every:  # a part not run (--teams-only)
        return rows
    rows.append(f"| **all callers** | {len(every)} | {ms(percentile(every, 0.5))} | "
                f"**{ms(percentile(every, 0.99))}** | {ms(max(every))} |")
    return rows


async def run(args: argparse.Namespace) -> int:
    url = await create_scratch(args.database, "studybot_bench_boards")
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    db = Database(create_engine(url))
    print(f"scratch database: {make_url(url).database}", file=sys.stderr)
    try:
        await migrations.upgrade(db.engine)
        load_seconds = await populate(dsn)
        conn = await asyncpg.connect(dsn)
        version = (await conn.fetchval("SHOW server_version")).split()[0]
        answers = await conn.fetchval("SELECT count(*) FROM answers")
        users = await conn.fetchval("SELECT count(*) FROM users WHERE workspace_id = 1")
        score_rows = await conn.fetchval("SELECT count(*) FROM scores")
        counted = await conn.fetchval("SELECT to_regclass('board_counts') IS NOT NULL")
        buckets = await conn.fetchval(
            "SELECT count(DISTINCT points) FROM scores WHERE workspace_id = 1 AND period = 'all'")
        sizes = {name: await conn.fetchval(f"SELECT pg_size_pretty(pg_relation_size('{name}'))")
                 for name in ("answers", "scores", "ix_scores_rank")}
        await conn.close()
        print(f"loaded in {load_seconds:.0f} s", file=sys.stderr)

        callers = await load_callers(dsn)
        catalog = load(paths.content_dir())
        service = StudyService(db, catalog, SearchIndex.build(catalog))
        await bot_reads(service, callers, 40, seed=99)  # warm the pool and statement caches
        bot, bot_wrong = await bot_reads(service, callers, args.calls, seed=1)
        floor = await floor_reads(db, args.calls)
        bottom = callers.bands["bottom"][-1]
        plans = {"fresh": await bot_plan(db, bottom)}
        print("bot reads done", file=sys.stderr)
        team_seconds, expected, team_sizes = await setup_teams(dsn, args.teams)
        await team_bot_reads(service, callers, 40, 97, expected)  # warm up
        team_bot, team_wrong = await team_bot_reads(service, callers, args.calls, 6, expected)
        team_members = await team_member_reads(service, dsn, team_sizes, args.calls // 4)
        variants = await team_variants(dsn, args.calls // 4, args.naive_calls, expected)
        print("team reads done", file=sys.stderr)
        counts: dict[str, Any] = {}
        naive: dict[str, list[float]] = {}
        churned: dict[str, list[float]] = {}
        naive_wrong = churned_wrong = 0
        churn_seconds = 0.0
        writes, throughput = {}, {}
        if not args.teams_only:
            counts = await rank_counts(dsn, callers, args.calls, seed=2)
            print("rank counts done", file=sys.stderr)
            naive, naive_wrong = await naive_reads(dsn, callers, args.naive_calls, seed=3)
            print("naive reads done", file=sys.stderr)
            churn_seconds = await churn(dsn, args.churn)
            churned_callers = await load_callers(dsn)
            await bot_reads(service, churned_callers, 40, seed=98)
            churned, churned_wrong = await bot_reads(service, churned_callers, args.calls, seed=4)
            print("churned reads done", file=sys.stderr)
            plans["churned"] = await bot_plan(db, bottom)
            if counted:
                writes = await write_cost(dsn, churned_callers, args.writes, seed=5)
                throughput = await write_throughput(dsn, churned_callers, 16, 12.0)
    finally:
        await db.dispose()
        if args.keep:
            print(f"kept: {url}", file=sys.stderr)
        else:
            await drop_scratch(url, args.database)

    every_bot = [v for values in bot.values() for v in values]
    met = percentile(every_bot, 0.99) < 0.010
    every_team = [v for values in team_bot.values() for v in values]
    every_team += [v for values in team_members.values() for v in values]
    team_met = percentile(every_team, 0.99) < 0.010
    loadavg = os.getloadavg()
    out = [
        "## Boards at scale: top 10 + my rank with 100,000 users and 5,000,000 answers "
        "(bench/bench_boards.py)",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}; PostgreSQL {version} on the same machine; load average "
        f"{loadavg[0]:.1f} / {loadavg[1]:.1f} / {loadavg[2]:.1f} (1/5/15 min) at the end of the run",
        f"- Command: `.venv/bin/python bench/bench_boards.py --calls {args.calls} --naive-calls "
        f"{args.naive_calls} --churn {args.churn} --writes {args.writes} --teams {args.teams}"
        f"{' --teams-only' if args.teams_only else ''}`",
        f"- Data: {users:,} users in one workspace, {answers:,} answers, {score_rows:,} score rows "
        f"(all-time board: {callers.size:,} ranked users on {buckets:,} distinct points values); "
        f"generated with generate_series in "
        f"{load_seconds:.0f} s. Sizes: answers {sizes['answers']}, scores {sizes['scores']}, "
        f"ix_scores_rank {sizes['ix_scores_rank']}.",
        "- Callers in turn from four bands: top (ranks 1-10), middle (ranks n/2 +- 500), bottom "
        "(last 1,000 ranks), unranked (no answers). One caller at a time.",
        "",
        "The bot's read, `StudyService.leaderboard(actor, 'all')` (directory lookups, "
        "boards.top, boards.standing in one transaction); ranks checked against a "
        f"full SQL ordering: {bot_wrong} wrong. Target p99 < 10 ms: "
        f"{'**met**' if met else '**not met**'}.",
        "",
        "| caller band | calls | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|",
        *band_rows(bot),
        f"| (floor: an empty transaction through the same Database: pool checkout with "
        f"pre-ping, BEGIN, SELECT 1, COMMIT) | {len(floor)} | {ms(percentile(floor, 0.5))} | "
        f"{ms(percentile(floor, 0.99))} | {ms(max(floor))} |",
        "",
        f"Plan of boards.standing for the last-ranked caller: {plans['fresh']}.",
        "",
        *team_section(team_seconds, team_sizes, team_bot, team_wrong, team_members, variants,
                      team_met),
        "",
        "The rank alone (one prepared statement over asyncpg, same kind of callers; the top "
        "band needs none). Plan for a bottom caller from EXPLAIN ANALYZE.",
        "",
        "| rank | band | calls | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    for name, result in counts.items():
        for row in band_rows(result["latencies"]):
            out.append(f"| {name} " + row)
    out += [""]
    out += [f"- {name}: {result['plan']}; {result['wrong']} wrong ranks"
            for name, result in counts.items()]
    out += [
        "",
        f"The naive read: GROUP BY over all answers of the workspace, row_number() over every "
        f"user, top 10 and the caller ({naive_wrong} results differing from the bot's):",
        "",
        "| caller band | calls | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|",
        *band_rows(naive),
        "",
        f"After {args.churn:,} all-time scores changed in one UPDATE ({churn_seconds:.1f} s) "
        f"with autovacuum off on `scores` (index-only scans now visit the heap for the changed "
        f"pages, as between autovacuum runs on a busy board); bot's read, {churned_wrong} wrong:",
        "",
        "| caller band | calls | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|",
        *band_rows(churned),
        "",
        f"Plan of boards.standing for the last-ranked caller: {plans.get('churned', '')}.",
    ]
    if counted and throughput:
        out += [
            "",
            "What the board_counts triggers cost a write: one right answer's score upsert (three "
            "periods), timed inside its transaction, alternating rounds of 100:",
            "",
            "| score upsert | calls | p50 ms | p99 ms | max ms |",
            "|---|---|---|---|---|",
            *band_rows(writes)[:-1],
            "",
            f"The same upsert from 16 concurrent clients, each in its own transaction with its "
            f"commit, 12 s in rounds of 3 s (the first round creates every user's week row, so "
            f"all its inserts meet on one points value, i.e. 8 count rows): "
            f"{throughput['triggers on']:,.0f} upserts/s "
            f"with the triggers, {throughput['triggers off']:,.0f}/s without.",
        ]
    if args.teams_only:  # the sections above the rank alone, and the teams
        out = out[:out.index("The rank alone (one prepared statement over asyncpg, same kind of "
                             "callers; the top band needs none). Plan for a bottom caller from "
                             "EXPLAIN ANALYZE.") - 1]
    print("\n".join(out))
    wrong = bot_wrong or naive_wrong or churned_wrong or team_wrong or any(
        v["wrong"] for v in variants.values())
    return 0 if met and team_met and not wrong else 1


def team_section(seconds: float, sizes: dict[int, int], bot: dict[str, list[float]], wrong: int,
                 members: dict[str, list[float]], variants: dict[str, Any],
                 met: bool) -> list[str]:
    out = [
        "",
        f"Team board: a competition of {len(sizes)} teams over the {sum(sizes.values()):,} "
        f"ranked users (the all-time scores copied to its period, each user in one team; "
        f"{min(sizes.values()):,} to {max(sizes.values()):,} members per team), the best "
        f"{BEST} of each team count; set up in {seconds:.0f} s. The bot's "
        "`StudyService.leaderboard(actor, 'teams')`: its people (top 10, the caller's rank) and "
        f"every team scored, in one transaction; {wrong} wrong (ranks and all {len(sizes)} team "
        f"scores checked against a full SQL ordering). Target p99 < 10 ms: "
        f"{'**met**' if met else '**not met**'}.",
        "",
        "| caller band | calls | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|",
        *band_rows(bot),
        "",
        "One team's members, `leaderboard(actor, 'teams', team=...)` (its first 20 members, the "
        "caller's place in it, and the team's own score and rank):",
        "",
        "| team board | calls | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|",
        *band_rows(members),
        "",
        "The team board's statement alone (one prepared statement over asyncpg) in the designs "
        "compared:",
        "",
        "| design | board | calls | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|",
    ]
    for name, result in variants.items():
        out += [f"| {name} " + row for row in band_rows(result["latencies"])[:-1]]
    out += [""]
    out += [f"- {name}: {result['plan']}; {result['wrong']} wrong boards"
            for name, result in variants.items()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="bot reads (and rank counts)")
    parser.add_argument("--naive-calls", type=int, default=8, help="naive GROUP BY reads")
    parser.add_argument("--churn", type=int, default=20_000, help="scores changed before the "
                        "last round")
    parser.add_argument("--writes", type=int, default=2000, help="score upserts timed")
    parser.add_argument("--database", default=DEFAULT_PG, help="server URL (SQLAlchemy form)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--teams", type=int, default=25, help="teams in the team competition "
                        "(the bot allows 25)")
    parser.add_argument("--teams-only", action="store_true", help="the load, the bot's read and "
                        "the team boards only")
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
