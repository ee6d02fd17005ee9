"""`studybot questions import|export`: a workspace's own questions in files, for teams that keep
them in git (the format of content/, several topics per file; bot/catalog/workspace_file.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.config import SettingsError, load_settings

if TYPE_CHECKING:
    from bot.service.study import StudyService

T = TypeVar("T")

PLATFORMS = ["slack", "discord", "shell"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    questions = sub.add_parser("questions", help="a workspace's own questions, to and from files")
    actions = questions.add_subparsers(dest="questions_command", required=True)
    load = actions.add_parser(
        "import", help="add or update a workspace's own topics, entries and questions",
        description="Read FILE (the format of content/, one topic per YAML document, `---` "
                    "between them) into one workspace. Every problem is reported as file:line and "
                    "nothing is stored then. A question already there (same id) is updated. New "
                    "questions are proposed (admins approve them in chat) unless --approve.")
    load.add_argument("file", type=Path)
    _where(load)
    load.add_argument("--approve", action="store_true",
                      help="approve the questions at once (they join the rotation)")
    load.set_defaults(func=run_import)
    save = actions.add_parser(
        "export", help="print a workspace's own bank as a file `questions import` reads back",
        description="Its topics and entries, its approved and retired questions.")
    _where(save)
    save.add_argument("--out", type=Path, default=None, help="write to this file (default: stdout)")
    save.set_defaults(func=run_export)


def _where(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--platform", choices=PLATFORMS, required=True)
    parser.add_argument("--workspace", required=True,
                        help="the Slack team id, the Discord server id, or 'local' (the terminal)")


def run_import(args: argparse.Namespace) -> int:
    from bot.catalog.loader import ContentError

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{args.file}: cannot read: {exc}", file=sys.stderr)
        return 2
    try:
        report = _with_service(lambda service: service.import_questions(
            args.platform, args.workspace, str(args.file), text, args.approve))
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{args.file}: not imported ({len(exc.problems)} problem(s))", file=sys.stderr)
        return 1
    if report is None:
        return 2
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    state = "approved" if report.approved else "proposed (or as they were)"
    print(f"{args.file}: into {args.platform} {args.workspace}: {len(report.added)} added, "
          f"{len(report.updated)} updated ({state}); its own topics: {report.topics}, "
          f"entries: {report.entries}")
    for question_id in report.added:
        print(f"  + {question_id}")
    for question_id in report.updated:
        print(f"  ~ {question_id}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    text = _with_service(lambda service: service.export_questions(args.platform, args.workspace))
    if text is None:
        return 2
    if args.out is None:
        print(text, end="")
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0


def _with_service(use: Callable[[StudyService], Awaitable[T]]) -> T | None:
    """Run one use case on the configured database (upgraded, as `studybot run` would); None
    when the settings are wrong (said on stderr)."""
    from bot.bootstrap import open_app
    from bot.cli import _configure_logging

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"studybot: invalid setting {exc}", file=sys.stderr)
        return None
    _configure_logging(settings)

    async def act() -> T:
        app = await open_app(settings)
        try:
            return await use(app.service)
        finally:
            await app.close()

    return asyncio.run(act())
