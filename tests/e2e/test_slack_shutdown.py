"""SIGTERM in the middle of a burst of clicks: every click Slack was told we took is finished
(its answer stored, its private reply sent) before the process exits, and nothing else is."""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from bot.store.database import create_engine
from tests.support.databases import create_test_database, drop_test_database, require_postgres
from tests.support.slack.bot import SECRET, start_bot
from tests.support.slack.driving import click_body, command
from tests.support.slack.fake import FakeSlack
from tests.support.slack.requests import sign

CLICKS = 100
CHANNEL = "CSIGTERM"


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    url = require_postgres(await create_test_database())
    yield url
    await drop_test_database(url)


async def answered_by(url: str) -> Counter[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text(
                "SELECT u.external_id FROM answers a JOIN users u ON u.id = a.user_id"))
            return Counter(row[0] for row in rows)
    finally:
        await engine.dispose()


async def send(session: aiohttp.ClientSession, url: str, body: bytes) -> int | str:
    try:
        async with session.post(url, data=body, headers=sign(SECRET, body)) as response:
            return response.status
    except aiohttp.ClientError as exc:  # refused once the server stopped listening, or cut
        return type(exc).__name__


async def test_sigterm_mid_burst_finishes_every_acknowledged_click(database_url: str,
                                                                   tmp_path: Path) -> None:
    async with FakeSlack() as slack:
        slack.add_user("UADMIN", name="ada", is_admin=True)
        # Before its listener starts, Bolt authorizes each request: in OAuth mode a database
        # lookup, here auth.test (which, failing, is asked again on every request). Slow, it
        # holds each click between "received" and "listener running" for a second, the window
        # a shutdown must not lose clicks in. Slow replies keep the listeners busy afterwards.
        slack.fail("auth.test", times=100_000, error="invalid_auth")
        slack.slow("auth.test", 0.8)
        slack.slow("chat.postEphemeral", 0.8)
        bot = await start_bot(tmp_path, slack.api_url, database_url=database_url)
        try:
            await command(bot, slack, "study", "post-now", channel=CHANNEL)
            message = slack.messages(CHANNEL)[-1]
            users = [f"U{i:03d}" for i in range(CLICKS)]
            bodies = [click_body(slack, message, "A", user, channel=CHANNEL) for user in users]
            arrived = slack.arrivals["auth.test"]
            async with aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=CLICKS),
                timeout=aiohttp.ClientTimeout(total=30),
            ) as session:
                burst = [asyncio.create_task(send(session, bot.events, body)) for body in bodies]
                # Every click has reached Bolt and waits in authorization: none is acked yet.
                await slack.wait_arrivals("auth.test", arrived + CLICKS // 2, timeout=20)
                bot.process.send_signal(signal.SIGTERM)
                await asyncio.sleep(0.2)
                # Clicks after the signal are refused (not acknowledged), never half-served.
                late = [asyncio.create_task(send(session, bot.events, click_body(
                    slack, message, "A", f"ULATE{i:02d}", channel=CHANNEL))) for i in range(20)]
                statuses = dict(zip(users + [f"ULATE{i:02d}" for i in range(20)],
                                    await asyncio.gather(*burst, *late), strict=True))
            code = await asyncio.to_thread(bot.process.wait, 30)
        except BaseException:
            await bot.stop()
            raise
        log = bot.log()

        acked = {user for user, status in statuses.items() if status == 200}
        refused = {user for user, status in statuses.items()
                   if status == 503 or status == "ClientConnectorError"}
        assert acked, statuses
        assert not any(user.startswith("ULATE") for user in acked), statuses
        assert code == 0, log[-3000:]
        replied = Counter(r["user"] for r in slack.calls_to("chat.postEphemeral"))
        stored = await answered_by(database_url)
        lost = sorted(user for user in acked if replied[user] != 1 or stored[user] != 1)
        assert lost == [], f"{len(lost)} of {len(acked)} acknowledged clicks lost: {lost[:10]}"
        # A click that was refused was not taken: nothing of it is stored.
        assert not refused & set(stored)
        assert "shutdown: drained" in log
        assert "Traceback" not in log
        assert set(statuses.values()) <= {200, 503, "ClientConnectorError",
                                          "ServerDisconnectedError"}, statuses

