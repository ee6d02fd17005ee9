"""Application commands the bot registered, by bulk overwrite, checked against Discord's rules.

Global commands and each guild's commands are separate sets. An overwrite keeps the id of a
command whose name and type stay, and bumps its version when its definition changes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from tests.support.discord.errors import DiscordError, invalid
from tests.support.discord.snowflakes import Snowflakes

Json = dict[str, Any]

CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
VALUE_TYPES = {STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT}
MAX_COMMANDS = {CHAT_INPUT: 100, USER_COMMAND: 15, MESSAGE_COMMAND: 15}
MAX_OPTIONS = 25
MAX_CHOICES = 25
MAX_NAME = 32
MAX_DESCRIPTION = 100
MAX_COMMAND_SIZE = 8000
OWN_FIELDS = ("id", "application_id", "version", "guild_id")


@dataclass(frozen=True)
class Leaf:
    """The part of a command a user fills in: the path to it and the options it takes."""

    command: Json
    path: tuple[str, ...]  # ("study", "competition", "start")
    options: list[Json]  # the option definitions at the leaf


class CommandStore:
    def __init__(self, ids: Snowflakes, application_id: int) -> None:
        self._ids = ids
        self._application_id = application_id
        self._sets: dict[int | None, list[Json]] = {None: []}

    def list(self, guild_id: int | None) -> list[Json]:
        return copy.deepcopy(self._sets.get(guild_id, []))

    def overwrite(self, guild_id: int | None, body: Any) -> list[Json]:
        if not isinstance(body, list):
            raise invalid("_", "Must be an array of commands.")
        for i, command in enumerate(body):
            _check_command(command, f"{i}")
        _check_unique(body)
        for kind, most in MAX_COMMANDS.items():
            if sum(1 for c in body if c.get("type", CHAT_INPUT) == kind) > most:
                raise DiscordError(400, 30032, f"Maximum number of application commands reached ({most})")
        old = {(c["name"], c["type"]): c for c in self._sets.get(guild_id, [])}
        stored = []
        for command in body:
            definition = _normalised(command, guild_id)
            previous = old.get((definition["name"], definition["type"]))
            if previous is None:
                ids = {"id": str(self._ids.next()), "version": str(self._ids.next())}
            elif _definition(previous) != definition:
                ids = {"id": previous["id"], "version": str(self._ids.next())}
            else:
                ids = {"id": previous["id"], "version": previous["version"]}
            stored.append({**ids, "application_id": str(self._application_id), **definition})
        self._sets[guild_id] = stored
        return copy.deepcopy(stored)

    def leaf(self, path: str, guild_id: int | None, *, command_type: int = CHAT_INPUT) -> Leaf:
        """The registered command a user in `guild_id` reaches by typing `/path`, or a clear error."""
        parts = tuple(path.lstrip("/").split())
        if not parts:
            raise ValueError("empty command path")
        candidates = (self._sets.get(guild_id, []) if guild_id is not None else []) + self._sets[None]
        command = next((c for c in candidates if c["name"] == parts[0] and c["type"] == command_type), None)
        if command is None:
            known = sorted({c["name"] for c in candidates})
            raise LookupError(f"/{parts[0]} is not registered for guild {guild_id} (registered: {known})")
        options = command.get("options") or []
        for depth, name in enumerate(parts[1:], start=1):
            nested = (SUB_COMMAND, SUB_COMMAND_GROUP)
            sub = next((o for o in options if o["name"] == name and o["type"] in nested), None)
            if sub is None:
                raise LookupError(f"/{' '.join(parts[:depth])} has no subcommand {name!r} "
                                  f"(has: {[o['name'] for o in options if o['type'] in (1, 2)]})")
            options = sub.get("options") or []
        if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in options):
            raise LookupError(f"/{' '.join(parts)} is a group; name a subcommand "
                              f"({[o['name'] for o in options]})")
        return Leaf(command, parts, options)


def _definition(stored: Json) -> Json:
    return {k: v for k, v in stored.items() if k not in OWN_FIELDS}


def _normalised(command: Json, guild_id: int | None) -> Json:
    kind = command.get("type", CHAT_INPUT)
    permissions = command.get("default_member_permissions")
    definition: Json = {
        "type": kind, "name": command["name"], "name_localizations": command.get("name_localizations"),
        "description": command.get("description", "") if kind == CHAT_INPUT else "",
        "description_localizations": command.get("description_localizations"),
        "default_member_permissions": None if permissions is None else str(permissions),
        "nsfw": bool(command.get("nsfw", False)),
        "contexts": command.get("contexts"), "integration_types": command.get("integration_types") or [0],
    }
    if kind == CHAT_INPUT:
        definition["options"] = copy.deepcopy(command.get("options") or [])
    if guild_id is not None:
        definition["guild_id"] = str(guild_id)
    else:
        definition["dm_permission"] = command.get("dm_permission", True)
    return definition


def valid_name(name: Any, *, lowercase: bool = True) -> bool:
    # Discord's rule is the regex ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$, lowercase where a
    # letter has a lowercase form; Python's re has no \p, so check the characters directly.
    return (isinstance(name, str) and 1 <= len(name) <= MAX_NAME
            and all(ch in "-_'" or ch.isalnum() for ch in name)
            and (not lowercase or name == name.lower()))


def _check_command(command: Any, where: str) -> None:
    if not isinstance(command, dict):
        raise invalid(where, "Must be a command object.")
    kind = command.get("type", CHAT_INPUT)
    if kind not in MAX_COMMANDS:
        raise invalid(f"{where}.type", "Value must be one of {1, 2, 3}.")
    name = command.get("name")
    if kind == CHAT_INPUT and not valid_name(name):
        raise invalid(f"{where}.name", "Command name is invalid")
    if kind != CHAT_INPUT and not (isinstance(name, str) and 1 <= len(name) <= MAX_NAME):
        raise invalid(f"{where}.name", "Must be between 1 and 32 in length.")
    permissions = command.get("default_member_permissions")
    # Documented as a string; Discord also takes the integer, which is what discord.py sends.
    if permissions is not None and not (isinstance(permissions, str) and permissions.isdigit()) and not (
            isinstance(permissions, int) and not isinstance(permissions, bool) and permissions >= 0):
        raise invalid(f"{where}.default_member_permissions", "Must be a permission integer.")
    if kind == CHAT_INPUT:
        _check_description(command.get("description"), f"{where}.description")
        _check_options(command.get("options") or [], f"{where}.options", depth=0)
        if _size(command) > MAX_COMMAND_SIZE:
            raise invalid(where, f"Command exceeds maximum size ({MAX_COMMAND_SIZE})")
    elif command.get("options"):
        raise invalid(f"{where}.options", "User and message commands take no options.")


def _check_description(description: Any, where: str) -> None:
    if not isinstance(description, str) or not 1 <= len(description) <= MAX_DESCRIPTION:
        raise invalid(where, f"Must be between 1 and {MAX_DESCRIPTION} in length.")


def _check_options(options: list[Json], where: str, *, depth: int) -> None:
    if len(options) > MAX_OPTIONS:
        raise invalid(where, f"Must be {MAX_OPTIONS} or fewer in length.")
    names = [o.get("name") for o in options]
    if len(set(names)) != len(names):
        raise invalid(where, "Option names must be unique.")
    kinds = {o.get("type") for o in options}
    if kinds & {SUB_COMMAND, SUB_COMMAND_GROUP} and kinds & VALUE_TYPES:
        raise invalid(where, "Subcommands and options cannot be mixed at one level.")
    seen_optional = False
    for i, option in enumerate(options):
        here = f"{where}.{i}"
        kind = option.get("type")
        if kind not in VALUE_TYPES | {SUB_COMMAND, SUB_COMMAND_GROUP}:
            raise invalid(f"{here}.type", "Invalid option type.")
        if not valid_name(option.get("name")):
            raise invalid(f"{here}.name", "Option name is invalid")
        _check_description(option.get("description"), f"{here}.description")
        if kind == SUB_COMMAND_GROUP:
            if depth > 0:
                raise invalid(f"{here}.type", "Subcommand groups cannot be nested.")
            nested = option.get("options") or []
            if any(o.get("type") != SUB_COMMAND for o in nested):
                raise invalid(f"{here}.options", "A subcommand group holds subcommands only.")
            _check_options(nested, f"{here}.options", depth=depth + 1)
        elif kind == SUB_COMMAND:
            nested = option.get("options") or []
            if any(o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in nested):
                raise invalid(f"{here}.options", "A subcommand holds value options only.")
            _check_options(nested, f"{here}.options", depth=depth + 1)
        else:
            _check_value_option(option, here)
            if option.get("required"):
                if seen_optional:
                    raise invalid(f"{here}.required",
                                  "Required options must be placed before non-required options")
            else:
                seen_optional = True


def _check_value_option(option: Json, here: str) -> None:
    choices = option.get("choices") or []
    if len(choices) > MAX_CHOICES:
        raise invalid(f"{here}.choices", f"Must be {MAX_CHOICES} or fewer in length.")
    if choices and option.get("autocomplete"):
        raise invalid(f"{here}.autocomplete", "Autocomplete and choices are mutually exclusive.")
    if option.get("autocomplete") and option["type"] not in (STRING, INTEGER, NUMBER):
        raise invalid(f"{here}.autocomplete", "Only string, integer and number options autocomplete.")
    for j, choice in enumerate(choices):
        name, value = choice.get("name"), choice.get("value")
        if not isinstance(name, str) or not 1 <= len(name) <= 100:
            raise invalid(f"{here}.choices.{j}.name", "Must be between 1 and 100 in length.")
        if isinstance(value, str) and len(value) > 100:
            raise invalid(f"{here}.choices.{j}.value", "Must be 100 or fewer in length.")
    for bound in ("min_length", "max_length"):
        if bound in option and not 0 <= option[bound] <= 6000:
            raise invalid(f"{here}.{bound}", "Must be between 0 and 6000.")


def _check_unique(commands: list[Json]) -> None:
    keys = [(c.get("name"), c.get("type", CHAT_INPUT)) for c in commands]
    if len(set(keys)) != len(keys):
        raise invalid("_", "Application command names must be unique")


def _size(node: Json) -> int:
    """Characters Discord counts toward a command's size: names, descriptions and choice values."""
    total = len(node.get("name") or "") + len(node.get("description") or "")
    choices = node.get("choices") or []
    total += sum(len(str(c.get("name", ""))) + len(str(c.get("value", ""))) for c in choices)
    return total + sum(_size(o) for o in node.get("options") or [])
