"""Waiting for what a bot shows a moment after it answered (people are put in their team just
after their answer is acknowledged, for instance)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def eventually(read: Callable[[], Awaitable[str]], wanted: str, *, tries: int = 50,
                     pause: float = 0.1) -> str:
    """What `read` returns once it contains `wanted`; fails with the last reading after `tries`."""
    text = ""
    for _ in range(tries):
        text = await read()
        if wanted in text:
            return text
        await asyncio.sleep(pause)
    raise AssertionError(f"{wanted!r} never appeared in:\n{text}")
