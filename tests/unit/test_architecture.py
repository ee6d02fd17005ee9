"""Dependencies point inward: the rules and the service know nothing of platforms or SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from bot.bootstrap import registry_for
from bot.catalog.loader import load
from bot.paths import content_dir
from bot.platforms.slack import manifest

BOT = Path(__file__).resolve().parents[2] / "bot"
REPO = BOT.parent


def imports_of(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0] if not node.module.startswith("bot.")
                          else node.module)
        found[str(path.relative_to(BOT))] = names
    return found


def test_service_and_rules_never_import_platforms_or_sqlalchemy() -> None:
    forbidden = {"discord", "slack_bolt", "slack_sdk", "sqlalchemy", "aiohttp"}
    for folder in (BOT / "service", BOT / "rules"):
        for path, names in imports_of(folder).items():
            assert not names & forbidden, f"{path} imports {names & forbidden}"
            assert not any(n.startswith("bot.platforms") for n in names), path


def test_rules_do_no_io() -> None:
    for path, names in imports_of(BOT / "rules").items():
        assert not any(n.startswith(("bot.store", "bot.service", "bot.catalog")) for n in names), path
        assert not names & {"asyncio", "os", "socket", "pathlib"}, path


def test_committed_slack_manifests_match_the_content() -> None:
    registry = registry_for(load(content_dir()))
    for socket_mode, name in ((False, "manifest.yml"), (True, "manifest.socket.yml")):
        committed = yaml.safe_load((REPO / "slack" / name).read_text())
        assert committed == manifest.build(registry, socket_mode=socket_mode), (
            f"slack/{name} is stale: regenerate with `studybot slack manifest`")
    commands = {c["command"] for c in manifest.build(registry)["features"]["slash_commands"]}
    assert {f"/{slug}" for slug in load(content_dir()).topics} <= commands
    assert {"/lookup", "/leaderboard", "/streak", "/quiz", "/study", "/help"} <= commands
