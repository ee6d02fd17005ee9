"""Who may change the study setup in a Slack workspace."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("studybot.slack")


async def is_admin(client: AsyncWebClient, user_id: str, admin_group: str | None) -> bool:
    """Workspace admins and owners (users.info), or members of the configured user group."""
    try:
        user = (await client.users_info(user=user_id))["user"]
        if user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"):
            return True
        if admin_group:
            members = await client.usergroups_users_list(usergroup=admin_group)
            return user_id in members.get("users", [])
    except SlackApiError as exc:
        log.warning("admin check for %s failed: %s", user_id, exc.response.get("error"))
    return False
