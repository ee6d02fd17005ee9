"""`studybot run --platform slack` as a real process, pointed at a FakeSlack on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.support.bot_process import BotProcess, free_port, launch

__all__ = ["SECRET", "BotProcess", "free_port", "start_bot"]

SECRET = "e2e-signing-secret"


async def start_bot(tmp: Path, api_url: str, extra_env: Mapping[str, str] | None = None,
                    database_url: str | None = None) -> BotProcess:
    env = {"SLACK_BOT_TOKEN": "xoxb-e2e", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url,
           "DATABASE_URL": database_url or f"sqlite:///{tmp / 'slack.db'}"}
    env.update(extra_env or {})
    return await launch(tmp, "slack", env)
