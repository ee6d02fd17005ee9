"""The terminal adapter, driven exactly as a newcomer would: `studybot run` with piped input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def run_shell(tmp_path: Path, script: str, content: Path = DATA / "engine") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", CONTENT_DIR=str(content),
               LOG_LEVEL="INFO")
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--user", "ada"], input=script, text=True,
        capture_output=True, env=env, cwd=tmp_path, timeout=60, check=False,
    )


def test_post_three_answers_close_and_leaderboard(tmp_path: Path) -> None:
    script = "\n".join([
        "/study post-now k8s.q.two",   # difficulty 2: 15 points, answer A
        "A",                           # ada: right
        "/as bob", "b",                # bob: wrong
        "/as cy", "a",                 # cy: right
        "a",                           # cy again: counted once
        "/study close",
        "/leaderboard all",
        "/as bob", "/streak",
        "/quiz linux", "B",            # practice: linux.q.perms, answer B; scores nothing
        "/leaderboard all",
        "/streak ada",
        "/study competition start friday-cup 2", "/study post-now k8s.q.one", "/as dee", "B",
        "/leaderboard friday-cup", "/study competition end friday-cup",
    ]) + "\n"
    done = run_shell(tmp_path, script)
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "What does a Deployment manage directly?" in out
    assert "  A) ReplicaSets" in out
    assert "Correct, ada!" in out
    assert "+15 points" in out
    assert "Not quite, bob: you chose B; the answer is A) ReplicaSets" in out
    assert "cy, you already answered A; it was counted once." in out
    assert "Answers: A 2 · B 1 · C 0  (3 answered, 67% right)" in out
    assert "Right: ada, cy" in out
    board = out[out.index("Leaderboard (All time)"):].splitlines()[1:4]
    assert [line.split()[1] for line in board] == ["ada", "cy", "bob"]
    assert "bob: streak 1" in out
    assert "0/1 correct" in out
    # Logs go to stderr, so stdout is only the conversation.
    assert "INFO" not in out
    assert "content:" in done.stderr


def test_garbage_input_gets_clear_answers_and_no_traceback(tmp_path: Path) -> None:
    script = "\n".join([
        "A", "/nonsense", "/study launch", "/study setup 25:00 UTC",
        "/study setup 09:00 Mars/Olympus", "/study setup 09:00 UTC ,", "/leaderboard decade",
        "/study post-now", "Z", "/as", "/study schedule",
    ]) + "\n"
    done = run_shell(tmp_path, script)
    out = done.stdout
    assert done.returncode == 0
    assert "Traceback" not in out + done.stderr
    assert "There is no open question" in out
    assert "Unknown command /nonsense" in out
    assert "unknown subcommand 'launch'" in out
    assert "Invalid time '25:00'" in out
    assert "Invalid timezone 'Mars/Olympus'" in out
    assert "Invalid days ','" in out
    assert "Invalid period 'decade'" in out
    assert "Answer with one of: A, B, C" in out
    assert "Usage: /as NAME" in out
    assert "no study schedule yet" in out.lower() or "no schedule yet" in out.lower()


def test_invalid_content_stops_start_up_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "content"
    bad.mkdir()
    (bad / "k8s.yaml").write_text(
        "topic:\n  slug: k8s\n  title: K\nquestions:\n  - id: k8s.q.x\n    prompt: P\n"
        "    choices:\n      - text: a\n      - text: b\n    explanation: E\n"
    )
    done = run_shell(tmp_path, "", content=bad)
    assert done.returncode == 1
    assert f"{bad / 'k8s.yaml'}:5: questions.0: no choice is marked correct" in done.stderr


def test_a_malformed_setting_stops_start_up_with_one_line_naming_it(tmp_path: Path) -> None:
    for name, value, expected in [
        ("PORT", "eighty", "studybot: invalid setting PORT: "),
        ("DATABASE_URL", "mysql://db/x", "studybot: invalid setting DATABASE_URL: "),
        ("CATCHUP_GRACE_HOURS", "-1", "studybot: invalid setting CATCHUP_GRACE_HOURS: "),
    ]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
        env[name] = value
        done = subprocess.run([sys.executable, "-m", "bot", "run"], input="", text=True,
                              capture_output=True, env=env, cwd=tmp_path, timeout=60, check=False)
        assert done.returncode == 2
        assert done.stderr.startswith(expected), done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert not (tmp_path / "studybot.db").exists()  # nothing was started
