"""The bundled content validates and has the right shape; each validator message names the right
file and line on a broken file; `studybot content validate` reports them and exits 1."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import pytest

from bot.catalog.catalog import Catalog
from bot.catalog.loader import ContentError, load, validate
from bot.cli.content import register
from bot.paths import content_dir

TOPICS = {"terraform", "aws", "cicd", "k8s", "linux", "monitoring", "reliability", "security",
          "design", "python", "behavioral"}

# --- the bundled bank ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bank() -> Catalog:
    catalog, problems = validate(content_dir())
    assert problems == [], "\n".join(str(p) for p in problems)
    assert catalog is not None
    return catalog


def test_all_of_content_validates(bank: Catalog) -> None:
    assert set(bank.topics) == TOPICS
    assert bank.resolve_topic("tf") == "terraform"
    assert bank.resolve_topic("Kubernetes") == bank.resolve_topic("kube") == "k8s"


def test_the_bank_is_big_enough(bank: Catalog) -> None:
    assert len(bank.questions) >= 150
    assert len(bank.entries) >= 140


def test_every_topic_has_questions_and_entries(bank: Catalog) -> None:
    for slug in TOPICS:
        assert bank.questions_in([slug]), f"{slug} has no questions"
        assert bank.entries_in(slug), f"{slug} has no entries"


def test_every_question_has_three_or_four_choices(bank: Catalog) -> None:
    odd = {q.id: len(q.choices) for q in bank.questions.values() if len(q.choices) not in (3, 4)}
    assert odd == {}


def test_the_correct_answer_is_not_always_in_the_same_place(bank: Catalog) -> None:
    positions = Counter(q.correct_index for q in bank.questions.values())
    share = max(positions.values()) / len(bank.questions)
    assert share <= 0.45, f"correct answers by position: {dict(positions)}"


# --- each validator message on a broken file ----------------------------------------------------

VALID = """\
topic:
  slug: k8s
  title: Kubernetes
  aliases: [kube]

entries:
  - id: k8s.pending
    title: Pod stuck in Pending
    keywords: [pending]
    body: |
      Describe the pod and read its events.
    see_also: [k8s.oomkilled]
  - id: k8s.oomkilled
    title: OOMKilled
    body: The container went over its memory limit.
  - id: k8s.spare
    title: Nothing refers to this one
    keywords: [spare]
    body: So breaking it breaks nothing else.

questions:
  - id: k8s.q.pending
    prompt: A pod is Pending. What do you run first?
    choices:
      - text: kubectl describe pod POD
        correct: true
      - text: kubectl delete pod POD
      - text: kubectl top pod POD
    explanation: The events say why the scheduler cannot place it.
    entry: k8s.pending
"""


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


def broken(folder: Path, old: str, new: str) -> tuple[Path, str]:
    assert old in VALID
    text = VALID.replace(old, new, 1)
    path = folder / "k8s.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


def messages(folder: Path) -> list[str]:
    catalog, problems = validate(folder)
    assert catalog is None
    return [str(p) for p in problems]


def test_the_valid_file_is_valid(tmp_path: Path) -> None:
    broken(tmp_path, "k8s.pending", "k8s.pending")
    catalog, problems = validate(tmp_path)
    assert problems == []
    assert catalog is not None
    assert list(catalog.entries) == ["k8s.pending", "k8s.oomkilled", "k8s.spare"]


def test_duplicate_id(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "id: k8s.spare", "id: k8s.pending")
    first = line_of(text, "- id: k8s.pending")
    second = line_of(text, "- id: k8s.pending", occurrence=2)
    assert messages(tmp_path) == [
        f"{path}:{second}: entries.2.id: duplicate id 'k8s.pending' (first defined at "
        f"{path}:{first})"
    ]


def test_duplicate_question_id(tmp_path: Path) -> None:
    question = VALID[VALID.index("  - id: k8s.q.pending"):]
    path, text = broken(tmp_path, question, question + question)
    second = line_of(text, "- id: k8s.q.pending", occurrence=2)
    assert messages(tmp_path) == [
        f"{path}:{second}: questions.1.id: duplicate id 'k8s.q.pending' (first defined at "
        f"{path}:{line_of(text, '- id: k8s.q.pending')})"
    ]


def test_missing_correct_answer(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "        correct: true\n", "")
    assert messages(tmp_path) == [
        f"{path}:{line_of(text, '- id: k8s.q.pending')}: questions.0: no choice is marked "
        "correct: true"
    ]


def test_two_correct_answers(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "      - text: kubectl delete pod POD\n",
                        "      - text: kubectl delete pod POD\n        correct: true\n")
    assert messages(tmp_path) == [
        f"{path}:{line_of(text, '- id: k8s.q.pending')}: questions.0: 2 choices are marked "
        "correct: true; exactly one must be"
    ]


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("text: kubectl top pod POD", "text: " + "k" * 76, "k" * 76,
         "questions.0.choices.2.text: text too long for Discord/Slack (76 > 75 characters)"),
        ("title: Nothing refers to this one", "title: " + "T" * 101, "T" * 101,
         "entries.2.title: text too long for Discord/Slack (101 > 100 characters)"),
        ("body: So breaking it breaks nothing else.", "body: " + "b" * 3001, "b" * 3001,
         "entries.2.body: text too long for Discord/Slack (3001 > 3000 characters)"),
        ("keywords: [spare]", "keywords: [" + "k" * 61 + "]", "k" * 61,
         "entries.2.keywords: keyword '" + "k" * 61 + "' must be 1 to 60 characters"),
        ("prompt: A pod is Pending. What do you run first?", "prompt: " + "p" * 1001, "p" * 1001,
         "questions.0.prompt: text too long for Discord/Slack (1001 > 1000 characters)"),
        ("  aliases: [kube]\n", "  aliases: [kube]\n  description: " + "d" * 101 + "\n", "d" * 101,
         "topic.description: text too long for Discord/Slack (101 > 100 characters)"),
    ],
)
def test_text_too_long_for_a_button_or_a_block(
    tmp_path: Path, old: str, new: str, needle: str, message: str
) -> None:
    path, text = broken(tmp_path, old, new)
    assert messages(tmp_path) == [f"{path}:{line_of(text, needle)}: {message}"]


def test_unknown_entry_in_see_also(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "see_also: [k8s.oomkilled]", "see_also: [k8s.oom]")
    assert messages(tmp_path) == [
        f"{path}:{line_of(text, 'see_also:')}: entries.0.see_also: unknown entry 'k8s.oom'"
    ]


def test_unknown_entry_of_a_question(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "    entry: k8s.pending", "    entry: k8s.pendng")
    assert messages(tmp_path) == [
        f"{path}:{line_of(text, 'entry: k8s.pendng')}: questions.0.entry: unknown entry "
        "'k8s.pendng'"
    ]


def test_unknown_topic_in_an_id(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "id: k8s.spare", "id: kubes.spare")
    assert messages(tmp_path) == [
        f"{path}:{line_of(text, 'id: kubes.spare')}: entries.2.id: unknown topic 'kubes' "
        "in id 'kubes.spare'"
    ]


def test_an_id_of_another_topic_in_this_file(tmp_path: Path) -> None:
    (tmp_path / "aws.yaml").write_text("topic: {slug: aws, title: AWS}\n", encoding="utf-8")
    path, text = broken(tmp_path, "id: k8s.spare", "id: aws.spare")
    assert messages(tmp_path) == [
        f"{path}:{line_of(text, 'id: aws.spare')}: entries.2.id: id 'aws.spare' must "
        "start with this file's topic 'k8s'"
    ]


def test_a_topic_name_used_twice(tmp_path: Path) -> None:
    (tmp_path / "kube.yaml").write_text("topic:\n  slug: kube\n  title: Kube\n", encoding="utf-8")
    broken(tmp_path, "k8s.pending", "k8s.pending")
    # Files are read in name order: k8s.yaml's alias comes first, kube.yaml's slug clashes.
    assert messages(tmp_path) == [
        f"{tmp_path / 'kube.yaml'}:1: topic name 'kube' is already used by topic 'k8s'"
    ]


def test_invalid_yaml_and_unknown_field(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "    keywords: [spare]", "    keywords: [spare\n")
    [problem] = messages(tmp_path)
    assert problem.startswith(f"{path}:")
    assert "invalid YAML" in problem
    path, text = broken(tmp_path, "    keywords: [spare]", "    keywords: [spare]\n    tags: [x]")
    assert messages(tmp_path) == [
        f"{path}:{line_of(text, 'tags:')}: entries.2.tags: unknown field 'tags'"
    ]


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "see_also: [k8s.oomkilled]", "see_also: [k8s.oom]")
    text = text.replace("    entry: k8s.pending", "    entry: k8s.nope")
    path.write_text(text, encoding="utf-8")
    assert len(messages(tmp_path)) == 2
    with pytest.raises(ContentError) as raised:
        load(tmp_path)
    # The bot refuses to start with the same lines as `content validate` prints.
    assert str(raised.value).splitlines() == messages(tmp_path)


# --- the validate command -----------------------------------------------------------------------


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="studybot")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_validate_command_prints_each_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, text = broken(tmp_path, "see_also: [k8s.oomkilled]", "see_also: [k8s.oom]")
    assert run(["content", "validate", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == (
        f"{path}:{line_of(text, 'see_also:')}: entries.0.see_also: unknown entry 'k8s.oom'\n"
    )
    assert "1 problem(s)" in captured.err


def test_validate_command_on_valid_content_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken(tmp_path, "k8s.pending", "k8s.pending")
    assert run(["content", "validate", str(tmp_path)]) == 0
    assert "valid (1 topics, 3 entries, 1 questions)" in capsys.readouterr().out


def test_validate_command_defaults_to_content_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(tmp_path))
    assert run(["content", "validate"]) == 1
    assert f"{tmp_path}:0: no content files (*.yaml) found" in capsys.readouterr().out
