"""Slash commands, clicks and autocomplete: ack in time, ask the router, answer as Discord does."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import discord
from discord import app_commands

from bot.chat import interactions
from bot.chat.context import Arg, Context
from bot.chat.inflight import InFlight
from bot.chat.reply import Reply
from bot.chat.router import Router
from bot.platforms.discord import forms, render
from bot.service.views import Actor, ChannelRef

log = logging.getLogger("studybot.discord")

PLATFORM = "discord"
_CHANNEL = re.compile(r"^<#(?P<id>\d{1,20})>$")
_USER = re.compile(r"^<@!?(?P<id>\d{1,20})>$")
_ROLE = re.compile(r"^<@&(?P<id>\d{1,20})>$")
NOT_IN_A_SERVER = "studybot works in a server's channels, not in direct messages."


class DiscordHooks:
    """What Discord tells us with each interaction: the member's permissions in that channel."""

    def __init__(self, interaction: discord.Interaction[Any]) -> None:
        self.interaction = interaction

    async def is_admin(self, actor: Actor) -> bool:
        # Checked here on every command; default_member_permissions on /study only hides it.
        # The member's permissions in this channel come with the interaction; their roles in the
        # server (the owner has every permission) are the fallback.
        found = [self.interaction.permissions]
        if isinstance(self.interaction.user, discord.Member):
            found.append(self.interaction.user.guild_permissions)
        return any(p.manage_guild or p.administrator for p in found)

    def looks_like_channel(self, word: str) -> bool:
        return _CHANNEL.match(word) is not None

    async def find_channel(self, here: ChannelRef, text: str) -> ChannelRef | None:
        match = _CHANNEL.match(text.strip())
        return None if match is None else ChannelRef(PLATFORM, here.workspace_id, match["id"])

    async def find_user(self, actor: Actor, text: str) -> Actor | None:
        match = _USER.match(text.strip())
        return None if match is None else Actor(PLATFORM, actor.workspace_id, match["id"], "")

    async def tell(self, person: Actor, reply: Reply) -> bool:
        """A direct message (an interaction's token is kept 15 minutes only, far too short to
        reach someone when a review comes days later)."""
        try:
            user = await self.interaction.client.fetch_user(int(person.user_id))
            await user.send(**render.message(reply))
        except (discord.HTTPException, ValueError) as exc:
            log.warning("a direct message to %s failed: %s", person.user_id, exc)
            return False
        return True

    def parse_group(self, word: str) -> tuple[str, str] | None:
        match = _ROLE.match(word.strip())
        if match is None:
            return None
        guild = self.interaction.guild
        role = guild.get_role(int(match["id"])) if guild is not None else None
        return match["id"], f"@{role.name}" if role is not None else f"@role-{match['id']}"

    async def groups_of(self, actor: Actor, candidates: set[str]) -> set[str]:
        # The member's roles come with every interaction: no request, nothing to cache.
        user = self.interaction.user
        if not isinstance(user, discord.Member):
            return set()
        return {str(role.id) for role in user.roles} & candidates


def context(interaction: discord.Interaction[Any]) -> Context | None:
    if interaction.guild_id is None or interaction.channel_id is None:
        return None
    guild = str(interaction.guild_id)
    user = interaction.user
    channel = interaction.channel
    name = channel.name if isinstance(channel, discord.abc.GuildChannel) else ""
    return Context(Actor(PLATFORM, guild, str(user.id), user.display_name),
                   ChannelRef(PLATFORM, guild, str(interaction.channel_id), name or ""),
                   DiscordHooks(interaction))


def typed_args(here: Context, values: Mapping[str, Any]) -> dict[str, Arg]:
    """Discord's typed option values as the router's arguments."""
    args: dict[str, Arg] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, discord.abc.User):
            args[name] = Actor(PLATFORM, here.actor.workspace_id, str(value.id), value.display_name)
        elif isinstance(value, app_commands.AppCommandChannel | discord.abc.GuildChannel):
            args[name] = ChannelRef(PLATFORM, here.actor.workspace_id, str(value.id), value.name)
        elif name == "topics":
            args[name] = tuple(str(value).split())
        else:
            args[name] = str(value)
    return args


class DiscordEvents:
    def __init__(self, router: Router, inflight: InFlight) -> None:
        self.router = router
        self.inflight = inflight

    async def command(self, interaction: discord.Interaction[Any], path: tuple[str, ...],
                      values: Mapping[str, Any], instant: bool) -> None:
        """A slash command. `instant` ones (lookups, help) answer at once; the rest defer first,
        since a database round trip under load can outlast Discord's three seconds."""
        async with self.inflight.hold():
            here = context(interaction)
            if here is None:
                await interaction.response.send_message(NOT_IN_A_SERVER, ephemeral=True)
                return
            if not instant:
                await interaction.response.defer(ephemeral=True, thinking=True)
            reply = await self.router.invoke(here, path, typed_args(here, values))
            if instant and reply.form is not None:
                await interaction.response.send_modal(forms.modal(reply.form))
            elif instant:
                await interaction.response.send_message(ephemeral=True, **render.message(reply))
            else:
                await interaction.edit_original_response(**render.edit(reply))

    async def click(self, interaction: discord.Interaction[Any], custom_id: str) -> None:
        async with self.inflight.hold():
            here = context(interaction)
            if here is None:
                await interaction.response.send_message(NOT_IN_A_SERVER, ephemeral=True)
                return
            button = interactions.ButtonId(*custom_id.partition(":")[::2])
            # How to ack depends on what the click does: a private verdict is a new message; a
            # practice click replaces the private message it was on; a share goes public.
            action = interactions.decode(button.name, button.payload)
            if _opens_form(action):  # a modal must be the first response: no deferring
                await self._form_click(interaction, here, button)
                return
            in_place = isinstance(action, interactions.Practise | interactions.NextPractice
                                  | interactions.Share | interactions.Review)
            if in_place:
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=True, thinking=True)
            reply = await self.router.click(here, button)
            await self._deliver(interaction, reply, in_place)

    async def _deliver(self, interaction: discord.Interaction[Any], reply: Reply,
                       in_place: bool) -> None:
        if not reply.ephemeral:
            await interaction.edit_original_response(content="Shared to the channel.", embed=None,
                                                     view=None)
            await interaction.followup.send(ephemeral=False, **render.message(reply))
        elif in_place and reply.replaces:
            await interaction.edit_original_response(**render.edit(reply))
        elif in_place:  # an error where a replacement was expected: say it privately
            await interaction.followup.send(ephemeral=True, **render.message(reply))
        else:
            await interaction.edit_original_response(**render.edit(reply))

    # -- forms: modals opened by a command or a click, and their submissions ----------------

    async def _form_click(self, interaction: discord.Interaction[Any], here: Context,
                          button: interactions.ButtonId) -> None:
        reply = await self.router.click(here, button)
        if reply.form is not None:
            await interaction.response.send_modal(forms.modal(reply.form))
        else:
            await interaction.response.send_message(ephemeral=True, **render.message(reply))

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Every interaction passes here; discord.py handles all but our modals' submissions."""
        if interaction.type != discord.InteractionType.modal_submit:
            return
        custom_id = str(interaction.data.get("custom_id", "")) if interaction.data else ""
        if custom_id.startswith(interactions.PREFIX):
            await self.submit(interaction, custom_id)

    async def submit(self, interaction: discord.Interaction[Any], custom_id: str) -> None:
        """A modal submitted. Discord modals cannot show errors: a refused form is answered
        privately with what to fix and an "Edit again" button that opens it filled in."""
        async with self.inflight.hold():
            here = context(interaction)
            if here is None:
                await interaction.response.send_message(NOT_IN_A_SERVER, ephemeral=True)
                return
            await interaction.response.defer(ephemeral=True, thinking=True)
            reply = await self.router.submit(here, custom_id, forms.submitted(interaction.data))
            await interaction.edit_original_response(**render.edit(reply))

    async def autocomplete(self, interaction: discord.Interaction[Any], path: tuple[str, ...],
                           option: str, typed: str) -> list[app_commands.Choice[str]]:
        here = context(interaction)
        if here is None:
            return []
        found = await self.router.suggest(here, path, option, typed)
        return [app_commands.Choice(name=name, value=value) for name, value in found]


def _opens_form(action: interactions.Action | None) -> bool:
    return isinstance(action, interactions.QuestionForm | interactions.ReopenDraft) or (
        isinstance(action, interactions.Review) and action.verdict == "edit")
