"""A team competition in the terminal, driven as a newcomer would: `studybot run` with piped
input. Teams there are names people join; several people take turns at one screen (`/as`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"


def run_shell(tmp_path: Path, script: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", CONTENT_DIR=str(DATA / "engine"),
               LOG_LEVEL="INFO")
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", "--user", "ada"], input=script, text=True,
        capture_output=True, env=env, cwd=tmp_path, timeout=60, check=False,
    )


def test_a_team_competition_from_start_to_the_winner(tmp_path: Path) -> None:
    script = "\n".join([
        "/study competition start q4 2 teams: red blue best: 2",
        "/study team join red",
        "/study post-now k8s.q.two",   # difficulty 2: 15 points, answer A
        "A",                           # ada (red): right
        "/as bob", "/study team join blue", "b",  # wrong
        "/as cy", "/study team join Blue", "a",   # right
        "/as dee", "/study team join red", "a",   # right
        "/as eve", "/study team join red", "a",   # right: red has three, the best two count
        "/study team join blue",                  # a choice is final
        "/leaderboard q4",
        "/leaderboard q4 team: blue",
        "/as ada", "/study competition end q4",
        "/study competition list",
    ]) + "\n"
    done = run_shell(tmp_path, script)
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in out + done.stderr
    assert "Teams: red, blue (the best 2 of each count)." in out
    assert "ada, you are in team red for q4." in out
    assert "cy, you are in team blue for q4." in out
    assert "eve, you chose team red for q4 already; a choice is final." in out
    board = out[out.index("Leaderboard (Competition q4 (until"):].splitlines()
    assert board[1:4] == [
        "Teams (the best 2 of each team count)",
        "1. red (your team) — 30 pts (2 counted · ada 15, dee 15)",  # eve: a third
        "2. blue — 15 pts (2 counted · cy 15, bob 0)",
    ]
    assert "People" in board
    blue = out[out.index("· team blue)"):].splitlines()
    assert blue[1:4] == ["blue: 15 pts, rank 2 of the teams; its best 2 count.",
                         "1. cy — 15 pts (1/1 correct) ✓", "2. bob — 0 pts (0/1 correct) ✓"]
    # The end is announced once in the channel it started in: the terminal.
    assert out.count("🏆 q4 is over! Team red wins with 30 points.") == 1
    assert "Competition q4: ended. Teams: red, blue" in out
