"""Bolt listeners: ack at once, ask the router, deliver its reply the way Slack wants it."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import interactions
from bot.chat.context import Context
from bot.chat.inflight import InFlight
from bot.chat.reply import Reply
from bot.chat.router import Router
from bot.platforms.slack import blocks
from bot.platforms.slack.groups import GroupMembers
from bot.platforms.slack.home import HomeTab
from bot.platforms.slack.mentions import SlackHooks
from bot.service.views import Actor, ChannelRef

log = logging.getLogger("studybot.slack")

PLATFORM = "slack"
ANY_ACTION = re.compile("")


class SlackListeners:
    def __init__(self, router: Router, admin_group: str | None, inflight: InFlight) -> None:
        self.router = router
        self.admin_group = admin_group
        self.inflight = inflight
        # One cache of user groups for every request of this process (teams in competitions).
        self.groups = GroupMembers()

    def register(self, app: AsyncApp) -> None:
        HomeTab(self.router, self.admin_group).register(app)  # first: its clicks match first
        app.command(re.compile(r"^/.+"))(self.on_command)
        # Every click: ours, another app's id, or one the edge could not read (an empty id).
        # Each is answered; a click no listener takes would leave the person with nothing.
        app.action(ANY_ACTION)(self.on_action)
        app.view(re.compile(r"^" + re.escape(interactions.PREFIX)))(self.on_submit)
        app.error(self.on_error)

    def _context(self, client: AsyncWebClient, team: str, user: str, name: str, channel: str,
                 channel_name: str = "") -> Context:
        return Context(Actor(PLATFORM, team, user, name or user),
                       ChannelRef(PLATFORM, team, channel, channel_name),
                       SlackHooks(client, self.admin_group, self.groups))

    async def on_command(self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                         client: AsyncWebClient) -> None:
        # Held before the ack: once Slack is told we took the request, a shutdown waits for it.
        async with self.inflight.hold():
            await ack()
            context = self._context(client, command["team_id"], command["user_id"],
                                    command["user_name"], command["channel_id"],
                                    command["channel_name"])
            name = command["command"].lstrip("/")
            reply = await self.router.text(context, name, command["text"].strip())
            if reply.form is not None:
                await self._open(client, command.get("trigger_id", ""), reply, context)
                return
            await self._respond(respond, response_type="ephemeral", **blocks.message(reply))

    async def on_action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                        respond: AsyncRespond, client: AsyncWebClient) -> None:
        # The edge (or the Socket Mode handler) rebuilt the body: every field read here is there.
        async with self.inflight.hold():
            await ack()
            user = body["user"]
            # A click in a view (the App Home tab) has no channel: it is answered in the
            # person's direct messages with the bot (posting to a user id lands there).
            channel = body["channel"]["id"] if "channel" in body else None
            context = self._context(client, body["team"]["id"], user["id"],
                                    user["name"] or user["username"], channel or user["id"])
            button = interactions.ButtonId(action["action_id"], action["value"])
            reply = await self.router.click(context, button)
            if reply.form is not None:
                await self._open(client, body.get("trigger_id", ""), reply, context)
            elif channel is None:
                await client.chat_postMessage(channel=user["id"], **blocks.message(reply))
            else:
                await self._deliver(reply, context, respond, client)

    async def _deliver(self, reply: Reply, context: Context, respond: AsyncRespond,
                       client: AsyncWebClient) -> None:
        channel, user = context.channel.channel_id, context.actor.user_id
        if not reply.ephemeral:
            await client.chat_postMessage(channel=channel, **blocks.message(reply))
            if reply.replaces:
                await self._respond(respond, delete_original=True)
        elif reply.replaces:
            await self._respond(respond, replace_original=True, response_type="ephemeral",
                                **blocks.message(reply))
        else:
            await client.chat_postEphemeral(channel=channel, user=user, **blocks.message(reply))

    @staticmethod
    async def _respond(respond: AsyncRespond, **message: Any) -> None:
        """Answer on the response_url; Slack's refusal comes back as a status, not an error."""
        response = await respond(**message)
        if response.status_code != 200:
            log.warning("Slack refused a reply on the response_url: %d %s", response.status_code,
                        str(response.body)[:200])

    # -- forms: a modal opened with the request's trigger, its submission ---------------------

    async def _open(self, client: AsyncWebClient, trigger_id: str, reply: Reply,
                    context: Context) -> None:
        assert reply.form is not None
        # A submission carries no channel: the modal keeps the one it was opened from.
        where = json.dumps({"channel": context.channel.channel_id,
                            "name": context.channel.channel_name})
        await client.views_open(trigger_id=trigger_id, view=blocks.modal(reply.form, where))

    async def on_submit(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any],
                        client: AsyncWebClient) -> None:
        """A modal submitted. Slack waits for the answer (3 s): a refused field is answered
        inside the modal (`response_action: errors`); otherwise it closes and the reply is
        posted privately in the channel the form was opened from."""
        async with self.inflight.hold():
            user = body["user"]
            team = (body.get("team") or {}).get("id") or user.get("team_id", "")
            try:
                where = json.loads(view.get("private_metadata") or "{}")
            except ValueError:
                where = {}
            context = self._context(client, team, user["id"],
                                    user.get("name") or user.get("username") or "",
                                    str(where.get("channel", "")), str(where.get("name", "")))
            reply = await self.router.submit(context, view.get("callback_id", ""),
                                             blocks.submitted(view))
            if reply.field_errors:
                await ack(response_action="errors", errors=dict(reply.field_errors))
                return
            await ack()
            try:
                await client.chat_postEphemeral(channel=context.channel.channel_id,
                                                user=context.actor.user_id, **blocks.message(reply))
            except SlackApiError:  # no channel kept, or the bot is not in it: a direct message
                await context.hooks.tell(context.actor, reply)

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        if isinstance(error, BoltUnhandledRequestError):
            # No listener for it (an event nobody subscribed to): one line, never the body,
            # which Bolt's own warning would log whole.
            kind = body.get("type") or body.get("command") or "?"
            event = (body.get("event") or {}).get("type") if kind == "event_callback" else None
            log.info("Slack request not handled: %s%s", str(kind)[:40],
                     f" ({str(event)[:40]})" if event else "")
            return
        user = body.get("user") or {}
        team = body.get("team_id") or (body.get("team") or {}).get("id") or (
            user.get("team_id") if isinstance(user, dict) else None)
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
        log.error("error", exc_info=error, extra={
            "platform": PLATFORM, "workspace": team, "channel": channel,
            "user": body.get("user_id") or (user.get("id") if isinstance(user, dict) else None)})
