"""Posting and updating the daily question in Slack channels, for the scheduler and commands."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import replies
from bot.delivery.dispatcher import RateLimited
from bot.platforms.slack import blocks
from bot.platforms.slack.clients import retry_after
from bot.service.views import Board, CompetitionView, PostResult, QuestionCard

log = logging.getLogger("studybot.slack")

ClientFor = Callable[[str], Awaitable[AsyncWebClient]]
METADATA_EVENT = "studybot_post"


def message_ref(channel: str, ts: str) -> str:
    return f"{channel}:{ts}"


def split_ref(reference: str) -> tuple[str, str]:
    channel, _, ts = reference.partition(":")
    return channel, ts


class SlackPublisher:
    # Slack limits chat.postMessage per channel (about 1/s) and Web API methods per workspace
    # (tier 3: 50/minute for chat.update); across many workspaces a steady 40/s is safe.
    rate_per_second = 40.0

    def __init__(self, client_for: ClientFor) -> None:
        self.client_for = client_for

    async def send_question(self, card: QuestionCard) -> str:
        client = await self.client_for(card.workspace_id)
        # chat.postMessage has no idempotency key; the metadata lets find_sent spot this
        # message after a crash, so a retry does not post the question twice.
        try:
            response = await client.chat_postMessage(
                channel=card.channel_id, **blocks.message(replies.question(card)),
                metadata={"event_type": METADATA_EVENT,
                          "event_payload": {"post_id": card.post_id}},
            )
        except SlackApiError as exc:
            if exc.response.status_code == 429:
                raise RateLimited(retry_after(exc.response.headers)) from None
            raise
        return message_ref(response["channel"], response["ts"])

    async def find_sent(self, card: QuestionCard) -> str | None:
        client = await self.client_for(card.workspace_id)
        response = await client.conversations_history(
            channel=card.channel_id, include_all_metadata=True, limit=100,
        )
        messages: list[dict[str, Any]] = response.get("messages") or []
        for message in messages:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == METADATA_EVENT and payload.get("post_id") == card.post_id:
                log.info("post %s: found the message sent before a restart", card.post_id)
                return message_ref(card.channel_id, message["ts"])
        return None

    async def show_result(self, result: PostResult) -> None:
        if not result.card.message_ref:
            return
        channel, ts = split_ref(result.card.message_ref)
        client = await self.client_for(result.card.workspace_id)
        await client.chat_update(channel=channel, ts=ts, **blocks.message(replies.closed(result)))

    async def show_final_board(self, competition: CompetitionView, board: Board) -> None:
        client = await self.client_for(competition.workspace_id)
        await client.chat_postMessage(channel=competition.channel_id,
                                      **blocks.message(replies.final_board(competition, board)))

    async def show_tally(self, card: QuestionCard, answered: int) -> None:
        if not card.message_ref:
            return
        channel, ts = split_ref(card.message_ref)
        client = await self.client_for(card.workspace_id)
        await client.chat_update(channel=channel, ts=ts,
                                 **blocks.message(replies.question(card, answered)))
