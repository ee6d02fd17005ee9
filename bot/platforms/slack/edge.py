"""/slack/events: the door every HTTP request from Slack comes through, checked before Bolt sees it.

In order: refuse new work once shutdown has begun (503); answer Slack's ssl_check (200, nothing
else, as Bolt does); verify the signature over the raw bytes (401, one short rate-limited log
line, never the body); read the body strictly (400); refuse a signature that was already used
(401: a replay inside Slack's five-minute window; replays.py says what happens while that cannot
be known); then hand Bolt the rebuilt request. The request counts as in flight from the moment it
is read until Bolt's listener has taken it over, so a shutdown drains it instead of cutting it
off after the ack.

Bolt's own signature check is switched off (bolt.py): it would check the same bytes again, and it
logs the whole body of every forged request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.chat.inflight import InFlight
from bot.platforms.slack import payloads
from bot.platforms.slack.refusals import RefusalLog
from bot.platforms.slack.replays import FirstUse, ReplayGuard

log = logging.getLogger("studybot.slack")

WINDOW_SECONDS = 5 * 60  # Slack's: a request whose timestamp is further off is refused as stale
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
# The only headers Bolt is given: the rest are not signed, and Bolt acts on some of its own
# (x-slack-bolt-lazy-only would skip our listeners).
_FORWARDED = ("x-slack-request-timestamp", "x-slack-signature", "x-slack-retry-num",
              "x-slack-retry-reason")


class SlackEdge:
    def __init__(self, bolt: AsyncApp, signing_secret: str, first_use: FirstUse, inflight: InFlight,
                 refusals: RefusalLog | None = None, clock: Callable[[], float] = time.time) -> None:
        self.bolt = bolt
        self.secret = signing_secret.encode()
        self.guard = ReplayGuard(first_use)
        self.inflight = inflight
        self.refusals = refusals or RefusalLog()
        self.clock = clock

    async def __call__(self, request: web.Request) -> web.Response:
        if self.inflight.closed:
            return web.json_response({"error": "shutting down"}, status=503)
        async with self.inflight.hold():
            return await self._serve(request)

    async def _serve(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if payloads.is_ssl_check(raw, request.content_type):
            return web.Response(status=200)
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        problem = self._unsigned(raw, timestamp, signature)
        if problem:
            return self._refuse(401, problem, request, raw)
        try:
            body = payloads.parse(raw, request.content_type)
            dispatched = payloads.canonical(body)
        except payloads.Malformed as exc:
            return self._refuse(400, str(exc), request, raw)
        if not await self._first_use(signature, int(timestamp)):
            return self._refuse(401, "a replay of a request already served", request, raw)
        headers: dict[str, str | Sequence[str]] = {
            name: request.headers[name] for name in _FORWARDED if name in request.headers}
        headers["content-type"] = payloads.JSON
        response = await self.bolt.async_dispatch(AsyncBoltRequest(
            body=json.dumps(dispatched), query=request.query_string, headers=headers))
        return await to_aiohttp_response(response)

    def _unsigned(self, raw: bytes, timestamp: str, signature: str) -> str | None:
        """Why the request is not Slack's, or None when its signature holds."""
        if not timestamp or not signature:
            return "no signature"
        if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
            return "a malformed signature"
        if abs(self.clock() - int(timestamp)) > WINDOW_SECONDS:
            return "a stale timestamp"
        # Slack signs the bytes it sent; slack_sdk's verifier decodes them as UTF-8 first and
        # raises on anything else, so the HMAC is taken here over the raw bytes.
        expected = hmac.new(self.secret, b"v0:" + timestamp.encode() + b":" + raw,
                            hashlib.sha256).hexdigest()
        if not hmac.compare_digest(f"v0={expected}", signature):
            return "a wrong signature"
        return None

    async def _first_use(self, signature: str, timestamp: int) -> bool:
        return await self.guard.first_use(
            signature, datetime.fromtimestamp(timestamp + WINDOW_SECONDS, UTC))

    def _refuse(self, status: int, reason: str, request: web.Request, raw: bytes) -> web.Response:
        self.refusals.note(status, reason, request.remote, raw)
        return web.json_response({"error": reason}, status=status)


