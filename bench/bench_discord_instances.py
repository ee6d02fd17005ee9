"""Two bot processes, one Discord token (issue 9): N channels due at once, a fake Discord that
enforces a global limit of R requests/s per token across both processes.

Run: .venv/bin/python bench/bench_discord_instances.py [--channels 2000] [--limit 50]
         [--database postgresql+asyncpg://postgres@127.0.0.1:5432/test]

Setup (not timed): a throwaway PostgreSQL database beside the one in the URL; the fake Discord
(tests/support/discord) on 127.0.0.1 with N text channels in guilds split over 2 shards; N study
channels set up through the service and made due now. Then two real `studybot run --platform
discord` processes start, each connecting its own shard (DISCORD_SHARD_COUNT=2), on the same
database. Measured from the fake's own record of requests: every channel's posts (must be
exactly 1), 429s served (must be 0), and the posting rate from the first post to the last, as a
ratio of R (target >= 0.90). Prints a Markdown row for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.databases import PG_URL, create_scratch, drop_scratch
from tests.support.discord.bot import start_discord_bot
from tests.support.discord.server import FakeDiscord
from tests.support.study_channels import seed_due_channels

POSTS = "POST /channels/{channel_id}/messages"
PER_GUILD = 100


async def main(channels: int, limit: int, database: str) -> None:
    url = await create_scratch(database, "studybot_bench")
    try:
        async with FakeDiscord(global_limit=limit) as fake:
            guilds = [fake.add_guild(f"g{i}", shard=(i % 2, 2),
                                     channels=tuple(f"c{n}" for n in range(PER_GUILD)))
                      for i in range(-(-channels // PER_GUILD))]
            targets = [(g.id, c.id) for g in guilds for c in g.channels.values()][:channels]
            started = time.perf_counter()
            await seed_due_channels(url, "discord", [(str(g), str(c)) for g, c in targets])
            print(f"setup: {len(targets)} channels in {time.perf_counter() - started:.1f} s")
            with tempfile.TemporaryDirectory() as tmp:
                bots = []
                for shard in (0, 1):
                    folder = Path(tmp) / f"p{shard}"
                    folder.mkdir()
                    bots.append(await start_discord_bot(folder, fake, [], {
                        "DATABASE_URL": url, "DISCORD_SHARD_COUNT": "2",
                        "DISCORD_SHARD_IDS": str(shard), "SCHEDULER_TICK_SECONDS": "1",
                        "LOG_LEVEL": "WARNING"}))
                try:
                    await fake.wait_for(POSTS, count=len(targets), timeout=30 + 2 * channels / limit)
                    await asyncio.sleep(3)  # a duplicate would show by now
                finally:
                    for bot in bots:
                        await bot.stop()
            posts = [c for c in fake.calls_to("POST", "/channels/{channel_id}/messages")
                     if c.status == 200]
            per_channel = [len([m for m in fake.messages(c) if m.buttons()]) for _, c in targets]
            span = posts[-1].at - posts[0].at
            rate = (len(posts) - 1) / span
            print(f"posts: {len(posts)}  channels with exactly one: "
                  f"{per_channel.count(1)}/{len(targets)}  duplicates: "
                  f"{sum(n - 1 for n in per_channel if n > 1)}  429s: {fake.served_429}")
            print(f"rate: {rate:.1f}/s over {span:.1f} s = {rate / limit:.3f} of the {limit}/s limit")
            gaps = sorted(b.at - a.at for a, b in itertools.pairwise(posts))
            busiest = max(sum(1 for c in posts if t.at <= c.at < t.at + 1) for t in posts)
            print(f"gaps between posts: p50 {gaps[len(gaps) // 2] * 1000:.1f} ms, p99 "
                  f"{gaps[int(len(gaps) * 0.99)] * 1000:.1f} ms, max {gaps[-1] * 1000:.0f} ms; "
                  f"busiest second: {busiest} posts")
            print(f"| {platform.node()[:12]} | {os.cpu_count()} CPU | {len(targets)} | {limit}/s | "
                  f"{rate:.1f}/s | {rate / limit:.3f} | {fake.served_429} | "
                  f"{sum(n - 1 for n in per_channel if n > 1)} |")
    finally:
        await drop_scratch(url, database)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=2000)
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--database", default=PG_URL)
    args = parser.parse_args()
    asyncio.run(main(args.channels, args.limit, args.database))
