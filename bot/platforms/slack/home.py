"""The App Home tab: `app_home_opened` -> `views.publish` of the person's own view.

It shows their streak, best streak, points and rank this week, their weakest topic with a
"Practice" button, the next daily question of each study channel, and for admins the dashboard
link. The words come from the chat layer (replies.home); this module only fetches and publishes.
A click on "Practice" in the Home tab has no channel to answer in, so the practice question goes
to the person's direct messages with the bot.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import interactions, replies
from bot.chat.context import Context
from bot.chat.router import Router
from bot.platforms.slack import blocks
from bot.platforms.slack.admins import is_admin
from bot.platforms.slack.mentions import SlackHooks
from bot.service.views import Actor, ChannelRef

log = logging.getLogger("studybot.slack")

PLATFORM = "slack"
_PRACTICE = re.compile(r"^" + re.escape(interactions.PREFIX) + r"practice-next")


async def _from_home(body: dict[str, Any]) -> bool:
    return (body.get("container") or {}).get("type") == "view"


class HomeTab:
    def __init__(self, router: Router, admin_group: str | None) -> None:
        self.router = router
        self.admin_group = admin_group

    def register(self, app: AsyncApp) -> None:
        """Register before the general action listener: Bolt runs the first listener that
        matches, and clicks in the Home tab need their own reply path."""
        app.event("app_home_opened")(self.on_opened)
        app.action(_PRACTICE, matchers=[_from_home])(self.on_practice)

    async def on_opened(self, event: dict[str, Any], body: dict[str, Any],
                        client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return  # the Messages tab
        user = event["user"]
        team = body.get("team_id") or (event.get("view") or {}).get("team_id", "")
        admin = await is_admin(client, user, self.admin_group)
        view = await self.router.service.home(Actor(PLATFORM, team, user, user, is_admin=admin))
        reply = replies.home(view)
        try:
            await client.views_publish(user_id=user, view={
                "type": "home", "blocks": blocks.render(reply)})
        except SlackApiError as exc:
            log.warning("views.publish for %s failed: %s", user, exc.response.get("error"))

    async def on_practice(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                          client: AsyncWebClient) -> None:
        await ack()
        user = body["user"]
        team = (body.get("team") or {}).get("id") or user.get("team_id", "")
        # Posting to a user id lands in their direct messages with the bot.
        context = Context(Actor(PLATFORM, team, user["id"], user.get("name") or user["id"]),
                          ChannelRef(PLATFORM, team, user["id"]),
                          SlackHooks(client, self.admin_group))
        button = interactions.ButtonId(action.get("action_id", ""), action.get("value") or "")
        reply = await self.router.click(context, button)
        await client.chat_postMessage(channel=user["id"], **blocks.message(reply))
