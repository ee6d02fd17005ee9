"""Socket Mode with the same guards as the HTTP door: in flight until drained, each envelope
served once, malformed payloads refused.

Socket Mode requests carry no signature: only Slack, holding our app token's connection, can
send them, so there is no one outside to replay them. Slack does deliver an envelope again when
its ack is late; its envelope id is then the same, and that id is the key remembered here, so a
redelivered `/study post-now` is served once across every instance.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.chat.inflight import InFlight
from bot.platforms.slack import payloads
from bot.platforms.slack.replays import FirstUse, ReplayGuard

log = logging.getLogger("studybot.slack")

ENVELOPE_MEMORY = timedelta(minutes=5)
SERVED_KINDS = ("slash_commands", "interactive")


class GuardedSocketModeHandler(AsyncSocketModeHandler):
    def __init__(self, app: AsyncApp, app_token: str, first_use: FirstUse,
                 inflight: InFlight) -> None:
        super().__init__(app, app_token)
        self.guard = ReplayGuard(first_use)
        self.inflight = inflight

    async def handle(self, client: SocketModeClient,  # type: ignore[override]
                     req: SocketModeRequest) -> None:
        if self.inflight.closed:
            return  # not acknowledged: Slack delivers it again, to an instance still running
        async with self.inflight.hold():
            if not await self._first_use(req.envelope_id):
                log.info("Socket Mode envelope %s was already served; acknowledged again only",
                         req.envelope_id[:64])
                await self._ack(client, req)
                return
            try:
                if req.type not in SERVED_KINDS:
                    raise payloads.Malformed(f"studybot serves no {req.type[:40]!r} envelopes")
                req.payload = payloads.canonical(req.payload)
            except payloads.Malformed as exc:
                log.warning("Socket Mode envelope refused: %s", exc)
                await self._ack(client, req)  # Slack would only send it again
                return
            await super().handle(client, req)

    async def _first_use(self, envelope_id: str) -> bool:
        return await self.guard.first_use(f"envelope:{envelope_id}"[:100],
                                          datetime.now(UTC) + ENVELOPE_MEMORY)

    @staticmethod
    async def _ack(client: SocketModeClient, req: SocketModeRequest) -> None:
        await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
