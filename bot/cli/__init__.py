"""`studybot`: run the bot, manage the database, look things up, validate content."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from bot.config import Settings, SettingsError, load_settings


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"studybot: invalid setting {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _configure_logging(settings: Settings) -> None:
    # Logs go to stderr so the terminal adapter's stdout stays a clean conversation; JSON lines
    # unless stderr is a terminal; every configured secret and token-shaped string masked.
    from bot.logs import configure
    from bot.logs.redaction import Redactor, secrets_of

    configure(settings.log_level, Redactor(secrets_of(settings)))


def _run(args: argparse.Namespace) -> int:
    from bot.runner import run

    settings = _settings_or_exit()
    _configure_logging(settings)
    return asyncio.run(run(settings, args.platform, args.user))


def _db(args: argparse.Namespace) -> int:
    from bot.store import migrations
    from bot.store.database import create_engine

    settings = _settings_or_exit()
    _configure_logging(settings)

    async def act() -> None:
        engine = create_engine(settings.database_url)
        try:
            if args.action == "upgrade":
                await migrations.upgrade(engine, args.revision or "head")
            elif args.action == "downgrade":
                await migrations.downgrade(engine, args.revision or "-1")
            print(await migrations.current_revision(engine) or "(empty database)")
        finally:
            await engine.dispose()

    asyncio.run(act())
    return 0


def _slack_manifest(args: argparse.Namespace) -> int:
    from bot.bootstrap import registry_for
    from bot.catalog.loader import load
    from bot.platforms.slack import manifest

    registry = registry_for(load(_settings_or_exit().content_dir))
    print(manifest.render(registry, socket_mode=args.socket, base_url=args.url), end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from bot.cli import content as content_commands
    from bot.cli import dashboard as dashboard_commands
    from bot.cli import discord as discord_commands
    from bot.cli import doctor
    from bot.cli import questions as question_commands

    parser = argparse.ArgumentParser(prog="studybot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the bot")
    run.add_argument("--platform", choices=["shell", "discord", "slack", "all"], default="all",
                     help="all (default): every platform with a token; the terminal when none")
    run.add_argument("--user", default=None, help="your name in the terminal")
    run.set_defaults(func=_run)

    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade", "current"])
    db.add_argument("revision", nargs="?", default=None)
    db.set_defaults(func=_db)

    slack = sub.add_parser("slack", help="Slack app helpers")
    slack_sub = slack.add_subparsers(dest="slack_command", required=True)
    manifest = slack_sub.add_parser("manifest", help="print the Slack app manifest (YAML)")
    manifest.add_argument("--socket", action="store_true", help="the Socket Mode variant")
    manifest.add_argument("--url", default="https://studybot.example.com",
                          help="the public base URL of the bot (HTTP mode)")
    manifest.set_defaults(func=_slack_manifest)

    content_commands.register(sub)
    discord_commands.register(sub)
    doctor.register(sub)
    dashboard_commands.register(sub)
    question_commands.register(sub)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if getattr(args, "user", "") is None:
        args.user = _default_user()
    sys.exit(args.func(args))


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"
