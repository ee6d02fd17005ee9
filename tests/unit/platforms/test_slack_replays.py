"""The replay check never holds a request past Slack's ack deadline, and never loses a key."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from bot.platforms.slack.replays import ReplayGuard

UNTIL = datetime(2026, 12, 1, tzinfo=UTC)


class Store:
    def __init__(self, delay: float = 0.0, error: Exception | None = None) -> None:
        self.delay, self.error = delay, error
        self.seen: set[str] = set()

    async def first_use(self, key: str, _until: datetime) -> bool:
        await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        first = key not in self.seen
        self.seen.add(key)
        return first


async def test_answers_what_the_store_says() -> None:
    guard = ReplayGuard(Store().first_use)
    assert await guard.first_use("a", UNTIL) is True
    assert await guard.first_use("a", UNTIL) is False


async def test_a_stalled_store_lets_the_request_through_and_still_records_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = Store(delay=0.2)
    guard = ReplayGuard(store.first_use, wait=0.01)
    assert await guard.first_use("a", UNTIL) is True
    assert await guard.first_use("b", UNTIL) is True
    await asyncio.sleep(0.3)
    assert store.seen == {"a", "b"}
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1  # not per request


async def test_a_failing_store_lets_the_request_through() -> None:
    guard = ReplayGuard(Store(error=ConnectionRefusedError()).first_use)
    assert await guard.first_use("a", UNTIL) is True
