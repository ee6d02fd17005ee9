"""A fake Slack Socket Mode endpoint on 127.0.0.1, plugged into a FakeSlack.

Socket Mode is Slack's other way to deliver slash commands, interactivity and events: the app
calls `apps.connections.open` with its app-level (`xapp-`) token, gets a one-time `wss://` URL,
connects, receives `{"type": "hello", ...}`, and from then on every request arrives as an
envelope that the app must acknowledge on the same socket within 3 seconds:

    Slack -> app: {"envelope_id": "…", "payload": {…}, "type": "slash_commands",
                   "accepts_response_payload": true}
    app -> Slack: {"envelope_id": "…"}                 (or with "payload": {…} when allowed)

This fake plays Slack's side of that protocol against the real app (slack_sdk's aiohttp
SocketModeClient, via Bolt's AsyncSocketModeHandler):

    async with FakeSlack() as slack, FakeSocketMode(slack) as socket:
        bot = await start_bot(tmp, slack.api_url, {"SLACK_APP_TOKEN": socket.app_token})
        await socket.wait_connected()
        ack = await socket.send_slash_command(slash_command_payload(...))

`apps.connections.open` is registered on the FakeSlack (so it is recorded in `slack.calls`, and
`slack.fail`/`slack.rate_limit` apply to it). The app token is made known to the FakeSlack with
`add_workspace`, which would also let it through other methods; real Slack refuses an app token
there (`not_allowed_token_type`), so check `app_token_misuse()` is empty.

Tickets are single use, as Slack's are. Pings from the app are answered with a pong carrying the
same data (slack_sdk times its connection health on that), and `ping()` pings the app. The
`request_refresh()` and `drop()` methods play Slack's two ways of ending a link: a `disconnect`
message first, or the socket simply closing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, parse_qsl

from aiohttp import WSCloseCode, WSMessage, WSMsgType, web

from tests.support.local_server import HOST, LocalServer, serve_local
from tests.support.slack.fake import Call, FakeSlack, Json, SlackError
from tests.support.slack.requests import block_actions, slash_command

DEFAULT_APP_TOKEN = "xapp-1-A0TEST-1-e2esocketmode"
ACK_TIMEOUT = 3.0  # Slack's limit for acknowledging an envelope
LINK_HOST = "applink-fake-127-0-0-1"  # what debug_info.host names
# Interactive payloads whose ack may carry a response (e.g. view_submission errors, options).
RESPONSE_PAYLOAD_TYPES = frozenset({"view_submission", "block_suggestion", "dialog_suggestion"})


@dataclass
class Connection:
    """One websocket the app opened."""

    number: int  # 1, 2, ... in the order they were opened
    ticket: str
    ws: web.WebSocketResponse
    opened_at: float  # time.monotonic()
    closed_at: float | None = None
    close_code: int | None = None
    pings: list[bytes] = field(default_factory=list)  # ping payloads the app sent (all answered)
    pongs: list[bytes] = field(default_factory=list)  # pong payloads the app sent

    @property
    def closed(self) -> bool:
        return self.closed_at is not None or self.ws.closed


@dataclass
class Delivery:
    """One envelope pushed to the app, and its acknowledgement."""

    envelope: Json
    connection: int  # Connection.number it was sent on
    sent_at: float  # time.monotonic()
    ack: Json | None = None
    acked_at: float | None = None
    acked_on: int | None = None  # Connection.number the ack came back on

    @property
    def envelope_id(self) -> str:
        return self.envelope["envelope_id"]

    @property
    def latency(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.sent_at


class FakeSocketMode(LocalServer):
    """Slack's Socket Mode endpoint on 127.0.0.1 (port chosen by the OS) for one app token."""

    def __init__(self, slack: FakeSlack, *, app_token: str = DEFAULT_APP_TOKEN,
                 app_id: str | None = None) -> None:
        if not app_token.startswith("xapp-"):
            raise ValueError("a Socket Mode app token starts with xapp-")
        self.slack = slack
        self.app_token = app_token
        self.app_id = app_id or slack.default_workspace.app_id
        self.connections: list[Connection] = []
        self.deliveries: list[Delivery] = []
        self.received: list[Json] = []  # every JSON message the app sent, in order
        self.protocol_errors: list[str] = []  # what the app sent that Slack would not accept
        self._tickets: dict[str, bool] = {}  # ticket -> used
        self._pending: dict[str, asyncio.Future[Json]] = {}  # envelope_id -> ack
        self._ping_waiters: dict[bytes, asyncio.Future[None]] = {}
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        if self._runner is not None:
            return
        app = web.Application()
        app.router.add_get("/link/", self._handle_link)
        self._runner, self._port = await serve_local(app)
        ws = self.slack.default_workspace
        # Let the app token past the FakeSlack's token check (see the module docstring).
        self.slack.add_workspace(self.app_token, team_id=ws.team_id, team_name=ws.team_name,
                                 domain=ws.domain, bot_user_id=ws.bot_user_id, bot_id=ws.bot_id,
                                 app_id=self.app_id, enterprise_id=ws.enterprise_id)
        self.slack.register("apps.connections.open", self._connections_open)

    async def stop(self) -> None:
        """Close every open link ("going away", as when Slack restarts) and stop serving."""
        for connection in self.connections:
            if not connection.closed:
                with contextlib.suppress(Exception):
                    await connection.ws.close(code=WSCloseCode.GOING_AWAY, message=b"server stopping")
        self._fail_pending(ConnectionError("the fake Socket Mode server stopped"))
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeSocketMode is not started")
        return f"ws://{HOST}:{self._port}"

    # ---------------------------------------------------------------- inspection

    @property
    def current(self) -> Connection | None:
        """The newest open connection (where envelopes go), if any."""
        return next((c for c in reversed(self.connections) if not c.closed), None)

    def open_calls(self) -> list[Call]:
        """The recorded apps.connections.open calls (successful or not)."""
        return [c for c in self.slack.calls if c.method == "apps.connections.open"]

    def app_token_misuse(self) -> list[Call]:
        """Web API calls other than apps.connections.open made with an app token; Slack refuses
        those with `not_allowed_token_type`, so this should stay empty."""
        return [c for c in self.slack.calls
                if c.method != "apps.connections.open" and (c.token or "").startswith("xapp-")]

    async def wait_connected(self, count: int = 1, timeout: float = 15.0) -> Connection:  # noqa: ASYNC109
        """Wait until the app has opened at least `count` connections in all and one is open."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            current = self.current
            if len(self.connections) >= count and current is not None:
                return current
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                opens = [(c.token, c.response) for c in self.open_calls()]
                raise AssertionError(
                    f"expected {count} Socket Mode connection(s) within {timeout}s, got "
                    f"{len(self.connections)} (open now: {current is not None}); "
                    f"apps.connections.open calls: {opens}")
            await self._wait_change(remaining)

    # ---------------------------------------------------------------- pushing requests

    async def send_slash_command(self, fields: Json, *, timeout: float = ACK_TIMEOUT) -> Json:  # noqa: ASYNC109
        """Deliver a slash command (the form fields Slack would POST, as a dict of strings);
        return the app's ack message (`{"envelope_id": ...}` plus any `payload`)."""
        return await self.send_envelope("slash_commands", fields, accepts_response_payload=True,
                                        timeout=timeout)

    async def send_block_actions(self, payload: Json, *, timeout: float = ACK_TIMEOUT) -> Json:  # noqa: ASYNC109
        """Deliver a block_actions payload (what HTTP mode carries in the `payload` form field);
        return the app's ack message."""
        if payload.get("type") != "block_actions":
            raise ValueError("a block_actions payload has type 'block_actions'")
        return await self.send_interactive(payload, timeout=timeout)

    async def send_interactive(self, payload: Json, *, timeout: float = ACK_TIMEOUT) -> Json:  # noqa: ASYNC109
        """Deliver any interactivity payload (block_actions, view_submission, shortcut, ...)."""
        accepts = payload.get("type") in RESPONSE_PAYLOAD_TYPES
        return await self.send_envelope("interactive", payload, accepts_response_payload=accepts,
                                        timeout=timeout)

    async def send_envelope(self, kind: str, payload: Json, *, accepts_response_payload: bool,
                            timeout: float = ACK_TIMEOUT,  # noqa: ASYNC109
                            extra: Json | None = None) -> Json:
        """Push `{"envelope_id", "payload", "type", "accepts_response_payload"}` (plus `extra`,
        e.g. `retry_attempt`/`retry_reason` for events_api) on the newest open connection and
        wait for the ack. An ack later than `timeout` (Slack's 3 s) fails with AssertionError."""
        connection = self.current
        if connection is None:
            raise AssertionError("the app has no open Socket Mode connection")
        envelope: Json = {"envelope_id": str(uuid.uuid4()), "payload": payload, "type": kind,
                          "accepts_response_payload": accepts_response_payload, **(extra or {})}
        delivery = Delivery(envelope, connection.number, time.monotonic())
        self.deliveries.append(delivery)
        acked = asyncio.get_running_loop().create_future()
        self._pending[delivery.envelope_id] = acked
        try:
            await connection.ws.send_str(json.dumps(envelope))
            return await asyncio.wait_for(acked, timeout)
        except TimeoutError:
            raise AssertionError(
                f"the app did not ack {kind} envelope {delivery.envelope_id} within {timeout}s; "
                f"it sent: {self.received[-5:]}") from None
        finally:
            self._pending.pop(delivery.envelope_id, None)

    # ---------------------------------------------------------------- link control

    async def ping(self, data: bytes | None = None, timeout: float = 5.0) -> float:  # noqa: ASYNC109
        """Ping the app on the current connection; return the seconds until its pong."""
        connection = self.current
        if connection is None:
            raise AssertionError("the app has no open Socket Mode connection")
        data = data or f"fake-slack-ping:{secrets.token_hex(4)}".encode()
        waiter = asyncio.get_running_loop().create_future()
        self._ping_waiters[data] = waiter
        start = time.monotonic()
        try:
            await connection.ws.ping(data)
            await asyncio.wait_for(waiter, timeout)
        except TimeoutError:
            raise AssertionError(f"the app did not answer a ping within {timeout}s") from None
        finally:
            self._ping_waiters.pop(data, None)
        return time.monotonic() - start

    async def request_refresh(self, reason: str = "refresh_requested",
                              timeout: float = 15.0) -> Connection:  # noqa: ASYNC109
        """Send Slack's `disconnect` message (reason "warning", "refresh_requested" or
        "link_disabled"), wait for the app to open a new link, then close the old one as Slack
        does. Returns the new connection."""
        old = self.current
        if old is None:
            raise AssertionError("the app has no open Socket Mode connection")
        await old.ws.send_str(json.dumps(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": LINK_HOST}}))
        new = await self.wait_connected(count=old.number + 1, timeout=timeout)
        if not old.closed:
            await old.ws.close(code=WSCloseCode.OK, message=b"link refreshed")
        return new

    async def drop(self, code: int = WSCloseCode.GOING_AWAY) -> Connection:
        """Close the current link without warning (a Slack restart or a network cut).
        Returns the dropped connection; use wait_connected() to see the app come back."""
        old = self.current
        if old is None:
            raise AssertionError("the app has no open Socket Mode connection")
        await old.ws.close(code=code, message=b"link dropped")
        return old

    # ---------------------------------------------------------------- Web API side

    def _connections_open(self, call: Call) -> Json:
        # The FakeSlack has already refused missing (not_authed) and unknown (invalid_auth) tokens.
        if not (call.token or "").startswith("xapp-"):
            raise SlackError("not_allowed_token_type")
        if call.token != self.app_token:
            raise SlackError("invalid_auth")
        if self._runner is None:
            raise SlackError("internal_error")
        ticket = str(uuid.uuid4())
        self._tickets[ticket] = False
        return {"ok": True, "url": f"{self.base_url}/link/?ticket={ticket}&app_id={self.app_id}"}

    # ---------------------------------------------------------------- websocket side

    async def _handle_link(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if self._tickets.get(ticket) is not False:
            return web.Response(status=401, text="invalid or used ticket")
        ws = web.WebSocketResponse(autoping=False, heartbeat=None, max_msg_size=0)
        if not ws.can_prepare(request).ok:
            return web.Response(status=400, text="expected a websocket upgrade")
        self._tickets[ticket] = True
        await ws.prepare(request)
        connection = Connection(len(self.connections) + 1, ticket, ws, time.monotonic())
        self.connections.append(connection)
        open_links = sum(1 for c in self.connections if not c.closed)
        await ws.send_str(json.dumps({
            "type": "hello", "num_connections": open_links,
            "debug_info": {"host": LINK_HOST, "build_number": 1,
                           "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        }))
        self._notify()
        try:
            async for message in _messages(ws):
                await self._on_message(connection, message)
        finally:
            connection.closed_at = time.monotonic()
            connection.close_code = ws.close_code
            self._fail_pending(ConnectionError(f"link {connection.number} closed before the ack"),
                               connection.number)
            self._notify()
        return ws

    async def _on_message(self, connection: Connection, message: WSMessage) -> None:
        kind, data = message.type, message.data
        if kind in (WSMsgType.PING, WSMsgType.PONG):
            data = bytes(data or b"")  # aiohttp hands control-frame data over as a bytearray
        if kind == WSMsgType.PING:
            connection.pings.append(data)
            await connection.ws.pong(data)
        elif kind == WSMsgType.PONG:
            connection.pongs.append(data)
            waiter = self._ping_waiters.get(data)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        elif kind == WSMsgType.TEXT:
            self._on_text(connection, data)
        elif kind == WSMsgType.BINARY:
            self.protocol_errors.append(f"binary frame on link {connection.number}")

    def _on_text(self, connection: Connection, text: str) -> None:
        try:
            message = json.loads(text)
        except json.JSONDecodeError:
            self.protocol_errors.append(f"not JSON: {text[:200]!r}")
            return
        if not isinstance(message, dict):
            self.protocol_errors.append(f"not a JSON object: {text[:200]!r}")
            return
        self.received.append(message)
        self._notify()
        envelope_id = message.get("envelope_id")
        # Slack sends an envelope again (same id) when it was not acknowledged in time: the ack
        # belongs to the newest delivery still waiting for one.
        same = [d for d in self.deliveries if d.envelope_id == envelope_id]
        delivery = next((d for d in reversed(same) if d.ack is None), same[0] if same else None)
        if delivery is None:
            self.protocol_errors.append(f"message for no envelope: {text[:200]!r}")
            return
        if delivery.ack is not None:
            self.protocol_errors.append(f"second ack for envelope {envelope_id}")
            return
        if set(message) - {"envelope_id", "payload"}:
            self.protocol_errors.append(f"unexpected ack fields: {sorted(message)}")
        if "payload" in message and not isinstance(message["payload"], dict):
            self.protocol_errors.append(f"ack payload is not an object: {text[:200]!r}")
        delivery.ack, delivery.acked_at = message, time.monotonic()
        delivery.acked_on = connection.number
        waiter = self._pending.get(envelope_id)
        if waiter is not None and not waiter.done():
            waiter.set_result(message)

    # ---------------------------------------------------------------- helpers

    def _fail_pending(self, error: Exception, connection: int | None = None) -> None:
        for delivery in self.deliveries:
            waiter = self._pending.get(delivery.envelope_id)
            if waiter is None or waiter.done():
                continue
            if connection is None or delivery.connection == connection:
                waiter.set_exception(error)

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _wait_change(self, timeout: float) -> None:  # noqa: ASYNC109
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)


async def _messages(ws: web.WebSocketResponse) -> AsyncIterator[WSMessage]:
    """The frames of a websocket (control frames included) until it closes."""
    while True:
        message = await ws.receive()
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
            return
        yield message


# -------------------------------------------------------------------- payloads as Slack sends them


def slash_command_payload(**fields: Any) -> Json:
    """A slash command's Socket Mode payload: the same string fields, in the same order, as the
    HTTP form body (takes slack_requests.slash_command's arguments)."""
    return dict(parse_qsl(slash_command(**fields).decode(), keep_blank_values=True))


def block_actions_payload(**fields: Any) -> Json:
    """A button click's Socket Mode payload: the JSON the HTTP form's `payload` field holds
    (takes slack_requests.block_actions's arguments)."""
    [payload] = parse_qs(block_actions(**fields).decode())["payload"]
    return json.loads(payload)
