"""`studybot doctor`: what is wrong with this installation, one line per check, each failure with
the way to fix it. Exit 1 when any check fails.

It reads the settings, reaches the database and each configured platform (5 s at most each), and
never prints a secret: every line goes through the same redaction as the logs.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import URL, make_url

from bot.config import Settings, SettingsError, load_settings
from bot.logs.redaction import Redactor, secrets_of

TIMEOUT_SECONDS = 5.0

# What Slack answers for a token it does not accept (auth.test, apps.connections.open).
_REFUSED = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
            "not_allowed_token_type"}


@dataclass(frozen=True)
class Check:
    what: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{'ok' if self.ok else 'FAIL':<4}  {self.what}  ({self.detail})"
        return f"{text}  -> {self.fix}" if not self.ok and self.fix else text


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    doctor = subparsers.add_parser(
        "doctor", help="check settings, database, content and tokens; run it first when stuck",
        description="Check the settings, the database and its migrations, the content and each "
                    "configured platform's token. One line per check; exit 1 on any failure.",
    )
    doctor.set_defaults(func=run)


def run(_args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        variable = str(exc).split(":", 1)[0]
        print(Check("settings", False, str(exc),
                    f"set {variable} correctly in the environment or in .env").line())
        return 1
    from bot.logs import configure

    redactor = Redactor(secrets_of(settings))
    configure("WARNING", redactor)  # library warnings on stderr, redacted; the report on stdout
    return asyncio.run(_report(settings, redactor))


async def _report(settings: Settings, redactor: Redactor) -> int:
    failed = False
    async for check in diagnose(settings):
        failed |= not check.ok
        print(redactor(check.line()), flush=True)
    return 1 if failed else 0


async def diagnose(settings: Settings) -> AsyncIterator[Check]:
    """Every check, in the order a person would fix things."""
    yield _settings(settings)
    async for check in _database(settings):
        yield check
    yield _content(settings.content_dir)
    if settings.slack_bot_token is not None:
        yield await _bounded("Slack bot token", "SLACK_API_URL", _slack_bot(settings))
    elif settings.slack_client_id is not None:
        yield Check("Slack", True, "OAuth installs: each workspace's token is checked when used")
    if settings.slack_app_token is not None:
        yield await _bounded("Slack app token", "SLACK_API_URL", _slack_app(settings))
    if settings.discord_token is not None:
        yield await _bounded("Discord token", "DISCORD_API_URL", _discord(settings))


def _settings(settings: Settings) -> Check:
    platforms = [name for name, on in (("discord", settings.discord_enabled),
                                       ("slack", settings.slack_enabled)) if on]
    if settings.slack_enabled and settings.slack_signing_secret is None:
        return Check("settings", False, "SLACK_SIGNING_SECRET is missing; Slack needs it",
                     "copy the Signing Secret from the Slack app's Basic Information page "
                     "into SLACK_SIGNING_SECRET")
    if settings.slack_client_id and settings.slack_client_secret is None \
            and settings.slack_bot_token is None:
        return Check("settings", False, "SLACK_CLIENT_ID is set without SLACK_CLIENT_SECRET",
                     "copy the Client Secret from the Slack app's Basic Information page "
                     "into SLACK_CLIENT_SECRET")
    dialect = settings.database_url.split(":", 1)[0].split("+", 1)[0]
    return Check("settings", True, f"platforms: {', '.join(platforms) or 'none, the terminal'}; "
                                   f"database: {dialect}; log level {settings.log_level}")


async def _database(settings: Settings) -> AsyncIterator[Check]:
    from bot.store import migrations
    from bot.store.database import create_engine

    url_fix = "check DATABASE_URL (host, port, user, password, database name) and that the " \
              "server is running and reachable from here"
    try:
        url = make_url(settings.database_url)
        where = url.render_as_string(hide_password=True)
    except Exception as exc:
        yield Check("database", False, f"DATABASE_URL cannot be parsed: {_reason(exc)}", url_fix)
        return
    if _no_sqlite_file(url):
        # Connecting would create an empty file: say so instead of changing anything.
        yield Check("database", True, f"{where}: no file yet; `studybot run` creates and "
                                      "migrates it")
        return
    try:
        engine = create_engine(settings.database_url)
    except Exception as exc:
        yield Check("database", False, f"{where}: {_reason(exc)}", url_fix)
        return
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            current = await migrations.current_revision(engine)
    except TimeoutError:
        yield Check("database", False, f"{where}: no answer within {TIMEOUT_SECONDS:.0f} s", url_fix)
        return
    except Exception as exc:
        yield Check("database", False, f"{where}: {_reason(exc)}", url_fix)
        return
    finally:
        await engine.dispose()
    yield Check("database", True, f"{where}: connected")
    yield _migration_level(current, migrations.known_revisions())


def _no_sqlite_file(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and bool(url.database) \
        and url.database != ":memory:" and not Path(str(url.database)).exists()


def _migration_level(current: str | None, known: list[str]) -> Check:
    head = known[0]
    upgrade = "run `studybot db upgrade` (`studybot run` also upgrades at start-up)"
    if current == head:
        return Check("migrations", True, f"at head {head}")
    if current is None:
        return Check("migrations", False, f"empty database, head is {head}", upgrade)
    if current in known:
        behind = known.index(current)
        return Check("migrations", False, f"at {current}, {behind} behind head {head}", upgrade)
    return Check("migrations", False, f"at {current}, which this version does not know "
                                      f"(its head is {head})",
                 "a newer studybot migrated this database: run that version, or downgrade "
                 "with it (`studybot db downgrade`) before running this one")


def _content(folder: Path) -> Check:
    from bot.catalog.loader import check

    result = check(folder)
    catalog = result.catalog
    # Warnings are review advice: the bot runs with them, so they are told, never a failure.
    warned = (f"; {len(result.warnings)} warning(s), see `studybot content validate`"
              if result.warnings else "")
    if catalog is None:
        first = result.errors[0] if result.errors else "unknown problem"
        return Check("content", False,
                     f"{len(result.errors)} problem(s) in {folder}; first: {first}{warned}",
                     f"run `studybot content validate {folder}` for the list, fix each "
                     "file:line, or unset CONTENT_DIR for the bundled content")
    return Check("content", True, f"{folder}: {len(catalog.topics)} topics, "
                                  f"{len(catalog.entries)} entries, "
                                  f"{len(catalog.questions_in())} questions{warned}")


async def _bounded(what: str, url_setting: str, check: Awaitable[Check]) -> Check:
    """A network check, within the time limit; not reaching the platform is a failure too."""
    fix = f"check {url_setting} (unset means the real platform) and that this machine can reach it"
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            return await check
    except TimeoutError:
        return Check(what, False, f"no answer within {TIMEOUT_SECONDS:.0f} s", fix)
    except (aiohttp.ClientError, OSError) as exc:
        return Check(what, False, f"cannot reach it: {_reason(exc)}", fix)


async def _slack_bot(settings: Settings) -> Check:
    from bot.platforms.slack.clients import make_client

    assert settings.slack_bot_token is not None
    client = make_client(settings.slack_api_url, settings.slack_bot_token.get_secret_value())
    try:
        found = await client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        fix = ("the token was refused ({error}): copy the Bot User OAuth Token again (the Slack "
               "app's OAuth & Permissions page) into SLACK_BOT_TOKEN" if error in _REFUSED else
               "Slack refused the check ({error}); see https://api.slack.com/methods/auth.test")
        return Check("Slack bot token", False, f"auth.test: {error}", fix.format(error=error))
    return Check("Slack bot token", True, f"team {found.get('team')} ({found.get('team_id')}), "
                                          f"bot user {found.get('user_id')}")


async def _slack_app(settings: Settings) -> Check:
    from bot.platforms.slack.clients import make_client

    assert settings.slack_app_token is not None
    client = make_client(settings.slack_api_url)
    try:
        # The same call Socket Mode starts with; the one-time URL it returns is left unused.
        await client.apps_connections_open(app_token=settings.slack_app_token.get_secret_value())
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        return Check("Slack app token", False, f"apps.connections.open: {error}",
                     f"the app-level token was refused ({error}): create one with the "
                     "connections:write scope (the app's Basic Information page) and put it in "
                     "SLACK_APP_TOKEN, or unset it to serve Slack over HTTP")
    return Check("Slack app token", True, "Socket Mode can connect")


async def _discord(settings: Settings) -> Check:
    assert settings.discord_token is not None
    base = settings.discord_api_url  # a full base: the settings add /api/v10 to a bare host
    headers = {"Authorization": f"Bot {settings.discord_token.get_secret_value()}",
               "User-Agent": "DiscordBot (studybot doctor, 0.1)"}
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(timeout=timeout) as session, \
            session.get(f"{base}/users/@me", headers=headers) as response:
        if response.status == 401:
            return Check("Discord token", False, "GET /users/@me: 401 Unauthorized",
                         "the token was refused: copy the bot token again (Developer Portal, your "
                         "application, Bot, Reset Token) into DISCORD_TOKEN")
        if response.status != 200:
            return Check("Discord token", False, f"GET /users/@me: HTTP {response.status}",
                         f"Discord did not accept the check; is DISCORD_API_URL ({base}) right?")
        me = await response.json()
    return Check("Discord token", True, f"bot {me.get('username')} ({me.get('id')})")


def _reason(exc: BaseException) -> str:
    """One line about what went wrong: the driver's own error rather than SQLAlchemy's wrapper."""
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()
    summary = text[0] if text else ""
    name = type(inner).__name__
    return f"{name}: {summary}"[:300] if summary else name
