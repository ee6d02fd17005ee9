"""Building the Bolt app for one bot token, or for OAuth installs into many workspaces."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.platforms import StartupError
from bot.platforms.slack.clients import make_client
from bot.platforms.slack.publisher import SlackPublisher
from bot.store.tables import SLACK_BOTS, SLACK_INSTALLATIONS, SLACK_OAUTH_STATES

log = logging.getLogger("studybot.slack")

SCOPES = [
    "commands", "chat:write", "chat:write.public", "users:read", "usergroups:read",
    "channels:history", "groups:history", "channels:read",
]


@dataclass
class BoltSetup:
    app: AsyncApp
    publisher: SlackPublisher
    oauth: bool


def build_bolt(settings: Settings, engine: AsyncEngine,
               session: aiohttp.ClientSession | None = None) -> BoltSetup:
    """The Bolt app; its Web API clients share `session` (one per runtime) when given."""
    if settings.slack_signing_secret is None:
        raise StartupError("SLACK_SIGNING_SECRET is required to serve Slack")
    secret = settings.slack_signing_secret.get_secret_value()
    if settings.slack_client_id and settings.slack_client_secret:
        store = AsyncSQLAlchemyInstallationStore(
            client_id=settings.slack_client_id, engine=engine,
            installations_table_name=SLACK_INSTALLATIONS, bots_table_name=SLACK_BOTS,
        )
        app = AsyncApp(
            signing_secret=secret, request_verification_enabled=False,  # the edge verifies
            raise_error_for_unhandled_request=True,  # to our error handler: no body in the log
            client=make_client(settings.slack_api_url, session=session),
            oauth_settings=AsyncOAuthSettings(
                client_id=settings.slack_client_id,
                client_secret=settings.slack_client_secret.get_secret_value(),
                scopes=SCOPES, installation_store=store,
                state_store=AsyncSQLAlchemyOAuthStateStore(
                    expiration_seconds=600, engine=engine, table_name=SLACK_OAUTH_STATES),
            ),
        )

        async def installed_client(team_id: str) -> AsyncWebClient:
            bot = await store.async_find_bot(enterprise_id=None, team_id=team_id)
            if bot is None:
                raise LookupError(f"studybot is not installed in Slack team {team_id}")
            return make_client(settings.slack_api_url, bot.bot_token, session)

        return BoltSetup(app, SlackPublisher(installed_client), oauth=True)

    if settings.slack_bot_token is None:
        raise StartupError("set SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    token = settings.slack_bot_token.get_secret_value()
    client = make_client(settings.slack_api_url, token, session)
    app = AsyncApp(signing_secret=secret, request_verification_enabled=False,  # the edge verifies
                   raise_error_for_unhandled_request=True,  # to our error handler: no body logged
                   client=client, authorize=_single_token(client, token))

    async def single_client(_team_id: str) -> AsyncWebClient:
        return client

    return BoltSetup(app, SlackPublisher(single_client), oauth=False)


def _single_token(client: AsyncWebClient, token: str) -> Callable[..., Awaitable[AuthorizeResult]]:
    """Authorize every request with the one bot token.

    Bolt's default asks auth.test before serving the first request and refuses everything when
    that call fails; the bot identity it returns is only nice to have here, so a failing
    auth.test is logged and retried on a later request instead of taking the app down.
    """
    identity: dict[str, str | None] = {}

    async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        if not identity:
            try:
                found = await client.auth_test()
                identity.update(bot_id=found.get("bot_id"), bot_user_id=found.get("user_id"))
            except SlackApiError as exc:
                log.warning("auth.test failed (%s); serving without the bot's identity",
                            exc.response.get("error"))
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token,
                               bot_id=identity.get("bot_id"),
                               bot_user_id=identity.get("bot_user_id"))

    return authorize
