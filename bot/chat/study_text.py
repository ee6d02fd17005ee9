"""`/study ...` text, parsed the same way on every platform."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import ClassVar

from bot import errors

USAGE = {
    "setup": "/study setup [#channel] HH:MM TIMEZONE [DAYS] [TOPIC ...]   e.g. "
             "/study setup 09:00 Europe/London mon-fri k8s linux",
    "post-now": "/study post-now [QUESTION_ID]",
    "close": "/study close",
    "pause": "/study pause",
    "resume": "/study resume",
    "schedule": "/study schedule",
    "competition": "/study competition start NAME [DAYS] | end NAME | list",
    "help": "/study help",
}

_CHANNEL = re.compile(r"^(?:<#(?P<id>[A-Z0-9]+)(?:\|(?P<name>[^>]*))?>|#(?P<plain>[\w.-]+))$")
_TIME = re.compile(r"^\d{1,2}:\d{2}$")


@dataclass(frozen=True)
class ChannelMention:
    """A channel named in the command: `<#C123|name>` (escaped by Slack) or plain `#name`."""

    id: str | None
    name: str


@dataclass(frozen=True)
class Setup:
    name: ClassVar[str] = "setup"
    time: str
    timezone: str
    days: str = "mon-fri"
    topics: tuple[str, ...] = ()
    channel: ChannelMention | None = None


@dataclass(frozen=True)
class PostNow:
    name: ClassVar[str] = "post-now"
    question_id: str | None = None


@dataclass(frozen=True)
class Simple:
    name: str  # close | pause | resume | schedule | help


@dataclass(frozen=True)
class Competition:
    name: ClassVar[str] = "competition"
    args: tuple[str, ...] = field(default_factory=tuple)


StudyCommand = Setup | PostNow | Simple | Competition


_USER = re.compile(r"^<@(?P<id>[UW][A-Z0-9]+)(?:\|(?P<name>[^>]*))?>$")


@dataclass(frozen=True)
class UserMention:
    """A user named in a command: `<@U123|name>` as Slack escapes it."""

    id: str
    name: str


def parse_user(token: str) -> UserMention | None:
    match = _USER.match(token.strip())
    if not match:
        return None
    return UserMention(match["id"], match["name"] or match["id"])


def parse_channel(token: str) -> ChannelMention | None:
    match = _CHANNEL.match(token)
    if not match:
        return None
    if match["id"]:
        return ChannelMention(match["id"], match["name"] or "")
    return ChannelMention(None, match["plain"])


def parse_study(text: str) -> StudyCommand:
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    if not words:
        return Simple("help")
    name, args = words[0].lower(), words[1:]
    if name in ("help", "close", "pause", "resume", "schedule") and not args:
        return Simple(name)
    if name == "post-now" and len(args) <= 1:
        return PostNow(args[0] if args else None)
    if name == "competition":
        return Competition(tuple(args))
    if name == "setup":
        return _parse_setup(args)
    if name in USAGE:
        raise errors.InvalidInput("command", text, f"usage: {USAGE[name]}")
    raise errors.InvalidInput(
        "command", text, f"unknown subcommand {name!r}; try: {', '.join(USAGE)}"
    )


def _parse_setup(args: list[str]) -> Setup:
    channel = parse_channel(args[0]) if args else None
    if channel is not None:
        args = args[1:]
    if len(args) < 2 or not _TIME.match(args[0]):
        raise errors.InvalidInput("command", " ".join(args), f"usage: {USAGE['setup']}")
    time, timezone, rest = args[0], args[1], args[2:]
    days = "mon-fri"
    if rest and _looks_like_days(rest[0]):
        days, rest = rest[0], rest[1:]
    return Setup(time, timezone, days, tuple(rest), channel)


def _looks_like_days(word: str) -> bool:
    """A days word, valid or not: anything with day-list punctuation or a day name. An invalid
    one then fails in the service with a message about days, not about topics."""
    from bot.rules.schedule import ScheduleInputError, parse_days

    if "," in word or "-" in word:
        return True
    try:
        parse_days(word)
    except ScheduleInputError:
        return False
    return True
