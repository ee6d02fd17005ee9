"""Posting and editing the daily question in Discord channels, for the scheduler and commands."""

from __future__ import annotations

import base64
import hashlib
import logging

import discord

from bot.chat import interactions, replies
from bot.delivery.dispatcher import RateLimited
from bot.platforms.discord import render
from bot.service.views import Board, CompetitionView, PostResult, QuestionCard

log = logging.getLogger("studybot.discord")


def nonce_for(card: QuestionCard) -> str:
    """The same nonce for every attempt at one post: Discord then returns the message it already
    made instead of making another (enforce_nonce). At most 25 characters."""
    digest = hashlib.sha256(f"{card.channel_id}:{card.post_id}:{card.local_date}".encode()).digest()
    return base64.b32encode(digest).decode()[:25]


class DiscordPublisher:
    # Discord allows 50 requests/s per bot token, across every process that uses it, counted
    # per sliding second when requests arrive. One process at a time sends (`one_sender`), on an
    # even grid of 45.5/s, and never more than 47 in any second: the rest is room for arrival
    # jitter and the other processes' own calls (bench/RESULTS.md: 0.91 of the limit, no 429).
    # A tally edit that meets a 429 is retried by discord.py.
    rate_per_second = 45.5
    per_second_cap = 47
    one_sender = True

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    def _channel(self, channel_id: str, guild_id: str) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(int(channel_id), guild_id=int(guild_id))

    def _message(self, reference: str, guild_id: str) -> discord.PartialMessage:
        channel_id, _, message_id = reference.partition(":")
        return self._channel(channel_id, guild_id).get_partial_message(int(message_id))

    async def send_question(self, card: QuestionCard) -> str:
        channel = self._channel(card.channel_id, card.workspace_id)
        try:
            message = await channel.send(nonce=nonce_for(card),
                                         **render.message(replies.question(card)))
        except discord.RateLimited as exc:  # longer than the client waits by itself
            raise RateLimited(exc.retry_after) from None
        return f"{channel.id}:{message.id}"

    async def find_sent(self, card: QuestionCard) -> str | None:
        # Discord keeps no nonce on stored messages; our own message carries the post in its
        # buttons' ids, so the channel's recent history shows whether it went out.
        wanted = interactions.encode(interactions.Answer(card.post_id, 0)).custom_id
        channel = self._channel(card.channel_id, card.workspace_id)
        me = self.client.user
        async for message in channel.history(limit=50):
            if me is not None and message.author.id != me.id:
                continue
            for row in message.components:
                for child in getattr(row, "children", ()):
                    if getattr(child, "custom_id", None) == wanted:
                        log.info("post %s: found the message sent before a restart", card.post_id)
                        return f"{channel.id}:{message.id}"
        return None

    async def show_result(self, result: PostResult) -> None:
        if result.card.message_ref:
            await self._message(result.card.message_ref, result.card.workspace_id).edit(
                **render.edit(replies.closed(result)))

    async def show_final_board(self, competition: CompetitionView, board: Board) -> None:
        channel = self._channel(competition.channel_id, competition.workspace_id)
        await channel.send(**render.message(replies.final_board(competition, board)))

    async def show_tally(self, card: QuestionCard, answered: int) -> None:
        if card.message_ref:
            await self._message(card.message_ref, card.workspace_id).edit(
                **render.edit(replies.question(card, answered)))
