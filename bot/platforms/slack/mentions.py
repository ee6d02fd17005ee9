"""Slack's mention syntax and what it points at: `<#C123|name>` or `#name`, `<@U123|name>`."""

from __future__ import annotations

import logging
import re

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat.reply import Reply
from bot.platforms.slack import blocks
from bot.platforms.slack.admins import is_admin
from bot.platforms.slack.groups import GroupMembers
from bot.service.views import Actor, ChannelRef

log = logging.getLogger("studybot.slack")

_CHANNEL = re.compile(r"^(?:<#(?P<id>[CG][A-Z0-9]{1,30})(?:\|(?P<name>[^>]*))?>|#(?P<plain>[\w.-]{1,80}))$")
_USER = re.compile(r"^<@(?P<id>[UW][A-Z0-9]{1,30})(?:\|[^>]*)?>$")
# A user group as Slack escapes it in a command's text: <!subteam^S0123|@sre>.
_GROUP = re.compile(r"^<!subteam\^(?P<id>S[A-Z0-9]{1,30})(?:\|(?P<label>[^>]{1,100}))?>$")


class SlackHooks:
    """What only Slack can tell the router, for one request's workspace."""

    def __init__(self, client: AsyncWebClient, admin_group: str | None,
                 groups: GroupMembers | None = None) -> None:
        self.client = client
        self.admin_group = admin_group
        self.groups = groups or GroupMembers()

    async def is_admin(self, actor: Actor) -> bool:
        return await is_admin(self.client, actor.user_id, self.admin_group)

    def looks_like_channel(self, word: str) -> bool:
        return _CHANNEL.match(word) is not None

    async def find_channel(self, here: ChannelRef, text: str) -> ChannelRef | None:
        match = _CHANNEL.match(text.strip())
        if match is None:
            return None
        if match["id"]:
            return ChannelRef(here.platform, here.workspace_id, match["id"], match["name"] or "")
        name = match["plain"]
        if name == here.channel_name:
            return here
        found = await self._channel_named(name)
        return None if found is None else ChannelRef(here.platform, here.workspace_id, found, name)

    async def find_user(self, actor: Actor, text: str) -> Actor | None:
        # The `|name` part is whatever the sender typed; names come from Slack itself, so the
        # person is looked up by id and never renamed by someone else's mention.
        match = _USER.match(text.strip())
        if match is None:
            return None
        return Actor(actor.platform, actor.workspace_id, match["id"], "")

    async def tell(self, person: Actor, reply: Reply) -> bool:
        """A direct message: posted to the person's id, it lands in their messages with the bot
        (the app's Messages tab), where it stays, unlike an ephemeral message."""
        try:
            await self.client.chat_postMessage(channel=person.user_id, **blocks.message(reply))
        except SlackApiError as exc:
            log.warning("a direct message to %s failed: %s", person.user_id,
                        exc.response.get("error"))
            return False
        return True

    def parse_group(self, word: str) -> tuple[str, str] | None:
        match = _GROUP.match(word.strip())
        if match is None:
            return None
        return match["id"], match["label"] or match["id"]

    async def groups_of(self, actor: Actor, candidates: set[str]) -> set[str]:
        return await self.groups.groups_of(self.client, actor.workspace_id, actor.user_id,
                                           candidates)

    async def _channel_named(self, name: str) -> str | None:
        try:
            async for page in await self.client.conversations_list(
                types="public_channel,private_channel", exclude_archived=True, limit=200,
            ):
                for channel in page.get("channels", []):
                    if channel.get("name") == name:
                        return str(channel["id"])
        except SlackApiError as exc:
            log.warning("conversations.list failed: %s", exc.response.get("error"))
        return None
