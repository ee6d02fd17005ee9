"""A workspace's own content as a file: the format of content/, several topics per file, every
problem at file:line, and written back in a form that reads into the same content."""

from __future__ import annotations

import pytest

from bot.catalog.catalog import Catalog
from bot.catalog.loader import ContentError, load
from bot.catalog.workspace_file import OwnContent, read, write
from tests.support.data import DATA

BUNDLED = load(DATA / "engine")
TWO_TOPICS = """\
topic: {slug: runbooks, title: Our runbooks, aliases: [rb]}
entries:
- id: runbooks.deploy
  title: Our deploy runbook
  body: |
    Deploy with `./deploy.sh`.
    Roll back with `./rollback.sh`.
  see_also: [k8s.crashloopbackoff]
questions:
- id: runbooks.q.rollback
  prompt: What do we run first when a deploy fails?
  choices: [{text: ./rollback.sh, correct: true}, {text: ./deploy.sh}]
  explanation: Roll back first.
  entry: runbooks.deploy
---
topic: {slug: k8s, title: anything, aliases: [kubernetes]}
questions:
- id: k8s.q.our-ingress
  prompt: Which ingress controller do we run?
  choices: [{text: ingress-nginx, correct: true}, {text: Traefik}]
  explanation: Since 2025.
  entry: k8s.crashloopbackoff
  retired: true
"""


def own(text: str, bank: Catalog = BUNDLED) -> OwnContent:
    return read("ours.yaml", text, bundled=BUNDLED, bank=bank)


def refused(text: str) -> list[str]:
    with pytest.raises(ContentError) as raised:
        own(text)
    return [str(p) for p in raised.value.problems]


def test_two_topics_one_of_them_bundled() -> None:
    content = own(TWO_TOPICS)
    assert [t.slug for t in content.topics] == ["runbooks"]  # k8s stays the bundled topic
    assert [(slug, e.id) for slug, e in content.entries] == [("runbooks", "runbooks.deploy")]
    assert [(slug, q.id, q.retired) for slug, q in content.questions] == [
        ("runbooks", "runbooks.q.rollback", False), ("k8s", "k8s.q.our-ingress", True)]


def test_written_back_it_reads_into_the_same_content() -> None:
    content = own(TWO_TOPICS)
    text = write(content, BUNDLED)
    assert text.count("---") == 2
    again = own(text)
    assert again == content
    assert write(again, BUNDLED) == text


@pytest.mark.parametrize(("text", "problem"), [
    ("topic: {slug: runbooks, title: T}\nquestions:\n- id: runbooks.q.a\n  prompt: P\n"
     "  choices: [{text: a, correct: true}]\n  explanation: E\n",
     "ours.yaml:5: questions.0.choices: Tuple should have at least 2 items after validation, not 1"),
    ("topic: {slug: kubernetes, title: T}\n",
     "ours.yaml:1: topic: 'kubernetes' already names the topic 'k8s'"),
    ("topic: {slug: runbooks, title: T, aliases: [tf, linux]}\n",
     "ours.yaml:1: topic: 'linux' already names the topic 'linux'"),
    ("topic: {slug: k8s, title: K}\nquestions:\n- id: k8s.q.one\n  prompt: P\n"
     "  choices: [{text: a, correct: true}, {text: b}]\n  explanation: E\n",
     "ours.yaml:3: questions.0.id: 'k8s.q.one' is a question of the bundled bank"),
    ("topic: {slug: runbooks, title: T}\nentries:\n- id: runbooks.a\n  title: A\n"
     "  body: ask <@U1>\n",
     "ours.yaml:5: entries.0.body: no mentions (<@…>): they would notify people"),
    ("topic: {slug: runbooks, title: T}\nquestions:\n- id: runbooks.q.a\n  prompt: P\n"
     "  choices: [{text: a, correct: true}, {text: b}]\n  explanation: E\n  entry: runbooks.nope\n",
     "ours.yaml:7: questions.0.entry: unknown entry 'runbooks.nope'"),
    ("topic: {slug: runbooks, title: T}\nquestions:\n"
     f"- id: runbooks.q.{'x' * 50}\n  prompt: P\n"
     "  choices: [{text: a, correct: true}, {text: b}]\n  explanation: E\n",
     "ours.yaml:3: questions.0.id: at most 56 characters here (button ids)"),
    ("topic: {slug: runbooks, title: T}\n---\ntopic: {slug: runbooks, title: U}\n",
     "ours.yaml:3: topic name 'runbooks' is already used by topic 'runbooks'"),
    ("topic: [unclosed\n", "ours.yaml:2: invalid YAML"),
    ("", "ours.yaml:1: no topic in the file"),
])
def test_problems_are_reported_at_file_and_line(text: str, problem: str) -> None:
    assert any(p.startswith(problem) for p in refused(text)), refused(text)


def test_warnings_count_the_bank_in() -> None:
    text = ("topic: {slug: runbooks, title: T}\nquestions:\n- id: runbooks.q.logs\n"
            "  prompt: Which command shows the logs of the crashed container?\n"
            "  choices: [{text: a, correct: true}, {text: b}]\n  explanation: E\n")
    [warning] = own(text).warnings
    assert str(warning) == "ours.yaml:4: warning: runbooks.q.logs: same prompt as k8s.q.one"
