"""Discord's application commands, generated from the command registry: one per top-level command,
`/study` as a group (with `competition` inside), typed options, autocomplete where it helps."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Optional

import discord
from discord import app_commands

from bot.chat.commands import Command, Kind, Option, Registry
from bot.platforms.discord.client import events_of

AppCommand = app_commands.Command[Any, ..., Any] | app_commands.Group


class TextChannelOption(app_commands.Transformer):
    """A text channel, taken as Discord resolved it in the interaction (no cache needed)."""

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.channel

    @property
    def channel_types(self) -> list[discord.ChannelType]:
        return [discord.ChannelType.text, discord.ChannelType.news]

    async def transform(self, interaction: discord.Interaction[Any], value: Any, /) -> Any:
        return value


_TYPES: dict[Kind, Any] = {
    "user": discord.User,
    "channel": app_commands.Transform[app_commands.AppCommandChannel, TextChannelOption],
}
_SUGGESTED: set[Kind] = {"text", "timezone", "period", "topic", "topics", "days", "question"}
# Answered from memory, well inside Discord's three seconds: no need to defer.
_INSTANT = {"help", "lookup"}


def _callback(command: Command) -> Callable[..., Coroutine[Any, Any, None]]:
    instant = command.topic is not None or command.path[-1] in _INSTANT or command.opens_form

    async def run(interaction: discord.Interaction[Any], **values: Any) -> None:
        await events_of(interaction.client).command(interaction, command.path, values, instant)

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    annotation=discord.Interaction)]
    for option in command.options:
        kind = _TYPES.get(option.kind, str)
        parameters.append(inspect.Parameter(
            option.name, inspect.Parameter.KEYWORD_ONLY,
            annotation=kind if option.required else Optional[kind],  # noqa: UP045 - discord.py reads it
            default=inspect.Parameter.empty if option.required else None))
    # discord.py reads the options from the callback's signature and these attributes.
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        o.name: o.description for o in command.options}
    run.__discord_app_commands_param_autocomplete__ = {  # type: ignore[attr-defined]
        o.name: _suggester(command, o) for o in command.options if o.kind in _SUGGESTED}
    run.__discord_app_commands_param_choices__ = {  # type: ignore[attr-defined]
        o.name: [app_commands.Choice(name=c, value=c) for c in o.choices]
        for o in command.options if o.choices}
    return run


def _suggester(command: Command, option: Option
               ) -> Callable[[discord.Interaction[Any], str], Awaitable[list[app_commands.Choice[str]]]]:
    async def suggest(interaction: discord.Interaction[Any], typed: str) -> list[app_commands.Choice[str]]:
        return await events_of(interaction.client).autocomplete(interaction, command.path,
                                                                option.name, typed)

    return suggest


def _command(command: Command) -> app_commands.Command[Any, ..., Any]:
    return app_commands.Command(name=command.path[-1], description=command.summary,
                                callback=_callback(command))


def _group(registry: Registry, path: tuple[str, ...],
           parent: app_commands.Group | None = None) -> app_commands.Group:
    group = registry.groups[path]
    built = app_commands.Group(
        name=path[-1], description=group.summary, parent=parent, guild_only=parent is None,
        # Only hides the command until a server says otherwise; the bot checks every call.
        default_permissions=discord.Permissions(manage_guild=True)
        if parent is None and _has_admin(registry, path) else None,
    )
    for name in registry.children(path):
        child = (*path, name)
        if child in registry.groups:
            _group(registry, child, built)
        else:
            built.add_command(_command(registry.commands[child]))
    return built


def _has_admin(registry: Registry, path: tuple[str, ...]) -> bool:
    return any(c.admin for c in registry.commands.values() if c.path[:len(path)] == path)


def build(registry: Registry) -> list[AppCommand]:
    built: list[AppCommand] = []
    for name in registry.top_level():
        if (name,) in registry.groups:
            built.append(_group(registry, (name,)))
        else:
            command = _command(registry.commands[(name,)])
            command.guild_only = True
            built.append(command)
    return built
