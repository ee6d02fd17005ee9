"""Getting a dashboard link: `/study dashboard` in the chat (admins) and `studybot dashboard link`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.dashboard.tokens import Signer, WorkspaceKey
from tests.support.bot_process import free_port

DATA = Path(__file__).resolve().parents[2] / "data"
SECRET = "link-test-secret-0123456789abcdefghij"
LINK = re.compile(r"https://bot\.example/d/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")


def studybot(tmp_path: Path, args: list[str], stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DISCORD_", "DASHBOARD_", "PUBLIC_"))}
    full.update(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", CONTENT_DIR=str(DATA / "engine"),
                PORT=str(free_port()), **env)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, env=full, cwd=tmp_path, timeout=60, check=False)


def test_admin_gets_a_private_link_in_the_chat(tmp_path: Path) -> None:
    done = studybot(tmp_path, ["run", "--user", "ada", "--platform", "shell"], "/study dashboard\n",
                    DASHBOARD_SECRET=SECRET, PUBLIC_URL="https://bot.example")
    assert done.returncode == 0, done.stderr
    [token] = LINK.findall(done.stdout)
    grant = Signer(SECRET).verify(token, datetime.now(UTC))
    assert grant.workspace == WorkspaceKey("shell", "local")
    assert timedelta(days=6) < grant.expires_at - datetime.now(UTC) <= timedelta(days=7)
    assert SECRET not in done.stdout + done.stderr


def test_chat_says_when_the_dashboard_is_off(tmp_path: Path) -> None:
    done = studybot(tmp_path, ["run", "--user", "ada"], "/study dashboard\n")
    assert "dashboard is off" in done.stdout
    assert "DASHBOARD_SECRET" in done.stdout


def test_operator_prints_a_link_for_any_workspace(tmp_path: Path) -> None:
    done = studybot(tmp_path, ["dashboard", "link", "slack", "T9", "--days", "2"],
                    DASHBOARD_SECRET=SECRET, PUBLIC_URL="https://bot.example/")
    assert done.returncode == 0, done.stderr
    [token] = LINK.findall(done.stdout)
    grant = Signer(SECRET).verify(token, datetime.now(UTC))
    assert grant.workspace == WorkspaceKey("slack", "T9")
    assert grant.expires_at - datetime.now(UTC) <= timedelta(days=2)
    off = studybot(tmp_path, ["dashboard", "link", "slack", "T9"])
    assert off.returncode == 2
    assert "DASHBOARD_SECRET" in off.stderr


def test_a_short_secret_or_a_missing_url_stops_start_up(tmp_path: Path) -> None:
    short = studybot(tmp_path, ["run"], "", DASHBOARD_SECRET="short", PUBLIC_URL="https://x.y")
    assert short.returncode == 2
    assert "DASHBOARD_SECRET" in short.stderr
    no_url = studybot(tmp_path, ["run"], "", DASHBOARD_SECRET=SECRET)
    assert no_url.returncode == 2
    assert "PUBLIC_URL" in no_url.stderr
