"""The Bolt app: parse, ack at once, call the service, answer in Block Kit. No rules live here."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import errors, metrics
from bot.chat import actions as study_actions
from bot.chat.study_text import ChannelMention, Setup, parse_study, parse_user
from bot.chat.wording import HELP, error_text
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.tally import TallyUpdates
from bot.platforms.slack import blocks
from bot.platforms.slack.admins import is_admin
from bot.service import Actor, AnswerResult, ChannelRef, StudyService

log = logging.getLogger("studybot.slack")

PLATFORM = "slack"
SORRY = "Sorry, something went wrong on our side. Please try again in a moment."


class SlackHandlers:
    """Listeners for commands and buttons; registered on a Bolt app by `register`."""

    def __init__(self, service: StudyService, dispatcher: Dispatcher, tally: TallyUpdates,
                 admin_group: str | None) -> None:
        self.service = service
        self.dispatcher = dispatcher
        self.tally = tally
        self.admin_group = admin_group

    def register(self, app: AsyncApp) -> None:
        app.command(re.compile(r"^/.+"))(self.on_command)
        app.action(re.compile(re.escape(blocks.ANSWER_ACTION) + r"\..*"))(self.on_answer)
        app.action(blocks.SHARE_ACTION)(self.on_share)
        app.action(re.compile(re.escape(blocks.PRACTICE_ACTION) + r"\.\d$"))(self.on_practice)
        app.action(blocks.PRACTICE_NEXT_ACTION)(self.on_practice_next)
        app.error(self.on_error)

    # ---- slash commands ---------------------------------------------------------------

    async def on_command(self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                         client: AsyncWebClient) -> None:
        await ack()
        name = command["command"].lstrip("/").lower()
        text = (command.get("text") or "").strip()
        try:
            reply = await self._command(name, text, command, client)
        except errors.StudyError as exc:
            reply = {"text": error_text(exc)}
        except Exception:
            log.exception("/%s failed", name)
            reply = {"text": SORRY}
        await respond(response_type="ephemeral", **reply)

    async def _command(self, name: str, text: str, command: dict[str, Any],
                       client: AsyncWebClient) -> dict[str, Any]:
        actor = _actor(command["team_id"], command["user_id"], command.get("user_name", ""))
        channel = ChannelRef(PLATFORM, command["team_id"], command["channel_id"],
                             command.get("channel_name", ""))
        if name == "help":
            return {"text": HELP}
        if name == "study":
            return await self._study(text, actor, channel, client)
        if name == "leaderboard":
            board = await self.service.leaderboard(actor, text or "week", channel=channel)
            title, body = blocks.board(board)
        elif name == "streak":
            title, body = blocks.stats(await self.service.stats(_subject(actor, text), channel))
        elif name == "quiz":
            title, body = blocks.practice(await self.service.practice(actor, text or None))
        elif name == "lookup" or self.service.catalog.resolve_topic(name) is not None:
            found = self.service.lookup(text, topic=None if name == "lookup" else name)
            metrics.LOOKUPS.labels(PLATFORM, str(found.best is not None).lower()).inc()
            title, body = blocks.lookup(found)
        else:
            return {"text": f"I don't know the command /{name}. Try /study help."}
        return {"text": title, "blocks": body}

    async def _study(self, text: str, actor: Actor, channel: ChannelRef,
                     client: AsyncWebClient) -> dict[str, Any]:
        command = parse_study(text)
        if command.name in study_actions.ADMIN_ONLY:
            actor = _with_admin(actor, await is_admin(client, actor.user_id, self.admin_group))
        target = None
        if isinstance(command, Setup):
            target = await _target(client, channel, command.channel)
        match await study_actions.execute(self.service, self.dispatcher, actor, channel, command,
                                          target):
            case study_actions.Saved(view=view):
                return {"text": "Saved. " + blocks.schedule(view)}
            case study_actions.Shown(view=view):
                return {"text": blocks.schedule(view)}
            case study_actions.Posted(card=card, delivered=False):
                return {"text": f"I couldn't post `{card.question_id}` right now; "
                                "I'll retry shortly."}
            case study_actions.Posted(card=card, channel_scheduled=scheduled):
                hint = "" if scheduled else (" This channel has no daily schedule yet: try "
                                             "`/study setup 09:00 Europe/London mon-fri`.")
                return {"text": f"Posted `{card.question_id}`.{hint}"}
            case study_actions.Closed(result=result):
                return {"text": f"Closed `{result.card.question_id}`."}
            case study_actions.CompetitionStarted(competition=view):
                return {"text": "Started. " + blocks.competition(view)}
            case study_actions.CompetitionEnded(board=board):
                title, body = blocks.board(board)
                return {"text": title, "blocks": body}
            case study_actions.CompetitionList(competitions=views):
                return {"text": "\n".join(map(blocks.competition, views))
                        or "No competitions yet: `/study competition start NAME [DAYS]`."}
            case _:
                return {"text": HELP}

    # ---- buttons ----------------------------------------------------------------------

    async def on_answer(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                        client: AsyncWebClient) -> None:
        await ack()
        user = body["user"]
        channel = (body.get("channel") or {}).get("id") or body["container"]["channel_id"]
        actor = _clicker(body)
        parsed = blocks.parse_answer_action(action.get("action_id", ""))
        try:
            if parsed is None:
                raise errors.UnknownPost()
            result = await self.service.answer(actor, *parsed)
            metrics.ANSWERS.labels(PLATFORM, _outcome(result)).inc()
            text, reply = blocks.answer(result)
            if not result.already_answered:
                self.tally.poke(result.post_id)
        except errors.StudyError as exc:
            metrics.ANSWERS.labels(PLATFORM, "refused").inc()
            text, reply = error_text(exc), []
        except Exception:
            log.exception("answer click failed")
            text, reply = SORRY, []
        await client.chat_postEphemeral(channel=channel, user=user["id"], text=text,
                                        blocks=reply or None)

    async def on_share(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                       client: AsyncWebClient, respond: AsyncRespond) -> None:
        await ack()
        view = self.service.entry(action.get("value", ""))
        if view is None:
            await respond(response_type="ephemeral", replace_original=False,
                          text="That entry no longer exists.")
            return
        channel = (body.get("channel") or {}).get("id") or body["container"]["channel_id"]
        await client.chat_postMessage(
            channel=channel, text=view.title,
            blocks=[*blocks.entry(view, share=False),
                    {"type": "context", "elements": [
                        {"type": "mrkdwn", "text": f"Shared by <@{body['user']['id']}>"}]}],
        )
        await respond(delete_original=True)

    async def on_practice(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                          respond: AsyncRespond) -> None:
        await ack()
        actor = _clicker(body)
        choice = int(action["action_id"].rsplit(".", 1)[1])
        try:
            result = await self.service.practice_answer(actor, action.get("value", ""), choice)
            title, reply = blocks.practice_result(result, result.topic)
        except errors.StudyError as exc:
            title, reply = error_text(exc), []
        await respond(replace_original=True, response_type="ephemeral", text=title,
                      blocks=reply or None)

    async def on_practice_next(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                               respond: AsyncRespond) -> None:
        await ack()
        try:
            title, reply = blocks.practice(
                await self.service.practice(_clicker(body), action.get("value") or None))
        except errors.StudyError as exc:
            title, reply = error_text(exc), []
        await respond(replace_original=True, response_type="ephemeral", text=title,
                      blocks=reply or None)

    async def on_error(self, error: Exception, body: dict[str, Any]) -> None:
        log.error("unhandled Slack error: %s", error, exc_info=error)


def _actor(team: str, user: str, name: str) -> Actor:
    return Actor(PLATFORM, team, user, name or user)


def _outcome(result: AnswerResult) -> str:
    if result.already_answered:
        return "repeat"
    return "correct" if result.verdict.correct else "wrong"


def _clicker(body: dict[str, Any]) -> Actor:
    """Who clicked a button, from a block_actions payload."""
    user = body["user"]
    team = (body.get("team") or {}).get("id") or user.get("team_id", "")
    return _actor(team, user["id"], user.get("name") or user.get("username") or user["id"])


def _with_admin(actor: Actor, admin: bool) -> Actor:
    return Actor(actor.platform, actor.workspace_id, actor.user_id, actor.display_name, admin)


def _subject(actor: Actor, text: str) -> Actor:
    """`/streak` is about the caller, or about the user it mentions."""
    mention = parse_user(text) if text else None
    if mention is None:
        if text:
            raise errors.InvalidInput("user", text, "mention someone, e.g. /streak @ada")
        return actor
    name = "" if mention.name == mention.id else mention.name
    return Actor(actor.platform, actor.workspace_id, mention.id, name)


async def _target(client: AsyncWebClient, here: ChannelRef,
                  mention: ChannelMention | None) -> ChannelRef:
    """The channel a setup names: Slack's escaped `<#C123|name>`, or a plain `#name`."""
    if mention is None or (mention.id is None and mention.name == here.channel_name):
        return here
    if mention.id is not None:
        return ChannelRef(PLATFORM, here.workspace_id, mention.id, mention.name)
    found = await _channel_named(client, mention.name)
    if found is None:
        raise errors.InvalidInput(
            "channel", f"#{mention.name}",
            "I can't find that channel; pick it from Slack's autocomplete or run the command there")
    return ChannelRef(PLATFORM, here.workspace_id, found, mention.name)


async def _channel_named(client: AsyncWebClient, name: str) -> str | None:
    try:
        async for page in await client.conversations_list(
            types="public_channel,private_channel", exclude_archived=True, limit=200,
        ):
            for channel in page.get("channels", []):
                if channel.get("name") == name:
                    return str(channel["id"])
    except SlackApiError as exc:
        log.warning("conversations.list failed: %s", exc.response.get("error"))
    return None
