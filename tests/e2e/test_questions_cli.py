"""`studybot questions import|export` as an operator runs them: a file with two topics goes in
and comes back out the same; a broken file is refused with file:line and changes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.bot_process import clean_environment
from tests.support.data import DATA

# In the form export writes, so a round trip gives back the very same text: a topic of the
# workspace's own (with a lookup entry), and a question added to the bundled topic k8s.
OURS = """\
---
topic:
  slug: runbooks
  title: Our runbooks
  aliases:
  - rb
  description: How we ship and roll back
entries:
- id: runbooks.deploy
  title: Our deploy runbook
  keywords:
  - rollback
  - release
  body: |-
    1. `./deploy.sh` from `main`.
    2. Roll back with `./rollback.sh`.
questions:
- id: runbooks.q.old-freeze
  prompt: When did the old change freeze start?
  choices:
  - text: Friday noon
    correct: true
  - text: Monday
  explanation: We dropped it in 2025.
  difficulty: 2
  retired: true
- id: runbooks.q.rollback
  prompt: A deploy broke checkout. What do we run first?
  choices:
  - text: ./rollback.sh
    correct: true
  - text: ./deploy.sh --force
  - text: kubectl delete ns prod
  explanation: |-
    Our runbook: roll back first,
    then read the logs.
  difficulty: 1
  entry: runbooks.deploy
---
topic:
  slug: k8s
  title: Kubernetes
  aliases:
  - kubernetes
questions:
- id: k8s.q.our-ingress
  prompt: Which ingress controller do we run?
  choices:
  - text: ingress-nginx
    correct: true
  - text: Traefik
  explanation: We moved to ingress-nginx in 2025.
  difficulty: 2
"""

BROKEN = """\
topic:
  slug: runbooks
  title: Our runbooks
questions:
- id: runbooks.q.fine
  prompt: A fine question?
  choices:
  - text: it is
    correct: true
  - text: it is not
  explanation: It is.
- id: runbooks.q.two-keys
  prompt: Which two?
  choices:
  - text: this
    correct: true
  - text: that
    correct: true
  explanation: Two keys.
- id: k8s.q.one
  prompt: Which command shows the logs of the crashed container?
  choices:
  - text: a
    correct: true
  - text: b
  explanation: A bundled question's id.
"""


def studybot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = clean_environment() | {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
                                 "CONTENT_DIR": str(DATA / "engine"), "LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, "-m", "bot", *args], text=True, capture_output=True,
                          env=env, cwd=tmp_path, timeout=60, check=False)


def test_two_topics_round_trip(tmp_path: Path) -> None:
    ours = tmp_path / "ours.yaml"
    ours.write_text(OURS)
    where = ("--platform", "slack", "--workspace", "T1")
    imported = studybot(tmp_path, "questions", "import", str(ours), *where, "--approve")
    assert imported.returncode == 0, imported.stderr
    assert "3 added, 0 updated (approved)" in imported.stdout
    exported = studybot(tmp_path, "questions", "export", *where)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == OURS
    # Importing the export again updates by id and adds nothing.
    (tmp_path / "again.yaml").write_text(exported.stdout)
    again = studybot(tmp_path, "questions", "import", "again.yaml", *where, "--approve")
    assert "0 added, 3 updated" in again.stdout
    # Another workspace has none of it.
    other = studybot(tmp_path, "questions", "export", "--platform", "slack", "--workspace", "T2")
    assert other.stdout.strip() == ""


def test_a_broken_file_is_refused_with_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)
    where = ("--platform", "discord", "--workspace", "42")
    done = studybot(tmp_path, "questions", "import", str(broken), *where)
    assert done.returncode == 1
    errors = done.stderr.splitlines()
    assert f"{broken}:12: questions.1: 2 choices are marked correct: true; exactly one must be" in errors
    assert (f"{broken}:20: questions.2.id: id 'k8s.q.one' must start with this file's topic "
            "'runbooks'") in errors
    assert f"{broken}:20: questions.2.id: 'k8s.q.one' is a question of the bundled bank" in errors
    assert f"{broken}: not imported (3 problem(s))" in errors
    assert studybot(tmp_path, "questions", "export", *where).stdout.strip() == ""


def test_imported_questions_wait_for_review_unless_approved(tmp_path: Path) -> None:
    ours = tmp_path / "ours.yaml"
    ours.write_text(OURS)
    where = ("--platform", "shell", "--workspace", "local")
    imported = studybot(tmp_path, "questions", "import", str(ours), *where)
    assert "3 added, 0 updated (proposed" in imported.stdout
    # Proposals are not the bank yet: the export holds only the retired one.
    exported = studybot(tmp_path, "questions", "export", *where).stdout
    assert "runbooks.q.old-freeze" in exported
    assert "runbooks.q.rollback" not in exported
    review = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--user", "ada"], input="/study question review\n",
        text=True, capture_output=True, cwd=tmp_path, timeout=60, check=False,
        env=clean_environment() | {"DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
                                   "CONTENT_DIR": str(DATA / "engine")})
    assert "Review 1 of 2" in review.stdout
    assert "Proposed by an import" in review.stdout
