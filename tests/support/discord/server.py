"""FakeDiscord: Discord's REST API and gateway on 127.0.0.1, for the real discord.py client.

    async with FakeDiscord() as fake:
        guild = fake.add_guild("Acme", shard=(0, 1))
        ...  # point discord.py at fake.api_url / fake.gateway_url and start it
        await fake.wait_for_sessions()
        reply = await (await fake.slash("ping", user=member, channel=channel)).reply()

Only the remote side is faked. Every REST request is recorded in `calls` with what it was answered.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from aiohttp import web

from tests.support.discord import permissions
from tests.support.discord.changes import Changes
from tests.support.discord.commands import CommandStore
from tests.support.discord.errors import DiscordError
from tests.support.discord.gateway import GUILD_MESSAGES_INTENT, Frame, Gateway, Session
from tests.support.discord.guilds import Channel, DirectChannel, Guild, Member, User
from tests.support.discord.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
    ImpossibleInteraction,
    Where,
    command_data,
    component_data,
    envelope,
    modal_data,
)
from tests.support.discord.messages import MessageStore, StoredMessage
from tests.support.discord.ratelimits import Fault, RateLimits, Refusal
from tests.support.discord.recording import API_PREFIX, Call, Spec, matcher
from tests.support.discord.responses import InteractionHandle, Interactions
from tests.support.discord.rest import Answer, Request, Rest, Route
from tests.support.discord.snowflakes import Snowflakes
from tests.support.local_server import HOST, LocalServer, serve_local

Json = dict[str, Any]
T = TypeVar("T")
VIA = "1.1 google"  # discord.py retries a 429 only when it came through Discord's proxy


class FakeDiscord(LocalServer):
    def __init__(self, *, token: str = "fake-bot-token", bot_name: str = "studybot",
                 global_limit: int | None = None, global_window: float = 1.0, bucket_limit: int = 50,
                 bucket_window: float = 1.0, heartbeat_interval_ms: int = 1000, nonce_window: float = 300.0,
                 callback_deadline: float | None = None, recommended_shards: int = 1) -> None:
        self.token = token
        self.ids = Snowflakes()
        self.application_id = self.ids.next()
        self.owner_id = self.ids.next()
        self.bot = User(self.application_id, bot_name, None, bot=True)  # a bot's user id is its app id
        self.recommended_shards = recommended_shards
        self.guilds: dict[int, Guild] = {}
        self.dms: dict[int, DirectChannel] = {}  # the bot's direct messages, by the user's id
        self.calls: list[Call] = []
        self.changes = Changes()
        self.limits = RateLimits(global_limit=global_limit, global_window=global_window,
                                 bucket_limit=bucket_limit, bucket_window=bucket_window)
        self.commands = CommandStore(self.ids, self.application_id)
        self.gateway = Gateway(token=token, bot=self.bot, application_id=self.application_id,
                               guilds=self.guilds, heartbeat_interval_ms=heartbeat_interval_ms,
                               changes=self.changes, resume_url=lambda: f"ws://{HOST}:{self.port}/resume")
        self.store = MessageStore(self.ids, self.bot, self.guilds, self._message_event, nonce_window)
        self.interactions = Interactions(self.store, self.guilds, self.changes, self.application_id,
                                         callback_deadline)
        self._routes: list[Route] = Rest(self).routes()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # serving

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api_url(self) -> str:
        """What DISCORD_API_URL / discord.http.Route.BASE should be."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """What DISCORD_GATEWAY_URL / DiscordWebSocket.DEFAULT_GATEWAY should be."""
        return f"ws://{HOST}:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/resume", self.gateway.handle)
        app.router.add_route("*", "/{tail:.*}", self._serve)
        self._runner, self.port = await serve_local(app)

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # guilds

    def add_guild(self, name: str = "Test Guild", *, shard: tuple[int, int] | None = None,
                  guild_id: int | None = None, channels: Iterable[str] = ("general",), locale: str = "en-US",
                  bot_permissions: int = permissions.BOT_INVITE,
                  everyone_permissions: int = permissions.EVERYONE_DEFAULT) -> Guild:
        """A server the bot is in. `shard=(id, count)` picks an id that lands on that shard."""
        if guild_id is None:
            guild_id = self.ids.next_on_shard(*shard) if shard else self.ids.next()
        guild = Guild(guild_id, name, bot=self.bot, ids=self.ids, locale=locale,
                      bot_permissions=bot_permissions, everyone_permissions=everyone_permissions)
        for channel in channels:
            guild.add_channel(channel)
        self.guilds[guild.id] = guild
        guild.announce = lambda event, data, intent: self._announce(guild, event, data, intent)
        self.gateway.guild_added(guild)
        return guild

    def channel(self, channel_id: int) -> Channel:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id]
        raise KeyError(f"no channel {channel_id}")

    # what the bot registered

    def global_commands(self) -> list[Json]:
        return self.commands.list(None)

    def guild_commands(self, guild_id: int) -> list[Json]:
        return self.commands.list(guild_id)

    # interactions

    async def slash(self, command: str, *, user: Member, channel: Channel,
                    options: Mapping[str, Any] | None = None, locale: str = "en-US",
                    override_permissions: bool = False) -> InteractionHandle:
        """A user runs `/command [group] [subcommand]` with `options`, as synced by the bot."""
        where = self._where(user, channel, locale)
        leaf = self._leaf(command, where)
        data = command_data(leaf, options or {}, where, override_permissions=override_permissions)
        return await self.interact(self._envelope(where, APPLICATION_COMMAND, data))

    async def autocomplete(self, command: str, *, focused: str, value: str, user: Member, channel: Channel,
                           options: Mapping[str, Any] | None = None, locale: str = "en-US",
                           override_permissions: bool = False) -> InteractionHandle:
        """A user types `value` into option `focused` of `/command` (other options already filled)."""
        where = self._where(user, channel, locale)
        leaf = self._leaf(command, where)
        data = command_data(leaf, options or {}, where, focused=(focused, value),
                            override_permissions=override_permissions)
        return await self.interact(self._envelope(where, AUTOCOMPLETE, data))

    async def click(self, message: StoredMessage | int, custom_id: str, *, user: Member,
                    values: Sequence[str] | None = None, locale: str = "en-US") -> InteractionHandle:
        """A user clicks the button (or picks `values` of the select) `custom_id` on a stored message."""
        stored = self.store.find(message if isinstance(message, int) else message.id)
        if stored is None or stored.deleted:
            raise ImpossibleInteraction(f"message {message!r} does not exist (or was deleted)")
        where = self._where(user, self.channel(stored.channel_id), locale)
        data = component_data(stored, custom_id, values)
        return await self.interact(self._envelope(where, MESSAGE_COMPONENT, data, stored.payload))

    async def submit_modal(self, opened: InteractionHandle, values: Mapping[str, str], *,
                           locale: str = "en-US") -> InteractionHandle:
        """The user who got the modal of `opened` fills in `values` (by input custom_id) and submits."""
        modal = await opened.modal()
        member = self.guilds[opened.guild_id].members[opened.user_id]
        where = self._where(member, self.channel(opened.channel_id), locale)
        message = self.store.find(opened.component_message_id) if opened.component_message_id else None
        return await self.interact(self._envelope(where, MODAL_SUBMIT, modal_data(modal, values),
                                                  message.payload if message else None))

    async def interact(self, payload: Json) -> InteractionHandle:
        """Send a ready-made INTERACTION_CREATE payload to the session owning its guild."""
        handle = self.interactions.register(payload)
        reached = self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id=int(payload["guild_id"]))
        if not reached:
            raise AssertionError(f"no gateway session is connected for guild {payload['guild_id']}")
        await self.gateway.flush()
        return handle

    def _where(self, member: Member, channel: Channel, locale: str) -> Where:
        guild = self.guilds.get(channel.guild_id)
        if guild is None:
            raise ImpossibleInteraction(f"the bot is not in the guild of channel {channel.name}")
        return Where(guild, channel, member, locale)

    def _leaf(self, command: str, where: Where) -> Any:
        try:
            return self.commands.leaf(command, where.guild.id)
        except LookupError as error:
            raise ImpossibleInteraction(str(error)) from None

    def _envelope(self, where: Where, kind: int, data: Json, message: Json | None = None) -> Json:
        copied = json.loads(json.dumps(message)) if message else None  # a snapshot, not the live state
        return envelope(where, kind=kind, data=data, application_id=self.application_id,
                        interaction_id=self.ids.next(), message=copied)

    # gateway

    @property
    def sessions(self) -> list[Session]:
        return self.gateway.sessions

    @property
    def gateway_frames(self) -> list[Frame]:
        return self.gateway.frames

    async def dispatch(self, event: str, data: Json, *, guild_id: int | None = None) -> int:
        """Send a gateway event to the sessions owning `guild_id` (every session without one)."""
        reached = self.gateway.dispatch(event, data, guild_id=guild_id)
        await self.gateway.flush()
        return reached

    async def drop_connections(self, *, shard_id: int | None = None, code: int = 4000,
                               resumable: bool = True) -> int:
        """Close gateway connections from the fake's side; the client should reconnect (and resume)."""
        dropped = await self.gateway.drop(shard_id=shard_id, code=code, resumable=resumable)
        self.changes.bump()
        return dropped

    async def wait_for_sessions(self, count: int = 1, *, shard_id: int | None = None,
                                timeout: float = 5.0) -> list[Session]:  # noqa: ASYNC109
        """Until `count` sessions are connected and have had READY and their GUILD_CREATEs."""
        def ready() -> list[Session]:
            found = [s for s in self.sessions if s.alive and s.connected and s.ready
                     and (shard_id is None or s.shard[0] == shard_id)]
            return found if len(found) >= count else []

        return await self.wait_until(ready, timeout=timeout, what=f"{count} ready gateway session(s)")

    # messages

    def messages(self, channel_id: int, *, include_hidden: bool = False) -> list[StoredMessage]:
        """The channel's messages, oldest first, as they are now (edits applied; see `.edits`)."""
        return self.store.in_channel(channel_id, include_hidden=include_hidden)

    def direct_messages(self, user: User | Member) -> list[StoredMessage]:
        """What the bot sent to this user in direct messages, oldest first."""
        user_id = user.id if isinstance(user, User) else user.user.id
        channel = self.dms.get(user_id)
        return [] if channel is None else self.store.in_channel(channel.id)

    def message(self, message_id: int) -> StoredMessage:
        found = self.store.find(message_id)
        if found is None:
            raise KeyError(f"no message {message_id}")
        return found

    # recording

    def calls_to(self, method: str, route: str) -> list[Call]:
        return [c for c in self.calls if c.matches(method, route)]

    def unknown_calls(self) -> list[Call]:
        return [c for c in self.calls if not c.known_route]

    async def wait_for(self, spec: Spec, *, count: int = 1,
                       timeout: float = 5.0) -> list[Call]:  # noqa: ASYNC109
        """Every call matching `spec` ("POST /channels/{channel_id}/messages" or a predicate) once
        there are at least `count`."""
        match = matcher(spec)
        found: list[Call] = []
        scanned = 0

        def enough() -> list[Call]:
            nonlocal scanned  # look at each call once, however long the run (benchmarks make thousands)
            found.extend(c for c in self.calls[scanned:] if match(c))
            scanned = len(self.calls)
            return found if len(found) >= count else []

        return await self.wait_until(enough, timeout=timeout, what=f"{count} call(s) matching {spec!r}")

    async def wait_until(self, check: Callable[[], T], *, timeout: float = 5.0,  # noqa: ASYNC109
                         what: str = "a condition") -> T:
        return await self.changes.until(check, timeout=timeout, what=what)

    # limits and faults

    def rate_limit(self, method: str, route: str, *, times: int = 1, retry_after: float = 1.0,
                   scope: str = "user") -> None:
        """The next `times` requests to `route` (template or path) get a per-route 429."""
        route = route.removeprefix(API_PREFIX)
        self.limits.faults.append(Fault(method.upper(), route, times, 429, retry_after, scope))

    def fail(self, method: str, route: str, *, times: int = 1, status: int = 500) -> None:
        """The next `times` requests to `route` (template or path) get `status` (a 5xx)."""
        self.limits.faults.append(Fault(method.upper(), route.removeprefix(API_PREFIX), times, status))

    def set_global_limit(self, limit: int | None, *, window: float = 1.0) -> None:
        self.limits.global_limit, self.limits.global_window = limit, window

    @property
    def served_429(self) -> int:
        return self.limits.served_429

    @property
    def served_global_429(self) -> int:
        return self.limits.served_global_429

    # plumbing

    def _announce(self, guild: Guild, event: str, data: Json, intent: int | None) -> None:
        self.gateway.dispatch(event, data, guild_id=guild.id, intent=intent)

    def _message_event(self, event: str, guild_id: int, data: Json) -> None:
        self.gateway.dispatch(event, data, guild_id=guild_id, intent=GUILD_MESSAGES_INTENT)

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        now = time.monotonic()
        in_api = request.path.startswith(API_PREFIX + "/")
        path = request.path.removeprefix(API_PREFIX) if in_api else request.path
        route, params = self._match(request.method, path) if in_api else (None, {})
        call = Call(request.method, route.template if route else path, path, dict(request.query), None,
                    dict(request.headers), now, known_route=route is not None, params=params)
        headers: dict[str, str] = {"Via": VIA}
        try:
            decoded, files = await _read_body(request)
            call.json = decoded
            decoded_request = Request(params, call.query, decoded, files)
            status, body = self._answer(call, route, decoded_request, headers, now)
        except DiscordError as error:
            status, body = error.status, error.body()
        if body is not None:
            # Exactly this: discord.py decodes JSON only when Content-Type equals "application/json".
            headers["Content-Type"] = "application/json"
        call.status, call.response, call.response_headers = status, body, headers
        self.calls.append(call)
        self.changes.bump()
        return web.Response(status=status, headers=headers,
                            body=None if body is None else json.dumps(body).encode())

    def _match(self, method: str, path: str) -> tuple[Route | None, dict[str, str]]:
        for route in self._routes:
            found = route.pattern.match(path)
            if found and route.method == method:
                return route, found.groupdict()
        return None, {}

    def _answer(self, call: Call, route: Route | None, request: Request, headers: dict[str, str],
                now: float) -> tuple[int, Any]:
        if route is None:
            return 404, {"message": "Unknown route", "code": 0}
        if not route.exempt:
            if call.authorization != f"Bot {self.token}":
                return 401, {"message": "401: Unauthorized", "code": 0}
            refusal = self.limits.admit_global(self.token, now)
            if refusal is not None:
                return self._refuse(call, refusal, headers, None)
        fault = self.limits.injected(call.method, route.template, call.path)
        if fault is not None and fault.status == 429:
            refusal = Refusal(fault.retry_after, False, fault.scope, "injected")
            return self._refuse(call, refusal, headers, route)
        if fault is not None:
            return fault.status, {"message": f"{fault.status}: Injected failure", "code": 0}
        major = route.major(request.params)
        bucket_headers, refusal = self.limits.take(call.method, route.template, major, now)
        headers.update(bucket_headers)
        if refusal is not None:
            return self._refuse(call, refusal, headers, route)
        answer: Answer = route.handler(request)
        return answer.status, answer.body

    def _refuse(self, call: Call, refusal: Refusal, headers: dict[str, str],
                route: Route | None) -> tuple[int, Any]:
        call.limited = refusal.kind
        headers["Retry-After"] = str(max(1, math.ceil(refusal.retry_after)))
        headers["X-RateLimit-Scope"] = refusal.scope
        if refusal.is_global:
            headers["X-RateLimit-Global"] = "true"
        elif route is not None:
            bucket = headers.get("X-RateLimit-Bucket") or route.template
            headers.update(RateLimits.headers(bucket, self.limits.bucket_limit, 0, refusal.retry_after))
        return 429, {"message": "You are being rate limited.", "retry_after": round(refusal.retry_after, 3),
                     "global": refusal.is_global}



async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
    """A JSON body, or multipart `payload_json` plus `files[n]` (how discord.py uploads files)."""
    if not request.can_read_body:
        return None, []
    if request.content_type == "multipart/form-data":
        decoded: Any = None
        files: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":
                decoded = json.loads(await part.text())
            else:
                files.append((part.filename or part.name or "file", bytes(await part.read())))
        return decoded, files
    text = await request.text()
    if not text:
        return None, []
    try:
        return json.loads(text), []
    except json.JSONDecodeError:
        raise DiscordError(400, 50109, "The request body contains invalid JSON.") from None
