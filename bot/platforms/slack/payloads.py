"""What Slack sends, read strictly: a signed body becomes the one request Bolt is given, or is refused.

Bolt reads bodies leniently and trusts their shape: a form body that merely contains the word
"payload" is read as an empty request, a `user` that is a string or a `team` that is a number
raises inside its context building, and an empty `actions` list raises in its matcher. So the
edge parses the body once here and hands Bolt a request rebuilt from the fields studybot reads,
each checked for its type: a slash command, a button click (in a message, or in a view such as
the App Home tab), an Events API event, or Slack's URL check. Anything else is `Malformed` (400);
a new kind of request is served by adding it here.

A click whose person, workspace or channel cannot be read has nobody to answer: `Malformed`. A
click whose action cannot be read keeps everything else and gets an empty action id, which no
button of ours has, so the person is told the button is not one the bot knows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

# Slack's ids (T…, U…, W…, C…, G…, D…, E…); the store keeps at most 64 characters of one.
_ID = re.compile(r"[A-Z0-9][A-Za-z0-9_-]{0,63}")
_COMMAND = re.compile(r"/[^\s/][^\s]{0,99}")
_URL = re.compile(r"https?://[^\s]{1,2000}")
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{1,200}")
_EVENT_TYPE = re.compile(r"[a-z_]{1,60}")
# The event fields Bolt and the listeners read, each a string when present.
_EVENT_TEXT = ("user", "channel", "tab", "event_ts", "ts", "subtype", "bot_id", "team",
               "user_team", "channel_type", "thread_ts")
MAX_ACTION_ID = 255  # Slack's limit for an action_id and a block_id
MAX_VALUE = 2000  # Slack's limit for a button's value
MAX_FIELDS = 100
UNREADABLE_ACTION = ""  # the action id a click gets when its own cannot be read


class Malformed(ValueError):
    """The body is not a request studybot serves, or cannot be read; the message says why."""


def parse(raw: bytes, content_type: str) -> dict[str, Any]:
    """The body as Slack meant it: JSON, a form, or a form whose `payload` field holds JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("the body is not UTF-8") from None
    if content_type == JSON:
        return _json_object(text, "the body")
    if content_type != FORM:
        raise Malformed(f"unexpected content type {content_type[:40]!r}")
    try:
        fields = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        raise Malformed(f"more than {MAX_FIELDS} form fields") from None
    form = dict(fields)
    if "payload" in form:
        return _json_object(form["payload"], "the payload field")
    return form


def canonical(body: Mapping[str, Any]) -> dict[str, Any]:
    """The request Bolt is given: a slash command, a button click, an Events API event (or the
    URL check that comes before any), rebuilt field by field."""
    if "command" in body:
        return _command(body)
    kind = body.get("type")
    if kind == "block_actions":
        return _click(body)
    if kind == "view_submission":
        return _submission(body)
    if kind == "event_callback":
        return _event(body)
    if kind == "url_verification":
        return {"type": kind, "challenge": _text(body, "challenge", _CHALLENGE)}
    if isinstance(kind, str):
        raise Malformed(f"studybot serves no {kind[:40]!r} requests")
    raise Malformed("neither a slash command, an interaction nor an event")


def is_ssl_check(raw: bytes, content_type: str) -> bool:
    """Slack's check that a command URL's certificate is good: answered 200 and nothing else,
    before any signature check, as Bolt answers it (it carries nothing to act on)."""
    if content_type != FORM or len(raw) > 1024:
        return False
    form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    return form.get("ssl_check") == "1" and "command" not in form


def _command(body: Mapping[str, Any]) -> dict[str, Any]:
    command = {
        "command": _text(body, "command", _COMMAND),
        "text": _text(body, "text", default=""),
        "team_id": _text(body, "team_id", _ID),
        "channel_id": _text(body, "channel_id", _ID),
        "user_id": _text(body, "user_id", _ID),
        "response_url": _text(body, "response_url", _URL),
        "user_name": _text(body, "user_name", default=""),
        "channel_name": _text(body, "channel_name", default=""),
    }
    for optional in ("trigger_id", "api_app_id", "team_domain"):
        if isinstance(body.get(optional), str):
            command[optional] = body[optional]
    if body.get("enterprise_id"):
        command["enterprise_id"] = _text(body, "enterprise_id", _ID)
    command["is_enterprise_install"] = "true" if body.get("is_enterprise_install") == "true" else "false"
    return command


def _click(body: Mapping[str, Any]) -> dict[str, Any]:
    user = _object(body, "user")
    user_id = _text(user, "id", _ID, where="user")
    team = body.get("team")
    if isinstance(team, Mapping) and "id" in team:
        team_id = _text(team, "id", _ID, where="team")
    elif team is None and "team_id" in user:
        team_id = _text(user, "team_id", _ID, where="user")  # an org-wide install
    else:
        raise Malformed("the workspace (team) cannot be read")
    click: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "name": _text(user, "name", default="", where="user"),
                 "username": _text(user, "username", default="", where="user"), "team_id": team_id},
        "team": {"id": team_id},
        "actions": [_action(body.get("actions"))],
        "is_enterprise_install": body.get("is_enterprise_install") is True,
    }
    container = body.get("container")
    if isinstance(container, Mapping) and container.get("type") == "view":
        # A view (the App Home tab) lives in no channel and has no response_url.
        click["container"] = {"type": "view", "view_id": _text(container, "view_id", default="",
                                                               where="container")}
    else:
        channel_id = _channel(body)
        click["channel"] = {"id": channel_id}
        click["container"] = {"type": "message", "channel_id": channel_id}
        click["response_url"] = _text(body, "response_url", _URL)
    enterprise = body.get("enterprise")
    if isinstance(enterprise, Mapping) and enterprise.get("id") is not None:
        click["enterprise"] = {"id": _text(enterprise, "id", _ID, where="enterprise")}
    elif enterprise is not None:
        raise Malformed("the enterprise cannot be read")
    for optional in ("trigger_id", "api_app_id"):
        if isinstance(body.get(optional), str):
            click[optional] = body[optional]
    return click


def _event(body: Mapping[str, Any]) -> dict[str, Any]:
    event = _object(body, "event")
    clean: dict[str, Any] = {"type": _text(event, "type", _EVENT_TYPE, where="event")}
    for key in _EVENT_TEXT:
        if key in event:
            clean[key] = _text(event, key, where="event")
    if "view" in event:
        view = _object(event, "view")
        clean["view"] = {key: view[key] for key in ("id", "type", "team_id")
                         if isinstance(view.get(key), str)}
    callback: dict[str, Any] = {
        "type": "event_callback", "team_id": _text(body, "team_id", _ID), "event": clean,
        "event_id": _text(body, "event_id", default=""),
        "is_ext_shared_channel": body.get("is_ext_shared_channel") is True,
    }
    if isinstance(body.get("event_time"), int):
        callback["event_time"] = body["event_time"]
    if isinstance(body.get("api_app_id"), str):
        callback["api_app_id"] = body["api_app_id"]
    if body.get("enterprise_id") is not None:
        callback["enterprise_id"] = _text(body, "enterprise_id", _ID)
    authorizations = body.get("authorizations")
    if authorizations is not None:
        callback["authorizations"] = [_authorization(authorizations, callback["team_id"])]
    return callback


def _authorization(authorizations: Any, team_id: str) -> dict[str, Any]:
    """The installation an event is for (the first; Bolt reads no other), in the event's
    workspace unless it names its own."""
    first = authorizations[0] if isinstance(authorizations, list) and authorizations else None
    if not isinstance(first, Mapping):
        raise Malformed("the authorizations cannot be read")
    found: dict[str, Any] = {}
    for key in ("enterprise_id", "team_id", "user_id"):
        if first.get(key) is not None:
            found[key] = _text(first, key, _ID, where="authorizations")
    for key in ("is_bot", "is_enterprise_install"):
        found[key] = first.get(key) is True
    found.setdefault("team_id", team_id)
    return found


def _channel(body: Mapping[str, Any]) -> str:
    channel = body.get("channel")
    if channel is not None:
        if not isinstance(channel, Mapping):
            raise Malformed("the channel cannot be read")
        return _text(channel, "id", _ID, where="channel")
    container = body.get("container")
    if isinstance(container, Mapping) and "channel_id" in container:
        return _text(container, "channel_id", _ID, where="container")
    raise Malformed("the channel cannot be read")


def _action(actions: Any) -> dict[str, str]:
    first = actions[0] if isinstance(actions, list) and actions else None
    if isinstance(first, Mapping):
        action_id, value = first.get("action_id"), first.get("value", "")
        block_id = first.get("block_id", "")
        if (isinstance(action_id, str) and 0 < len(action_id) <= MAX_ACTION_ID
                and isinstance(value, str) and len(value) <= MAX_VALUE
                and isinstance(block_id, str) and len(block_id) <= MAX_ACTION_ID):
            return {"type": "button", "action_id": action_id, "value": value, "block_id": block_id}
    return {"type": "button", "action_id": UNREADABLE_ACTION, "value": "", "block_id": ""}


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise Malformed(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Malformed(f"{what} is not a JSON object")
    return value


def _submission(body: Mapping[str, Any]) -> dict[str, Any]:
    """A modal submitted: who, the form's id and kept metadata, and what was typed in each
    field (plain text inputs only: the forms we open have nothing else)."""
    user = _object(body, "user")
    user_id = _text(user, "id", _ID, where="user")
    team = _object(body, "team")
    team_id = _text(team, "id", _ID, where="team")
    view = _object(body, "view")
    state = view.get("state") or {}
    blocks = state.get("values") if isinstance(state, Mapping) else None
    values: dict[str, dict[str, dict[str, str]]] = {}
    for block_id, actions in (blocks or {}).items():
        if not isinstance(block_id, str) or not isinstance(actions, Mapping):
            raise Malformed("view.state.values cannot be read")
        for action_id, action in actions.items():
            if not isinstance(action_id, str) or not isinstance(action, Mapping):
                raise Malformed("view.state.values cannot be read")
            values.setdefault(block_id, {})[action_id] = {
                "type": "plain_text_input", "value": str(action.get("value") or "")}
    submission: dict[str, Any] = {
        "type": "view_submission",
        "user": {"id": user_id, "name": _text(user, "name", default="", where="user"),
                 "username": _text(user, "username", default="", where="user"), "team_id": team_id},
        "team": {"id": team_id},
        "view": {"id": _text(view, "id", default="", where="view"), "type": "modal",
                 "callback_id": _text(view, "callback_id", default="", where="view"),
                 "private_metadata": _text(view, "private_metadata", default="", where="view"),
                 "state": {"values": values}},
        "is_enterprise_install": body.get("is_enterprise_install") is True,
    }
    for optional in ("trigger_id", "api_app_id"):
        if isinstance(body.get(optional), str):
            submission[optional] = body[optional]
    return submission


def _object(body: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = body.get(key)
    if not isinstance(value, Mapping):
        raise Malformed(f"{key} cannot be read")
    return value


def _text(body: Mapping[str, Any], key: str, pattern: re.Pattern[str] | None = None, *,
          default: str | None = None, where: str = "") -> str:
    value = body.get(key, default)
    name = f"{where}.{key}" if where else key
    if not isinstance(value, str):
        raise Malformed(f"{name} cannot be read")
    if pattern is not None and not pattern.fullmatch(value):
        raise Malformed(f"{name} is not in Slack's format")
    return value
