"""Waiting, without polling, until the fake's state satisfies a condition.

Every change to the fake calls `bump()`, which wakes the waiters; each re-checks its condition.
The fake runs on one event loop and changes its state synchronously, so no wake-up is lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Changes:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    def bump(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def until(self, check: Callable[[], T], *, timeout: float, what: str) -> T:  # noqa: ASYNC109
        """`check()` once it is truthy; an AssertionError naming `what` after `timeout` seconds."""
        try:
            async with asyncio.timeout(timeout):
                while not (result := check()):
                    await self._event.wait()
                return result
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None
