"""A platform that says "wait minutes" gets a scheduled post handed back at once, not a client
asleep inside the tick: the real slack_sdk and discord.py clients against the local fakes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime

import discord
import pytest

from bot.config import load_settings
from bot.delivery.dispatcher import RateLimited
from bot.platforms.discord.client import make_bot
from bot.platforms.discord.publisher import DiscordPublisher
from bot.platforms.discord.runtime import log_in, point_at
from bot.platforms.slack.clients import make_client
from bot.platforms.slack.publisher import SlackPublisher
from bot.service.views import QuestionCard
from tests.support.discord.server import FakeDiscord
from tests.support.slack.fake import FakeSlack


def card(platform: str, workspace: str, channel: str) -> QuestionCard:
    return QuestionCard(7, "k8s.q.x", "k8s", "Kubernetes", "Which?", ("a", "b"), 1, True,
                        date(2026, 12, 1), datetime(2026, 12, 2, tzinfo=UTC), channel, platform,
                        workspace)


@pytest.fixture
def discord_urls() -> Iterator[None]:
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


async def test_slack_hands_back_a_long_wait_and_sleeps_through_a_short_one() -> None:
    async with FakeSlack() as slack:
        client = make_client(slack.api_url, "xoxb-limits")

        async def client_for(_team: str) -> object:
            return client

        publisher = SlackPublisher(client_for)  # type: ignore[arg-type]
        slack.rate_limit("chat.postMessage", retry_after=200)
        with pytest.raises(RateLimited) as raised:
            await asyncio.wait_for(publisher.send_question(card("slack", "T1", "C1")), 10)
        assert raised.value.retry_after == 200
        slack.rate_limit("chat.postMessage", retry_after=1)
        assert await asyncio.wait_for(publisher.send_question(card("slack", "T1", "C1")), 10)
        assert len(slack.messages("C1")) == 1


async def test_discord_hands_back_a_long_wait(discord_urls: None) -> None:
    async with FakeDiscord() as fake:
        guild = fake.add_guild("acme")
        general = guild.channel("general")
        settings = load_settings(discord_token=fake.token, discord_api_url=fake.api_url)
        point_at(settings)
        bot = make_bot(settings)
        try:
            await log_in(bot, fake.token)
            publisher = DiscordPublisher(bot)
            fake.rate_limit("POST", "/channels/{channel_id}/messages", retry_after=120)
            with pytest.raises(RateLimited) as raised:
                await asyncio.wait_for(publisher.send_question(
                    card("discord", str(guild.id), str(general.id))), 10)
            assert raised.value.retry_after >= 100
            assert fake.messages(general.id) == []
        finally:
            await bot.close()
