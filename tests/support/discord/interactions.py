"""INTERACTION_CREATE payloads, built as Discord sends them, only for what a real user could do.

Slash commands and autocomplete are built from the commands the bot itself synced: a test cannot
invoke a command, subcommand or option the bot never registered, nor pass a value Discord's client
would not let through (a missing required option, a value outside the choices). Clicks need a
component that is on the stored message and not disabled. Anything else raises
`ImpossibleInteraction` in the test.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.support.discord import commands as c
from tests.support.discord.guilds import Channel, Guild, Member, Role, User
from tests.support.discord.messages import StoredMessage
from tests.support.discord.validation import BUTTON, LABEL, SELECTS, TEXT_INPUT, walk

Json = dict[str, Any]

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024  # what Discord reports for a server without boosts
GUILD_INSTALL = "0"
GUILD_CONTEXT = 0
MAX_SAFE_INTEGER = 2**53
_KIND_NAMES = {c.USER: "user", c.CHANNEL: "channel", c.ROLE: "role", c.MENTIONABLE: "user or role"}


class ImpossibleInteraction(AssertionError):
    """A real Discord user could not produce this interaction."""


@dataclass(frozen=True)
class Where:
    """Who acts, where."""

    guild: Guild
    channel: Channel
    member: Member
    locale: str = "en-US"


def envelope(where: Where, *, kind: int, data: Json, application_id: int, interaction_id: int,
             message: Json | None = None) -> Json:
    guild, channel, member = where.guild, where.channel, where.member
    permissions = guild.permissions_of(member)
    payload: Json = {
        "id": str(interaction_id), "application_id": str(application_id), "type": kind,
        "token": secrets.token_urlsafe(48), "version": 1, "data": data,
        "guild_id": str(guild.id), "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
        "channel_id": str(channel.id), "channel": channel.payload() | {"permissions": str(permissions)},
        "member": member.payload(permissions=permissions),
        "app_permissions": str(guild.bot_permissions_in(channel)),
        "locale": where.locale, "guild_locale": guild.locale,
        "entitlements": [], "entitlement_sku_ids": [],
        "authorizing_integration_owners": {GUILD_INSTALL: str(guild.id)}, "context": GUILD_CONTEXT,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    }
    if message is not None:
        payload["message"] = message
    return payload


def check_member(where: Where) -> None:
    if where.member.guild_id != where.guild.id or where.member.id not in where.guild.members:
        raise ImpossibleInteraction(f"{where.member.user.username} is not a member of {where.guild}")
    if where.channel.guild_id != where.guild.id:
        raise ImpossibleInteraction(f"channel {where.channel.name} is not in {where.guild}")


def command_data(leaf: c.Leaf, options: Mapping[str, Any], where: Where, *,
                 focused: tuple[str, str] | None = None, override_permissions: bool = False) -> Json:
    """`data` of a slash command (or, with `focused`, of its autocomplete) reached through `leaf`."""
    check_member(where)
    command = leaf.command
    required = command.get("default_member_permissions")
    if required is not None and not override_permissions:
        lacking = int(required) & ~where.guild.permissions_of(where.member)
        if lacking:
            raise ImpossibleInteraction(
                f"/{' '.join(leaf.path)} is hidden from {where.member.user.username}: it needs permissions "
                f"{int(required)} (lacks {lacking}); pass override_permissions=True to act as if a server "
                "admin allowed it in Integrations settings")
    specs = {o["name"]: o for o in leaf.options}
    unknown = set(options) - set(specs)
    if focused is not None:
        unknown |= {focused[0]} - set(specs)
    if unknown:
        raise ImpossibleInteraction(f"/{' '.join(leaf.path)} has no option(s) {sorted(unknown)} "
                                    f"(has: {list(specs)})")
    if focused is None:
        missing = [n for n, o in specs.items() if o.get("required") and n not in options]
        if missing:
            raise ImpossibleInteraction(f"/{' '.join(leaf.path)} needs option(s) {missing}")
    elif not specs[focused[0]].get("autocomplete"):
        raise ImpossibleInteraction(f"option {focused[0]!r} of /{' '.join(leaf.path)} does not autocomplete")
    resolved: dict[str, dict[str, Json]] = {}
    values: list[Json] = []
    for name, spec in specs.items():
        if focused is not None and name == focused[0]:
            values.append({"name": name, "type": spec["type"], "value": focused[1], "focused": True})
        elif name in options:
            value = _encode(spec, options[name], where, None if focused else resolved)
            values.append({"name": name, "type": spec["type"], "value": value})
    for depth in range(len(leaf.path) - 1, 0, -1):
        kind = c.SUB_COMMAND if depth == len(leaf.path) - 1 else c.SUB_COMMAND_GROUP
        values = [{"name": leaf.path[depth], "type": kind, "options": values}]
    data: Json = {"id": command["id"], "name": command["name"], "type": command["type"],
                  "version": command["version"], "options": values}
    if "guild_id" in command:
        data["guild_id"] = command["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data


def _encode(spec: Json, value: Any, where: Where, resolved: dict[str, dict[str, Json]] | None) -> Any:
    name, kind = spec["name"], spec["type"]

    def refuse(why: str) -> ImpossibleInteraction:
        return ImpossibleInteraction(f"option {name!r}: {why} (got {value!r})")

    if kind == c.STRING:
        if not isinstance(value, str):
            raise refuse("expects a string")
        if not spec.get("min_length", 0) <= len(value) <= spec.get("max_length", 6000):
            raise refuse("length outside min_length/max_length")
    elif kind in (c.INTEGER, c.NUMBER):
        if isinstance(value, bool) or not isinstance(value, int | float) or (kind == c.INTEGER and
                                                                            not isinstance(value, int)):
            raise refuse("expects an integer" if kind == c.INTEGER else "expects a number")
        if not spec.get("min_value", -MAX_SAFE_INTEGER) <= value <= spec.get("max_value", MAX_SAFE_INTEGER):
            raise refuse("outside min_value/max_value")
        value = value if kind == c.INTEGER else float(value)
    elif kind == c.BOOLEAN:
        if not isinstance(value, bool):
            raise refuse("expects a boolean")
    elif kind in (c.USER, c.CHANNEL, c.ROLE, c.MENTIONABLE):
        return _snowflake_option(spec, value, where, resolved, refuse)
    else:
        raise refuse("attachment options are not faked")
    choices = spec.get("choices")
    if choices and value not in [choice["value"] for choice in choices]:
        raise refuse(f"not one of the choices {[choice['value'] for choice in choices]}")
    return value


def _snowflake_option(spec: Json, value: Any, where: Where, resolved: dict[str, dict[str, Json]] | None,
                      refuse: Any) -> str:
    guild, kind = where.guild, spec["type"]
    item = value
    if isinstance(value, int):
        item = guild.members.get(value) or guild.channels.get(value) or guild.roles.get(value)
    if kind in (c.USER, c.MENTIONABLE) and isinstance(item, Member | User):
        member = guild.members.get(item.id)
        user = member.user if member else item
        if resolved is not None:
            resolved.setdefault("users", {})[str(user.id)] = user.payload()
            if member is not None:
                resolved.setdefault("members", {})[str(user.id)] = member.payload(
                    with_user=False, permissions=guild.permissions_of(member))
        return str(user.id)
    if kind in (c.ROLE, c.MENTIONABLE) and isinstance(item, Role) and item.guild_id == guild.id:
        if resolved is not None:
            resolved.setdefault("roles", {})[str(item.id)] = item.payload()
        return str(item.id)
    if kind == c.CHANNEL and isinstance(item, Channel) and item.guild_id == guild.id:
        allowed = spec.get("channel_types")
        if allowed and item.type not in allowed:
            raise refuse(f"channel type {item.type} not in {allowed}")
        if resolved is not None:
            partial = {k: v for k, v in item.payload().items() if k != "permission_overwrites"}
            resolved.setdefault("channels", {})[str(item.id)] = partial | {
                "permissions": str(guild.permissions_of(where.member))}
        return str(item.id)
    raise refuse(f"not a {_KIND_NAMES[kind]} of {guild}")


def component_data(message: StoredMessage, custom_id: str, values: Sequence[str] | None) -> Json:
    component = message.component(custom_id)
    if component is None:
        raise ImpossibleInteraction(f"message {message.id} has no component {custom_id!r} "
                                    f"(has: {[x.get('custom_id') for x in walk(message.components)]})")
    if component.get("disabled"):
        raise ImpossibleInteraction(f"component {custom_id!r} of message {message.id} is disabled")
    kind = component["type"]
    data: Json = {"custom_id": custom_id, "component_type": kind, "id": component.get("id")}
    if kind == BUTTON:
        if values is not None:
            raise ImpossibleInteraction("a button click carries no values")
    elif kind == 3:
        offered = [o["value"] for o in component.get("options") or []]
        chosen = list(values or [])
        low, high = component.get("min_values", 1), component.get("max_values", 1)
        if not low <= len(chosen) <= high or set(chosen) - set(offered):
            raise ImpossibleInteraction(f"select {custom_id!r} takes {low}-{high} of {offered}, got {chosen}")
        data["values"] = chosen
    elif kind in SELECTS:
        raise ImpossibleInteraction("only buttons and string selects are faked")
    else:
        raise ImpossibleInteraction(f"component {custom_id!r} of type {kind} cannot be clicked")
    return data


def modal_data(modal: Json, values: Mapping[str, str]) -> Json:
    """The submission of a modal the bot opened: its inputs, in its own layout, with `values`."""
    inputs = {x["custom_id"]: x for x in walk(modal.get("components") or []) if x.get("type") == TEXT_INPUT}
    unknown = set(values) - set(inputs)
    if unknown:
        raise ImpossibleInteraction(f"modal {modal.get('custom_id')!r} has no input(s) {sorted(unknown)}")
    for custom_id, spec in inputs.items():
        text = values.get(custom_id, "")
        if spec.get("required", True) and not text:
            raise ImpossibleInteraction(f"modal input {custom_id!r} is required")
        if text and not spec.get("min_length", 0) <= len(text) <= spec.get("max_length", 4000):
            raise ImpossibleInteraction(f"modal input {custom_id!r}: length outside min_length/max_length")

    def submitted(component: Json) -> Json | None:
        kind = component.get("type")
        if kind == TEXT_INPUT:
            return {"type": TEXT_INPUT, "id": component.get("id"), "custom_id": component["custom_id"],
                    "value": values.get(component["custom_id"], "")}
        if kind == LABEL:
            inner = submitted(component["component"])
            return None if inner is None else {"type": LABEL, "id": component.get("id"), "component": inner}
        if "components" in component:
            inner_list = [x for x in map(submitted, component["components"]) if x is not None]
            return {"type": kind, "id": component.get("id"), "components": inner_list}
        return None

    rows = [x for x in map(submitted, copy.deepcopy(modal.get("components") or [])) if x is not None]
    return {"custom_id": modal["custom_id"], "components": rows}
