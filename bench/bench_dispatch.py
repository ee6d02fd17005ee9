"""Dispatch benchmark (issue 4): claim and post N due channels through a rate-limited platform.

Run: .venv/bin/python bench/bench_dispatch.py [--channels 10000] [--rate 1000]
         [--database postgresql+asyncpg://postgres@127.0.0.1:5432/test | sqlite]

The database is a throwaway of its own: on PostgreSQL a new database beside the one in the URL
(created, migrated and dropped again, as tests/conftest.py does); `--database sqlite` uses a temp
file. N channels in one workspace per 100 are bulk-inserted, all due a minute ago (setup is timed
apart and not counted). Then three phases, each on the same rows (posts deleted and the channels
made due again in between):

1. claim ceiling: `claim_due()` in a loop until nothing is due; no sending at all.
2. pipeline ceiling: `DailyScheduler.tick()` with a publisher that answers at once and no
   pacing: claim + send + mark_sent, i.e. the most our side can push through.
3. dispatch: the real tick and `Dispatcher` against a fake platform that enforces a global limit
   of R requests in any sliding second (every request counts: sends and `find_sent` lookups; a
   request over the limit is rejected with a 429-like exception and counted). Each request takes
   a simulated 5-20 ms round trip, half before the platform sees it and half after; it leaves
   when our event loop gets to it and arrives by the platform's clock. Ticks run until every
   post is sent; between ticks the bot's clock skips ahead by the lease so that failed sends are
   retried at once (in production each retry round first waits out the lease, 90 s: the report
   gives the ratio both ways, and the target is judged with the lease waits counted).

Our pace (`--pace`, default 0.97 x R): the platform counts arrivals in any sliding second, so
what our limiter lets out in one second (its rate plus its burst) plus the arrival jitter must stay
under R. 0.97 leaves 3% for that (a limiter burst of up to 2% of the rate and 7.5 ms of jitter),
and a ceiling of 0.97 leaves room for 7 points of losses above the 0.90 target. A lower pace buys
margin at the cost of rate. (The current Dispatcher's limiter lets a whole second's worth out at
once when it starts, so its first second carries up to twice its rate: only a pace of 0.5 or less
avoids 429s with it. See bench/RESULTS.md.)

Reported: setup time; claim ceiling (channels/s); pipeline ceiling (posts/s); dispatch total time,
the achieved rate of accepted sends over the dispatch window (first request to last accepted
send) and its ratio to R (target >= 0.90), 429s, retry ticks, duplicates (must be 0), how long a
post waited from its claim to its send (this must stay under the lease, or a second instance
re-leases and re-sends posts that are only queued), event-loop lag and CPU use.
Prints a Markdown table row for bench/RESULTS.md at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import case, delete, func, select, text, update
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bot.delivery.scheduler as scheduler_module  # noqa: E402
from bot.catalog.loader import load  # noqa: E402
from bot.catalog.search.index import SearchIndex  # noqa: E402
from bot.delivery.dispatcher import Dispatcher  # noqa: E402
from bot.delivery.scheduler import DailyScheduler  # noqa: E402
from bot.rules.schedule import ALL_DAYS  # noqa: E402
from bot.service.daily import DailyPolicy, claim_due  # noqa: E402
from bot.service.study import StudyService  # noqa: E402
from bot.service.views import PostResult, QuestionCard  # noqa: E402
from bot.store import migrations  # noqa: E402
from bot.store.database import Database, create_engine  # noqa: E402
from bot.store.tables import Channel, Post, Workspace  # noqa: E402
from tests.support.databases import create_scratch, drop_scratch  # noqa: E402

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
CHANNELS_PER_WORKSPACE = 100
PLATFORM = "discord"


# ---- the platform side ---------------------------------------------------------------------


class RateLimited(Exception):
    """The platform's HTTP 429: over the global rate limit."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"429 Too Many Requests (global), retry after {retry_after:.3f}s")
        self.retry_after = retry_after


class RateLimitedPlatform:
    """A chat platform's message API with a global limit: at most `limit` requests in any sliding
    one-second window. Rejected requests do not use up the window (counting them too would only
    make bursts worse). Message references and duplicates are tracked per post."""

    def __init__(self, limit: int, latency: tuple[float, float], seed: int = 4) -> None:
        self.limit = limit
        self.rate_per_second = float(limit)  # what we pace at; the run sets it below the limit
        self.latency = latency
        self.rng = random.Random(seed)
        self.window: deque[float] = deque()
        self.messages: dict[str, QuestionCard] = {}
        self.ref_of_post: dict[int, str] = {}
        self.sends_of_post: Counter[int] = Counter()
        self.accepted_at: list[float] = []  # when each message was stored (perf_counter)
        self.call_seconds: list[float] = []  # duration of each accepted send_question call
        self.first_request: float | None = None
        self.rejected_sends = 0
        self.rejected_lookups = 0
        self.lookups = 0

    def _admit(self, arrival: float) -> float:
        """0 when a request arriving at `arrival` is within the limit (and recorded), else the
        retry-after."""
        if self.first_request is None:
            self.first_request = arrival
        window = self.window
        while window and window[0] <= arrival - 1.0:
            window.popleft()
        if len(window) >= self.limit:
            return max(window[0] + 1.0 - arrival, 0.001)
        window.append(arrival)
        return 0.0

    async def _round_trip(self) -> tuple[float, float, float]:
        """Send the request on its way: (retry-after when rejected, else 0; arrival; time left
        to reply).

        It leaves when our event loop runs this (so our own stalls do bunch requests, as they
        would in an HTTP client) and arrives half a round trip later by the platform's clock,
        whatever our loop is doing meanwhile."""
        total = self.rng.uniform(*self.latency)
        arrival = time.perf_counter() + total / 2
        await asyncio.sleep(total / 2)
        return self._admit(arrival), arrival, total / 2

    async def send_question(self, card: QuestionCard) -> str:
        start = time.perf_counter()
        retry_after, arrival, rest = await self._round_trip()
        if retry_after:
            self.rejected_sends += 1
            await asyncio.sleep(rest)
            raise RateLimited(retry_after)
        reference = f"m{len(self.messages) + 1}"
        self.messages[reference] = card
        self.ref_of_post.setdefault(card.post_id, reference)
        self.sends_of_post[card.post_id] += 1
        self.accepted_at.append(arrival)
        await asyncio.sleep(rest)
        self.call_seconds.append(time.perf_counter() - start)
        return reference

    async def find_sent(self, card: QuestionCard) -> str | None:
        # A real lookup (Slack conversations.history, Discord channel history) is a request too.
        self.lookups += 1
        retry_after, _arrival, rest = await self._round_trip()
        await asyncio.sleep(rest)
        if retry_after:
            self.rejected_lookups += 1
            raise RateLimited(retry_after)
        return self.ref_of_post.get(card.post_id)

    async def show_result(self, result: PostResult) -> None:
        return None


class InstantPublisher:
    """A platform that answers at once and never limits: our side's ceiling."""

    def __init__(self) -> None:
        self.sent: Counter[int] = Counter()
        self.rate_per_second = 1e9

    async def send_question(self, card: QuestionCard) -> str:
        self.sent[card.post_id] += 1
        return f"n{card.post_id}"

    async def find_sent(self, card: QuestionCard) -> str | None:
        return f"n{card.post_id}" if self.sent[card.post_id] else None

    async def show_result(self, result: PostResult) -> None:
        return None


# ---- the bot side --------------------------------------------------------------------------


class BenchClock:
    """Real time, plus a skew the benchmark adds to skip lease waits between retry ticks."""

    def __init__(self) -> None:
        self.skew = dt.timedelta(0)

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.skew


@dataclass
class ClaimLog:
    """Wraps the claim_due the scheduler calls, to time each batch inside a real tick."""

    batches: list[tuple[float, float, int]] = field(default_factory=list)  # start, end, cards
    claimed_at: dict[int, float] = field(default_factory=dict)  # post id -> perf_counter

    def wrap(self, claim: Callable[..., Awaitable[list[QuestionCard]]]) -> Callable[
            ..., Awaitable[list[QuestionCard]]]:
        async def timed(service: StudyService, policy: DailyPolicy,
                        platforms: Collection[str]) -> list[QuestionCard]:
            start = time.perf_counter()
            cards = await claim(service, policy, platforms)
            end = time.perf_counter()
            self.batches.append((start, end, len(cards)))
            for card in cards:
                self.claimed_at.setdefault(card.post_id, end)
            return cards

        return timed


class CpuMeter:
    """CPU used during a phase: this process (in cores) and the whole machine (cores busy, which
    includes a local PostgreSQL), from /proc/stat where there is one."""

    def __init__(self) -> None:
        self.process = self.machine = float("nan")

    @staticmethod
    def _machine_busy() -> float:
        try:
            fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        except (OSError, ValueError):
            return float("nan")
        user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> CpuMeter:
        self._start = (time.perf_counter(), time.process_time(), self._machine_busy())
        return self

    def __exit__(self, *_exc: object) -> None:
        wall, process, machine = self._start
        elapsed = time.perf_counter() - wall
        self.process = (time.process_time() - process) / elapsed
        self.machine = (self._machine_busy() - machine) / elapsed

    def __str__(self) -> str:
        return (f"{self.process:.2f} core(s) for this process, {self.machine:.2f} of "
                f"{os.cpu_count()} machine-wide")


class LoopLag:
    """How late a 10 ms sleep wakes up: the event loop's backlog (CPU saturation shows here)."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(0.01)
            self.samples.append(loop.time() - start - 0.01)

    def __enter__(self) -> LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._watch())
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


# ---- database ------------------------------------------------------------------------------


async def create_database(url: str) -> tuple[str, Callable[[], Awaitable[None]]]:
    """A throwaway database and how to drop it."""
    if url == "sqlite":
        folder = tempfile.TemporaryDirectory(prefix="studybot-bench-")

        async def remove() -> None:
            folder.cleanup()

        return f"sqlite+aiosqlite:///{folder.name}/bench.db", remove
    scratch = await create_scratch(url, "studybot_bench")

    async def drop() -> None:
        await drop_scratch(scratch, url)

    return scratch, drop


async def populate(db: Database, channels: int, due: dt.datetime) -> None:
    workspaces = (channels + CHANNELS_PER_WORKSPACE - 1) // CHANNELS_PER_WORKSPACE
    async with db.engine.begin() as conn:
        await conn.execute(Workspace.__table__.insert(), [
            {"platform": PLATFORM, "external_id": f"G{w}", "name": f"guild {w}", "created_at": due}
            for w in range(workspaces)
        ])
        ids = dict((await conn.execute(select(Workspace.external_id, Workspace.id))).all())
        rows = [
            {"workspace_id": ids[f"G{i // CHANNELS_PER_WORKSPACE}"], "external_id": f"C{i}",
             "name": f"study-{i}", "timezone": "UTC", "post_time": due.time(),
             "weekdays": ALL_DAYS, "topics": [], "scheduled": True, "paused": False,
             "next_due_at": due, "created_at": due}
            for i in range(channels)
        ]
        for start in range(0, len(rows), 2000):
            await conn.execute(Channel.__table__.insert(), rows[start:start + 2000])
    await tidy(db)


async def make_due_again(db: Database, due: dt.datetime) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(delete(Post.__table__))
        await conn.execute(update(Channel.__table__).values(next_due_at=due))
    await tidy(db)


async def tidy(db: Database) -> None:
    """Each phase starts from the same physical state: no dead rows, fresh statistics."""
    if db.dialect == "postgresql":
        async with db.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE"))


async def post_state(db: Database) -> dict[str, int]:
    async with db.transaction() as session:
        row = (await session.execute(select(
            func.count(), func.count(func.distinct(Post.channel_id)),
            func.count(Post.message_ref),
            func.sum(case((Post.status == "open", 1), else_=0)),
        ).select_from(Post))).one()
    total, channels, sent, opened = row
    return {"posts": total, "channels": channels, "with_ref": sent, "open": int(opened or 0)}


# ---- phases --------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def claim_ceiling(service: StudyService, policy: DailyPolicy) -> dict[str, Any]:
    batches: list[float] = []
    claimed = 0
    start = time.perf_counter()
    with CpuMeter() as cpu:
        while True:
            t = time.perf_counter()
            cards = await claim_due(service, policy, [PLATFORM])
            batches.append(time.perf_counter() - t)
            claimed += len(cards)
            if len(cards) < policy.batch:
                break
    elapsed = time.perf_counter() - start
    return {"claimed": claimed, "seconds": elapsed, "rate": claimed / elapsed, "cpu": cpu,
            "batch_p50": percentile(batches, 0.5), "batch_max": max(batches)}


async def pipeline_ceiling(service: StudyService, policy: DailyPolicy,
                           concurrency: int) -> dict[str, Any]:
    publisher = InstantPublisher()
    dispatcher = Dispatcher(service, {PLATFORM: publisher}, concurrency=concurrency)
    scheduler = DailyScheduler(service, dispatcher, policy)
    start = time.perf_counter()
    with CpuMeter() as cpu:
        report = await scheduler.tick()
    elapsed = time.perf_counter() - start
    return {"sent": report.sent, "seconds": elapsed, "rate": report.sent / elapsed, "cpu": cpu,
            "duplicates": sum(n - 1 for n in publisher.sent.values())}


async def dispatch(service: StudyService, clock: BenchClock, policy: DailyPolicy,
                   platform: RateLimitedPlatform, our_rate: float, concurrency: int,
                   expected: int, max_ticks: int) -> dict[str, Any]:
    platform.rate_per_second = our_rate  # how fast we pace ourselves under its limit
    dispatcher = Dispatcher(service, {PLATFORM: platform}, concurrency=concurrency)
    scheduler = DailyScheduler(service, dispatcher, policy)
    claims = ClaimLog()
    original = scheduler_module.claim_due
    scheduler_module.claim_due = claims.wrap(original)  # type: ignore[assignment]
    ticks: list[dict[str, float]] = []
    lease_skips = 0
    start = time.perf_counter()
    try:
        with LoopLag() as lag, CpuMeter() as cpu:
            for _ in range(max_ticks):
                tick_start = time.perf_counter()
                report = await scheduler.tick()
                ticks.append({"seconds": time.perf_counter() - tick_start,
                              "claimed": report.claimed, "retried": report.retried,
                              "sent": report.sent})
                if len(platform.ref_of_post) >= expected:
                    break
                # What failed is retried once its lease has run out: skip the wait on the bot's
                # clock, and give the platform's window a real second to empty as it would have.
                clock.skew += policy.lease + dt.timedelta(seconds=1)
                lease_skips += 1
                await asyncio.sleep(1.0)
    finally:
        scheduler_module.claim_due = original  # type: ignore[assignment]
    total = time.perf_counter() - start
    first_tick_claims = [b for b in claims.batches if b[0] < start + ticks[0]["seconds"]]
    claims_done = max(end for _, end, _ in first_tick_claims) - start
    claim_seconds = sum(end - s for s, end, _ in first_tick_claims)
    accepted = sorted(platform.accepted_at)
    assert platform.first_request is not None
    window = accepted[-1] - platform.first_request
    sent_at = {post: platform.accepted_at[i] for i, post in enumerate(
        card.post_id for card in platform.messages.values())}
    waits = [sent_at[p] - claims.claimed_at[p] for p in sent_at if p in claims.claimed_at]
    first_tick_end = start + ticks[0]["seconds"]
    gaps = [b - a for a, b in itertools.pairwise(t for t in accepted if t <= first_tick_end)]
    per_second = Counter(int(t - start) for t in accepted if t <= first_tick_end)
    return {
        "total": total, "ticks": ticks, "lease_skips": lease_skips,
        "per_second": [per_second[i] for i in range(max(per_second) + 1)] if per_second else [],
        "first_send": (accepted[0] - start) if accepted else float("nan"),
        "claims_done": claims_done, "claim_seconds": claim_seconds,
        "claimed_first_tick": sum(n for _, _, n in first_tick_claims),
        "accepted": len(accepted), "window": window, "rate": len(accepted) / window,
        "end_to_end_rate": len(accepted) / total,
        "first_tick_rate": ticks[0]["sent"] / ticks[0]["seconds"],
        "max_gap": max(gaps) if gaps else 0.0,
        "wait_p50": percentile(waits, 0.5), "wait_max": max(waits),
        "call_p50": percentile(platform.call_seconds, 0.5),
        "call_p99": percentile(platform.call_seconds, 0.99),
        "lag_p50": percentile(lag.samples, 0.5), "lag_p99": percentile(lag.samples, 0.99),
        "cpu": cpu,
    }


# ---- main ----------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> int:
    url, drop = await create_database(args.database)
    engine = create_engine(url)
    db = Database(engine)
    try:
        await migrations.upgrade(engine)
        catalog = load(ROOT / "content")
        clock = BenchClock()
        service = StudyService(db, catalog, SearchIndex.build(catalog), clock)
        policy = DailyPolicy(batch=args.batch)
        now = clock()
        due = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=1)

        start = time.perf_counter()
        await populate(db, args.channels, due)
        setup = time.perf_counter() - start

        claim = await claim_ceiling(service, policy)
        await make_due_again(db, due)
        pipeline = await pipeline_ceiling(service, policy, args.concurrency)
        await make_due_again(db, due)

        platform = RateLimitedPlatform(args.rate, (args.latency_min / 1000, args.latency_max / 1000))
        our_rate = args.pace * args.rate
        result = await dispatch(service, clock, policy, platform, our_rate, args.concurrency,
                                args.channels, args.max_ticks)
        state = await post_state(db)
    finally:
        await db.dispose()
        await drop()

    per_channel = Counter(card.channel_id for card in platform.messages.values())
    duplicates = sum(n - 1 for n in platform.sends_of_post.values())
    channel_dupes = sum(n - 1 for n in per_channel.values())
    ok_posts = (state["posts"] == args.channels and state["channels"] == args.channels
                and state["open"] == args.channels and state["with_ref"] == args.channels
                and len(per_channel) == args.channels)
    ratio = result["rate"] / args.rate
    rejected = platform.rejected_sends + platform.rejected_lookups
    ticks = result["ticks"]
    lease = policy.lease.total_seconds()
    # In production each retry round first waits out the lease (and up to one tick interval).
    with_leases = result["window"] + result["lease_skips"] * lease
    prod_ratio = result["accepted"] / with_leases / args.rate

    print(f"database: {make_url(url).get_backend_name()}  channels: {args.channels}  "
          f"platform limit: {args.rate}/s (sliding 1 s window)  our pace: {our_rate:g}/s "
          f"({args.pace:g} x)  concurrency: {args.concurrency}  batch: {args.batch}  "
          f"latency: {args.latency_min:g}-{args.latency_max:g} ms")
    print(f"setup (bulk insert, not counted): {setup:.2f} s")
    print(f"1. claim ceiling: {claim['claimed']:.0f} claimed in {claim['seconds']:.2f} s = "
          f"{claim['rate']:.0f} channels/s (batch p50 {claim['batch_p50'] * 1000:.0f} ms, "
          f"max {claim['batch_max'] * 1000:.0f} ms); CPU {claim['cpu']}")
    print(f"2. pipeline ceiling (instant platform, no pacing): {pipeline['sent']:.0f} sent in "
          f"{pipeline['seconds']:.2f} s = {pipeline['rate']:.0f} posts/s; CPU {pipeline['cpu']}; "
          f"duplicates {pipeline['duplicates']:.0f}")
    print(f"3. dispatch: {result['accepted']} posts in {result['total']:.2f} s over "
          f"{len(ticks)} tick(s) ({result['lease_skips']} lease wait(s) of {lease:g} s skipped)")
    for number, tick in enumerate(ticks, 1):
        print(f"   tick {number}: {tick['seconds']:.2f} s, claimed {tick['claimed']:.0f}, "
              f"retried {tick['retried']:.0f}, sent {tick['sent']:.0f}")
    print(f"   claiming in tick 1: {result['claimed_first_tick']} channels, done "
          f"{result['claims_done']:.2f} s after the start ({result['claim_seconds']:.2f} s "
          f"inside claim_due)")
    print(f"   achieved rate: {result['rate']:.1f}/s over the {result['window']:.2f} s dispatch "
          f"window = {ratio:.3f} of the limit; first tick {result['first_tick_rate']:.1f}/s; "
          f"end to end {result['end_to_end_rate']:.1f}/s")
    print(f"   first accepted send {result['first_send'] * 1000:.0f} ms after the start; accepted "
          f"per second of tick 1: {' '.join(map(str, result['per_second']))}")
    print(f"   counting each retry round's lease wait as production would: {with_leases:.1f} s, "
          f"{prod_ratio:.3f} of the limit (target >= 0.90: "
          f"{'met' if prod_ratio >= 0.90 else 'NOT MET'})")
    print(f"   429s: {rejected} ({platform.rejected_sends} sends, {platform.rejected_lookups} "
          f"of {platform.lookups} find_sent lookups); longest pause between accepted sends in tick 1 "
          f"{result['max_gap'] * 1000:.0f} ms")
    print(f"   duplicates: {duplicates} sends of an already-sent post, {channel_dupes} extra "
          f"posts in a channel; database: {state} -> {'OK' if ok_posts else 'MISMATCH'}")
    over = "; LONGER THAN THE LEASE" if result["wait_max"] > lease else ""
    print(f"   claim->send wait p50 {result['wait_p50']:.1f} s, max {result['wait_max']:.1f} s "
          f"(lease {lease:g} s{over})")
    print(f"   send call p50 {result['call_p50'] * 1000:.1f} ms, p99 "
          f"{result['call_p99'] * 1000:.1f} ms; loop lag p50 {result['lag_p50'] * 1000:.1f} ms, "
          f"p99 {result['lag_p99'] * 1000:.1f} ms")
    print(f"   CPU: {result['cpu']}")
    print()
    print("| channels | limit/s | our pace/s | total s | ticks | achieved/s | ratio | ratio with "
          "leases | 429s | dupes "
          "| claim ceiling ch/s | pipeline ceiling posts/s | claims done s | max wait s "
          "| CPU bot / machine |")
    cpu = result["cpu"]
    print(f"| {args.channels} | {args.rate} | {our_rate:g} | {result['total']:.1f} | {len(ticks)} "
          f"| {result['rate']:.1f} | {ratio:.3f} | {prod_ratio:.3f} | {rejected} "
          f"| {duplicates + channel_dupes} "
          f"| {claim['rate']:.0f} | {pipeline['rate']:.0f} | {result['claims_done']:.1f} "
          f"| {result['wait_max']:.1f} | {cpu.process:.2f} / {cpu.machine:.2f} |")
    met = prod_ratio >= 0.90 and duplicates == 0 and channel_dupes == 0 and ok_posts
    return 0 if met else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=1000,
                        help="the platform's global limit, requests per second")
    parser.add_argument("--pace", type=float, default=0.97,
                        help="our Dispatcher's rate as a share of the limit")
    parser.add_argument("--database", default=DEFAULT_PG,
                        help="PostgreSQL URL (a throwaway database is made beside it) or 'sqlite'")
    parser.add_argument("--concurrency", type=int, default=32, help="Dispatcher concurrency")
    parser.add_argument("--batch", type=int, default=DailyPolicy.batch, help="claim batch size")
    parser.add_argument("--latency-min", type=float, default=5.0, help="ms per request, at least")
    parser.add_argument("--latency-max", type=float, default=20.0, help="ms per request, at most")
    parser.add_argument("--max-ticks", type=int, default=30)
    parser.add_argument("--verbose", action="store_true", help="show the bot's logs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.CRITICAL,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
