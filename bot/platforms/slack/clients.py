"""Slack Web API clients: pointed at SLACK_API_URL, retrying 429s as Slack asks, sharing one
HTTP session (without one, slack_sdk opens a new connection, TLS handshake included, per call)."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

# Waits up to this long are slept through by the client; a longer Retry-After is raised to the
# caller (a scheduled post then gives way and comes back with its lease, see the dispatcher).
SHORT_WAIT_SECONDS = 5.0


class ShortRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None,
                               error: Exception | None = None) -> bool:
        return response is not None and response.status_code == 429 and \
            retry_after(response.headers) <= SHORT_WAIT_SECONDS


def retry_after(headers: Mapping[str, list[str] | str]) -> float:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            text = value[0] if isinstance(value, list) else value
            try:
                return float(text)
            except ValueError:
                break
    return 1.0


def api_base(url: str) -> str:
    # slack_sdk joins the method name onto the base, so it must end with a slash.
    return url if url.endswith("/") else url + "/"


def make_client(base_url: str, token: str | None = None,
                session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    return AsyncWebClient(
        token=token, base_url=api_base(base_url), session=session,
        retry_handlers=[AsyncConnectionErrorRetryHandler(),
                        ShortRateLimitRetryHandler(max_retry_count=3)],
    )
