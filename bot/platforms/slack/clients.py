"""Slack Web API clients: pointed at SLACK_API_URL, retrying 429s as Slack asks, sharing one
HTTP session (without one, slack_sdk opens a new connection, TLS handshake included, per call)."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient


def api_base(url: str) -> str:
    # slack_sdk joins the method name onto the base, so it must end with a slash.
    return url if url.endswith("/") else url + "/"


def make_client(base_url: str, token: str | None = None,
                session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    return AsyncWebClient(
        token=token, base_url=api_base(base_url), session=session,
        retry_handlers=[AsyncConnectionErrorRetryHandler(),
                        AsyncRateLimitErrorRetryHandler(max_retry_count=3)],
    )
