"""Each platform is paced at its own rate: a slow platform never holds up a fast one."""

from __future__ import annotations

import asyncio
import time

from bot.delivery.dispatcher import Dispatcher
from tests.support.fake_platform import FakePlatform


async def test_each_platform_has_its_own_pace() -> None:
    slow, fast = FakePlatform(rate_per_second=2.0), FakePlatform(rate_per_second=1000.0)
    dispatcher = Dispatcher(None, {"slow": slow, "fast": fast})  # type: ignore[arg-type]
    done: dict[str, list[float]] = {"slow": [], "fast": []}

    async def send(name: str) -> None:
        async with dispatcher.limiters[name]:
            done[name].append(time.monotonic())

    start = time.monotonic()
    await asyncio.gather(*(send("slow") for _ in range(3)), *(send("fast") for _ in range(50)))
    # The fast platform's 50 went out before the slow one's third (which waits a second).
    assert max(done["fast"]) < max(done["slow"])
    assert max(done["slow"]) - start >= 0.9
    assert dispatcher.ahead(seconds=5) == int(5 * (2.0 + 1000.0))
