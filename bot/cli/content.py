"""The `studybot lookup` and `studybot content validate|import|report` commands.

Exit codes: 0 done (a lookup that finds nothing is an answer too; warnings alone are advice),
1 invalid content (or warnings under `validate --strict`) or a failed import, 2 a usage error
(unknown topic, unreadable file, bad settings).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bot.authoring.content_yaml import to_yaml
from bot.authoring.importer import ImportProblem, import_cheatsheet
from bot.catalog.catalog import Catalog
from bot.catalog.loader import Problem, check, content_files, validate
from bot.catalog.model import SLUG_PATTERN
from bot.catalog.search.index import SearchIndex
from bot.cli.item_report import render_csv, render_json, render_table
from bot.config import SettingsError, load_settings
from bot.rules.items import DEFAULT_MIN_ANSWERS
from bot.service.views import ItemReport


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lookup = subparsers.add_parser(
        "lookup", help="find the cheat-sheet entry for a query",
        description="Find the entry a query means, as /TOPIC QUERY does in chat.",
    )
    lookup.add_argument("--topic", help="search one topic (slug or alias); default: all")
    lookup.add_argument("--limit", type=_positive, default=5, help="hits to return (default 5)")
    lookup.add_argument("--json", action="store_true", help="print a JSON array of hits")
    lookup.add_argument("query", nargs="+", help="what to look up, e.g. pod stuck pending")
    lookup.set_defaults(func=run_lookup)

    content = subparsers.add_parser("content", help="validate or import content files")
    actions = content.add_subparsers(dest="content_command", required=True, metavar="ACTION")
    check = actions.add_parser(
        "validate", help="check every content file; exit 1 on any problem",
        description="Check every content file and print each problem as file:line: message. "
                    "Errors make the content invalid (exit 1); warnings (guessable keys, skewed "
                    "key positions, duplicates, see_also rings) are advice (exit 0).",
    )
    check.add_argument("dir", nargs="?", type=Path, help="content folder (default: CONTENT_DIR)")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.set_defaults(func=run_validate)
    importer = actions.add_parser(
        "import", help="turn a Markdown cheat sheet into content files",
        description="Turn a Markdown cheat sheet into lookup entries in the content format.",
    )
    importer.add_argument("file", type=Path, help="the Markdown cheat sheet")
    importer.add_argument("--topic", type=_slug, help="put every section into this one topic")
    importer.add_argument("--out", type=Path, help="write <topic>.yaml files here (default: print)")
    importer.add_argument("--force", action="store_true", help="overwrite existing files in --out")
    importer.set_defaults(func=run_import)
    report = actions.add_parser(
        "report", help="item analysis: how each question performs, from the stored answers",
        description="Measure every question from the answers in the database (DATABASE_URL): "
                    "times asked, answers, difficulty (share right), discrimination (point-"
                    "biserial r with the answerer's accuracy on other questions, and the upper-"
                    "minus-lower 27%% index), pick rate per choice; flagged questions first.",
    )
    report.add_argument("--platform", help="only this platform (slack, discord, shell)")
    report.add_argument("--workspace", help="only this workspace (Slack team / Discord guild id)")
    report.add_argument("--min-answers", type=_positive, default=DEFAULT_MIN_ANSWERS,
                        help=f"answers a question needs before it is flagged "
                             f"(default {DEFAULT_MIN_ANSWERS})")
    form = report.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the report as JSON")
    form.add_argument("--csv", action="store_true", help="print one CSV row per question")
    report.set_defaults(func=run_report)


def run_lookup(args: argparse.Namespace) -> int:
    catalog = _catalog()
    if catalog is None:
        return 1
    topic: str | None = None
    if args.topic is not None:
        topic = catalog.resolve_topic(args.topic)
        if topic is None:
            print(f"unknown topic {args.topic!r}; valid topics: {_topic_names(catalog)}",
                  file=sys.stderr)
            return 2
    index = SearchIndex.build(catalog)
    query = " ".join(args.query)
    hits = index.search(query, topic, args.limit)
    if args.json:
        rows: list[dict[str, Any]] = []
        for hit in hits:
            entry = catalog.entries[hit.entry_id]
            rows.append({"id": hit.entry_id, "topic": hit.topic, "title": hit.title,
                         "body": entry.body, "score": round(hit.score, 4),
                         "keywords": list(entry.keywords), "see_also": list(entry.see_also)})
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not hits:
        closest = ", ".join(h.title for h in index.suggest(query, topic, 3))
        print(f"No entry matches {query!r}. Closest: {closest}")
        elsewhere = index.search(query, None, 3) if topic is not None else []
        if elsewhere:
            found = "; ".join(f"{h.title} ({h.topic})" for h in elsewhere)
            print(f"In other topics: {found}")
        return 0
    entry = catalog.entries[hits[0].entry_id]
    print(f"{entry.title}\n[{catalog.topics[hits[0].topic].title} · {entry.id}]\n")
    print(entry.body.rstrip())
    others = [h.title for h in hits[1:]] or [
        catalog.entries[ref].title for ref in entry.see_also if ref in catalog.entries
    ]
    if others:
        print(f"\nSee also: {'; '.join(others)}")
    return 0


def run_validate(args: argparse.Namespace) -> int:
    folder = args.dir
    if folder is None:
        try:
            folder = load_settings().content_dir
        except SettingsError as exc:
            print(exc, file=sys.stderr)
            return 2
    result = check(folder)
    for problem in sorted(result.errors + result.warnings):
        print(problem)
    warned = f", {len(result.warnings)} warning(s)" if result.warnings else ""
    if result.catalog is None:
        print(f"{len(result.errors)} problem(s){warned} in {folder}", file=sys.stderr)
        return 1
    catalog = result.catalog
    print(f"{folder}: valid ({len(catalog.topics)} topics, {len(catalog.entries)} entries, "
          f"{len(catalog.questions_in())} questions, "
          f"{len(catalog.questions) - len(catalog.questions_in())} retired){warned}")
    if result.warnings and args.strict:
        print(f"{len(result.warnings)} warning(s) fail --strict", file=sys.stderr)
        return 1
    return 0


def run_report(args: argparse.Namespace) -> int:
    from bot.bootstrap import open_app
    from bot.catalog.loader import ContentError

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2

    async def measure() -> ItemReport:
        # No migration: a report reads, it never changes the schema under a running bot.
        app = await open_app(settings, migrate=False)
        try:
            return await app.service.item_report(args.platform, args.workspace, args.min_answers)
        finally:
            await app.close()

    try:
        report = asyncio.run(measure())
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.json:
        print(render_json(report))
    elif args.csv:
        print(render_csv(report), end="")
    else:
        print(render_table(report))
    return 0


def run_import(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        files = import_cheatsheet(text, args.topic)
    except ImportProblem as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 1
    rendered = {slug: to_yaml(data) for slug, data in files.items()}
    if args.out is None:
        problems = _check({}, rendered)
        if problems:
            return _report(problems)
        print("\n---\n".join(f"# {slug}.yaml\n{text}" for slug, text in rendered.items()), end="")
        return 0
    targets = {slug: args.out / f"{slug}.yaml" for slug in rendered}
    existing = [str(path) for path in targets.values() if path.exists()]
    if existing and not args.force:
        print(f"would overwrite {', '.join(existing)}; pass --force to replace them",
              file=sys.stderr)
        return 1
    # The new files must validate together with what is already there, or nothing is written.
    kept = {p.name: p for p in content_files(args.out)} if args.out.is_dir() else {}
    problems = _check({name: p for name, p in kept.items()
                       if name not in {t.name for t in targets.values()}}, rendered)
    if problems:
        return _report(problems)
    args.out.mkdir(parents=True, exist_ok=True)
    for slug, path in targets.items():
        path.write_text(rendered[slug], encoding="utf-8")
        count = len(files[slug]["entries"])
        print(f"wrote {path} ({count} entries)", file=sys.stderr)
    return 0


def _catalog() -> Catalog | None:
    try:
        folder = load_settings().content_dir
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None
    catalog, problems = validate(folder)
    if catalog is None:
        for problem in problems:
            print(problem, file=sys.stderr)
    return catalog


def _check(existing: dict[str, Path], rendered: dict[str, str]) -> list[Problem]:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name, path in existing.items():
            shutil.copyfile(path, folder / name)
        for slug, text in rendered.items():
            (folder / f"{slug}.yaml").write_text(text, encoding="utf-8")
        _, problems = validate(folder)
        # Report the files by the name they would have, not by the scratch folder.
        return [Problem(Path(p.file).name, p.line, p.message) for p in problems]


def _report(problems: list[Problem]) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    print("nothing written: the result would not validate", file=sys.stderr)
    return 1


def _topic_names(catalog: Catalog) -> str:
    names = []
    for slug in sorted(catalog.topics):
        aliases = catalog.topics[slug].aliases
        names.append(f"{slug} ({', '.join(aliases)})" if aliases else slug)
    return ", ".join(names)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _slug(value: str) -> str:
    if not re.fullmatch(SLUG_PATTERN, value):
        raise argparse.ArgumentTypeError("must be a lower-case slug like 'k8s' or 'my-team'")
    return value
