"""The registry: text parsed by position and shape into the same options Discord types, usage
errors that say what to type, and a tree that fits Discord's and Slack's rules."""

from __future__ import annotations

import re

import pytest

from bot import errors
from bot.bootstrap import registry_for
from bot.catalog.catalog import Catalog
from bot.chat.commands import Registry
from bot.service.views import Actor, ChannelRef


class Hooks:
    async def is_admin(self, actor: Actor) -> bool:
        return True

    def looks_like_channel(self, word: str) -> bool:
        return word.startswith("#")

    async def find_channel(self, here: ChannelRef, text: str) -> ChannelRef | None:
        return None

    async def find_user(self, actor: Actor, text: str) -> Actor | None:
        return None


@pytest.fixture(scope="module")
def registry(engine_catalog: Catalog) -> Registry:
    return registry_for(engine_catalog)


def parse(registry: Registry, line: str) -> tuple[str, dict]:
    name, _, text = line.lstrip("/").partition(" ")
    command, words, raw = registry.find(name, text)
    return command.name, command.parse(words, raw, Hooks())


def test_setup_with_and_without_channel_days_and_topics(registry: Registry) -> None:
    assert parse(registry, "/study setup 09:00 Europe/London") == (
        "study setup", {"time": "09:00", "timezone": "Europe/London", "topics": ()})
    assert parse(registry, "/study setup #ops 7:30 Asia/Tokyo mon,wed k8s linux")[1] == {
        "channel": "#ops", "time": "7:30", "timezone": "Asia/Tokyo", "days": "mon,wed",
        "topics": ("k8s", "linux")}
    # A word that is not days is the first topic.
    assert parse(registry, "/study setup 09:00 UTC k8s")[1]["topics"] == ("k8s",)
    # Something that looks like days but is not stays days, so the error is about days.
    assert parse(registry, "/study setup 09:00 UTC ,")[1]["days"] == ","


@pytest.mark.parametrize(("line", "message"), [
    ("/study setup",
     "usage: /study setup [#channel] HH:MM TIMEZONE [DAYS] [bank: both|bundled|own] [TOPIC ...]"),
    ("/study setup nine UTC", "usage: /study setup"),
    ("/study close now", "usage: /study close"),
    ("/study post-now a b", "usage: /study post-now [QUESTION_ID]"),
    ("/study launch rockets", "unknown subcommand 'launch'; try: setup, post-now, close, pause, "
                              "resume, schedule, competition, dashboard, help"),
    ("/study competition begin x", "unknown subcommand 'begin'; try: start, end, list"),
    ("/study competition start", "usage: /study competition start NAME [DAYS]"),
    ("/leaderboard week month", "usage: /leaderboard [week|month|all|NAME]"),
])
def test_bad_text_gets_the_usage(registry: Registry, line: str, message: str) -> None:
    with pytest.raises(errors.InvalidInput) as raised:
        parse(registry, line)
    assert message in raised.value.reason


def test_groups_have_defaults_and_aliases_resolve(registry: Registry) -> None:
    assert parse(registry, "/study") == ("study help", {})
    assert parse(registry, "/study competition") == ("study competition list", {})
    assert parse(registry, "/stats") == ("streak", {})
    assert parse(registry, "/kubernetes crash  loop") == ("k8s", {"query": "crash  loop"})
    assert parse(registry, "/lookup 'quoted text") == ("lookup", {"query": "'quoted text"})
    with pytest.raises(LookupError):
        registry.find("nonsense", "")


def test_every_command_fits_discord_and_slack(registry: Registry) -> None:
    name = re.compile(r"^[a-z0-9_-]{1,32}$")
    assert len(registry.top_level()) <= 50  # Slack's slash command limit per app
    for command in registry.commands.values():
        assert all(name.match(part) for part in command.path), command.path
        assert 1 <= len(command.summary) <= 100
        assert len(command.options) <= 25
        for option in command.options:
            assert name.match(option.name)
            assert 1 <= len(option.description) <= 100
        greedy = [o for o in command.options if o.greedy]
        assert not greedy or greedy == [command.options[-1]]  # only the last option takes the rest


def test_help_covers_every_command(registry: Registry) -> None:
    usages = " ".join(usage for usage, _, _ in registry.help_lines())
    for command in registry.commands.values():
        if command.topic is None:
            assert command.usage in usages
    assert "/TOPIC QUERY" in usages


def test_keyword_options_anywhere_after_the_positional_ones(registry: Registry) -> None:
    start = "/study competition start q4 14 teams: <!subteam^S1|@sre> blue best:3 topics: k8s linux"
    assert parse(registry, start) == ("study competition start", {
        "name": "q4", "days": "14", "teams": ("<!subteam^S1|@sre>", "blue"), "best": "3",
        "topics": ("k8s", "linux")})
    assert parse(registry, "/study competition start q4 TOPICS: k8s")[1] == {
        "name": "q4", "topics": ("k8s",)}
    assert parse(registry, "/leaderboard q4 team: blue") == ("leaderboard", {
        "period": "q4", "team": "blue"})
    assert parse(registry, "/leaderboard q4 team:blue")[1]["team"] == "blue"
    # A colon elsewhere is just a word: times are not keywords.
    assert parse(registry, "/study setup 09:00 UTC")[1]["time"] == "09:00"


@pytest.mark.parametrize("line", [
    "/study competition start q4 teams:",  # a keyword with nothing after it
    "/study competition start q4 teams: a teams: b",  # twice
    "/study competition start q4 14 best: 3 4",  # one word only: the 4 is left over
    "/leaderboard q4 team: a b",
    "/study team join",
])
def test_bad_keyword_options_get_the_usage(registry: Registry, line: str) -> None:
    with pytest.raises(errors.InvalidInput) as raised:
        parse(registry, line)
    assert "usage: /" in raised.value.reason


def test_team_commands_in_help_with_their_keywords(registry: Registry) -> None:
    usages = [usage for usage, _, _ in registry.help_lines()]
    assert ("/study competition start NAME [DAYS] [teams: @GROUP|NAME ...] [topics: TOPIC ...] "
            "[best: N]") in usages
    assert "/leaderboard [week|month|all|NAME] [team: TEAM]" in usages
    assert "/study team join TEAM [COMPETITION]" in usages
