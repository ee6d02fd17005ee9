"""Markdown cheat sheet -> content entries, and the `content import` command."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.authoring.content_yaml import to_yaml
from bot.authoring.importer import ImportProblem, import_cheatsheet
from bot.authoring.markdown_blocks import cells
from bot.authoring.naming import anchor
from bot.catalog.loader import validate
from bot.catalog.model import BODY_MAX, TITLE_MAX
from bot.cli.content import register

# A copy of ../shared/cheatsheet.md, the sheet the bundled content was written from.
SHEET = Path(__file__).resolve().parents[1] / "data" / "cheatsheet.md"


@pytest.fixture(scope="module")
def sheet() -> str:
    return SHEET.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def imported(sheet: str) -> dict[str, dict[str, Any]]:
    return import_cheatsheet(sheet)


def write(files: dict[str, dict[str, Any]], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for slug, data in files.items():
        (folder / f"{slug}.yaml").write_text(to_yaml(data), encoding="utf-8")
    return folder


def entry(files: dict[str, dict[str, Any]], title: str) -> dict[str, Any]:
    found = [e for f in files.values() for e in f["entries"] if e["title"] == title]
    assert len(found) == 1, f"{title!r}: {len(found)} entries"
    return found[0]


def section_titles(text: str) -> list[str]:
    """The `## ` headings of the sheet itself, read independently of the importer."""
    titles = []
    for line in text.splitlines():
        if line.startswith("## ") and "CONTENTS" not in line.upper():
            titles.append(re.sub(r"[^\w\s&/()-]", "", line[3:]).strip())
    return titles


def test_every_section_of_the_sheet_becomes_a_topic_with_entries(
    sheet: str, imported: dict[str, dict[str, Any]]
) -> None:
    sections = section_titles(sheet)
    assert len(sections) == 13
    assert [f["topic"]["title"].lower() for f in imported.values()] == [
        s.lower() for s in sections
    ]
    for slug, data in imported.items():
        assert data["topic"]["slug"] == slug
        assert data["entries"], f"section {slug} has no entries"
    # Every row of a Question table is an entry of its own.
    question_rows = sum(
        1 for line in sheet.splitlines() if re.match(r"\|\s*\*\*.+\?\*\*\s*\|", line)
    )
    assert sum(len(f["entries"]) for f in imported.values()) > question_rows


def test_the_import_validates(imported: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    catalog, problems = validate(write(imported, tmp_path))
    assert problems == []
    assert catalog is not None
    assert len(catalog.topics) == len(imported)
    assert len(catalog.entries) >= 120
    for item in catalog.entries.values():
        assert len(item.title) <= TITLE_MAX
        assert len(item.body) <= BODY_MAX


def test_table_of_contents_is_skipped_but_describes_the_topics(
    imported: dict[str, dict[str, Any]],
) -> None:
    assert not any("contents" in slug for slug in imported)
    assert imported["terraform"]["topic"]["description"] == "State, modules, best practices, gotchas"
    assert imported["cicd-deployments"]["topic"]["title"] == "CI/CD & Deployments"
    assert imported["ai-in-cicd"]["topic"]["title"] == "AI in CI/CD"


def test_question_rows_keep_a_pipe_inside_backticks(imported: dict[str, dict[str, Any]]) -> None:
    port = entry(imported, "Process using port 80?")
    assert port["body"] == "`ss -tulnp | grep :80` or `lsof -i :80`"
    state = entry(imported, "How do you manage Terraform state in a team?")
    assert state["id"].startswith("terraform.")
    assert state["keywords"] == ["State Management"]


def test_q_and_a_blocks_become_entries(imported: dict[str, dict[str, Any]]) -> None:
    count = entry(imported, "What's the difference between count and for_each?")
    assert count["body"].startswith("count uses index")
    assert count["body"].endswith("Always prefer for_each for resources that might change.")
    steps = entry(imported, "How do you import existing infrastructure?")
    assert steps["body"].splitlines()[1] == "2) terraform import aws_instance.example i-1234567890"


def test_commented_command_blocks_split_into_groups(imported: dict[str, dict[str, Any]]) -> None:
    disk = entry(imported, "Essential Commands: Disk")
    assert disk["body"].startswith("```bash\ndf -h")
    assert disk["body"].endswith("```")
    titles = [e["title"] for e in imported["kubernetes"]["entries"]]
    assert [t for t in titles if t.startswith("Troubleshooting Commands: ")] == [
        "Troubleshooting Commands: Pod Inspection",
        "Troubleshooting Commands: Resource Inspection",
        "Troubleshooting Commands: Debugging",
        "Troubleshooting Commands: Deployments",
    ]


def test_other_tables_become_lists_under_their_heading(
    imported: dict[str, dict[str, Any]],
) -> None:
    issues = entry(imported, "Common Issues & Solutions")
    assert "- **CrashLoopBackOff** — Check: `kubectl logs --previous`; Solution:" in issues["body"]
    assert "|" not in issues["body"].replace("`kubectl", "")


def test_a_long_section_is_split_without_losing_lines(
    sheet: str, imported: dict[str, dict[str, Any]]
) -> None:
    parts = [e for e in imported["python-for-devops"]["entries"]
             if e["title"].startswith("Practical Script")]
    assert len(parts) >= 2
    assert [p["title"] for p in parts] == [
        f"Practical Script: Auto-Shutdown Dev VMs at 6PM (part {i})"
        for i in range(1, len(parts) + 1)
    ]
    body_lines = {line for p in parts for line in p["body"].splitlines()}
    script = sheet.split("### Practical Script", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    missing = [line for line in script.splitlines() if line.rstrip() not in body_lines]
    assert missing == []
    for part in parts:
        assert len(part["body"]) <= BODY_MAX
        assert part["body"].count("```") % 2 == 0  # each part's code block is closed


def test_text_after_a_closing_rule_belongs_to_the_section(
    imported: dict[str, dict[str, Any]],
) -> None:
    closing = entry(imported, "Behavioral Tips")
    assert "I don't know, but here's how I'd figure it out" in closing["body"]


def test_one_topic_holds_every_section_when_given(sheet: str, tmp_path: Path) -> None:
    files = import_cheatsheet(sheet, "team")
    assert list(files) == ["team"]
    entries = files["team"]["entries"]
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("team.") for i in ids)
    titles = [e["title"] for e in entries]
    # Headings that repeat across sections are told apart by their section.
    assert "Terraform: Best Practices" not in titles  # a question table, not a heading entry
    assert "AI in CI/CD: Best Practices" in titles
    assert "How do you handle secrets in Terraform?" in titles
    _, problems = validate(write(files, tmp_path))
    assert problems == []


def test_a_small_sheet_in_the_same_style() -> None:
    text = "\n".join([
        "```markdown",
        "# Our team sheet",
        "## Databases",
        "### Postgres",
        "| Question | Key Points | Gotcha |",
        "|---|---|---|",
        "| **Why VACUUM?** | Reclaims dead tuples | Autovacuum can lag \\| tune it |",
        "| **Backups?** | `pg_dump | gzip` nightly | |",
        "Q: What is WAL?",
        "A: The write-ahead log.",
        "   Replicas replay it.",
        "- check `pg_stat_activity`",
        "```",
    ])
    files = import_cheatsheet(text)
    assert list(files) == ["databases"]
    entries = {e["title"]: e for e in files["databases"]["entries"]}
    assert entries["Why VACUUM?"]["body"] == (
        "**Key Points:** Reclaims dead tuples\n**Gotcha:** Autovacuum can lag | tune it"
    )
    assert entries["Backups?"]["body"] == "**Key Points:** `pg_dump | gzip` nightly"
    assert entries["What is WAL?"]["body"] == "The write-ahead log.\nReplicas replay it."
    assert entries["Postgres"]["body"] == "- check `pg_stat_activity`"
    assert files["databases"]["topic"]["description"] == "Postgres"


def test_cells_split_on_borders_only() -> None:
    assert cells("| a | `b | c` | d \\| e |") == ["a", "`b | c`", "d | e"]
    assert cells("a | b") == ["a", "b"]


def test_anchor_matches_how_a_contents_table_links() -> None:
    assert anchor("CI/CD & DEPLOYMENTS") == "cicd--deployments"
    assert anchor("SYSTEM DESIGN (QUICK PATTERNS)") == "system-design-quick-patterns"


@pytest.mark.parametrize(("text", "topic"), [("## Only a heading\n", None), ("", None),
                                             ("## A\ntext\n", "Not A Slug")])
def test_nothing_to_import_or_a_bad_slug_is_a_problem(text: str, topic: str | None) -> None:
    with pytest.raises(ImportProblem):
        import_cheatsheet(text, topic)


def test_yaml_round_trips_with_block_bodies() -> None:
    data = {"topic": {"slug": "x", "title": "X", "description": ""},
            "entries": [{"id": "x.a", "title": "A: b", "body": "line one   \nline two\n\tindented"}],
            "questions": []}
    text = to_yaml(data)
    assert "body: |" in text
    loaded = yaml.safe_load(text)
    assert loaded["entries"][0]["body"] == "line one\nline two\n    indented"
    assert loaded["entries"][0]["title"] == "A: b"


# --- the import command -----------------------------------------------------------------------


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="studybot")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_import_command_writes_files_that_validate(
    sheet: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "content"
    assert run(["content", "import", str(SHEET), "--out", str(out)]) == 0
    assert len(list(out.glob("*.yaml"))) == 13
    assert "wrote " in capsys.readouterr().err
    assert validate(out)[1] == []
    # Running it again would overwrite the team's files: refused unless asked.
    assert run(["content", "import", str(SHEET), "--out", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert run(["content", "import", str(SHEET), "--out", str(out), "--force"]) == 0


def test_import_command_prints_yaml_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["content", "import", str(SHEET), "--topic", "sheet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# sheet.yaml\n")
    assert yaml.safe_load(out)["topic"]["slug"] == "sheet"


def test_import_command_writes_nothing_that_would_break_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k8s.yaml").write_text(
        "topic: {slug: k8s, title: Kubernetes, aliases: [team]}\n", encoding="utf-8"
    )
    assert run(["content", "import", str(SHEET), "--topic", "team", "--out", str(tmp_path)]) == 1
    assert "topic name 'team' is already used" in capsys.readouterr().err
    assert not (tmp_path / "team.yaml").exists()


def test_import_command_rejects_a_bad_slug_and_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        run(["content", "import", "x.md", "--topic", "Bad Slug"])
    assert exited.value.code == 2
    assert run(["content", "import", str(tmp_path / "missing.md")]) == 2
