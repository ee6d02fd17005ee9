"""Requests exactly as Slack sends them to an app: form-encoded bodies, signed with the secret.

    body = slash_command(command="/study", text="today", team_id="T1", channel_id="C1",
                         user_id="U1", response_url=slack.response_url("cmd"))
    status, text = await post(app_url, body, sign(SECRET, body))
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
VERIFICATION_TOKEN = "verificationtoken0000000"  # Slack's deprecated per-app token; Bolt ignores it
POST_TIMEOUT = 10.0

_trigger_counter = itertools.count(1)


def sign(secret: str, body: bytes | str, timestamp: int | None = None, *,
         content_type: str = FORM) -> dict[str, str]:
    """The headers Slack adds: timestamp, `v0=` HMAC-SHA256 signature, and the content type."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": content_type}


def sign_bytes(secret: str, body: bytes, timestamp: int | None = None, *,
               content_type: str = FORM) -> dict[str, str]:
    """As sign(), over bytes that need not be UTF-8 (slack_sdk's signer decodes them first)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest.hexdigest()}",
            "Content-Type": content_type}


def new_trigger_id() -> str:
    """A fresh trigger id in Slack's shape (digits.digits.hex)."""
    return f"{next(_trigger_counter)}{secrets.randbelow(10**9):09d}.{secrets.randbelow(10**9)}." \
           f"{secrets.token_hex(16)}"


def slash_command(
    *,
    command: str,
    text: str,
    team_id: str,
    channel_id: str,
    user_id: str,
    response_url: str,
    user_name: str = "",
    channel_name: str = "",
    team_domain: str = "",
    trigger_id: str | None = None,
    api_app_id: str = "A0TEST",
    enterprise_id: str | None = None,
    token: str = VERIFICATION_TOKEN,
) -> bytes:
    """A slash command's form body, with every field Slack sends, in Slack's order."""
    fields: list[tuple[str, str]] = [
        ("token", token),
        ("team_id", team_id),
        ("team_domain", team_domain or team_id.lower()),
    ]
    if enterprise_id is not None:
        fields += [("enterprise_id", enterprise_id), ("enterprise_name", enterprise_id)]
    fields += [
        ("channel_id", channel_id),
        ("channel_name", channel_name or channel_id.lower()),
        ("user_id", user_id),
        ("user_name", user_name or user_id.lower()),
        ("command", command),
        ("text", text),
        ("api_app_id", api_app_id),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", trigger_id or new_trigger_id()),
    ]
    return urlencode(fields).encode()


def block_actions(
    *,
    team_id: str,
    user_id: str,
    channel_id: str,
    action_id: str,
    value: str,
    block_id: str,
    message_ts: str,
    response_url: str,
    user_name: str = "",
    message: dict[str, Any] | None = None,
    api_app_id: str = "A0TEST",
    button_text: str | None = None,
    channel_name: str = "",
    team_domain: str = "",
    trigger_id: str | None = None,
    is_ephemeral: bool = False,
    enterprise_id: str | None = None,
    token: str = VERIFICATION_TOKEN,
) -> bytes:
    """A button click's form body: one `payload` field holding the block_actions JSON.

    Pass the clicked message as stored by the fake (`FakeSlack.message(channel, ts)`) as
    `message`; the button's text is then taken from its blocks unless `button_text` is given.
    Ephemeral messages (`is_ephemeral=True`) carry no `message`, as in Slack.
    """
    name = user_name or user_id.lower()
    stored = message if message is not None else {"type": "message", "ts": message_ts, "text": "",
                                                  "blocks": []}
    label = button_text if button_text is not None else (_button_label(stored, action_id) or value)
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": name, "name": name, "team_id": team_id},
        "api_app_id": api_app_id,
        "token": token,
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id,
                      "is_ephemeral": is_ephemeral},
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team_id, "domain": team_domain or team_id.lower()},
        "enterprise": {"id": enterprise_id, "name": enterprise_id} if enterprise_id else None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": channel_name or channel_id.lower()},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [{
            "action_id": action_id,
            "block_id": block_id,
            "text": {"type": "plain_text", "text": label, "emoji": True},
            "value": value,
            "type": "button",
            "action_ts": f"{time.time():.6f}",
        }],
    }
    if not is_ephemeral:
        payload["message"] = stored
    return urlencode({"payload": json.dumps(payload)}).encode()


def view_submission(
    *,
    team_id: str,
    user_id: str,
    view: dict[str, Any],
    values: dict[str, str],
    user_name: str = "",
    api_app_id: str = "A0TEST",
    token: str = VERIFICATION_TOKEN,
) -> bytes:
    """A modal's submission: `view` as the fake stored it (`FakeSlack.opened_views`), and what
    was typed into its inputs by block id (fields left out are submitted empty, as Slack sends
    an empty input). Inputs the view does not have cannot be typed into."""
    inputs = {b["block_id"]: b["element"] for b in view.get("blocks") or [] if b.get("type") == "input"}
    unknown = set(values) - set(inputs)
    if unknown:
        raise ValueError(f"the modal has no input(s) {sorted(unknown)}")
    state = {block: {element["action_id"]: {"type": element["type"], "value": values.get(block) or None}}
             for block, element in inputs.items()}
    name = user_name or user_id.lower()
    payload: dict[str, Any] = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": team_id.lower()},
        "user": {"id": user_id, "username": name, "name": name, "team_id": team_id},
        "api_app_id": api_app_id,
        "token": token,
        "trigger_id": new_trigger_id(),
        "view": {**view, "state": {"values": state}},
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


async def post(url: str, body: bytes | str, headers: dict[str, str]) -> tuple[int, str]:
    """POST `body` as-is (10 s timeout); returns (HTTP status, response text)."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=POST_TIMEOUT)) as session, \
            session.post(url, data=body, headers=headers) as response:
        return response.status, await response.text()


async def post_signed(url: str, secret: str, body: bytes | str, *, timestamp: int | None = None,
                      content_type: str = FORM) -> tuple[int, str]:
    """`post(url, body, sign(secret, body, timestamp))`."""
    return await post(url, body, sign(secret, body, timestamp, content_type=content_type))


def _button_label(message: dict[str, Any], action_id: str) -> str | None:
    for block in message.get("blocks") or []:
        elements = list(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        for element in elements:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                text = element.get("text")
                return text.get("text") if isinstance(text, dict) else None
    return None
