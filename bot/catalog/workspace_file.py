"""A workspace's own content as a file, for people who keep their questions in git: the format of
content/, one topic per YAML document, several documents in one file (`---` between them).

A document whose topic is a bundled one (`slug: k8s`) adds its questions and entries to that topic;
any other slug is a topic of the workspace's own. Reading validates with the rules of `content
validate` (file:line for every problem) plus what own content must be (bot/catalog/own_rules.py);
writing gives back a file that reads into the same content.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.catalog.catalog import Catalog
from bot.catalog.lint import lint_beside
from bot.catalog.loader import ContentError, cross_checks, validate_document
from bot.catalog.model import Entry, Question, Topic
from bot.catalog.own_rules import OWN_ID_MAX, mentions, topic_name_problem
from bot.catalog.source import Problem, SourceFile
from bot.catalog.yaml_lines import YamlProblem, parse_all


@dataclass(frozen=True)
class OwnContent:
    """Topics of the workspace's own (bundled topics are not repeated), and the entries and
    questions of every document, each with its topic's slug."""

    topics: list[Topic] = field(default_factory=list)
    entries: list[tuple[str, Entry]] = field(default_factory=list)
    questions: list[tuple[str, Question]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def read(name: str, text: str, *, bundled: Catalog, bank: Catalog,
         known_entries: Collection[str] = ()) -> OwnContent:
    """The content of the file, or ContentError with every problem at file:line. `bank` is what
    the workspace studies from now (duplicates are warned of), `known_entries` the workspace's
    entries already stored (a question may point at one)."""
    try:
        documents = [d for d in parse_all(text) if d.data is not None]
    except YamlProblem as exc:
        raise ContentError([Problem(name, exc.line, exc.message)]) from None
    if not documents:
        raise ContentError([Problem(name, 1, "no topic in the file")])
    problems: list[Problem] = []
    parsed: list[SourceFile] = []
    for doc in documents:
        content, positions, found = validate_document(name, doc)
        problems.extend(found)
        if content is not None:
            parsed.append(SourceFile(name, doc, content, positions))
    problems.extend(cross_checks(parsed, {*bundled.entries, *known_entries}, bank.topics))
    problems.extend(_own_rules(parsed, bundled))
    if problems:
        raise ContentError(problems)
    ids = {q.id for source in parsed for _, q in source.questions()}
    warnings = lint_beside(parsed, [q for q in bank.questions_in() if q.id not in ids])
    return OwnContent(
        topics=[s.content.topic for s in parsed if s.slug not in bundled.topics],
        entries=[(s.slug, e) for s in parsed for e in s.content.entries],
        questions=[(s.slug, q) for s in parsed for q in s.content.questions],
        warnings=sorted(warnings),
    )


def _own_rules(parsed: list[SourceFile], bundled: Catalog) -> Iterable[Problem]:
    for source in parsed:
        topic = source.content.topic
        # A bundled topic's header is the bundled topic's: its names are its own.
        names = () if topic.slug in bundled.topics else (topic.slug, *topic.aliases)
        for name in names:
            problem = topic_name_problem(name, bundled) if name == topic.slug else (
                f"{name!r} already names the topic {bundled.resolve_topic(name)!r}"
                if bundled.resolve_topic(name) is not None else None)
            if problem is not None:
                yield Problem(source.path, source.line(("topic",)), f"topic: {problem}")
        for index, entry in source.entries():
            where = ("entries", index)
            if entry.id in bundled.entries:
                yield Problem(source.path, source.line((*where, "id")),
                              f"entries.{index}.id: {entry.id!r} is an entry of the bundled bank")
            if mentions(entry.body):
                yield Problem(source.path, source.line((*where, "body")),
                              f"entries.{index}.body: no mentions (<@…>): they would notify people")
        for index, question in source.questions():
            where = ("questions", index)
            if question.id in bundled.questions:
                yield Problem(source.path, source.line((*where, "id")), f"questions.{index}.id: "
                              f"{question.id!r} is a question of the bundled bank")
            if len(question.id) > OWN_ID_MAX:
                yield Problem(source.path, source.line((*where, "id")), f"questions.{index}.id: "
                              f"at most {OWN_ID_MAX} characters here (button ids)")
            texts = [question.prompt, question.explanation, *(c.text for c in question.choices)]
            if any(mentions(t) for t in texts):
                yield Problem(source.path, source.line(where), f"questions.{index}: no mentions "
                              "(<@…>) in a question: it would notify people")


def write(content: OwnContent, bundled: Catalog) -> str:
    """The file: one document per topic, the workspace's own topics first, then the bundled ones
    it adds to, each in slug order; within one, entries and questions by id."""
    own = {t.slug: t for t in content.topics}
    slugs = sorted(own) + sorted({s for s, _ in [*content.entries, *content.questions]} - set(own))
    documents = []
    for slug in slugs:
        topic = own.get(slug) or bundled.topics[slug]
        document: dict[str, Any] = {"topic": _topic(topic)}
        entries = sorted((e for s, e in content.entries if s == slug), key=lambda e: e.id)
        questions = sorted((q for s, q in content.questions if s == slug), key=lambda q: q.id)
        if entries:
            document["entries"] = [_entry(e) for e in entries]
        if questions:
            document["questions"] = [_question(q) for q in questions]
        documents.append(document)
    return yaml.dump_all(documents, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                         explicit_start=True, width=100)


def _topic(topic: Topic) -> dict[str, Any]:
    shown: dict[str, Any] = {"slug": topic.slug, "title": topic.title}
    if topic.aliases:
        shown["aliases"] = list(topic.aliases)
    if topic.description:
        shown["description"] = topic.description
    return shown


def _entry(entry: Entry) -> dict[str, Any]:
    shown: dict[str, Any] = {"id": entry.id, "title": entry.title}
    if entry.keywords:
        shown["keywords"] = list(entry.keywords)
    shown["body"] = entry.body
    if entry.see_also:
        shown["see_also"] = list(entry.see_also)
    return shown


def _question(question: Question) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": question.id, "prompt": question.prompt,
        "choices": [{"text": c.text, "correct": True} if c.correct else {"text": c.text}
                    for c in question.choices],
        "explanation": question.explanation, "difficulty": question.difficulty,
    }
    if question.entry:
        shown["entry"] = question.entry
    if question.retired:
        shown["retired"] = True
    return shown


class _Dumper(yaml.SafeDumper):
    """Multi-line text as a `|` block, as people write it in content/."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)
