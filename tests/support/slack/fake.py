"""A fake Slack Web API on 127.0.0.1 for end-to-end tests of the real Bolt app.

The app under test talks to it exactly as it would talk to Slack: point
`AsyncWebClient(base_url=fake.api_url)` at it. Every request is recorded with its decoded body, the
token it carried and when it arrived, so tests can assert on what the app sent and when.

    async with FakeSlack() as slack:
        slack.add_user("U1", name="ada", is_admin=True)
        ...  # drive the app; it calls slack.api_url
        [post] = await slack.wait_for("chat.postMessage")

Only the remote side is faked: message storage, identities, and Slack's failure modes (429 with
Retry-After, `{"ok": false}` errors, bad tokens, over-long blocks).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import json
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

from aiohttp import web

from tests.support.local_server import HOST, LocalServer, serve_local

DEFAULT_SCOPES = "commands,chat:write,chat:write.public,channels:history,groups:history,users:read"

# Form-encoded Web API calls carry these as JSON strings; they are decoded into objects.
JSON_FIELDS = frozenset({
    "blocks", "attachments", "metadata", "view", "unfurls", "user_auth_blocks", "elements",
})
# Methods Slack answers without a bearer token.
NO_TOKEN_METHODS = frozenset({"oauth.v2.access"})

# Slack's documented limits (see shared/notes/testing-against-slack.md).
MAX_TEXT = 40_000
MAX_BLOCKS = 50
MAX_ACTIONS_ELEMENTS = 25
MAX_SECTION_TEXT = 3_000
MAX_TEXT_OBJECT = 3_000  # any other text object (context elements)
MAX_CONTEXT_ELEMENTS = 10
# Not in Slack's reference, but observed: a message whose blocks hold about 13,200 characters of
# text in all is refused with msg_blocks_too_long (slackapi/bolt-js#2509), even when every block
# is within its own limit. The fake refuses a little earlier.
MAX_BLOCKS_TEXT = 13_000
MAX_SECTION_FIELD = 2_000
MAX_SECTION_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2_000
MAX_ID = 255
MAX_RESPONSE_URL_USES = 5
# Errors that mean Slack refused what a message says or how it is built: the message never shows.
CONTENT_ERRORS = frozenset({"invalid_blocks", "msg_too_long", "msg_blocks_too_long", "no_text",
                            "invalid_metadata_format"})

Json = dict[str, Any]
Handler = Callable[["Call"], Json]


@dataclass
class Call:
    """One request the fake received.

    `body` is the decoded arguments (JSON body, form fields and query string merged; JSON-string
    fields such as `blocks`/`metadata` decoded; the `token` field removed and put in `token`).
    """

    method: str  # Web API method, or "response_url"
    body: Json
    token: str | None
    at: float  # time.monotonic() on arrival
    limited: bool = False  # answered 429 by rate_limit()
    tag: str | None = None  # the response_url tag, for method == "response_url"
    status: int = 200
    response: Json | str | None = None  # what the fake answered
    headers: dict[str, str] = field(default_factory=dict)
    rejected: str | None = None  # the content error (CONTENT_ERRORS) when Slack would refuse it

    @property
    def ok(self) -> bool:
        if self.status != 200:
            return False
        if isinstance(self.response, dict):
            return bool(self.response.get("ok"))
        return self.response == "ok"


@dataclass(frozen=True)
class Workspace:
    """The identity a bot token belongs to (what auth.test answers)."""

    team_id: str = "T0TEST"
    team_name: str = "Test Team"
    domain: str = "testteam"
    bot_user_id: str = "U0BOT"
    bot_id: str = "B0BOT"
    bot_name: str = "studybot"
    app_id: str = "A0TEST"
    enterprise_id: str | None = None


@dataclass
class _Channel:
    id: str
    name: str
    is_private: bool = False
    is_member: bool = True
    is_im: bool = False
    created: int = field(default_factory=lambda: int(time.time()))
    messages: list[Json] = field(default_factory=list)  # oldest first

    def info(self) -> Json:
        return {
            "id": self.id, "name": self.name, "is_channel": not self.is_private and not self.is_im,
            "is_group": False, "is_im": self.is_im, "is_mpim": False, "is_private": self.is_private,
            "is_archived": False, "is_general": False, "is_member": self.is_member,
            "created": self.created,
        }


@dataclass
class _OAuthGrant:
    workspace: Workspace
    bot_token: str
    authed_user_id: str
    scope: str
    used: bool = False


@dataclass
class _ResponseUrl:
    channel: str | None
    message_ts: str | None
    uses: int = 0


class SlackError(Exception):
    """Raised inside a handler to answer `{"ok": false, "error": ...}`."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def payload(self) -> Json:
        return {"ok": False, "error": self.error, **self.extra}


class FakeSlack(LocalServer):
    """The Slack Web API (plus response_url endpoints) on 127.0.0.1, on a port the OS picks."""

    def __init__(
        self,
        *,
        valid_tokens: Iterable[str] | None = None,
        workspace: Workspace | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> None:
        # None: any xoxb- token is valid. Tokens given to add_workspace() are always valid.
        self.valid_tokens: set[str] | None = set(valid_tokens) if valid_tokens is not None else None
        self.default_workspace = workspace or Workspace()
        self.client_id = client_id  # None: oauth.v2.access accepts any client id
        self.client_secret = client_secret
        self.users: dict[str, Json] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.calls: list[Call] = []
        self.ephemerals: list[Json] = []
        self.home_views: dict[str, Json] = {}  # user id -> the Home tab view published last
        self._workspaces: dict[str, Workspace] = {}
        self._revoked: set[str] = set()
        self._channels: dict[str, _Channel] = {}
        self._oauth: dict[str, _OAuthGrant] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._rate_limits: dict[str, deque[int]] = {}
        self._failures: dict[str, deque[str]] = {}
        self._custom: dict[str, Handler] = {}
        self._delays: dict[str, float] = {}
        self.arrivals: Counter[str] = Counter()  # calls per method as they arrive (before delays)
        self._last_ts_us = 0
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._base: str | None = None
        self._handlers: dict[str, Callable[[Json, Workspace], Json]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.getPermalink": self._chat_get_permalink,
            "users.info": self._users_info,
            "usergroups.users.list": self._usergroups_users_list,
            "conversations.history": self._conversations_history,
            "conversations.info": self._conversations_info,
            "views.publish": self._views_publish,
            "views.open": self._views_open,
        }
        self.opened_views: list[Json] = []  # views.open, in order: each as stored, with its id
        self._used_triggers: set[str] = set()

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        if self._runner is not None:
            return
        app = web.Application()
        app.router.add_route("*", "/api/{method:[^/]*}", self._handle_api)
        app.router.add_post("/respond/{tag}", self._handle_response_url)
        self._runner, port = await serve_local(app)
        self._base = f"http://{HOST}:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


    @property
    def base_url(self) -> str:
        if self._base is None:
            raise RuntimeError("FakeSlack is not started")
        return self._base

    @property
    def api_url(self) -> str:
        """The Web API base URL for AsyncWebClient(base_url=...); ends with a slash."""
        return f"{self.base_url}/api/"

    def response_url(self, tag: str, *, channel: str | None = None, message_ts: str | None = None) -> str:
        """A response_url on the fake. POSTs to it are recorded as method "response_url" with `tag`.

        With `channel` and `message_ts` (the message a button was on), `replace_original` and
        `delete_original` act on that stored message, as Slack does.
        """
        self._response_urls[tag] = _ResponseUrl(channel, message_ts)
        return f"{self.base_url}/respond/{quote(tag, safe='')}"

    # ---------------------------------------------------------------- configuration

    def add_workspace(self, token: str, *, team_id: str, team_name: str | None = None,
                      domain: str | None = None, bot_user_id: str = "U0BOT", bot_id: str = "B0BOT",
                      app_id: str = "A0TEST", enterprise_id: str | None = None) -> Workspace:
        """Make `token` a valid bot token of workspace `team_id` (what auth.test answers)."""
        ws = Workspace(team_id=team_id, team_name=team_name or f"Team {team_id}",
                       domain=domain or team_id.lower(), bot_user_id=bot_user_id, bot_id=bot_id,
                       app_id=app_id, enterprise_id=enterprise_id)
        self._workspaces[token] = ws
        self._revoked.discard(token)
        return ws

    def revoke(self, token: str) -> None:
        """Calls with `token` now answer `token_revoked`."""
        self._revoked.add(token)

    def add_user(self, user_id: str, *, name: str | None = None, real_name: str | None = None,
                 is_admin: bool = False, is_owner: bool = False, is_primary_owner: bool = False,
                 team_id: str | None = None, **extra: Any) -> Json:
        """Add a user for users.info (same as setting `users[user_id]`)."""
        user = {"id": user_id, "name": name or user_id.lower(), "real_name": real_name or name or user_id,
                "is_admin": is_admin, "is_owner": is_owner, "is_primary_owner": is_primary_owner,
                **({"team_id": team_id} if team_id else {}), **extra}
        self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str, *, name: str | None = None, is_private: bool = False,
                    is_member: bool = True) -> Json:
        """Register a channel. Not a member: posting/history answer `not_in_channel` (public) or
        `channel_not_found` (private). Unregistered channels are created on first use."""
        channel = self._channel(channel_id)
        channel.name = name or channel.name
        channel.is_private = is_private
        channel.is_member = is_member
        return channel.info()

    def add_message(self, channel: str, *, text: str = "", user: str = "U0HUMAN",
                    blocks: list[Json] | None = None, metadata: Json | None = None,
                    ts: str | None = None, bot_id: str | None = None,
                    thread_ts: str | None = None) -> Json:
        """Put a message in a channel's history without an API call (e.g. a human's message)."""
        message: Json = {"type": "message", "user": user, "text": text, "ts": ts or self._next_ts()}
        if bot_id is not None:
            message["bot_id"] = bot_id
        if blocks is not None:
            message["blocks"] = blocks
        if metadata is not None:
            message["metadata"] = metadata
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        self._store(self._channel(channel), message)
        return copy.deepcopy(message)

    def add_oauth_code(self, code: str, *, team_id: str, team_name: str | None = None,
                       bot_token: str | None = None, bot_user_id: str = "U0BOT", bot_id: str = "B0BOT",
                       app_id: str = "A0TEST", authed_user_id: str = "U0INSTALLER",
                       scope: str = DEFAULT_SCOPES, enterprise_id: str | None = None) -> str:
        """Let oauth.v2.access exchange `code` (once) for a bot token of `team_id`; returns the token.

        The token becomes valid (auth.test answers this workspace) when the code is exchanged.
        """
        token = bot_token or f"xoxb-{team_id}-{len(self._oauth) + 1}-fake"
        ws = Workspace(team_id=team_id, team_name=team_name or f"Team {team_id}", domain=team_id.lower(),
                       bot_user_id=bot_user_id, bot_id=bot_id, app_id=app_id, enterprise_id=enterprise_id)
        self._oauth[code] = _OAuthGrant(ws, token, authed_user_id, scope)
        return token

    def register(self, method: str, handler: Handler) -> None:
        """Answer `method` with `handler(call)` (after the token check). Raise SlackError for
        `{"ok": false}`. Overrides a built-in method too."""
        self._custom[method] = handler

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 1) -> None:
        """The next `times` calls to `method` answer HTTP 429, `Retry-After: retry_after`."""
        self._rate_limits.setdefault(method, deque()).extend([retry_after] * times)

    def fail(self, method: str, times: int = 1, error: str = "internal_error") -> None:
        """The next `times` calls to `method` answer `{"ok": false, "error": error}` (HTTP 200)."""
        self._failures.setdefault(method, deque()).extend([error] * times)

    def slow(self, method: str, seconds: float) -> None:
        """Answer every call to `method` (or "response_url") only after `seconds`; 0 undoes it."""
        self._delays[method] = seconds

    # ---------------------------------------------------------------- inspection

    @property
    def rejections(self) -> list[Call]:
        """Calls whose content Slack would refuse (too long, invalid blocks, no text)."""
        return [c for c in self.calls if c.rejected]

    def calls_to(self, method: str, *, tag: str | None = None, only_ok: bool = False,
                 include_rejected: bool = False) -> list[Json]:
        """Bodies of the recorded calls to `method` (incl. rate-limited/failed ones unless only_ok).

        A message Slack would refuse is left out unless `include_rejected`: nobody ever sees it,
        so no test may pass by waiting for it."""
        return [c.body for c in self._matching(method, tag, only_ok, include_rejected)]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0, *,  # noqa: ASYNC109
                       tag: str | None = None, only_ok: bool = False,
                       include_rejected: bool = False) -> list[Json]:
        """Wait until at least `count` calls to `method` are recorded; return all their bodies
        (messages Slack would refuse left out, as in calls_to)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = self._matching(method, tag, only_ok, include_rejected)
            if len(found) >= count:
                return [c.body for c in found]
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                seen = [c.method + (f"[{c.tag}]" if c.tag else "")
                        + (f" REFUSED {c.rejected}" if c.rejected else "") for c in self.calls]
                raise AssertionError(
                    f"expected {count} call(s) to {method}"
                    f"{f' (tag {tag})' if tag else ''} within {timeout}s, got {len(found)}; "
                    f"recorded: {seen}")
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def clear_calls(self) -> None:
        self.calls.clear()
        self.ephemerals.clear()

    def messages(self, channel: str) -> list[Json]:
        """Stored messages of a channel (incl. thread replies), oldest first; copies."""
        found = self._channels.get(channel)
        return copy.deepcopy(found.messages) if found else []

    def message(self, channel: str, ts: str) -> Json:
        """A stored message (copy); KeyError if there is none."""
        for message in self.messages(channel):
            if message["ts"] == ts:
                return message
        raise KeyError(f"no message {ts} in {channel}")

    def dm_channel(self, user_id: str) -> str:
        """The id of the bot's DM with `user_id` (where posting to a user id lands)."""
        return "D" + user_id[1:]

    # ---------------------------------------------------------------- HTTP

    async def _handle_api(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        method = request.match_info["method"]
        body = await _read_body(request)
        token = _bearer(request)
        form_token = body.pop("token", None)
        if token is None and isinstance(form_token, str):
            token = form_token
        call = Call(method=method, body=body, token=token, at=at, headers=dict(request.headers))
        self.arrivals[method] += 1
        self._notify()
        if self._delays.get(method):
            await asyncio.sleep(self._delays[method])
        status, payload, extra_headers = self._respond_api(call)
        call.status, call.response = status, payload
        if payload.get("error") in CONTENT_ERRORS:
            call.rejected = payload["error"]
        self._record(call)
        return web.json_response(payload, status=status, headers=extra_headers)

    def _respond_api(self, call: Call) -> tuple[int, Json, dict[str, str]]:
        limited = self._take(self._rate_limits, call.method)
        if limited is not None:
            call.limited = True
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(limited)}
        failure = self._take(self._failures, call.method)
        if failure is not None:
            return 200, {"ok": False, "error": failure}, {}
        builtin = self._handlers.get(call.method)
        custom = self._custom.get(call.method)
        if call.method == "oauth.v2.access" and custom is None:
            return 200, self._guard(lambda: self._oauth_v2_access(call)), {}
        if builtin is None and custom is None:
            return 200, {"ok": False, "error": "unknown_method", "req_method": call.method}, {}
        ws = self._authenticate(call.token) if call.method not in NO_TOKEN_METHODS else self.default_workspace
        if isinstance(ws, str):
            return 200, {"ok": False, "error": ws}, {}
        if custom is not None:
            return 200, self._guard(lambda: custom(call)), {}
        assert builtin is not None
        return 200, self._guard(lambda: builtin(call.body, ws)), {}

    @staticmethod
    def _guard(produce: Callable[[], Json]) -> Json:
        try:
            return produce()
        except SlackError as exc:
            return exc.payload()

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        tag = request.match_info["tag"]
        body = await _read_body(request)
        call = Call(method="response_url", body=body, token=None, at=at, tag=tag,
                    headers=dict(request.headers))
        self.arrivals["response_url"] += 1
        if self._delays.get("response_url"):
            await asyncio.sleep(self._delays["response_url"])
        status, text, headers = self._respond_response_url(tag, body, call)
        call.status, call.response = status, text
        if status == 400 and text in CONTENT_ERRORS:
            call.rejected = text
        self._record(call)
        return web.Response(status=status, text=text, headers=headers, content_type="text/html")

    def _respond_response_url(self, tag: str, body: Json, call: Call) -> tuple[int, str, dict[str, str]]:
        limited = self._take(self._rate_limits, "response_url")
        if limited is not None:
            call.limited = True
            return 429, "rate_limited", {"Retry-After": str(limited)}
        failure = self._take(self._failures, "response_url")
        if failure is not None:
            return 404, failure, {}
        link = self._response_urls.get(tag)
        if link is None:
            return 404, "no_active_hooks", {}
        link.uses += 1
        if link.uses > MAX_RESPONSE_URL_USES:
            return 404, "used_url", {}
        delete = _flag(body.get("delete_original"))
        if not delete and not body.get("text") and not body.get("blocks"):
            return 400, "no_text", {}
        if len(str(body.get("text") or "")) > MAX_TEXT:
            return 400, "msg_too_long", {}
        if "blocks" in body and _validate_blocks(body["blocks"]):
            return 400, "invalid_blocks", {}
        if "blocks" in body and _blocks_text(body["blocks"]) > MAX_BLOCKS_TEXT:
            return 400, "msg_blocks_too_long", {}
        if link.channel and link.message_ts and (delete or _flag(body.get("replace_original"))):
            channel = self._channels.get(link.channel)
            stored = _find(channel, link.message_ts) if channel else None
            if channel and stored:
                if delete:
                    channel.messages.remove(stored)
                else:
                    stored["text"] = body.get("text", "")
                    _set_or_drop(stored, "blocks", body.get("blocks"))
        return 200, "ok", {}

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._notify()

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_arrivals(self, method: str, count: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until `count` calls to `method` have arrived (answered or not yet)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.arrivals[method] < count:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"{self.arrivals[method]} of {count} calls to {method} arrived")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def _matching(self, method: str, tag: str | None, only_ok: bool,
                  include_rejected: bool = False) -> list[Call]:
        return [c for c in self.calls
                if c.method == method and (tag is None or c.tag == tag) and (not only_ok or c.ok)
                and (include_rejected or not c.rejected)]

    @staticmethod
    def _take(queues: dict[str, deque[Any]], method: str) -> Any:
        queue = queues.get(method)
        return queue.popleft() if queue else None

    def _authenticate(self, token: str | None) -> Workspace | str:
        if not token:
            return "not_authed"
        if token in self._revoked:
            return "token_revoked"
        if token in self._workspaces:
            return self._workspaces[token]
        if self.valid_tokens is not None:
            return self.default_workspace if token in self.valid_tokens else "invalid_auth"
        return self.default_workspace if token.startswith("xoxb-") else "invalid_auth"

    # ---------------------------------------------------------------- storage

    def _next_ts(self) -> str:
        now_us = time.time_ns() // 1_000
        self._last_ts_us = max(now_us, self._last_ts_us + 1)
        return f"{self._last_ts_us // 1_000_000}.{self._last_ts_us % 1_000_000:06d}"

    def _channel(self, channel_id: str) -> _Channel:
        if channel_id not in self._channels:
            self._channels[channel_id] = _Channel(
                id=channel_id, name=channel_id.lower(), is_im=channel_id.startswith("D"))
        return self._channels[channel_id]

    def _store(self, channel: _Channel, message: Json) -> None:
        channel.messages.append(message)
        channel.messages.sort(key=lambda m: _ts_key(m["ts"]))

    def _resolve(self, channel_arg: Any, *, for_write: bool) -> _Channel:
        """The channel a call names: an id, `#name`, or a user id (the bot's DM with that user)."""
        if not isinstance(channel_arg, str) or not channel_arg:
            raise SlackError("channel_not_found")
        if channel_arg.startswith("#"):
            for channel in self._channels.values():
                if channel.name == channel_arg[1:]:
                    return self._check_member(channel)
            raise SlackError("channel_not_found")
        if channel_arg[0] in "UW":
            if not for_write:
                raise SlackError("channel_not_found")
            return self._channel(self.dm_channel(channel_arg))
        return self._check_member(self._channel(channel_arg))

    @staticmethod
    def _check_member(channel: _Channel) -> _Channel:
        if not channel.is_member:
            raise SlackError("channel_not_found" if channel.is_private else "not_in_channel")
        return channel

    # ---------------------------------------------------------------- Web API methods

    def _auth_test(self, body: Json, ws: Workspace) -> Json:
        answer: Json = {
            "ok": True, "url": f"https://{ws.domain}.slack.com/", "team": ws.team_name,
            "user": ws.bot_name, "team_id": ws.team_id, "user_id": ws.bot_user_id, "bot_id": ws.bot_id,
            "is_enterprise_install": False,
        }
        if ws.enterprise_id:
            answer["enterprise_id"] = ws.enterprise_id
        return answer

    def _chat_post_message(self, body: Json, ws: Workspace) -> Json:
        channel = self._resolve(body.get("channel"), for_write=True)
        _check_content(body)
        message: Json = {
            "type": "message", "user": ws.bot_user_id, "bot_id": ws.bot_id, "app_id": ws.app_id,
            "text": body.get("text", ""), "ts": self._next_ts(), "team": ws.team_id,
        }
        for key in ("blocks", "attachments", "metadata", "thread_ts"):
            if body.get(key) is not None:
                message[key] = body[key]
        self._store(channel, message)
        return {"ok": True, "channel": channel.id, "ts": message["ts"], "message": copy.deepcopy(message)}

    def _chat_post_ephemeral(self, body: Json, ws: Workspace) -> Json:
        channel = self._resolve(body.get("channel"), for_write=True)
        if not body.get("user"):
            raise SlackError("user_not_found")
        _check_content(body)
        ts = self._next_ts()
        self.ephemerals.append({"channel": channel.id, "user": body["user"], "text": body.get("text", ""),
                                "blocks": body.get("blocks"), "message_ts": ts})
        return {"ok": True, "message_ts": ts}

    def _chat_update(self, body: Json, ws: Workspace) -> Json:
        channel = self._resolve(body.get("channel"), for_write=False)
        stored = _find(channel, body.get("ts"))
        if stored is None:
            raise SlackError("message_not_found")
        if stored.get("bot_id") != ws.bot_id:
            raise SlackError("cant_update_message")
        if "blocks" in body:
            _check_blocks(body["blocks"])
        if len(body.get("text") or "") > MAX_TEXT:
            raise SlackError("msg_too_long")
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in body:
                _set_or_drop(stored, key, body[key])
        stored["edited"] = {"user": ws.bot_user_id, "ts": self._next_ts()}
        return {"ok": True, "channel": channel.id, "ts": stored["ts"], "text": stored.get("text", ""),
                "message": copy.deepcopy(stored)}

    def _chat_get_permalink(self, body: Json, ws: Workspace) -> Json:
        channel = self._resolve(body.get("channel"), for_write=False)
        ts = body.get("message_ts")
        if _find(channel, ts) is None:
            raise SlackError("message_not_found")
        return {"ok": True, "channel": channel.id,
                "permalink": f"https://{ws.domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"}

    def _users_info(self, body: Json, ws: Workspace) -> Json:
        configured = self.users.get(body.get("user", ""))
        if configured is None:
            raise SlackError("user_not_found")
        name = configured.get("name", configured["id"].lower())
        real_name = configured.get("real_name", name)
        user: Json = {
            "id": configured["id"], "team_id": ws.team_id, "name": name, "deleted": False,
            "real_name": real_name, "tz": "Europe/London", "tz_label": "Greenwich Mean Time",
            "tz_offset": 0, "is_admin": False, "is_owner": False, "is_primary_owner": False,
            "is_restricted": False, "is_ultra_restricted": False, "is_bot": False,
            "is_app_user": False, "updated": int(time.time()),
            "profile": {"real_name": real_name, "display_name": name, "team": ws.team_id},
        }
        user.update(configured)
        return {"ok": True, "user": user}

    def _usergroups_users_list(self, body: Json, ws: Workspace) -> Json:
        members = self.usergroups.get(body.get("usergroup", ""))
        if members is None:
            raise SlackError("no_such_subteam")
        return {"ok": True, "users": list(members)}

    def _conversations_history(self, body: Json, ws: Workspace) -> Json:
        channel = self._resolve(body.get("channel"), for_write=False)
        limit = _int(body.get("limit"), 100) or 100
        inclusive = _flag(body.get("inclusive"))
        oldest, latest = body.get("oldest"), body.get("latest")
        cursor = body.get("cursor")
        if cursor:
            latest, inclusive_latest = base64.b64decode(cursor).decode(), False
        else:
            inclusive_latest = inclusive
        with_metadata = _flag(body.get("include_all_metadata"))
        newest_first = [m for m in reversed(channel.messages)
                        if m.get("thread_ts") in (None, m["ts"])
                        and _after(m["ts"], oldest, inclusive) and _before(m["ts"], latest, inclusive_latest)]
        page = newest_first[:limit]
        has_more = len(newest_first) > limit
        messages = []
        for stored in page:
            message = copy.deepcopy(stored)
            if not with_metadata:
                message.pop("metadata", None)
            messages.append(message)
        next_cursor = base64.b64encode(page[-1]["ts"].encode()).decode() if has_more else ""
        return {"ok": True, "messages": messages, "has_more": has_more, "pin_count": 0,
                "channel_actions_ts": None, "channel_actions_count": 0,
                "response_metadata": {"next_cursor": next_cursor}}

    def _conversations_info(self, body: Json, ws: Workspace) -> Json:
        channel_id = body.get("channel")
        if not isinstance(channel_id, str) or not channel_id:
            raise SlackError("channel_not_found")
        channel = self._channel(channel_id)
        if channel.is_private and not channel.is_member:
            raise SlackError("channel_not_found")
        return {"ok": True, "channel": channel.info()}

    def _views_publish(self, body: Json, ws: Workspace) -> Json:
        user = body.get("user_id")
        if not user:
            raise SlackError("invalid_arguments")
        view = body.get("view")
        if not isinstance(view, dict) or view.get("type") != "home":
            raise SlackError("invalid_arguments")
        _check_blocks(view.get("blocks") or [])
        if len(view.get("blocks") or []) > 100:  # a Home tab takes 100 blocks, a message 50
            raise SlackError("invalid_blocks")
        stored = {**copy.deepcopy(view), "id": f"V{len(self.home_views) + 1:08d}",
                  "team_id": ws.team_id}
        self.home_views[user] = stored
        return {"ok": True, "view": copy.deepcopy(stored)}

    def _views_open(self, body: Json, ws: Workspace) -> Json:
        """A modal opened with a trigger_id (from a slash command or a click; one use each)."""
        trigger = body.get("trigger_id")
        if not isinstance(trigger, str) or not trigger:
            raise SlackError("invalid_arguments")
        if trigger in self._used_triggers:
            raise SlackError("exchanged_trigger_id")
        view = body.get("view")
        if not isinstance(view, dict) or view.get("type") != "modal":
            raise SlackError("invalid_arguments")
        errors = _validate_modal(view)
        if errors:
            raise SlackError("invalid_arguments", response_metadata={
                "messages": [f"[ERROR] {e}" for e in errors]})
        self._used_triggers.add(trigger)
        stored = {**copy.deepcopy(view), "id": f"V{len(self.opened_views) + 1:08d}",
                  "team_id": ws.team_id, "trigger_id": trigger, "state": {"values": {}},
                  "hash": f"{len(self.opened_views) + 1}.hash"}
        self.opened_views.append(stored)
        return {"ok": True, "view": copy.deepcopy(stored)}

    def _oauth_v2_access(self, call: Call) -> Json:
        client_id, client_secret = _basic_auth(call.headers)
        client_id = client_id or call.body.get("client_id")
        client_secret = client_secret or call.body.get("client_secret")
        if not client_id or (self.client_id is not None and client_id != self.client_id):
            raise SlackError("invalid_client_id")
        if self.client_secret is not None and client_secret != self.client_secret:
            raise SlackError("bad_client_secret")
        grant = self._oauth.get(call.body.get("code", ""))
        if grant is None or grant.used:
            raise SlackError("invalid_code")
        grant.used = True
        ws = grant.workspace
        self._workspaces[grant.bot_token] = ws
        self._revoked.discard(grant.bot_token)
        return {
            "ok": True, "app_id": ws.app_id, "authed_user": {"id": grant.authed_user_id},
            "scope": grant.scope, "token_type": "bot", "access_token": grant.bot_token,
            "bot_user_id": ws.bot_user_id, "team": {"id": ws.team_id, "name": ws.team_name},
            "enterprise": {"id": ws.enterprise_id, "name": ws.enterprise_id} if ws.enterprise_id else None,
            "is_enterprise_install": False,
        }


# -------------------------------------------------------------------- helpers


async def _read_body(request: web.Request) -> Json:
    """Query string + JSON or form body, with JSON-string fields decoded."""
    data: Json = dict(request.query)
    content_type = request.content_type
    if content_type.startswith("multipart/"):
        form = await request.post()
        for key, value in form.items():
            data[key] = value if isinstance(value, str) else f"<file {getattr(value, 'filename', '')}>"
    else:
        raw = await request.read()
        if raw:
            text = raw.decode("utf-8")
            if content_type == "application/json" or text.lstrip().startswith("{"):
                parsed = json.loads(text)
                if isinstance(parsed, dict):
                    data.update(parsed)
            else:
                data.update(parse_qsl(text, keep_blank_values=True))
    for key in JSON_FIELDS & data.keys():
        value = data[key]
        if isinstance(value, str) and value.strip()[:1] in ("{", "["):
            with contextlib.suppress(json.JSONDecodeError):
                data[key] = json.loads(value)
    return data


def _bearer(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return None


def _basic_auth(headers: dict[str, str]) -> tuple[str | None, str | None]:
    auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    if auth[:6].lower() != "basic ":
        return None, None
    try:
        user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
    except ValueError:
        return None, None
    return user, password


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true")) or value == 1


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _ts_key(ts: str) -> tuple[int, int]:
    seconds, _, micros = ts.partition(".")
    return int(seconds), int(micros.ljust(6, "0")[:6] or 0)


def _after(ts: str, oldest: Any, inclusive: bool) -> bool:
    if not oldest:
        return True
    return _ts_key(ts) >= _ts_key(str(oldest)) if inclusive else _ts_key(ts) > _ts_key(str(oldest))


def _before(ts: str, latest: Any, inclusive: bool) -> bool:
    if not latest:
        return True
    return _ts_key(ts) <= _ts_key(str(latest)) if inclusive else _ts_key(ts) < _ts_key(str(latest))


def _find(channel: _Channel | None, ts: Any) -> Json | None:
    if channel is None:
        return None
    return next((m for m in channel.messages if m["ts"] == ts), None)


def _set_or_drop(message: Json, key: str, value: Any) -> None:
    if value is None:
        message.pop(key, None)
    else:
        message[key] = value


def _check_content(body: Json) -> None:
    if not body.get("text") and not body.get("blocks") and not body.get("attachments"):
        raise SlackError("no_text")
    if len(body.get("text") or "") > MAX_TEXT:
        raise SlackError("msg_too_long")
    if "blocks" in body:
        _check_blocks(body["blocks"])
    metadata = body.get("metadata")
    if metadata is not None and not (
        isinstance(metadata, dict) and isinstance(metadata.get("event_type"), str)
        and isinstance(metadata.get("event_payload"), dict)
    ):
        raise SlackError("invalid_metadata_format")


def _check_blocks(blocks: Any) -> None:
    errors = _validate_blocks(blocks)
    if errors:
        raise SlackError("invalid_blocks", errors=errors,
                         response_metadata={"messages": [f"[ERROR] {e}" for e in errors]})
    if _blocks_text(blocks) > MAX_BLOCKS_TEXT:
        raise SlackError("msg_blocks_too_long")


def _blocks_text(value: Any) -> int:
    """Characters of text anywhere in the blocks (sections, fields, context, buttons...)."""
    if isinstance(value, list):
        return sum(_blocks_text(item) for item in value)
    if isinstance(value, dict):
        own = len(value["text"]) if isinstance(value.get("text"), str) else 0
        return own + sum(_blocks_text(item) for key, item in value.items() if key != "text"
                         or not isinstance(item, str))
    return 0


def _validate_blocks(blocks: Any) -> list[str]:
    """The subset of Block Kit validation a study bot can trip over, in Slack's error format."""
    if not isinstance(blocks, list):
        return ["must be an array [json-pointer:/blocks]"]
    errors: list[str] = []
    if len(blocks) > MAX_BLOCKS:
        errors.append(f"no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"/blocks/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(f"missing required field: type [json-pointer:{where}]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if len(str(block_id)) > MAX_ID:
                errors.append(f"must be less than {MAX_ID + 1} characters [json-pointer:{where}/block_id]")
            if block_id in block_ids:
                errors.append(f"duplicate block_id [json-pointer:{where}/block_id]")
            block_ids.add(block_id)
        kind = block["type"]
        if kind == "section":
            errors += _text_limit(block.get("text"), MAX_SECTION_TEXT, f"{where}/text")
            fields = block.get("fields") or []
            if len(fields) > MAX_SECTION_FIELDS:
                errors.append(
                    f"no more than {MAX_SECTION_FIELDS} items allowed [json-pointer:{where}/fields]")
            for j, item in enumerate(fields):
                errors += _text_limit(item, MAX_SECTION_FIELD, f"{where}/fields/{j}")
            if isinstance(block.get("accessory"), dict):
                errors += _validate_element(block["accessory"], f"{where}/accessory")
            if not block.get("text") and not fields:
                errors.append(f"must provide either text or fields [json-pointer:{where}]")
        elif kind == "context":
            elements = block.get("elements") or []
            if not elements:
                errors.append(f"must provide at least 1 item [json-pointer:{where}/elements]")
            if len(elements) > MAX_CONTEXT_ELEMENTS:
                errors.append(
                    f"no more than {MAX_CONTEXT_ELEMENTS} items allowed [json-pointer:{where}/elements]")
            for j, element in enumerate(elements):
                if isinstance(element, dict) and element.get("type") in ("mrkdwn", "plain_text"):
                    errors += _text_limit({"text": element.get("text")}, MAX_TEXT_OBJECT,
                                          f"{where}/elements/{j}")
        elif kind == "header":
            errors += _text_limit(block.get("text"), MAX_HEADER_TEXT, f"{where}/text")
        elif kind == "actions":
            elements = block.get("elements") or []
            if not elements:
                errors.append(f"must provide at least 1 item [json-pointer:{where}/elements]")
            if len(elements) > MAX_ACTIONS_ELEMENTS:
                errors.append(
                    f"no more than {MAX_ACTIONS_ELEMENTS} items allowed [json-pointer:{where}/elements]")
            action_ids: set[str] = set()
            for j, element in enumerate(elements):
                errors += _validate_element(element, f"{where}/elements/{j}")
                action_id = element.get("action_id") if isinstance(element, dict) else None
                if action_id is not None:
                    if action_id in action_ids:
                        errors.append(f"duplicate action_id [json-pointer:{where}/elements/{j}/action_id]")
                    action_ids.add(action_id)
    return errors


MAX_MODAL_TITLE = 24  # title, submit and close
MAX_VIEW_BLOCKS = 100
MAX_LABEL = 2_000
MAX_PLACEHOLDER = 150
MAX_INPUT = 3_000
MAX_METADATA = 3_000


def _validate_modal(view: Json) -> list[str]:
    """What Slack checks of a modal a study bot sends: titles, ids, input blocks."""
    errors: list[str] = []
    for key in ("title", "submit", "close"):
        text = view.get(key)
        if key == "title" and text is None:
            errors.append("missing required field: title [json-pointer:/view/title]")
        elif text is not None and (not isinstance(text, dict) or text.get("type") != "plain_text"
                                   or not 0 < len(str(text.get("text", ""))) <= MAX_MODAL_TITLE):
            errors.append(f"must be a plain_text of 1-{MAX_MODAL_TITLE} characters "
                          f"[json-pointer:/view/{key}]")
    if len(str(view.get("callback_id") or "")) > MAX_ID:
        errors.append(f"must be less than {MAX_ID + 1} characters [json-pointer:/view/callback_id]")
    if len(str(view.get("private_metadata") or "")) > MAX_METADATA:
        errors.append("must be less than 3001 characters [json-pointer:/view/private_metadata]")
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not 0 < len(blocks) <= MAX_VIEW_BLOCKS:
        return [*errors, f"must have 1-{MAX_VIEW_BLOCKS} blocks [json-pointer:/view/blocks]"]
    block_ids: set[str] = set()
    inputs = 0
    for i, block in enumerate(blocks):
        where = f"/view/blocks/{i}"
        if not isinstance(block, dict) or block.get("type") not in ("section", "input", "context",
                                                                     "divider", "header"):
            errors.append(f"unsupported block type [json-pointer:{where}]")
            continue
        if block.get("block_id") in block_ids:
            errors.append(f"duplicate block_id [json-pointer:{where}/block_id]")
        block_ids.add(block.get("block_id"))
        if block["type"] == "section":
            errors += _text_limit(block.get("text"), MAX_SECTION_TEXT, f"{where}/text")
        if block["type"] != "input":
            continue
        inputs += 1
        label = block.get("label")
        if not isinstance(label, dict) or label.get("type") != "plain_text" or not label.get("text"):
            errors.append(f"missing required field: label [json-pointer:{where}/label]")
        else:
            errors += _text_limit(label, MAX_LABEL, f"{where}/label")
        element = block.get("element")
        if not isinstance(element, dict) or element.get("type") != "plain_text_input":
            errors.append(f"only plain_text_input is faked [json-pointer:{where}/element]")
            continue
        if not element.get("action_id") or len(str(element["action_id"])) > MAX_ID:
            errors.append(f"invalid action_id [json-pointer:{where}/element/action_id]")
        limit = element.get("max_length", MAX_INPUT)
        if not isinstance(limit, int) or not 0 < limit <= MAX_INPUT:
            errors.append(f"max_length must be 1-{MAX_INPUT} [json-pointer:{where}/element/max_length]")
            limit = MAX_INPUT
        if len(str(element.get("initial_value") or "")) > limit:
            errors.append(f"initial_value is longer than max_length "
                          f"[json-pointer:{where}/element/initial_value]")
        errors += _text_limit(element.get("placeholder"), MAX_PLACEHOLDER,
                              f"{where}/element/placeholder")
    if inputs and view.get("submit") is None:
        errors.append("a modal with inputs needs a submit button [json-pointer:/view/submit]")
    return errors


def _validate_element(element: Any, where: str) -> list[str]:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return [f"missing required field: type [json-pointer:{where}]"]
    errors: list[str] = []
    action_id = element.get("action_id")
    if action_id is not None and len(str(action_id)) > MAX_ID:
        errors.append(f"must be less than {MAX_ID + 1} characters [json-pointer:{where}/action_id]")
    if element["type"] == "button":
        errors += _text_limit(element.get("text"), MAX_BUTTON_TEXT, f"{where}/text")
        value = element.get("value")
        if value is not None and len(str(value)) > MAX_BUTTON_VALUE:
            errors.append(f"must be less than {MAX_BUTTON_VALUE + 1} characters [json-pointer:{where}/value]")
    return errors


def _text_limit(text: Any, limit: int, where: str) -> list[str]:
    if text is None:
        return []
    if not isinstance(text, dict) or not isinstance(text.get("text"), str):
        return [f"must be a text object [json-pointer:{where}]"]
    if len(text["text"]) > limit:
        return [f"must be less than {limit + 1} characters [json-pointer:{where}/text]"]
    return []
