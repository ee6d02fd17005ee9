"""`studybot run --platform slack` as a real process, pointed at a FakeSlack on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[2]
SECRET = "e2e-signing-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class BotProcess:
    process: subprocess.Popen[str]
    url: str
    log_path: Path

    @property
    def events(self) -> str:
        return f"{self.url}/slack/events"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    async def stop(self) -> None:
        self.process.terminate()
        try:
            await asyncio.to_thread(self.process.wait, 10)
        except subprocess.TimeoutExpired:
            self.process.kill()


async def start_bot(tmp: Path, api_url: str, extra_env: Mapping[str, str] | None = None,
                    database_url: str | None = None) -> BotProcess:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update({
        "SLACK_BOT_TOKEN": "xoxb-e2e", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url,
        "PORT": str(port), "DATABASE_URL": database_url or f"sqlite:///{tmp / 'slack.db'}",
        "LOG_LEVEL": "INFO",
    })
    env.update(extra_env or {})
    log_path = tmp / f"bot-{port}.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(  # noqa: ASYNC220 - Popen only forks; we poll it without blocking
            [sys.executable, "-m", "bot", "run", "--platform", "slack"], cwd=tmp, env=env,
            stdout=log_file, stderr=subprocess.STDOUT, text=True,
        )
    bot = BotProcess(process, f"http://127.0.0.1:{port}", log_path)
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"the bot exited at start-up:\n{bot.log()}")
            try:
                async with session.get(f"{bot.url}/healthz") as response:
                    if response.status == 200:
                        return bot
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    await bot.stop()
    raise RuntimeError(f"the bot did not answer /healthz:\n{bot.log()}")
