"""A question typed into a form (a Slack modal, a Discord modal, the terminal): read into the content
model, so it passes exactly the rules `content validate` applies, with each problem said against the
field it is about.

The fields are text as people type them: the prompt, the choices one per line with the right one
marked by a leading `*`, the explanation, the topic (one of the bank's, or a new one written
`slug: Title`), and the difficulty (1-3, or easy/medium/hard; 2 when left empty).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from bot.catalog.catalog import Catalog
from bot.catalog.lint import lint_beside
from bot.catalog.loader import describe
from bot.catalog.model import Question, Topic, TopicFile
from bot.catalog.own_rules import OWN_ID_MAX, mentions, slug_of, topic_name_problem
from bot.catalog.source import SourceFile
from bot.catalog.yaml_lines import LinedDocument

FIELDS = ("prompt", "choices", "explanation", "topic", "difficulty")
KEY_MARK = "*"
DIFFICULTIES = {"1": 1, "2": 2, "3": 3, "easy": 1, "medium": 2, "hard": 3}
DIFFICULTY_NAMES = {1: "1 (easy)", 2: "2 (medium)", 3: "3 (hard)"}
_NEW_TOPIC = re.compile(r"(?P<slug>[^\s:]+)\s*:\s*(?P<title>.+)")


class FormErrors(Exception):
    """The form cannot be taken as it is: one message per field (`FIELDS`)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


@dataclass(frozen=True)
class FormQuestion:
    question: Question
    topic: str
    new_topic: Topic | None  # a topic the form starts (`deploy: Our deploy`)
    warnings: tuple[str, ...]  # what a reviewer would flag (bot/catalog/lint), never blocking


def read_form(values: Mapping[str, str], *, bank: Catalog, bundled: Catalog,
              taken: Collection[str], keep_id: str | None = None) -> FormQuestion:
    """The question the form describes, or FormErrors. `bank` is what the workspace studies
    from (to resolve topics and spot duplicates), `taken` every id that may not be given again
    (the workspace's, ever, and the bundled bank's); `keep_id` is the id of the question being
    edited, kept unless its topic changes."""
    problems: dict[str, str] = {}
    text = {name: (values.get(name) or "").strip() for name in FIELDS}

    topic, new_topic = _topic(text["topic"], bank, bundled, problems)
    choices = _choices(text["choices"], problems)
    difficulty: Any = DIFFICULTIES.get(text["difficulty"].lower(), text["difficulty"] or 2)
    for name in ("prompt", "choices", "explanation"):
        if mentions(text[name]) and name not in problems:
            problems[name] = "no mentions (<@…>) in a question: it would notify people"
    question_id = "x.q.x"
    if topic is not None:
        question_id = _question_id(topic, text["prompt"], taken, keep_id)
    raw = {"id": question_id, "prompt": text["prompt"], "choices": choices,
           "explanation": text["explanation"], "difficulty": difficulty}
    try:
        question = Question.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            field = _field_of(error["loc"])
            problems.setdefault(field, _wording(field, error))
        raise FormErrors(problems) from None
    if problems or topic is None:
        raise FormErrors(problems)
    warnings = advice(question, new_topic or bank.topics[topic], bank, keep_id)
    return FormQuestion(question, topic, new_topic, warnings)


def advice(question: Question, topic: Topic, bank: Catalog,
           replaces: str | None = None) -> tuple[str, ...]:
    """The content warnings about one question joining `bank` (in place of `replaces`): a key
    that gives itself away, the same question as one already there."""
    candidate = SourceFile("form", LinedDocument(None), TopicFile.model_construct(
        topic=topic, entries=(), questions=(question,)), {"entries": [], "questions": [0]})
    others = [q for q in bank.questions_in() if q.id not in (replaces, question.id)]
    return tuple(p.message for p in lint_beside([candidate], others))


def form_values(question: Question, topic: str) -> dict[str, str]:
    """The fields that show `question` again (to edit it)."""
    choices = "\n".join(f"{KEY_MARK} {c.text}" if c.correct else c.text for c in question.choices)
    return {"prompt": question.prompt, "choices": choices, "explanation": question.explanation,
            "topic": topic, "difficulty": str(question.difficulty)}


def _topic(text: str, bank: Catalog, bundled: Catalog,
           problems: dict[str, str]) -> tuple[str | None, Topic | None]:
    if not text:
        problems["topic"] = "which topic? One of the bank's, or a new one as `slug: Title`"
        return None, None
    found = bank.resolve_topic(text)
    if found is not None:
        return found, None
    match = _NEW_TOPIC.fullmatch(text)
    if match is None:
        problems["topic"] = (f"unknown topic {text!r}; topics: {', '.join(sorted(bank.topics))}; "
                             "or start one as `slug: Title`")
        return None, None
    slug, title = match["slug"].lower(), match["title"].strip()
    found = bank.resolve_topic(slug)
    if found is not None:  # `k8s: Kubernetes`: the topic there is
        return found, None
    try:
        topic = Topic(slug=slug, title=title)
    except ValidationError as exc:
        problems["topic"] = "; ".join(f"{_loc(e['loc'])}{describe(e)}" for e in exc.errors())
        return None, None
    problem = topic_name_problem(slug, bundled)
    if problem is not None:
        problems["topic"] = problem
        return None, None
    return slug, topic


def _loc(loc: tuple[int | str, ...]) -> str:
    return f"{loc[0]}: " if loc else ""


def _choices(text: str, problems: dict[str, str]) -> list[dict[str, Any]]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    marked = [line.startswith(KEY_MARK) for line in lines]
    if lines and sum(marked) != 1:
        problems["choices"] = (
            f"mark the right choice with a {KEY_MARK} at the start of its line" if not any(marked)
            else f"{sum(marked)} choices are marked with {KEY_MARK}; mark exactly one")
    return [{"text": line.removeprefix(KEY_MARK).strip(), "correct": mark}
            for line, mark in zip(lines, marked, strict=True)]


def _question_id(topic: str, prompt: str, taken: Collection[str], keep_id: str | None) -> str:
    if keep_id is not None and keep_id.startswith(f"{topic}.q."):
        return keep_id
    base = f"{topic}.q.{slug_of(prompt, OWN_ID_MAX - len(topic) - 6)}"  # room for "-NN"
    found, number = base, 2
    while found in taken:
        found, number = f"{base}-{number}", number + 1
    return found


def _field_of(loc: tuple[int | str, ...]) -> str:
    """The form field a validation error of the model is about."""
    head = str(loc[0]) if loc else "choices"  # the model's own checks are about the choices
    return head if head in FIELDS else "topic" if head == "id" else "prompt"


def _wording(field: str, error: Any) -> str:
    kind = error["type"]
    if field == "choices" and kind in ("too_short", "too_long"):
        return "give 2 to 5 choices, one per line"
    if field == "choices" and len(error["loc"]) > 1:
        return f"choice {int(error['loc'][1]) + 1}: {describe(error)}"
    if field == "difficulty":
        return "1 (easy), 2 (medium) or 3 (hard)"
    if kind == "string_too_short":
        return "required"
    return describe(error)
