"""Pace: requests let out no faster than the rate, never more than the cap in any sliding
second, and no burst after a quiet spell. Every check is a lower bound on waiting (a sleep never
ends early), so a busy machine cannot make one fail."""

from __future__ import annotations

import asyncio
import itertools

from bot.delivery.pacing import JITTER, Pace


async def entries(pace: Pace, count: int) -> list[float]:
    loop = asyncio.get_running_loop()
    times: list[float] = []

    async def one() -> None:
        async with pace:
            times.append(loop.time())

    await asyncio.gather(*(one() for _ in range(count)))
    return sorted(times)


async def test_concurrent_requests_go_one_interval_apart() -> None:
    times = await entries(Pace(rate=200.0), 21)
    # The first goes at once; the other 20 each wait for their own slot, 5 ms apart.
    assert times[-1] - times[0] >= 20 / 200.0 - 0.001


async def test_the_cap_holds_in_every_sliding_second() -> None:
    times = await entries(Pace(rate=1000.0, cap=5), 12)
    # Read a moment after the pace's own clock reading: a millisecond of slack at the window's end.
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if t - start < 1.0 - 0.001) <= 5
    assert times[-1] - times[0] >= 2.0 - 0.01  # 12 requests at 5 a second span two seconds


async def test_a_quiet_spell_is_not_made_up_in_a_burst() -> None:
    pace = Pace(rate=20.0)
    await entries(pace, 1)
    await asyncio.sleep(0.3)  # six slots go by unused
    times = await entries(pace, 4)
    # The grid starts again from now: still one every 50 ms, less the timer's usual lateness.
    for before, after in itertools.pairwise(times):
        assert after - before >= 0.05 - JITTER - 0.001
