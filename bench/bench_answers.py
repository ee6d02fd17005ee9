"""Answers under load: StudyService.answer in a burst, at saturation, and its round trips.

Run: .venv/bin/python bench/bench_answers.py [--users 200,1000] [--concurrency 16,64] [--seconds 10]
         [--rounds 5]
         [--database postgresql+asyncpg://postgres@127.0.0.1:5432/test]

The database is a throwaway of its own beside the one in the URL (created, migrated with
bot.store.migrations.upgrade, dropped at the end). The service is built as bot/bootstrap.py builds
it: the bundled content, SearchIndex.build, Database(create_engine(url)) (pool_size 10, overflow
20, no pre-ping) and StudyService with the real clock, so answers group-commit (AnswerBatching
defaults: batches of up to 200, 2 in flight). Questions are posted with `post_now` by an admin and
marked sent, as the Dispatcher would. Load model: /work/shared/CONVENTIONS.md.

1. burst (open loop): for each N in --users, a fresh post and N new users whose answer calls
   *arrive* evenly over one second (call i is started at t0 + i/N whether or not earlier calls
   have finished). Latency = completion - scheduled arrival, so time spent queueing for a batch,
   a pooled connection or the event loop counts. Target p99 < 50 ms. Afterwards the database must
   hold exactly N answers for the post, and the users' scores (all, week, month) and topic scores
   must add up to the points the calls returned.
2. saturation (closed loop): C clients answer back to back for S seconds. Answer n goes to post
   n // U by user n % U (U = 2,000), so every (post, user) pair is new, and users come back on
   later posts as they would day after day; they have all answered one earlier post (their user
   and board rows exist, and the tables are analysed, as on any day but the first). Then the
   floor, in the same run and on the same table:
   C clients, each holding one connection of an asyncpg pool of size C, running
   `INSERT INTO answers (...) VALUES (...) ON CONFLICT DO NOTHING` (one round trip, autocommit)
   with rows valid for the foreign keys. The two alternate in R rounds of S/R seconds each, so
   both see the same machine. Target: answers/s >= 0.5 x floor. For both, the CPU
   that this process and the PostgreSQL backends serving the bench database used (from
   /proc/PID/stat), per answer or row.
3. round trips: a burst of 200 through an engine whose asyncpg connections count every message
   exchange (BEGIN/COMMIT and the batch statements, which run on the driver's connection) and
   SQLAlchemy's before_cursor_execute event (statements through SQLAlchemy, if any): round trips
   per batch and per answer, and the wire log of one batch. Statements are already prepared on
   the connection (asyncpg's statement cache), as in a running bot.

Batch sizes seen are reported for every phase (from StudyService.answer_batch_stats()).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import Integer, cast, event, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dispatch import CpuMeter, LoopLag, create_database, percentile  # noqa: E402

from bot import config as paths  # noqa: E402
from bot.catalog.loader import load  # noqa: E402
from bot.catalog.search.index import SearchIndex  # noqa: E402
from bot.rules import periods  # noqa: E402
from bot.service.group_commit import Stats  # noqa: E402
from bot.service.study import StudyService  # noqa: E402
from bot.service.views import Actor, ChannelRef, QuestionCard  # noqa: E402
from bot.store import migrations  # noqa: E402
from bot.store.database import Database, create_engine  # noqa: E402
from bot.store.tables import Answer, Post, Score, TopicScore, User, Workspace  # noqa: E402

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PLATFORM = "discord"
WORKSPACE = "G1"
ADMIN = Actor(PLATFORM, WORKSPACE, "admin", "Admin", is_admin=True)
USERS_PER_POST = 2_000
FLOOR_USERS = 10_000
FLOOR_POSTS = 200


def channel(name: str) -> ChannelRef:
    return ChannelRef(PLATFORM, WORKSPACE, name, channel_name=name, workspace_name="bench")


def actor(user: str) -> Actor:
    return Actor(PLATFORM, WORKSPACE, user, f"user {user}")


async def open_post(service: StudyService, name: str) -> QuestionCard:
    card = await service.post_now(ADMIN, channel(name))
    await service.mark_sent(card.post_id, f"m-{card.post_id}")
    return card


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# ---- what the batches and PostgreSQL did ---------------------------------------------------


def batches_since(service: StudyService, before: Stats) -> Stats:
    now = service.answer_batch_stats() or Stats()
    sizes = {size: count - before.sizes.get(size, 0) for size, count in now.sizes.items()
             if count - before.sizes.get(size, 0)}
    return Stats(now.batches - before.batches, now.items - before.items,
                 now.split - before.split, sizes)


def snapshot(service: StudyService) -> Stats:
    stats = service.answer_batch_stats() or Stats()
    return Stats(stats.batches, stats.items, stats.split, dict(stats.sizes))


def describe(stats: Stats) -> str:
    if not stats.batches:
        return "no batches"
    sizes = sorted(size for size, count in stats.sizes.items() for _ in range(count))
    return (f"{stats.batches} batches, mean {stats.items / stats.batches:.1f} answers, "
            f"median {sizes[len(sizes) // 2]}, max {sizes[-1]}; split {stats.split}")


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class BackendCpu:
    """CPU used by the PostgreSQL backends connected to one database during a phase (the
    server runs on this machine): the database's share of the work, per answer or per row."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.seconds = float("nan")

    async def _pids(self) -> set[int]:
        conn = await asyncpg.connect(self.dsn)
        try:
            rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = "
                                    "current_database() AND pid <> pg_backend_pid()")
        finally:
            await conn.close()
        return {row["pid"] for row in rows}

    async def __aenter__(self) -> BackendCpu:
        self._start = {pid: proc_cpu(pid) for pid in await self._pids()}
        return self

    async def __aexit__(self, *_exc: object) -> None:
        pids = await self._pids() | self._start.keys()
        self.seconds = sum(proc_cpu(pid) - self._start.get(pid, 0.0) for pid in pids)


def plain_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# ---- 1. burst ------------------------------------------------------------------------------


async def burst(service: StudyService, db: Database, url: str, users: int,
                seed: int) -> dict[str, Any]:
    card = await open_post(service, f"burst-{users}")
    rng = random.Random(seed)
    choices = [rng.randrange(len(card.choices)) for _ in range(users)]
    loop = asyncio.get_running_loop()
    latencies: list[float] = [0.0] * users
    points: list[int] = [0] * users
    errors: list[BaseException] = []

    async def one(i: int, at: float) -> None:
        delay = at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            result = await service.answer(actor(f"b{users}-{i}"), card.post_id, choices[i])
        except Exception as exc:  # counted and reported; the verification fails too
            errors.append(exc)
            return
        finally:
            latencies[i] = loop.time() - at
        points[i] = result.points

    before = snapshot(service)
    t0 = loop.time() + 0.05
    async with BackendCpu(plain_dsn(url)) as pg:
        with LoopLag() as lag, CpuMeter() as cpu:
            await asyncio.gather(*(one(i, t0 + i / users) for i in range(users)))
    span = loop.time() - t0
    check = await verify_burst(db, card, users, sum(points), choices)
    return {"users": users, "p50": percentile(latencies, 0.50), "p99": percentile(latencies, 0.99),
            "max": max(latencies), "span": span, "errors": errors, "check": check, "cpu": cpu,
            "pg": pg.seconds, "lag_p99": percentile(lag.samples, 0.99),
            "lag_max": max(lag.samples, default=0.0), "batches": batches_since(service, before)}


async def verify_burst(db: Database, card: QuestionCard, users: int, returned: int,
                       choices: list[int]) -> dict[str, Any]:
    async with db.transaction() as session:
        count, stored, correct = (await session.execute(
            select(func.count(), func.coalesce(func.sum(Answer.points), 0),
                   func.coalesce(func.sum(cast(Answer.correct, Integer)), 0))
            .where(Answer.post_id == card.post_id))).one()
        burst_users = select(User.id).where(User.external_id.like(f"b{users}-%"))
        by_period = dict((await session.execute(
            select(Score.period, func.sum(Score.points)).where(Score.user_id.in_(burst_users))
            .group_by(Score.period))).all())
        answered = dict((await session.execute(
            select(Score.period, func.sum(Score.answered)).where(Score.user_id.in_(burst_users))
            .group_by(Score.period))).all())
        topic_answered, topic_correct = (await session.execute(
            select(func.sum(TopicScore.answered), func.sum(TopicScore.correct))
            .where(TopicScore.user_id.in_(burst_users)))).one()
    keys = periods.keys_for(card.local_date)
    ok = (count == users and stored == returned
          and all(by_period.get(k) == returned and answered.get(k) == users for k in keys)
          and topic_answered == users and topic_correct == correct)
    return {"ok": ok, "answers": count, "points": stored, "returned": returned,
            "scores": {k: (by_period.get(k), answered.get(k)) for k in keys},
            "topic": (topic_answered, topic_correct)}


# ---- 2. saturation and the floor -----------------------------------------------------------


async def saturation(service: StudyService, url: str, cards: list[QuestionCard],
                     counter: Iterator[int], concurrency: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[BaseException] = []
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        for n in counter:
            if time.perf_counter() >= deadline:
                return
            card = cards[n // USERS_PER_POST]
            start = time.perf_counter()
            try:
                await service.answer(actor(f"s{n % USERS_PER_POST}"), card.post_id,
                                     n % len(card.choices))
            except Exception as exc:
                errors.append(exc)
                continue
            latencies.append(time.perf_counter() - start)

    before = snapshot(service)
    start = time.perf_counter()
    async with BackendCpu(plain_dsn(url)) as pg:
        with LoopLag() as lag, CpuMeter() as cpu:
            await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    return {"answers": len(latencies), "seconds": elapsed, "rate": len(latencies) / elapsed,
            "latencies": latencies, "errors": errors, "cpu": cpu.process * elapsed,
            "machine": cpu.machine, "pg": pg.seconds, "lag": lag.samples,
            "batches": batches_since(service, before)}


async def floor_rows(db: Database, channel_id: int) -> tuple[list[int], list[int]]:
    """FLOOR_USERS users and FLOOR_POSTS open posts of their own, bulk-inserted."""
    now = dt.datetime.now(dt.UTC)
    async with db.engine.begin() as conn:
        workspace_id = (await conn.execute(select(Workspace.id).where(
            Workspace.platform == PLATFORM, Workspace.external_id == WORKSPACE))).scalar_one()
        await conn.execute(User.__table__.insert(), [
            {"workspace_id": workspace_id, "external_id": f"f{i}", "display_name": f"floor {i}"}
            for i in range(FLOOR_USERS)])
        await conn.execute(Post.__table__.insert(), [
            {"channel_id": channel_id, "question_id": "floor", "local_date": now.date(),
             "day": None, "status": "open", "claimed_at": now, "posted_at": now,
             "closes_at": now + dt.timedelta(days=1), "send_attempts": 1}
            for _ in range(FLOOR_POSTS)])
        users = list((await conn.execute(select(User.id).where(User.external_id.like("f%"))
                                         .order_by(User.id))).scalars())
        posts = list((await conn.execute(select(Post.id).where(Post.question_id == "floor")
                                         .order_by(Post.id))).scalars())
    return users, posts


FLOOR_INSERT = ("INSERT INTO answers (post_id, user_id, choice, correct, points, answered_at) "
                "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING")


async def floor(url: str, pool: asyncpg.Pool, users: list[int], posts: list[int],
                counter: Iterator[int], concurrency: int, seconds: float) -> dict[str, Any]:
    done = [0]
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        async with pool.acquire() as conn:
            for n in counter:
                if time.perf_counter() >= deadline:
                    return
                start = time.perf_counter()
                await conn.execute(FLOOR_INSERT, posts[n // len(users)], users[n % len(users)],
                                   n % 4, n % 4 == 0, 10 if n % 4 == 0 else 0,
                                   dt.datetime.now(dt.UTC))
                latencies.append(time.perf_counter() - start)
                done[0] += 1

    start = time.perf_counter()
    async with BackendCpu(plain_dsn(url)) as pg:
        with CpuMeter() as cpu:
            await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    return {"answers": done[0], "seconds": elapsed, "rate": done[0] / elapsed,
            "latencies": latencies, "cpu": cpu.process * elapsed, "machine": cpu.machine,
            "pg": pg.seconds}


def combined(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds of one side taken together."""
    answers = sum(r["answers"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    latencies = [x for r in rounds for x in r["latencies"]]
    return {"answers": answers, "seconds": seconds, "rate": answers / seconds,
            "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99),
            "cpu": sum(r["cpu"] for r in rounds), "pg": sum(r["pg"] for r in rounds),
            "machine": sum(r["machine"] * r["seconds"] for r in rounds) / seconds,
            "errors": [e for r in rounds for e in r.get("errors", [])],
            "lag_p99": percentile([x for r in rounds for x in r.get("lag", [])], 0.99)}


# ---- 3. round trips ------------------------------------------------------------------------


class CountingConnection(asyncpg.Connection):  # type: ignore[misc]
    """Logs the exchanges asyncpg makes outside prepared-statement execution."""

    log: list[str] | None = None

    def _note(self, what: str) -> None:
        if CountingConnection.log is not None:
            CountingConnection.log.append(what)

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        self._note(f"[asyncpg execute] {query.strip()}")
        return await super().execute(query, *args, **kwargs)

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> Any:
        self._note(f"[asyncpg fetchrow] {query.strip()}")
        return await super().fetchrow(query, *args, **kwargs)

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> Any:
        self._note(f"[asyncpg fetch] {' '.join(query.split())}")
        return await super().fetch(query, *args, **kwargs)

    async def prepare(self, query: str, *args: Any, **kwargs: Any) -> Any:
        self._note(f"[asyncpg prepare] {' '.join(query.split())[:90]}")
        return await super().prepare(query, *args, **kwargs)


async def round_trips(url: str, service: StudyService, users: int) -> dict[str, Any]:
    """A burst of `users` answers (1 s, open loop) through a counting engine."""
    db = Database(create_engine(url, connect_args={"connection_class": CountingConnection}))
    counted = StudyService(db, service.catalog, service.index, service.clock)

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def _statement(_conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        if CountingConnection.log is not None:
            CountingConnection.log.append(f"[statement] {' '.join(sql.split())}")

    try:
        card = await open_post(counted, "round-trips")
        # Prepares the statements on every pooled connection the burst may use.
        await asyncio.gather(*(counted.answer(actor(f"rt-warm{i}"), card.post_id, 0)
                               for i in range(3)))
        await asyncio.gather(*(counted.answer(actor(f"rt-warm-b{i}"), card.post_id, 0)
                               for i in range(3)))
        before = snapshot(counted)
        log: list[str] = []
        CountingConnection.log = log
        loop = asyncio.get_running_loop()
        t0 = loop.time()

        async def one(i: int) -> None:
            await asyncio.sleep(max(0.0, t0 + i / users - loop.time()))
            await counted.answer(actor(f"rt-{i}"), card.post_id, 1)

        try:
            await asyncio.gather(*(one(i) for i in range(users)))
        finally:
            CountingConnection.log = None
        batches = batches_since(counted, before)
    finally:
        await db.dispose()
    prepares = sum(1 for line in log if line.startswith("[asyncpg prepare]"))
    # One batch's exchanges, from its BEGIN to its COMMIT.
    first = next(i for i, line in enumerate(log) if "BEGIN" in line)
    end = next(i for i, line in enumerate(log) if "COMMIT" in line and i > first)
    return {"log": log[first:end + 1], "round_trips": len(log) - prepares, "prepares": prepares,
            "answers": users, "batches": batches}


# ---- run -----------------------------------------------------------------------------------


async def tidy(db: Database) -> None:
    async with db.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))


async def warm(service: StudyService, concurrency: int) -> None:
    """Open the pool's connections and prepare the statements, as a running bot would have
    done long before the daily question lands."""
    card = await open_post(service, "warm-up")
    for round_ in range(3):
        await asyncio.gather(*(service.answer(actor(f"w{round_}-{i}"), card.post_id, 0)
                               for i in range(max(concurrency, 10))))


def per_answer(cpu_seconds: float, answers: int) -> str:
    return f"{cpu_seconds / answers * 1e6:.0f} µs" if answers else "-"


async def run(args: argparse.Namespace) -> int:
    url, drop = await create_database(args.database)
    catalog = load(paths.content_dir())
    index = SearchIndex.build(catalog)
    db = Database(create_engine(url))
    service = StudyService(db, catalog, index)
    met = True
    try:
        await migrations.upgrade(db.engine)
        await warm(service, max(args.concurrency))
        await tidy(db)
        print(f"database: {make_url(url).get_backend_name()}  pool: {db.engine.pool.size()} + "
              f"overflow  users: {args.users}  concurrency: {args.concurrency}  seconds: "
              f"{args.seconds:g}  load average before: {os.getloadavg()[0]:.2f}")

        print("1. burst (open loop, arrivals spread evenly over 1 s)")
        for number, users in enumerate(args.users):
            r = await burst(service, db, url, users, seed=number)
            met &= r["p99"] < 0.050 and r["check"]["ok"] and not r["errors"]
            print(f"   N={users}: p50 {ms(r['p50'])} ms, p99 {ms(r['p99'])} ms, max "
                  f"{ms(r['max'])} ms (target p99 < 50 ms: "
                  f"{'met' if r['p99'] < 0.050 else 'NOT MET'}); last done "
                  f"{r['span']:.2f} s after t0; errors {len(r['errors'])}; loop lag p99 "
                  f"{ms(r['lag_p99'])} ms, max {ms(r['lag_max'])} ms; CPU {r['cpu']}; "
                  f"PostgreSQL backends {r['pg']:.2f} CPU s")
            print(f"   batches: {describe(r['batches'])}")
            c = r["check"]
            print(f"   stored: {c['answers']} answers, {c['points']} points (calls returned "
                  f"{c['returned']}); scores (points, answered) {c['scores']}; topic "
                  f"(answered, correct) {c['topic']} -> {'OK' if c['ok'] else 'MISMATCH'}")
            if r["errors"]:
                print(f"   first error: {r['errors'][0]!r}")
            await tidy(db)

        print("2. saturation (closed loop) beside the floor")
        history = await open_post(service, "history")
        for start in range(0, USERS_PER_POST, 200):
            await asyncio.gather(*(service.answer(actor(f"s{i}"), history.post_id, 1)
                                   for i in range(start, start + 200)))
        cards = [await open_post(service, f"sat-{k}") for k in range(args.posts)]
        async with db.transaction() as session:
            floor_channel = (await session.execute(
                select(Post.channel_id).where(Post.id == cards[0].post_id))).scalar_one()
        floor_users, floor_posts = await floor_rows(db, floor_channel)
        await tidy(db)
        # Every (post, user) pair answered once over all the runs, on both sides.
        sat_counter = iter(range(len(cards) * USERS_PER_POST))
        floor_counter = iter(range(len(floor_users) * len(floor_posts)))
        for concurrency in args.concurrency:
            # Alternating rounds, so that both sides see the same machine: other sessions
            # share it, and its load changes from one second to the next.
            pool = await asyncpg.create_pool(plain_dsn(url), min_size=concurrency,
                                             max_size=concurrency)
            sat_rounds: list[dict[str, Any]] = []
            floor_rounds: list[dict[str, Any]] = []
            before = snapshot(service)
            try:
                for _ in range(args.rounds):
                    sat_rounds.append(await saturation(service, url, cards, sat_counter,
                                                       concurrency, args.seconds / args.rounds))
                    floor_rounds.append(await floor(url, pool, floor_users, floor_posts,
                                                    floor_counter, concurrency,
                                                    args.seconds / args.rounds))
            finally:
                await pool.close()
            batches = batches_since(service, before)
            sat, flo = combined(sat_rounds), combined(floor_rounds)
            ratio = sat["rate"] / flo["rate"]
            ratios = sorted(a["rate"] / b["rate"] for a, b in zip(sat_rounds, floor_rounds, strict=True))
            met &= ratio >= 0.5 and not sat["errors"]
            print(f"   C = {concurrency}: {args.rounds} alternating rounds of "
                  f"{args.seconds / args.rounds:g} s each side")
            print(f"   StudyService.answer: {sat['answers']} in {sat['seconds']:.2f} s = "
                  f"{sat['rate']:.0f} answers/s; call p50 {ms(sat['p50'])} ms, p99 "
                  f"{ms(sat['p99'])} ms; errors {len(sat['errors'])}; loop lag p99 "
                  f"{ms(sat['lag_p99'])} ms; machine {sat['machine']:.2f} of {os.cpu_count()} cores")
            print(f"   batches: {describe(batches)}")
            print(f"   per answer: bot process {per_answer(sat['cpu'], sat['answers'])} CPU, "
                  f"PostgreSQL backends {per_answer(sat['pg'], sat['answers'])} CPU")
            if sat["errors"]:
                print(f"   first error: {sat['errors'][0]!r}")
            print(f"   floor (asyncpg INSERT ... ON CONFLICT DO NOTHING, pool {concurrency}): "
                  f"{flo['answers']} in {flo['seconds']:.2f} s = {flo['rate']:.0f} rows/s; p50 "
                  f"{ms(flo['p50'])} ms, p99 {ms(flo['p99'])} ms; machine {flo['machine']:.2f}")
            print(f"   per row: bench process {per_answer(flo['cpu'], flo['answers'])} CPU, "
                  f"PostgreSQL backends {per_answer(flo['pg'], flo['answers'])} CPU")
            print(f"   ratio {ratio:.3f} (target >= 0.5: {'met' if ratio >= 0.5 else 'NOT MET'}); "
                  f"per round {', '.join(f'{r:.2f}' for r in ratios)} (sorted)")
            print(f"   load average after: {os.getloadavg()[0]:.2f}")

        print(f"3. round trips in a burst of {args.round_trip_users} (1 s, open loop, warm caches)")
        rt = await round_trips(url, service, args.round_trip_users)
        b = rt["batches"]
        print(f"   {rt['round_trips']} round trips for {rt['answers']} answers in {b.batches} "
              f"batches: {rt['round_trips'] / b.batches:.1f} per batch, "
              f"{rt['round_trips'] / rt['answers']:.2f} per answer; {describe(b)}")
        print("   one batch on the wire:")
        for number, line in enumerate(rt["log"], 1):
            print(f"   {number:2d}. {line[:160]}")
    finally:
        await service.close()
        await db.dispose()
        await drop()
    return 0 if met else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=lambda s: [int(v) for v in s.split(",")],
                        default=[200, 1000], help="burst sizes, comma-separated")
    parser.add_argument("--concurrency", type=lambda s: [int(v) for v in s.split(",")],
                        default=[16, 64], help="saturation clients, comma-separated values")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="saturation duration, and as long for the floor")
    parser.add_argument("--rounds", type=int, default=5,
                        help="alternating saturation/floor rounds the seconds are split into")
    parser.add_argument("--posts", type=int, default=60,
                        help=f"posts made for saturation ({USERS_PER_POST} answers each)")
    parser.add_argument("--round-trip-users", type=int, default=200,
                        help="burst size for counting round trips")
    parser.add_argument("--database", default=DEFAULT_PG,
                        help="PostgreSQL URL; a throwaway database is made beside it")
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
