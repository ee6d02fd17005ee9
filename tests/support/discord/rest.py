"""The REST routes discord.py calls, as plain functions of the fake's state.

Each handler takes the decoded request and returns an `Answer`; the server does authentication,
rate limits, recording and serialisation around it. Templates use Discord's documented names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.support.discord import permissions
from tests.support.discord.errors import (
    CANNOT_EDIT_OTHERS_MESSAGE,
    MISSING_ACCESS,
    MISSING_PERMISSIONS,
    UNKNOWN_APPLICATION,
    UNKNOWN_CHANNEL,
    UNKNOWN_GUILD,
    UNKNOWN_MEMBER,
    UNKNOWN_MESSAGE,
    UNKNOWN_USER,
    DiscordError,
    invalid,
    not_found,
)
from tests.support.discord.guilds import Channel, DirectChannel, Guild
from tests.support.discord.responses import CALLBACK_ROUTE, FOLLOWUP_ROUTE, WEBHOOK_MESSAGE_ROUTE
from tests.support.discord.validation import check_message

if TYPE_CHECKING:
    from tests.support.discord.server import FakeDiscord

Json = dict[str, Any]
MESSAGE_ROUTE = "/channels/{channel_id}/messages/{message_id}"


@dataclass
class Request:
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]] = field(default_factory=list)

    def id(self, name: str) -> int:
        value = self.params[name]
        if not value.isdigit():
            raise invalid(name, "Value is not snowflake.")
        return int(value)

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in ("1", "true")

    def body(self) -> Json:
        if not isinstance(self.json, dict):
            raise invalid("_", "Expected a JSON object body.")
        return self.json


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: Any = None  # None with 204


Handler = Callable[[Request], Answer]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str]
    exempt: bool  # interaction endpoints: no bot token, not counted by the global limit

    def major(self, params: dict[str, str]) -> str:
        """The top-level resources Discord keys per-route buckets on."""
        keys = ("channel_id", "guild_id", "application_id", "interaction_id", "interaction_token")
        return "+".join(params[k] for k in keys if k in params)


def compile_route(method: str, template: str, handler: Handler) -> Route:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    exempt = template.startswith(("/interactions/", "/webhooks/{application_id}/{interaction_token}"))
    return Route(method, template, handler, re.compile(f"^{regex}$"), exempt)


class Rest:
    def __init__(self, fake: FakeDiscord) -> None:
        self._fake = fake

    def routes(self) -> list[Route]:
        table: list[tuple[str, str, Handler]] = [
            ("GET", "/users/@me", self.me),
            ("GET", "/users/{user_id}", self.user),
            ("POST", "/users/@me/channels", self.open_dm),
            ("GET", "/oauth2/applications/@me", self.application),
            ("GET", "/applications/@me", self.application),
            ("GET", "/gateway", self.gateway),
            ("GET", "/gateway/bot", self.gateway_bot),
            ("GET", "/applications/{application_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/commands", self.put_commands),
            ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", self.get_commands),
            ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", self.put_commands),
            ("POST", CALLBACK_ROUTE, self.callback),
            ("POST", FOLLOWUP_ROUTE, self.followup),
            ("GET", WEBHOOK_MESSAGE_ROUTE, self.get_webhook_message),
            ("PATCH", WEBHOOK_MESSAGE_ROUTE, self.edit_webhook_message),
            ("DELETE", WEBHOOK_MESSAGE_ROUTE, self.delete_webhook_message),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("GET", "/channels/{channel_id}/messages", self.history),
            ("POST", "/channels/{channel_id}/messages", self.create_message),
            ("GET", MESSAGE_ROUTE, self.get_message),
            ("PATCH", MESSAGE_ROUTE, self.edit_message),
            ("DELETE", MESSAGE_ROUTE, self.delete_message),
            ("POST", "/channels/{channel_id}/typing", self.typing),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/guilds/{guild_id}/channels", self.guild_channels),
            ("GET", "/guilds/{guild_id}/roles", self.guild_roles),
            ("GET", "/guilds/{guild_id}/members/{user_id}", self.guild_member),
        ]
        return [compile_route(*row) for row in table]

    # identity and gateway

    def me(self, _: Request) -> Answer:
        return Answer(200, self._fake.bot.payload() | {
            "verified": True, "mfa_enabled": False, "email": None, "locale": "en-US", "premium_type": 0})

    def user(self, request: Request) -> Answer:
        user_id = request.id("user_id")
        for guild in self._fake.guilds.values():
            if user_id in guild.members:
                return Answer(200, guild.members[user_id].user.payload())
        raise not_found(UNKNOWN_USER, "User")

    def open_dm(self, request: Request) -> Answer:
        """The bot's direct messages with a user it shares a guild with (the same channel again
        on a second call)."""
        recipient = str(request.body().get("recipient_id", ""))
        if not recipient.isdigit():
            raise invalid("recipient_id", "Value is not snowflake.")
        user = next((g.members[int(recipient)].user for g in self._fake.guilds.values()
                     if int(recipient) in g.members), None)
        if user is None:
            raise not_found(UNKNOWN_USER, "User")
        channel = self._fake.dms.get(user.id)
        if channel is None:
            channel = self._fake.dms[user.id] = DirectChannel(self._fake.ids.next(), user)
        return Answer(200, channel.payload())

    def application(self, _: Request) -> Answer:
        fake = self._fake
        return Answer(200, {
            "id": str(fake.application_id), "name": fake.bot.username, "icon": None, "description": "",
            "summary": "", "type": None, "hook": True, "bot_public": True, "bot_require_code_grant": False,
            "verify_key": "0" * 64, "flags": 0, "team": None, "tags": [], "redirect_uris": [],
            "rpc_origins": [], "interactions_endpoint_url": None, "role_connections_verification_url": None,
            "owner": {"id": str(fake.owner_id), "username": "owner", "discriminator": "0",
                      "global_name": None, "avatar": None, "public_flags": 0, "flags": 0},
            "bot": fake.bot.payload(), "approximate_guild_count": len(fake.guilds),
            "integration_types_config": {"0": {}},
        })

    def gateway(self, _: Request) -> Answer:
        return Answer(200, {"url": self._fake.gateway_url})

    def gateway_bot(self, _: Request) -> Answer:
        return Answer(200, {"url": self._fake.gateway_url, "shards": self._fake.recommended_shards,
                            "session_start_limit": {"total": 1000, "remaining": 999,
                                                    "reset_after": 14_400_000, "max_concurrency": 1}})

    # application commands

    def _command_scope(self, request: Request) -> int | None:
        if request.id("application_id") != self._fake.application_id:
            raise not_found(UNKNOWN_APPLICATION, "Application")
        if "guild_id" not in request.params:
            return None
        guild_id = request.id("guild_id")
        if guild_id not in self._fake.guilds:
            raise DiscordError(403, MISSING_ACCESS, "Missing Access")
        return guild_id

    def get_commands(self, request: Request) -> Answer:
        return Answer(200, self._fake.commands.list(self._command_scope(request)))

    def put_commands(self, request: Request) -> Answer:
        scope = self._command_scope(request)
        return Answer(200, self._fake.commands.overwrite(scope, request.json))

    # interactions

    def callback(self, request: Request) -> Answer:
        answer = self._fake.interactions.respond(
            request.id("interaction_id"), request.params["interaction_token"], request.body(), request.files,
            with_response=request.flag("with_response"))
        return Answer(204) if answer is None else Answer(200, answer)

    def followup(self, request: Request) -> Answer:
        return Answer(200, self._fake.interactions.followup(
            request.id("application_id"), request.params["interaction_token"], request.body(), request.files))

    def get_webhook_message(self, request: Request) -> Answer:
        message = self._fake.interactions.message(
            request.id("application_id"), request.params["interaction_token"], request.params["message_id"])
        return Answer(200, message.fetched())

    def edit_webhook_message(self, request: Request) -> Answer:
        return Answer(200, self._fake.interactions.edit(
            request.id("application_id"), request.params["interaction_token"], request.params["message_id"],
            request.body(), request.files))

    def delete_webhook_message(self, request: Request) -> Answer:
        self._fake.interactions.delete(
            request.id("application_id"), request.params["interaction_token"], request.params["message_id"])
        return Answer(204)

    # channels and messages

    def _channel(self, request: Request, needs: int = permissions.VIEW_CHANNEL) -> tuple[Guild, Channel]:
        channel_id = request.id("channel_id")
        for guild in self._fake.guilds.values():
            if channel_id in guild.channels:
                channel = guild.channels[channel_id]
                allowed = guild.bot_permissions_in(channel)
                if not allowed & permissions.VIEW_CHANNEL:
                    raise DiscordError(403, MISSING_ACCESS, "Missing Access")
                if needs & ~allowed:
                    raise DiscordError(403, MISSING_PERMISSIONS, "Missing Permissions")
                return guild, channel
        raise not_found(UNKNOWN_CHANNEL, "Channel")

    def get_channel(self, request: Request) -> Answer:
        return Answer(200, self._channel(request)[1].payload())

    def history(self, request: Request) -> Answer:
        guild, channel = self._channel(request)
        if not guild.bot_permissions_in(channel) & permissions.READ_MESSAGE_HISTORY:
            return Answer(200, [])

        def snowflake(name: str) -> int | None:
            value = request.query.get(name)
            if value is not None and not value.isdigit():
                raise invalid(name, "Value is not snowflake.")
            return None if value is None else int(value)

        limit = request.query.get("limit", "50")
        if not limit.isdigit():
            raise invalid("limit", "Value is not int.")
        return Answer(200, self._fake.store.page(channel.id, limit=int(limit), before=snowflake("before"),
                                                 after=snowflake("after"), around=snowflake("around")))

    def create_message(self, request: Request) -> Answer:
        direct = next((c for c in self._fake.dms.values() if c.id == request.id("channel_id")), None)
        channel: Channel | DirectChannel = direct or self._channel(
            request, permissions.VIEW_CHANNEL | permissions.SEND_MESSAGES)[1]
        body = request.body()
        check_message(body, creating=True)
        message, _ = self._fake.store.create(channel, body, files=request.files)
        return Answer(200, message.payload)

    def _own_message(self, request: Request) -> Any:
        _, channel = self._channel(request)
        message = self._fake.store.get(request.id("message_id"))
        if message.channel_id != channel.id or message.ephemeral:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        return message

    def get_message(self, request: Request) -> Answer:
        return Answer(200, self._own_message(request).fetched())

    def edit_message(self, request: Request) -> Answer:
        message = self._own_message(request)
        if message.payload["author"]["id"] != str(self._fake.bot.id):
            raise DiscordError(403, CANNOT_EDIT_OTHERS_MESSAGE,
                               "Cannot edit a message authored by another user")
        body = request.body()
        check_message(body, creating=False)
        edited = self._fake.store.edit(message, body, route=MESSAGE_ROUTE, files=request.files)
        return Answer(200, edited.fetched())

    def delete_message(self, request: Request) -> Answer:
        self._fake.store.delete(self._own_message(request))
        return Answer(204)

    def typing(self, request: Request) -> Answer:
        self._channel(request, permissions.VIEW_CHANNEL | permissions.SEND_MESSAGES)
        return Answer(204)

    # guilds

    def _guild(self, request: Request) -> Guild:
        guild = self._fake.guilds.get(request.id("guild_id"))
        if guild is None:
            raise not_found(UNKNOWN_GUILD, "Guild")
        return guild

    def get_guild(self, request: Request) -> Answer:
        guild = self._guild(request)
        return Answer(200, guild.payload() | {"approximate_member_count": len(guild.members)})

    def guild_channels(self, request: Request) -> Answer:
        return Answer(200, [c.payload() for c in self._guild(request).channels.values()])

    def guild_roles(self, request: Request) -> Answer:
        return Answer(200, [r.payload() for r in self._guild(request).roles.values()])

    def guild_member(self, request: Request) -> Answer:
        member = self._guild(request).members.get(request.id("user_id"))
        if member is None:
            raise not_found(UNKNOWN_MEMBER, "Member")
        return Answer(200, member.payload())
