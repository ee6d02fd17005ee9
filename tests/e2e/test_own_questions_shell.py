"""The team's own questions in the terminal, as a newcomer would drive it: `studybot run` with
piped input. The form is asked field by field; a refused field is asked again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.bot_process import clean_environment
from tests.support.data import DATA

QUESTION_ID = "runbooks.q.deploy-broke-checkout-run-first"


def run_shell(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    env = clean_environment() | {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
                                 "CONTENT_DIR": str(DATA / "engine"), "LOG_LEVEL": "INFO"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--user", "ada"], input=script, text=True,
        capture_output=True, env=env, cwd=tmp_path, timeout=60, check=False,
    )


def test_propose_approve_post_and_answer(tmp_path: Path) -> None:
    script = "\n".join([
        "/as bea", "/study question add",
        "A deploy broke checkout. What do we run first?", "",  # the question, then an empty line
        "./rollback.sh", "./deploy.sh --force", "",            # no choice marked: refused
        "Our runbook: roll back first.", "",
        "runbooks: Our runbooks", "1",
        "* ./rollback.sh", "./deploy.sh --force", "",          # only the choices are asked again
        "/as ada", "/study question review", "2",               # [2] Edit: shown filled in
        "", "", "Roll back first, as the runbook says.", "", "", "",  # empty lines keep a field
        "1",                                                     # [1] Approve, from the edit
        f"/study post-now {QUESTION_ID}",
        "/as bea", "A",
        "/quiz runbooks", "A",
    ]) + "\n"
    done = subprocess_ok(run_shell(tmp_path, script))
    out = done.stdout
    assert out.count("Question (e.g.") == 1
    assert out.count("Choices, one per line") == 3  # asked again after the refusal, and in the edit
    assert "Not saved yet: a few fields need a fix" in out
    assert "mark the right choice with a * at the start of its line" in out
    assert "Thanks! Your question is proposed: Our runbooks (a new topic)" in out
    assert "Review 1 of 1: Our runbooks" in out
    assert "Proposed by bea" in out
    assert "[1] Approve  [2] Edit  [3] Reject" in out
    assert "Topic (now runbooks; an empty line keeps it):" in out
    edited = out[out.index("Saved: Our runbooks"):]
    assert "Why: Roll back first, as the runbook says." in edited
    assert "A) ./rollback.sh" in edited
    assert f"(for bea) Your question was approved: Our runbooks\n{QUESTION_ID} was approved by ada" in out
    assert "Question of the day: Our runbooks\nA deploy broke checkout. What do we run first?" in out
    assert "Correct, bea! A) ./rollback.sh" in out
    assert "+10 points" in out
    practice = out[out.index("Practice: Our runbooks"):]
    assert QUESTION_ID in practice
    assert "Correct!" in practice


def test_a_cancelled_form_saves_nothing(tmp_path: Path) -> None:
    done = subprocess_ok(run_shell(tmp_path, "/study question add\nWhat?\n\n/cancel\n"
                                             "/study question review\n"))
    assert "Cancelled; nothing was saved." in done.stdout
    assert "No proposed question is waiting for review" in done.stdout


def subprocess_ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done
