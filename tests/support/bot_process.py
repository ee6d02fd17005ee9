"""`studybot run` as a real process for the end-to-end tests: started, awaited on /healthz, stopped."""

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


def clean_environment() -> dict[str, str]:
    """This process's environment without any platform's tokens."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}


async def launch(tmp: Path, platform: str, env: Mapping[str, str]) -> BotProcess:
    """Start `studybot run --platform PLATFORM` in `tmp` and wait until /healthz answers."""
    port = free_port()
    full = clean_environment()
    full.update({"PORT": str(port), "DATABASE_URL": f"sqlite:///{tmp / 'bot.db'}",
                 "LOG_LEVEL": "INFO"})
    full.update(env)
    log_path = tmp / f"bot-{port}.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(  # noqa: ASYNC220 - Popen only forks; we poll it without blocking
            [sys.executable, "-m", "bot", "run", "--platform", platform], cwd=tmp, env=full,
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
