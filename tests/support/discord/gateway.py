"""The gateway: websocket sessions that identify (per shard), heartbeat, resume and get events.

A session outlives its connection: when a connection drops, events for its guilds are buffered
and replayed on RESUME, as Discord does. A client that closes with 1000/1001 ends its session.
Frames are plain JSON text (the client's zlib-stream request is ignored; discord.py accepts text).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMessage, WSMsgType, web

from tests.support.discord.changes import Changes
from tests.support.discord.guilds import GUILD_MEMBERS_INTENT, Guild, User
from tests.support.discord.snowflakes import shard_of

Json = dict[str, Any]

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
GUILD_MESSAGES_INTENT = 1 << 9
# Close codes from Discord's gateway docs.
UNKNOWN_OPCODE, DECODE_ERROR, AUTHENTICATION_FAILED, ALREADY_AUTHENTICATED = 4001, 4002, 4004, 4005
INVALID_SHARD = 4010
REPLAY_BUFFER = 10_000


@dataclass
class Frame:
    connection: int
    direction: str  # "in" (client to fake) or "out"
    op: int
    event: str | None
    seq: int | None
    data: Any
    at: float


class Connection:
    """One websocket. Sends go through a queue, so callers need not await and order is kept."""

    def __init__(self, number: int, ws: web.WebSocketResponse, path: str,
                 record: Callable[[Frame], None]) -> None:
        self.number = number
        self.ws = ws
        self.path = path
        self.session: Session | None = None
        self.closed_by_fake = False
        self._record = record
        self._outbox: asyncio.Queue[str] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write(), name=f"fake-discord-ws-{number}")

    def send(self, payload: Json, text: str | None = None) -> None:
        self._record(Frame(self.number, "out", payload["op"], payload.get("t"), payload.get("s"),
                           payload.get("d"), time.monotonic()))
        self._outbox.put_nowait(text or json.dumps(payload))

    async def flush(self) -> None:
        await self._outbox.join()

    async def close(self, code: int) -> None:
        self.closed_by_fake = True
        await self.flush()
        await self.ws.close(code=code)

    async def stop(self) -> None:
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer
        while not self._outbox.empty():  # nobody will write these; let flush() return
            self._outbox.get_nowait()
            self._outbox.task_done()

    async def _write(self) -> None:
        while True:
            text = await self._outbox.get()
            try:
                if not self.ws.closed:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                pass  # the peer is gone; the reader notices and ends the connection
            finally:
                self._outbox.task_done()


@dataclass
class Session:
    id: str
    shard: tuple[int, int]
    intents: int
    connection: Connection | None
    alive: bool = True  # False once closed by the client or invalidated: RESUME is refused
    ready: bool = False  # READY and every GUILD_CREATE sent
    seq: int = 0
    resumes: int = 0
    buffer: deque[tuple[int, Json, str]] = field(default_factory=lambda: deque(maxlen=REPLAY_BUFFER))

    def owns(self, guild_id: int) -> bool:
        return shard_of(guild_id, self.shard[1]) == self.shard[0]

    @property
    def connected(self) -> bool:
        return self.connection is not None

    def dispatch(self, event: str, data: Json) -> None:
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        text = json.dumps(payload)
        self.buffer.append((self.seq, payload, text))
        if self.connection is not None:
            self.connection.send(payload, text)


class Gateway:
    def __init__(self, *, token: str, bot: User, application_id: int, guilds: dict[int, Guild],
                 heartbeat_interval_ms: int, resume_url: Callable[[], str], changes: Changes) -> None:
        self._token = token
        self._bot = bot
        self._application_id = application_id
        self._guilds = guilds
        self._heartbeat_interval_ms = heartbeat_interval_ms
        self._resume_url = resume_url
        self._changes = changes
        self._numbers = itertools.count(1)
        self.connections: list[Connection] = []
        self.sessions: list[Session] = []
        self.frames: list[Frame] = []

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        connection = Connection(next(self._numbers), ws, request.path, self._record)
        self.connections.append(connection)
        hello = {"heartbeat_interval": self._heartbeat_interval_ms, "_trace": ["fake-discord"]}
        connection.send({"op": HELLO, "s": None, "t": None, "d": hello})
        try:
            async for message in ws:
                payload = _decode(message)
                if payload is None:
                    await connection.close(DECODE_ERROR)
                    break
                await self._receive(connection, payload)
        finally:
            await connection.stop()
            self.connections.remove(connection)
            session = connection.session
            if session is not None and session.connection is connection:
                session.connection = None
                if ws.close_code in (1000, 1001) and not connection.closed_by_fake:
                    session.alive = False  # a clean close by the client ends the session
            self._changes.bump()
        return ws

    def live_sessions(self, guild_id: int | None = None) -> list[Session]:
        return [s for s in self.sessions if s.alive and (guild_id is None or s.owns(guild_id))]

    def dispatch(self, event: str, data: Json, *, guild_id: int | None = None,
                 intent: int | None = None) -> int:
        """Send an event to every live session that owns the guild (all of them without one)."""
        reached = [s for s in self.live_sessions(guild_id) if intent is None or s.intents & intent]
        for session in reached:
            session.dispatch(event, data)
        return len(reached)

    def guild_added(self, guild: Guild) -> None:
        for session in self.live_sessions(guild.id):
            if session.ready:
                session.dispatch("GUILD_CREATE", self._guild_create(guild, session, joined=True))

    async def flush(self) -> None:
        for connection in list(self.connections):
            await connection.flush()

    async def drop(self, *, shard_id: int | None, code: int, resumable: bool) -> int:
        dropping = [c for c in self.connections
                    if c.session is not None and (shard_id is None or c.session.shard[0] == shard_id)]
        for connection in dropping:
            assert connection.session is not None
            connection.session.alive = resumable
            await connection.close(code)
        return len(dropping)

    async def close_all(self) -> None:
        for connection in list(self.connections):
            await connection.ws.close(code=1001)

    def _record(self, frame: Frame) -> None:
        self.frames.append(frame)

    async def _receive(self, connection: Connection, payload: Json) -> None:
        op, data = payload.get("op"), payload.get("d")
        self._record(Frame(connection.number, "in", op, None, None, data, time.monotonic()))
        if op in (IDENTIFY, RESUME, REQUEST_GUILD_MEMBERS) and not isinstance(data, dict):
            await connection.close(DECODE_ERROR)
        elif op == HEARTBEAT:
            connection.send({"op": HEARTBEAT_ACK, "s": None, "t": None, "d": None})
        elif op == IDENTIFY:
            await self._identify(connection, data)
        elif op == RESUME:
            self._resume(connection, data)
        elif op == REQUEST_GUILD_MEMBERS:
            self._members(connection, data)
        elif op in (PRESENCE_UPDATE, VOICE_STATE_UPDATE):
            pass
        else:
            await connection.close(UNKNOWN_OPCODE)
        self._changes.bump()

    async def _identify(self, connection: Connection, data: Json) -> None:
        if connection.session is not None:
            await connection.close(ALREADY_AUTHENTICATED)
            return
        if data.get("token") != self._token:
            await connection.close(AUTHENTICATION_FAILED)
            return
        shard_id, shard_count = data.get("shard") or (0, 1)
        if not 0 <= shard_id < shard_count:
            await connection.close(INVALID_SHARD)
            return
        session = Session(secrets.token_hex(16), (shard_id, shard_count), data.get("intents") or 0,
                          connection)
        connection.session = session
        self.sessions.append(session)
        owned = sorted(g for g in self._guilds if session.owns(g))
        session.dispatch("READY", {
            "v": 10, "user": self._bot.payload() | {"verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g), "unavailable": True} for g in owned],
            "session_id": session.id, "session_type": "normal", "resume_gateway_url": self._resume_url(),
            "shard": [shard_id, shard_count], "application": {"id": str(self._application_id), "flags": 0},
            "private_channels": [], "relationships": [], "presences": [], "user_settings": {},
            "guild_join_requests": [], "geo_ordered_rtc_regions": ["local"], "auth": {},
            "_trace": ["fake-discord"],
        })
        for guild_id in owned:
            session.dispatch("GUILD_CREATE", self._guild_create(self._guilds[guild_id], session))
        session.ready = True

    def _resume(self, connection: Connection, data: Json) -> None:
        session = next((s for s in self.sessions if s.id == data.get("session_id")), None)
        last_seq = data.get("seq") or 0
        replayable = session is not None and (not session.buffer or session.buffer[0][0] <= last_seq + 1)
        if session is None or not session.alive or data.get("token") != self._token or not replayable:
            connection.send({"op": INVALID_SESSION, "s": None, "t": None, "d": False})
            return
        if session.connection is not None and session.connection is not connection:
            session.connection.session = None
        session.connection = connection
        connection.session = session
        session.resumes += 1
        for seq, payload, text in session.buffer:
            if seq > last_seq:
                connection.send(payload, text)
        session.dispatch("RESUMED", {"_trace": ["fake-discord"]})

    def _members(self, connection: Connection, data: Json) -> None:
        guild = self._guilds.get(int(data.get("guild_id") or 0))
        if guild is None or connection.session is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        query = (data.get("query") or "").lower()
        members = [m for m in guild.members.values()
                   if (not wanted or m.id in wanted) and m.user.username.lower().startswith(query)]
        connection.session.dispatch("GUILD_MEMBERS_CHUNK", {
            "guild_id": str(guild.id), "members": [m.payload() for m in members], "chunk_index": 0,
            "chunk_count": 1, "not_found": [], "nonce": data.get("nonce")})

    def _guild_create(self, guild: Guild, session: Session, *, joined: bool = False) -> Json:
        return guild.create_payload(all_members=bool(session.intents & GUILD_MEMBERS_INTENT), joined=joined)


def _decode(message: WSMessage) -> Json | None:
    """A client frame as JSON; None for anything Discord would close with 4002 (decode error)."""
    if message.type is not WSMsgType.TEXT:
        return None
    try:
        payload = json.loads(message.data)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None
