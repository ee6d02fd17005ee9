"""Click to reply, end to end: N signed button clicks in one second through /slack/events, timed
until each private reply reaches the (fake) Slack Web API.

Run: .venv/bin/python bench/bench_click_to_reply.py [--clicks 1000] [--seconds 1]
         [--database postgresql+asyncpg://postgres@127.0.0.1:5432/test] [--log-level WARNING]

What runs: the real `studybot run --platform slack` process (tests/support/slack/bot.py starts it
as the e2e tests do) on a throwaway PostgreSQL database beside the one in the URL (created,
migrated by the bot at start-up, dropped at the end), talking to tests/support/slack/fake.py on
127.0.0.1 in this process. An admin posts a question with a signed `/study post-now`; then N new
users click an answer button, the clicks *sent* evenly over `--seconds` (open loop: click i is
sent at t0 + i x seconds / N whether or not earlier ones were answered). Each click is a real
signed block_actions request, so it pays for everything a Slack click pays for: the signature,
the replay guard's insert, Bolt, the answer's transaction, the chat.postEphemeral call.

Then, on the same database, the replay check alone (StudyService.first_use, as the bot's edge calls
it before each ack): N fresh keys arriving evenly over one second, each timed until its answer;
then the same N keys again, which must all be refused.

Per click: ack = when the HTTP 200 came back; reply = when the fake received the
chat.postEphemeral for that user (its arrival time in this process's clock). Both are measured
from the click's scheduled send time, so queueing in the bot counts. Afterwards the database must
hold exactly N answers for the post. Load model: /work/shared/CONVENTIONS.md. Target (issue 11):
reply p99 < 1 s for N = 1,000.

Prints a Markdown section for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_dispatch import CpuMeter, LoopLag, create_database, percentile  # noqa: E402

from bot.catalog.loader import load  # noqa: E402
from bot.catalog.search.index import SearchIndex  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.service.study import StudyService  # noqa: E402
from bot.store.database import create_engine, open_database  # noqa: E402
from tests.support.slack.bot import SECRET, BotProcess, start_bot  # noqa: E402
from tests.support.slack.driving import click_body, command  # noqa: E402
from tests.support.slack.fake import FakeSlack  # noqa: E402
from tests.support.slack.requests import sign  # noqa: E402

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
CHANNEL = "CBENCH"


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc (NaN where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def send_click(session: aiohttp.ClientSession, url: str, body: bytes, at: float,
                     acks: dict[int, tuple[int, float]], index: int) -> None:
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    headers = sign(SECRET, body)  # signed when sent, as Slack signs each delivery
    try:
        async with session.post(url, data=body, headers=headers) as response:
            await response.read()
            acks[index] = (response.status, time.monotonic())
    except aiohttp.ClientError as exc:
        acks[index] = (0, time.monotonic())
        print(f"click {index}: {type(exc).__name__}", file=sys.stderr)


async def answers_stored(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(text("SELECT count(*) FROM answers"))).scalar_one()
    finally:
        await engine.dispose()


def ms(value: float) -> str:
    return f"{value * 1000:,.0f}"


async def run(args: argparse.Namespace) -> int:
    url, drop = await create_database(args.database)
    try:
        with tempfile.TemporaryDirectory(prefix="studybot-click-bench-") as folder:
            async with FakeSlack() as slack:
                slack.add_user("UADMIN", name="ada", is_admin=True)
                bot = await start_bot(Path(folder), slack.api_url,
                                      {"LOG_LEVEL": args.log_level}, database_url=url)
                try:
                    code = await measure(args, bot, slack, url)
                finally:
                    await bot.stop()
        return await measure_guard(args, url) or code
    finally:
        await drop()


async def measure(args: argparse.Namespace, bot: BotProcess, slack: FakeSlack, url: str) -> int:
    await command(bot, slack, "study", "post-now", channel=CHANNEL)
    message = slack.messages(CHANNEL)[-1]
    users = [f"UB{i:05d}" for i in range(args.clicks)]
    bodies = [click_body(slack, message, "A", user, channel=CHANNEL) for user in users]
    # Warm the bot as a running bot is warm when the question lands: pool, statement caches.
    warm = [f"UW{i:03d}" for i in range(20)]
    for user in warm:
        await send_once(bot.events, click_body(slack, message, "B", user, channel=CHANNEL))
    await slack.wait_for("chat.postEphemeral", count=len(warm), timeout=30)
    before = len(slack.calls)

    acks: dict[int, tuple[int, float]] = {}
    cpu_before = process_cpu_seconds(bot.process.pid)
    connector = aiohttp.TCPConnector(limit=args.connections)
    async with aiohttp.ClientSession(connector=connector,
                                     timeout=aiohttp.ClientTimeout(total=120)) as session:
        with CpuMeter() as machine, LoopLag() as lag:
            t0 = time.monotonic() + 0.2
            scheduled = [t0 + i * args.seconds / args.clicks for i in range(args.clicks)]
            await asyncio.gather(*(send_click(session, bot.events, body, at, acks, i)
                                   for i, (body, at) in enumerate(zip(bodies, scheduled,
                                                                      strict=True))))
            replies = await wait_replies(slack, set(users), before, timeout=120)
            done = time.monotonic()
    bot_cpu = (process_cpu_seconds(bot.process.pid) - cpu_before) / (done - t0)

    index = {user: i for i, user in enumerate(users)}
    reply_latency = sorted(at - scheduled[index[user]] for user, at in replies.items())
    ack_latency = sorted(at - scheduled[i] for i, (status, at) in acks.items() if status == 200)
    statuses = sorted({status for status, _ in acks.values()})
    stored = await answers_stored(url) - len(warm)
    refused = len(slack.rejections)
    ok = (len(replies) == args.clicks and stored == args.clicks and statuses == [200]
          and refused == 0)

    print("\n## Click to reply, end to end on PostgreSQL (bench/bench_click_to_reply.py)\n")
    print(f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"- Machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}; "
          f"Python {platform.python_version()}; PostgreSQL on the same machine; load average "
          f"before the run {os.getloadavg()[0]:.1f}")
    print(f"- Command: `.venv/bin/python bench/bench_click_to_reply.py --clicks {args.clicks} "
          f"--seconds {args.seconds:g} --connections {args.connections} "
          f"--log-level {args.log_level}`")
    print(f"- Clicks: {args.clicks} signed block_actions sent over {args.seconds:g} s "
          f"(open loop) through {args.connections or 'as many as needed'} connections\n")
    print("| measure | p50 | p99 | max |")
    print("|---|---|---|---|")
    if reply_latency:
        print(f"| click -> private reply at the fake (ms) | {ms(percentile(reply_latency, 0.5))} | "
              f"**{ms(percentile(reply_latency, 0.99))}** | {ms(reply_latency[-1])} |")
    if ack_latency:
        print(f"| click -> HTTP 200 ack (ms) | {ms(percentile(ack_latency, 0.5))} | "
              f"{ms(percentile(ack_latency, 0.99))} | {ms(ack_latency[-1])} |")
    print()
    print(f"- Replies received: {len(replies)} of {args.clicks}; answers stored: {stored}; "
          f"HTTP statuses: {statuses}; messages the fake refused: {refused}")
    print(f"- Last reply {done - t0:.2f} s after the first click was sent; bot process "
          f"{bot_cpu:.2f} core(s); bench process and machine: {machine}; bench loop lag p99 "
          f"{percentile(sorted(lag.samples), 0.99) * 1000:.0f} ms")
    print(f"- Result: {'OK' if ok else 'NOT OK'}; target reply p99 < 1 s: "
          f"{'met' if reply_latency and percentile(reply_latency, 0.99) < 1 else 'not met'}")
    return 0 if ok else 1


async def measure_guard(args: argparse.Namespace, url: str) -> int:
    catalog = load(Settings().content_dir)  # the bundled content unless CONTENT_DIR says
    db = open_database(url)
    service = StudyService(db, catalog, SearchIndex.build(catalog))
    until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    keys = [f"bench-{i}" for i in range(args.clicks)]
    try:
        await service.first_use("bench-warm", until)
        latency: list[float] = []
        replays: list[bool] = []

        async def check(key: str, at: float, into: list[float] | None) -> bool:
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            started = time.monotonic()
            first = await service.first_use(key, until)
            if into is not None:
                into.append(time.monotonic() - started)
            return first

        t0 = time.monotonic() + 0.1
        firsts = await asyncio.gather(*(check(key, t0 + i * args.seconds / args.clicks, latency)
                                        for i, key in enumerate(keys)))
        replays = await asyncio.gather(*(check(key, 0.0, None) for key in keys))
    finally:
        await service.stop_checks()
        await db.dispose()
    latency.sort()
    ok = all(firsts) and not any(replays)
    print(f"- Replay check alone, same database, {args.clicks} fresh keys over "
          f"{args.seconds:g} s: p50 {percentile(latency, 0.5) * 1000:.1f} ms, p99 "
          f"{percentile(latency, 0.99) * 1000:.1f} ms, max {latency[-1] * 1000:.1f} ms; "
          f"all first uses: {all(firsts)}; the same keys again, all refused: {not any(replays)}")
    return 0 if ok else 1


async def send_once(url: str, body: bytes) -> None:
    async with aiohttp.ClientSession() as session, session.post(
            url, data=body, headers=sign(SECRET, body)) as response:
        await response.read()


async def wait_replies(slack: FakeSlack, users: set[str], start: int,
                       timeout: float) -> dict[str, float]:  # noqa: ASYNC109
    """When each user's private reply arrived at the fake (its first one)."""
    deadline = time.monotonic() + timeout
    seen: dict[str, float] = {}
    scanned = start
    while time.monotonic() < deadline:
        for call in slack.calls[scanned:]:
            user = call.body.get("user")
            if call.method == "chat.postEphemeral" and user in users and user not in seen:
                seen[user] = call.at
        scanned = len(slack.calls)
        if len(seen) == len(users):
            break
        await asyncio.sleep(0.05)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=1.0, help="the clicks arrive over this")
    parser.add_argument("--connections", type=int, default=0,
                        help="connections the clicks share; 0: as many as needed (Slack sends "
                             "from many servers at once, so its clicks do not queue behind "
                             "each other on a few connections)")
    parser.add_argument("--database", default=DEFAULT_PG)
    parser.add_argument("--log-level", default="WARNING")
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
