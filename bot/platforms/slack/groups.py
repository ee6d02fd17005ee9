"""Who is in which Slack user group (`usergroups.users.list`), cached for a few minutes.

A team competition of user groups asks, after each answer, which of its groups the person is in;
one call per group every REFRESH_SECONDS per workspace keeps that off Slack's rate limits (Tier 2:
about 20 calls a minute) however many people answer.
"""

from __future__ import annotations

import logging
import time

from cachetools import TTLCache
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("studybot.slack")

REFRESH_SECONDS = 300.0


class GroupMembers:
    def __init__(self, refresh_seconds: float = REFRESH_SECONDS, maxsize: int = 4096) -> None:
        self._members: TTLCache[tuple[str, str], frozenset[str]] = TTLCache(
            maxsize=maxsize, ttl=refresh_seconds, timer=time.monotonic)

    async def members(self, client: AsyncWebClient, team: str, group: str) -> frozenset[str]:
        """The user ids of a group of workspace `team`; empty when Slack would not say."""
        key = (team, group)
        found = self._members.get(key)
        if found is None:
            try:
                response = await client.usergroups_users_list(usergroup=group)
                found = frozenset(response.get("users") or ())
            except SlackApiError as exc:
                log.warning("usergroups.users.list for %s failed: %s", group,
                            exc.response.get("error"))
                found = frozenset()
            self._members[key] = found
        return found

    async def groups_of(self, client: AsyncWebClient, team: str, user: str,
                        candidates: set[str]) -> set[str]:
        return {group for group in sorted(candidates)
                if user in await self.members(client, team, group)}
