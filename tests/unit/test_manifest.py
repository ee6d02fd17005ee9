"""The Slack manifest is generated from the command registry and committed; they must agree."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.bootstrap import registry_for
from bot.catalog.loader import load
from bot.config import content_dir
from bot.platforms.slack import manifest

REPO = Path(__file__).resolve().parents[2]


def test_committed_slack_manifests_match_the_registry() -> None:
    catalog = load(content_dir())
    registry = registry_for(catalog)
    for socket_mode, name in ((False, "manifest.yml"), (True, "manifest.socket.yml")):
        committed = yaml.safe_load((REPO / "slack" / name).read_text())
        assert committed == manifest.build(registry, socket_mode=socket_mode), (
            f"slack/{name} is stale: regenerate with `studybot slack manifest`")
    commands = {c["command"] for c in manifest.build(registry)["features"]["slash_commands"]}
    assert {f"/{slug}" for slug in catalog.topics} <= commands
    assert {"/lookup", "/leaderboard", "/streak", "/quiz", "/study", "/help"} <= commands
