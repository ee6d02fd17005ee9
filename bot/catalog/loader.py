"""Load and validate a content folder: every problem is reported as `file:line: message`."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.catalog.catalog import Catalog
from bot.catalog.lint import lint
from bot.catalog.model import Entry, Question, Topic, TopicFile
from bot.catalog.source import Problem, SourceFile
from bot.catalog.yaml_lines import LinedDocument, YamlProblem, parse

__all__ = ["ContentError", "Problem", "Validation", "check", "content_files", "cross_checks", "describe",
           "load", "validate", "validate_document"]


class ContentError(Exception):
    """The content folder is invalid; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Validation:
    """The catalog (None when any error), the errors, and the warnings that never stop the bot."""

    catalog: Catalog | None
    errors: list[Problem]
    warnings: list[Problem] = field(default_factory=list)


def content_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


def check(folder: Path, warnings: bool = True) -> Validation:
    """Parse every file under folder: errors, and (unless told not to) the review warnings."""
    problems: list[Problem] = []
    parsed: list[SourceFile] = []
    files = content_files(folder)
    if not files:
        return Validation(None, [Problem(str(folder), 0, "no content files (*.yaml) found")])
    for path in files:
        name = str(path)
        try:
            doc = parse(path.read_text(encoding="utf-8"))
        except YamlProblem as exc:
            problems.append(Problem(name, exc.line, exc.message))
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(name, 1, f"cannot read file: {exc}"))
            continue
        content, positions, file_problems = validate_document(name, doc)
        problems.extend(file_problems)
        if content is not None:
            parsed.append(SourceFile(name, doc, content, positions))
    problems.extend(cross_checks(parsed))
    # Warnings cover whatever parsed, so one broken file does not hide advice on the others.
    advice = sorted(lint(parsed)) if warnings else []
    if problems:
        return Validation(None, sorted(problems), advice)
    return Validation(_assemble(parsed), [], advice)


def validate(folder: Path) -> tuple[Catalog | None, list[Problem]]:
    """The catalog (None when invalid) and the errors; warnings are `check`'s business."""
    result = check(folder, warnings=False)
    return result.catalog, result.errors


def load(folder: Path) -> Catalog:
    catalog, problems = validate(folder)
    if catalog is None:
        raise ContentError(problems)
    return catalog


def validate_document(
    name: str, doc: LinedDocument
) -> tuple[TopicFile | None, dict[str, list[int]], list[Problem]]:
    """One topic's document, item by item, so one bad question does not hide the problems of the
    others."""
    data = doc.data
    if not isinstance(data, dict):
        return None, {}, [Problem(name, 1, "a content file must be a mapping with 'topic', "
                                            "'entries' and 'questions'")]
    try:
        shell = TopicFile.model_validate({**data, "entries": [], "questions": []})
    except ValidationError as exc:
        return None, {}, list(_from_validation(name, doc, exc, ()))
    problems: list[Problem] = []
    kept: dict[str, list[Entry | Question]] = {"entries": [], "questions": []}
    positions: dict[str, list[int]] = {"entries": [], "questions": []}
    for kind, model in (("entries", Entry), ("questions", Question)):
        items = data.get(kind) or []
        if not isinstance(items, list):
            problems.append(Problem(name, doc.line_of((kind,)), f"{kind}: must be a list"))
            continue
        for index, raw in enumerate(items):
            try:
                kept[kind].append(model.model_validate(raw))
                positions[kind].append(index)
            except ValidationError as exc:
                problems.extend(_from_validation(name, doc, exc, (kind, index)))
    content = shell.model_copy(
        update={"entries": tuple(kept["entries"]), "questions": tuple(kept["questions"])}
    )
    return content, positions, problems


def _from_validation(
    name: str, doc: LinedDocument, exc: ValidationError, base: tuple[str | int, ...]
) -> Iterable[Problem]:
    for error in exc.errors():
        loc = (*base, *error["loc"])
        where = ".".join(str(part) for part in loc) or "file"
        yield Problem(name, doc.line_of(loc), f"{where}: {describe(error)}")


def describe(error: ErrorDetails) -> str:
    """What one validation error means, in the words `content validate` uses."""
    loc = error["loc"]
    if error["type"] == "missing":
        return f"missing field {loc[-1]!r}" if loc else "missing"
    if error["type"] == "extra_forbidden":
        return f"unknown field {loc[-1]!r}" if loc else "unknown field"
    if error["type"] == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        length = len(error["input"]) if isinstance(error.get("input"), str) else "?"
        return f"text too long for Discord/Slack ({length} > {limit} characters)"
    return error["msg"].removeprefix("Value error, ")


def cross_checks(parsed: list[SourceFile], known_entries: Collection[str] = (),
                 known_topics: Collection[str] = ()) -> list[Problem]:
    """What no single item can tell: ids in their topic, unique, and references that resolve
    (to an entry of these files, or to one of `known_entries`; `known_topics` exist besides
    these files' own)."""
    problems: list[Problem] = []
    topics: dict[str, str] = {}
    names: dict[str, str] = {}
    for item in parsed:
        topic = item.content.topic
        for name in (topic.slug, *topic.aliases):
            if name in names:
                problems.append(
                    Problem(item.path, item.doc.line_of(("topic",)),
                            f"topic name {name!r} is already used by topic {names[name]!r}")
                )
            names[name] = topic.slug
        topics[topic.slug] = item.path

    seen: dict[str, str] = {}
    entry_ids = {e.id for item in parsed for e in item.content.entries} | set(known_entries)
    for item in parsed:
        slug = item.content.topic.slug
        kinds: tuple[tuple[str, Sequence[Entry | Question]], ...] = (
            ("entries", item.content.entries), ("questions", item.content.questions))
        for kind, items in kinds:
            for position, thing in enumerate(items):
                index = item.positions[kind][position]
                line = item.doc.line_of((kind, index, "id"))
                prefix = thing.id.split(".", 1)[0]
                if prefix not in topics and prefix not in known_topics:
                    problems.append(Problem(item.path, line, f"{kind}.{index}.id: unknown topic "
                                            f"{prefix!r} in id {thing.id!r}"))
                elif prefix != slug:
                    problems.append(Problem(item.path, line, f"{kind}.{index}.id: id {thing.id!r} "
                                            f"must start with this file's topic {slug!r}"))
                elif (kind == "questions") != thing.id.startswith(f"{slug}.q."):
                    shape = f"{slug}.q.<slug>" if kind == "questions" else f"{slug}.<slug>"
                    problems.append(Problem(item.path, line, f"{kind}.{index}.id: id {thing.id!r} "
                                            f"must look like {shape!r}"))
                if thing.id in seen:
                    problems.append(Problem(item.path, line, f"{kind}.{index}.id: duplicate id "
                                            f"{thing.id!r} (first defined at {seen[thing.id]})"))
                else:
                    seen[thing.id] = f"{item.path}:{line}"
        for position, entry in enumerate(item.content.entries):
            index = item.positions["entries"][position]
            for ref in entry.see_also:
                if ref not in entry_ids:
                    problems.append(Problem(item.path, item.doc.line_of(("entries", index, "see_also")),
                                            f"entries.{index}.see_also: unknown entry {ref!r}"))
        for position, question in enumerate(item.content.questions):
            index = item.positions["questions"][position]
            if question.entry is not None and question.entry not in entry_ids:
                problems.append(Problem(item.path, item.doc.line_of(("questions", index, "entry")),
                                        f"questions.{index}.entry: unknown entry {question.entry!r}"))
    return problems


def _assemble(parsed: list[SourceFile]) -> Catalog:
    topics: list[Topic] = []
    entries: list[tuple[str, Entry]] = []
    questions: list[tuple[str, Question]] = []
    for item in parsed:
        slug = item.content.topic.slug
        topics.append(item.content.topic)
        entries.extend((slug, e) for e in item.content.entries)
        questions.extend((slug, q) for q in item.content.questions)
    return Catalog.build(topics, entries, questions)
