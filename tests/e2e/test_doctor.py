"""`studybot doctor` as an operator runs it: the real process against a fake Slack, the fake
Discord, SQLite or the real PostgreSQL, and the bundled or a broken content folder."""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.store import migrations
from bot.store.database import create_engine
from tests.support.bot_process import clean_environment, free_port
from tests.support.databases import require_postgres
from tests.support.discord import FakeDiscord
from tests.support.slack.fake import FakeSlack
from tests.support.slack.socket_fake import FakeSocketMode

DATA = Path(__file__).resolve().parent.parent / "data"
BOT_TOKEN = "xoxb-2718281828-3141592653-DoctorTokenNotReal"
SIGNING_SECRET = "0cc175b9c0f1b6a831c399e269772661"


@dataclass
class Report:
    code: int
    out: str
    err: str

    @property
    def checks(self) -> dict[str, tuple[str, str]]:
        """what -> (status, the rest of the line)."""
        found = {}
        for line in self.out.splitlines():
            match = re.fullmatch(r"(ok|FAIL) +(.+?)  \((.*)", line)
            assert match, f"not a check line: {line!r}"
            found[match[2]] = (match[1], match[3])
        return found


async def doctor(cwd: Path, env: Mapping[str, str]) -> Report:
    full = clean_environment() | {"LOG_LEVEL": "INFO"} | dict(env)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "doctor", cwd=cwd, env=full,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return Report(process.returncode, out.decode(), err.decode())


async def migrated_sqlite(path: Path, revision: str = "head") -> str:
    url = f"sqlite:///{path}"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await migrations.upgrade(engine, revision)
    await engine.dispose()
    return url


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(valid_tokens={BOT_TOKEN}) as fake:
        yield fake


@pytest.fixture
async def discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(bot_name="studybot") as fake:
        yield fake


@pytest.fixture
def platforms(slack: FakeSlack, discord: FakeDiscord) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url, "DISCORD_TOKEN": discord.token,
            # Only the host: /api/v10 is appended, as for discord.com.
            "DISCORD_API_URL": discord.base_url}


def assert_no_secret(report: Report, *secrets: str) -> None:
    for secret in (BOT_TOKEN, SIGNING_SECRET, *secrets):
        assert secret not in report.out + report.err


async def test_a_healthy_setup_is_all_ok(tmp_path: Path, slack, discord, platforms) -> None:
    async with FakeSocketMode(slack) as socket:
        env = platforms | {"DATABASE_URL": await migrated_sqlite(tmp_path / "bot.db"),
                           "SLACK_APP_TOKEN": socket.app_token}
        report = await doctor(tmp_path, env)
    assert report.code == 0, report.out + report.err
    checks = report.checks
    assert list(checks) == ["settings", "database", "migrations", "content", "Slack bot token",
                            "Slack app token", "Discord token"]
    assert all(status == "ok" for status, _ in checks.values()), report.out
    assert "platforms: discord, slack" in checks["settings"][1]
    assert "at head " in checks["migrations"][1]
    assert "topics" in checks["content"][1]
    assert "(T0TEST)" in checks["Slack bot token"][1]
    assert f"bot studybot ({discord.application_id})" in checks["Discord token"][1]
    assert slack.calls_to("auth.test")
    assert discord.calls_to("GET", "/users/@me")
    assert_no_secret(report, socket.app_token, discord.token)


async def test_healthy_on_postgresql_without_showing_the_password(tmp_path: Path,
                                                                   pg_url: str | None) -> None:
    url = make_url(require_postgres(pg_url))
    password = url.password or "pg-Pa55word-shown-nowhere"  # local connections are trusted
    report = await doctor(tmp_path, {"DATABASE_URL": url.set(password=password).render_as_string(
        hide_password=False)})
    assert report.code == 0, report.out + report.err
    assert report.checks["database"][0] == "ok"
    assert report.checks["migrations"][0] == "ok"
    assert "postgresql" in report.checks["database"][1]
    assert_no_secret(report, password)


async def test_an_unreachable_database_fails_with_a_fix(tmp_path: Path) -> None:
    password = "pg-Pa55word-of-nowhere"
    report = await doctor(tmp_path, {
        "DATABASE_URL": f"postgresql://studybot:{password}@127.0.0.1:{free_port()}/studybot"})
    assert report.code == 1
    status, rest = report.checks["database"]
    assert status == "FAIL"
    assert "studybot:***@127.0.0.1" in rest or "studybot:[REDACTED]@127.0.0.1" in rest
    assert "refused" in rest.lower()
    assert "-> check DATABASE_URL" in rest
    assert "migrations" not in report.checks  # nothing to ask a database we cannot reach
    assert report.checks["content"][0] == "ok"  # the other checks still run
    assert_no_secret(report, password)


async def test_a_malformed_setting_fails_naming_the_variable(tmp_path: Path) -> None:
    report = await doctor(tmp_path, {"PORT": "three thousand"})
    assert report.code == 1
    status, rest = report.checks["settings"]
    assert status == "FAIL"
    assert rest.startswith("PORT: ")
    assert "-> set PORT correctly" in rest


async def test_invalid_content_fails_with_the_first_problem(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "k8s.yaml").write_text("topic: k8s\ntitle: [unclosed\n", encoding="utf-8")
    report = await doctor(tmp_path, {"DATABASE_URL": await migrated_sqlite(tmp_path / "bot.db"),
                                     "CONTENT_DIR": str(content)})
    assert report.code == 1
    status, rest = report.checks["content"]
    assert status == "FAIL"
    assert f"first: {content / 'k8s.yaml'}:" in rest
    assert f"-> run `studybot content validate {content}`" in rest
    assert report.checks["database"][0] == "ok"


async def test_content_warnings_are_reported_and_pass(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(DATA / "engine", content)
    linux = content / "linux.yaml"
    # A key much longer than every other choice: review advice, not an error.
    linux.write_text(linux.read_text(encoding="utf-8").replace(
        "- text: ss -tulnp\n", "- text: ss -tulnp, which shows each listening socket's process\n"),
        encoding="utf-8")
    report = await doctor(tmp_path, {"DATABASE_URL": await migrated_sqlite(tmp_path / "bot.db"),
                                     "CONTENT_DIR": str(content)})
    assert report.code == 0, report.out
    status, rest = report.checks["content"]
    assert status == "ok"
    assert "1 warning(s), see `studybot content validate`" in rest


async def test_a_refused_slack_token_fails_with_a_fix(tmp_path: Path, slack, platforms) -> None:
    wrong = "xoxb-2718281828-3141592653-RevokedLongAgo"
    env = platforms | {"SLACK_BOT_TOKEN": wrong,
                       "DATABASE_URL": await migrated_sqlite(tmp_path / "bot.db")}
    report = await doctor(tmp_path, env)
    assert report.code == 1
    status, rest = report.checks["Slack bot token"]
    assert status == "FAIL"
    assert "auth.test: invalid_auth" in rest
    assert "the token was refused (invalid_auth): copy the Bot User OAuth Token again" in rest
    assert report.checks["Discord token"][0] == "ok"
    assert_no_secret(report, wrong)


async def test_a_slack_failure_told_by_the_fake_is_reported(tmp_path: Path, slack, platforms) -> None:
    slack.fail("auth.test", error="account_inactive")
    env = platforms | {"DATABASE_URL": await migrated_sqlite(tmp_path / "bot.db")}
    report = await doctor(tmp_path, env)
    assert report.code == 1
    assert report.checks["Slack bot token"][0] == "FAIL"
    assert "account_inactive" in report.checks["Slack bot token"][1]


async def test_a_refused_slack_app_token_fails_with_a_fix(tmp_path: Path, slack, platforms) -> None:
    async with FakeSocketMode(slack) as socket:
        slack.fail("apps.connections.open", error="invalid_auth")
        env = platforms | {"SLACK_APP_TOKEN": socket.app_token,
                           "DATABASE_URL": await migrated_sqlite(tmp_path / "bot.db")}
        report = await doctor(tmp_path, env)
    assert report.code == 1
    status, rest = report.checks["Slack app token"]
    assert status == "FAIL"
    assert "apps.connections.open: invalid_auth" in rest
    assert "SLACK_APP_TOKEN" in rest
    assert report.checks["Slack bot token"][0] == "ok"
    assert_no_secret(report, socket.app_token)


async def test_a_refused_discord_token_fails_with_a_fix(tmp_path: Path, discord, platforms) -> None:
    wrong = "MTA5ODc2NTQzMjEwOTg3NjU0.GAbCdE.notTheTokenTheFakeKnowsAbCdEfGhIj"
    env = platforms | {"DISCORD_TOKEN": wrong, "DISCORD_API_URL": discord.api_url,
                       "DATABASE_URL": await migrated_sqlite(tmp_path / "bot.db")}
    report = await doctor(tmp_path, env)
    assert report.code == 1
    status, rest = report.checks["Discord token"]
    assert status == "FAIL"
    assert "401" in rest
    assert "copy the bot token again" in rest
    assert report.checks["Slack bot token"][0] == "ok"
    assert_no_secret(report, wrong)


async def test_a_database_behind_on_migrations_fails_until_upgraded(tmp_path: Path) -> None:
    env = {"DATABASE_URL": await migrated_sqlite(tmp_path / "bot.db", "0002")}
    behind = await doctor(tmp_path, env)
    assert behind.code == 1
    status, rest = behind.checks["migrations"]
    assert status == "FAIL"
    assert "at 0002" in rest
    assert "-> run `studybot db upgrade`" in rest
    # The fix it names works.
    upgrade = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "db", "upgrade", cwd=tmp_path,
        env=clean_environment() | env, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL)
    assert await upgrade.wait() == 0
    fixed = await doctor(tmp_path, env)
    assert fixed.code == 0, fixed.out
    assert fixed.checks["migrations"][0] == "ok"
