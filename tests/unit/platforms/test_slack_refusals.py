"""Refused requests leave one short line a second, however many arrive and however big."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.platforms.slack.refusals import RefusalLog


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_a_flood_is_one_line_now_and_one_summary_later(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "studybot.slack")
    refusals = RefusalLog(interval=0.05, clock=Ticks())  # all within one interval
    body = b"payload=" + b"a" * 1_000_000
    for _ in range(1000):
        refusals.note(401, "no signature", "10.0.0.1", body)
    await asyncio.sleep(0.2)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert "refused with 401: no signature" in lines[0]
    assert "999 more (999 x 401 no signature)" in lines[1]
    assert sum(len(line) for line in lines) < 400


async def test_lines_resume_after_the_interval(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "studybot.slack")
    ticks = Ticks()
    refusals = RefusalLog(interval=1.0, clock=ticks)
    refusals.note(401, "a wrong signature", None, b"x")
    ticks.now += 1.5
    refusals.note(400, "the body is not UTF-8", None, b"\xff")
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "Slack request refused with 401", "Slack request refused with 400"]
