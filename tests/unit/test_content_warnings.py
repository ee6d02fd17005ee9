"""Review warnings: each one on a broken file, with its message and line; warnings never make
content invalid; `content validate` exits 0 on warnings alone and 1 with --strict."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import pytest

from bot.bootstrap import open_app
from bot.catalog.lint.key_position import chi_square_survival
from bot.catalog.loader import check
from bot.cli.content import register
from bot.config import load_settings

CHOICES = ("kubectl describe pod POD", "kubectl delete pod POD", "kubectl top pod POD",
           "kubectl get events")


def question(slug: str, name: str, prompt: str, key: int = 0,
             choices: tuple[str, ...] = CHOICES) -> str:
    lines = [f"  - id: {slug}.q.{name}", f"    prompt: {prompt}", "    choices:"]
    for i, text in enumerate(choices):
        lines.append(f"      - text: {text}")
        if i == key:
            lines.append("        correct: true")
    lines.append("    explanation: The events say why.")
    return "\n".join(lines) + "\n"


def topic_file(slug: str, questions: list[str], entries: str = "") -> str:
    text = f"topic:\n  slug: {slug}\n  title: {slug.upper()}\n"
    if entries:
        text += "entries:\n" + entries
    return text + "questions:\n" + "".join(questions)


# Twelve different questions with their keys spread evenly: a healthy file.
PROMPTS = [
    "A pod is Pending. What do you run first?",
    "Which command shows the logs of the previous container?",
    "A Service has no endpoints. What do you check?",
    "Which probe restarts a container that hangs?",
    "What does a Deployment manage directly?",
    "Which Service type has no cluster IP?",
    "A node shows DiskPressure. Which pods are evicted first?",
    "What does kubectl rollout undo revert?",
    "Which object limits the total CPU of a namespace?",
    "An init container fails. What happens to the app container?",
    "Which field pins a pod to nodes with a label?",
    "What does a PodDisruptionBudget protect against?",
]


def healthy(slug: str = "k8s", keys: list[int] | None = None) -> list[str]:
    keys = keys if keys is not None else [i % 4 for i in range(len(PROMPTS))]
    # Different choices per question, so no two questions share a choice set.
    return [question(slug, f"q{i}", prompt, key, tuple(f"{c} --n{i}" for c in CHOICES))
            for i, (prompt, key) in enumerate(zip(PROMPTS, keys, strict=True))]


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    lines = [i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def warnings_of(folder: Path) -> list[str]:
    result = check(folder)
    assert result.errors == []
    assert result.catalog is not None  # warnings never make content invalid
    return [str(w) for w in result.warnings]


def test_a_healthy_file_has_no_warnings(tmp_path: Path) -> None:
    write(tmp_path, "k8s.yaml", topic_file("k8s", healthy()))
    assert warnings_of(tmp_path) == []


def test_the_key_is_by_far_the_longest_choice(tmp_path: Path) -> None:
    long_key = "kubectl describe pod POD and read the Events section at the bottom"
    path = write(tmp_path, "k8s.yaml", topic_file("k8s", [
        question("k8s", "pending", "A pod is Pending. What do you run first?", key=2,
                 choices=("kubectl logs POD", "kubectl top pod POD", long_key)),
        # Longest, but not by a wide margin: 1.5x and 15 characters are both needed.
        question("k8s", "fine", "A pod is stuck. What now?", key=0,
                 choices=("kubectl describe pod POD", "kubectl logs POD", "kubectl top pod")),
    ]))
    assert warnings_of(tmp_path) == [
        f"{path}:{line_of(path, long_key)}: warning: k8s.q.pending: the key is by far the "
        f"longest choice ({len(long_key)} characters, the next longest 19); a reader can pick "
        "it without knowing why"
    ]


def test_key_positions_that_lean_to_one_letter(tmp_path: Path) -> None:
    path = write(tmp_path, "k8s.yaml", topic_file("k8s", healthy(keys=[0] * 9 + [1, 2, 3])))
    [warning] = warnings_of(tmp_path)
    # 12 four-choice questions: 3 expected per letter; chi-square = (36 + 3 * 4) / 3 = 16, 3 df.
    p = chi_square_survival(16.0, 3)
    assert warning == (
        f"{path}:{line_of(path, 'questions:')}: warning: key positions lean: A 9 · B 1 · C 1 · D 1 "
        f"against about 3 · 3 · 3 · 3 by chance (chi-square p = {p:.2g}); move some keys"
    )
    assert f"{p:.2g}" == "0.0011"


def test_a_mild_lean_or_a_small_file_is_not_a_warning(tmp_path: Path) -> None:
    # 5 · 3 · 2 · 2 in twelve questions is what chance gives now and then (p ~ 0.57).
    write(tmp_path, "k8s.yaml", topic_file("k8s", healthy(keys=[0] * 5 + [1] * 3 + [2, 2, 3, 3])))
    assert warnings_of(tmp_path) == []
    # Eleven questions, every key on A: too few to test.
    write(tmp_path, "k8s.yaml", topic_file("k8s", healthy(keys=[0] * 12)[:11]))
    assert warnings_of(tmp_path) == []


def test_chi_square_survival_matches_the_tables() -> None:
    # Critical values from any chi-square table: (x, df, upper tail).
    for x, df, tail in [(3.841, 1, 0.05), (6.635, 1, 0.01), (5.991, 2, 0.05), (11.345, 3, 0.01),
                        (7.815, 3, 0.05), (13.277, 4, 0.01)]:
        assert chi_square_survival(x, df) == pytest.approx(tail, abs=5e-5)
    assert chi_square_survival(0.0, 3) == 1.0


def test_the_same_prompt_in_two_files(tmp_path: Path) -> None:
    first = write(tmp_path, "k8s.yaml", topic_file("k8s", [
        question("k8s", "netpol", "A default-deny NetworkPolicy is ignored. Why?")]))
    second = write(tmp_path, "security.yaml", topic_file("security", [
        # Case, punctuation and spacing differ; the question does not.
        question("security", "netpol", "a  default deny networkpolicy is IGNORED -- why",
                 choices=("Flannel enforces nothing", "The API is down", "RBAC blocks it"))]))
    assert warnings_of(tmp_path) == [
        f"{second}:{line_of(second, 'prompt:')}: warning: security.q.netpol: same prompt as "
        f"k8s.q.netpol ({first}:{line_of(first, '- id: k8s.q.netpol')})"
    ]


def test_the_same_choices_and_key_in_two_files(tmp_path: Path) -> None:
    first = write(tmp_path, "k8s.yaml", topic_file("k8s", [
        question("k8s", "one", "Which command shows why a pod is Pending?")]))
    second = write(tmp_path, "linux.yaml", topic_file("linux", [
        question("linux", "two", "What do you run first on a Pending pod?", key=3,
                 choices=("KUBECTL GET EVENTS", "kubectl delete pod POD.", "kubectl top pod POD",
                          "kubectl describe pod POD"))]))
    assert warnings_of(tmp_path) == [
        f"{second}:{line_of(second, 'choices:')}: warning: linux.q.two: same choices and key as "
        f"k8s.q.one ({first}:{line_of(first, '- id: k8s.q.one')})"
    ]
    # The same choices with another key: a family of questions, not a duplicate.
    write(tmp_path, "linux.yaml", topic_file("linux", [
        question("linux", "two", "Which one deletes a pod?", key=1,
                 choices=("KUBECTL GET EVENTS", "kubectl delete pod POD.", "kubectl top pod POD",
                          "kubectl describe pod POD"))]))
    assert warnings_of(tmp_path) == []


def test_a_near_duplicate_prompt(tmp_path: Path) -> None:
    first = write(tmp_path, "cicd.yaml", topic_file("cicd", [
        question("cicd", "undo", "A release changed the image and a ConfigMap the pods read. You "
                 "run kubectl rollout undo and the app still fails. Why?")]))
    second = write(tmp_path, "k8s.yaml", topic_file("k8s", [
        question("k8s", "undo", "A release changed both the image and a ConfigMap the pods read. "
                 "You run kubectl rollout undo. What gets rolled back?",
                 choices=("Both", "Only the image", "Only the ConfigMap"))]))
    [warning] = warnings_of(tmp_path)
    assert warning.startswith(f"{second}:{line_of(second, 'prompt:')}: warning: k8s.q.undo: "
                              "prompt ")
    assert warning.endswith(f"% like that of cicd.q.undo ({first}:{line_of(first, '- id:')})")
    # Long scenarios that share their shape but not their question, and short prompts that
    # differ by the one word that matters: no warning.
    write(tmp_path, "k8s.yaml", topic_file("k8s", [
        question("k8s", "undo", "A pod in CrashLoopBackOff logs nothing before it exits. You run "
                 "kubectl logs. Which flag shows the crashed container?",
                 choices=("Both", "Only the image", "Only the ConfigMap")),
        question("k8s", "plan", "What does terraform plan do?",
                 choices=("Shows changes", "Makes changes", "Formats files"))]))
    write(tmp_path, "cicd.yaml", topic_file("cicd", [
        question("cicd", "undo", "A release changed the image and a ConfigMap the pods read. You "
                 "run kubectl rollout undo and the app still fails. Why?"),
        question("cicd", "apply", "What does terraform apply do?",
                 choices=("Both", "Only the image", "Only the ConfigMap", "Neither"))]))
    assert warnings_of(tmp_path) == []


ENTRIES = """\
  - id: k8s.a
    title: A
    body: a
    see_also: [k8s.b, k8s.d]
  - id: k8s.b
    title: B
    body: b
    see_also: [k8s.c]
  - id: k8s.c
    title: C
    body: c
    see_also: [k8s.a]
  - id: k8s.d
    title: D
    body: d
    see_also: [k8s.a]
"""


def test_a_ring_of_one_way_see_also_links_is_reported_once(tmp_path: Path) -> None:
    path = write(tmp_path, "k8s.yaml", topic_file("k8s", healthy(), ENTRIES))
    # a -> b -> c -> a is a ring; a <-> d is a mutual link, the normal shape of "see also".
    assert warnings_of(tmp_path) == [
        f"{path}:{line_of(path, 'see_also: [k8s.b, k8s.d]')}: warning: k8s.a: see_also cycle "
        "k8s.a -> k8s.b -> k8s.c -> k8s.a; no entry in it links back, so make the links mutual "
        "or break the ring"
    ]


def test_a_ring_across_files_is_reported_at_its_first_entry(tmp_path: Path) -> None:
    write(tmp_path, "k8s.yaml", topic_file("k8s", healthy(), ENTRIES.replace(
        "see_also: [k8s.c]", "see_also: [linux.c]").replace("  - id: k8s.c\n    title: C\n"
                                                             "    body: c\n    see_also: [k8s.a]\n",
                                                             "")))
    linux = write(tmp_path, "linux.yaml", topic_file("linux", [], """\
  - id: linux.c
    title: C
    body: c
    see_also: [k8s.b]
"""))
    # k8s.b <-> linux.c and k8s.a <-> k8s.d are mutual links: no ring yet.
    assert warnings_of(tmp_path) == []
    linux.write_text(linux.read_text().replace("see_also: [k8s.b]", "see_also: [k8s.a]"))
    k8s = tmp_path / "k8s.yaml"
    [warning] = warnings_of(tmp_path)
    assert warning.startswith(f"{k8s}:{line_of(k8s, 'see_also: [k8s.b, k8s.d]')}: warning: "
                              "k8s.a: see_also cycle k8s.a -> k8s.b -> linux.c -> k8s.a;")


# --- the validate command and start-up ----------------------------------------------------------


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="studybot")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    write(tmp_path, "k8s.yaml", topic_file("k8s", healthy(keys=[0] * 12)))
    return tmp_path


def test_validate_prints_warnings_and_exits_0_unless_strict(
    warned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["content", "validate", str(warned)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{warned / 'k8s.yaml'}:")
    assert ": warning: key positions lean: A 12" in out[0]
    assert out[1] == f"{warned}: valid (1 topics, 0 entries, 12 questions, 0 retired), 1 warning(s)"
    assert run(["content", "validate", "--strict", str(warned)]) == 1
    assert "1 warning(s) fail --strict" in capsys.readouterr().err


def test_validate_prints_errors_and_warnings_in_file_order(
    warned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    linux = write(warned, "linux.yaml", topic_file("linux", [
        question("linux", "big-log", "A log file filled the disk. What now?").replace(
            "    explanation: The events say why.\n", "")]))
    assert run(["content", "validate", str(warned)]) == 1
    captured = capsys.readouterr()
    assert [line.split(": ")[:2] for line in captured.out.splitlines()] == [
        [f"{warned / 'k8s.yaml'}:{line_of(warned / 'k8s.yaml', 'questions:')}", "warning"],
        [f"{linux}:{line_of(linux, '- id: linux.q.big-log')}", "questions.0.explanation"],
    ]
    assert "1 problem(s), 1 warning(s)" in captured.err


async def test_start_up_logs_the_number_of_warnings_once(
    warned: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = load_settings(content_dir=warned,
                             database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    with caplog.at_level(logging.WARNING, logger="studybot"):
        app = await open_app(settings, migrate=False)
    await app.close()
    assert len(app.catalog.questions) == 12
    assert [r.getMessage() for r in caplog.records] == [
        f"content: 1 warning(s); run `studybot content validate {warned}` to see them"
    ]
