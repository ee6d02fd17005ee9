"""Messages the bot created, in their current state, with every edit kept in order.

One store holds channel messages and interaction responses alike (the latter are what a user sees
as the bot's reply). Ephemeral messages are stored but never listed in channel history, as on
Discord. `on_event` reports MESSAGE_CREATE/UPDATE/DELETE so the gateway can dispatch them.
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tests.support.discord.errors import UNKNOWN_MESSAGE, invalid, not_found
from tests.support.discord.guilds import Channel, Guild, User
from tests.support.discord.mentions import ALL_KINDS, Pings, resolve, text_of
from tests.support.discord.snowflakes import Snowflakes, iso_timestamp
from tests.support.discord.validation import BUTTON, EPHEMERAL, LOADING, SUPPRESS_EMBEDS, walk

Json = dict[str, Any]
EventSink = Callable[[str, int, Json], None]  # (event name, guild id, data)

DEFAULT, CHAT_INPUT_COMMAND = 0, 20
EDITABLE = ("content", "embeds", "components", "attachments", "poll")


@dataclass
class Edit:
    at: float  # time.monotonic()
    body: Json  # what the bot sent
    route: str


@dataclass
class StoredMessage:
    payload: Json  # the message object as Discord returns it now
    guild_id: int | None
    allowed_mentions: Json | None
    default_parse: tuple[str, ...]
    created: float  # time.monotonic()
    body: Json  # the create body the bot sent
    edits: list[Edit] = field(default_factory=list)
    versions: list[Json] = field(default_factory=list)  # the payload after creation and each edit
    deleted: bool = False
    interaction_id: int | None = None
    pings: Pings = field(default_factory=Pings)

    def __repr__(self) -> str:
        return f"<StoredMessage {self.id} in {self.channel_id} {self.content[:40]!r} edits={len(self.edits)}>"

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def content(self) -> str:
        return self.payload.get("content") or ""

    @property
    def embeds(self) -> list[Json]:
        return self.payload.get("embeds") or []

    @property
    def components(self) -> list[Json]:
        return self.payload.get("components") or []

    @property
    def flags(self) -> int:
        return self.payload.get("flags") or 0

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """A deferred reply nobody has filled in yet (the user sees "thinking…")."""
        return bool(self.flags & LOADING)

    @property
    def nonce(self) -> str | int | None:
        return self.payload.get("nonce")

    def fetched(self) -> Json:
        """The message as a later read returns it: Discord does not keep the nonce."""
        return {k: v for k, v in self.payload.items() if k != "nonce"}

    def buttons(self) -> list[Json]:
        return [c for c in walk(self.components) if c.get("type") == BUTTON]

    def component(self, custom_id: str) -> Json | None:
        return next((c for c in walk(self.components) if c.get("custom_id") == custom_id), None)

    def text(self) -> str:
        """Everything a reader sees as text: content, embed texts and component labels."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [f"{f.get('name', '')}\n{f.get('value', '')}" for f in embed.get("fields") or []]
            parts.append((embed.get("footer") or {}).get("text") or "")
            parts.append((embed.get("author") or {}).get("name") or "")
        parts += [c.get("label") or c.get("content") or "" for c in walk(self.components)]
        return "\n".join(p for p in parts if p)


class MessageStore:
    def __init__(self, ids: Snowflakes, bot: User, guilds: dict[int, Guild], on_event: EventSink,
                 nonce_window: float) -> None:
        self._ids = ids
        self._bot = bot
        self._guilds = guilds
        self._on_event = on_event
        self._nonce_window = nonce_window
        self._by_id: dict[int, StoredMessage] = {}
        self._nonces: dict[tuple[int, str], tuple[int, float]] = {}

    def get(self, message_id: int) -> StoredMessage:
        found = self._by_id.get(message_id)
        if found is None or found.deleted:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        return found

    def find(self, message_id: int) -> StoredMessage | None:
        return self._by_id.get(message_id)

    def all(self) -> list[StoredMessage]:
        return list(self._by_id.values())

    def in_channel(self, channel_id: int, *, include_hidden: bool = False) -> list[StoredMessage]:
        """Oldest first; hidden = deleted or ephemeral."""
        return [m for m in self._by_id.values() if m.channel_id == channel_id
                and (include_hidden or not (m.deleted or m.ephemeral))]

    def by_nonce(self, nonce: str | int) -> StoredMessage | None:
        entry = self._nonces.get((self._bot.id, str(nonce)))
        return None if entry is None else self._by_id[entry[0]]

    def create(self, channel: Channel, body: Json, *, message_type: int = DEFAULT,
               default_parse: Iterable[str] = ALL_KINDS, flags: int = 0,
               interaction: Json | None = None, files: list[tuple[str, bytes]] | None = None,
               now: float | None = None) -> tuple[StoredMessage, bool]:
        """Store a new message; `(message, created)` is `(existing, False)` for an enforced nonce."""
        now = time.monotonic() if now is None else now
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            key = (self._bot.id, str(nonce))
            seen = self._nonces.get(key)
            if seen is not None and now - seen[1] <= self._nonce_window:
                existing = self._by_id[seen[0]]
                if not existing.deleted:
                    return existing, False
        message_id = self._ids.next()
        payload: Json = {
            "id": str(message_id), "channel_id": str(channel.id), "author": self._bot.payload(),
            "content": "", "timestamp": iso_timestamp(message_id), "edited_timestamp": None,
            "tts": bool(body.get("tts")), "mention_everyone": False, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "components": [], "pinned": False, "type": message_type,
            "flags": (body.get("flags") or 0) | flags,
        }
        if nonce is not None:
            payload["nonce"] = nonce
        if interaction is not None:
            payload |= {"webhook_id": str(self._bot.id), "application_id": str(self._bot.id),
                        "interaction_metadata": interaction}
        message = StoredMessage(payload, channel.guild_id, body.get("allowed_mentions"), tuple(default_parse),
                                now, copy.deepcopy(body))
        if interaction is not None:
            message.interaction_id = int(interaction["id"])
        self._apply(message, body, files or [])
        message.versions.append(copy.deepcopy(message.payload))
        self._by_id[message_id] = message
        if nonce is not None:
            self._nonces[(self._bot.id, str(nonce))] = (message_id, now)
        if not message.ephemeral:
            self._emit("MESSAGE_CREATE", message)
        return message, True

    def edit(self, message: StoredMessage, body: Json, *, route: str,
             files: list[tuple[str, bytes]] | None = None) -> StoredMessage:
        if message.deleted:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        message.edits.append(Edit(time.monotonic(), copy.deepcopy(body), route))
        if "flags" in body and body["flags"] is not None:
            # Only SUPPRESS_EMBEDS can change on an edit; EPHEMERAL and the like stay as created.
            kept = message.flags & ~SUPPRESS_EMBEDS
            message.payload["flags"] = kept | (body["flags"] & SUPPRESS_EMBEDS)
        message.payload["flags"] = message.flags & ~LOADING
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        self._apply(message, body, files or [])
        message.payload["edited_timestamp"] = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        message.versions.append(copy.deepcopy(message.payload))
        if not message.ephemeral:
            self._emit("MESSAGE_UPDATE", message)
        return message

    def delete(self, message: StoredMessage) -> None:
        if message.deleted:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        message.deleted = True
        if not message.ephemeral and message.guild_id is not None:
            self._on_event("MESSAGE_DELETE", message.guild_id, {"id": str(message.id),
                           "channel_id": str(message.channel_id), "guild_id": str(message.guild_id)})

    def page(self, channel_id: int, *, limit: int, before: int | None, after: int | None,
             around: int | None) -> list[Json]:
        """GET /channels/{id}/messages: up to `limit` messages, newest first."""
        if not 1 <= limit <= 100:
            raise invalid("limit", "int value should be less than or equal to 100.")
        visible = sorted(self.in_channel(channel_id), key=lambda m: m.id)
        if around is not None:
            older = [m for m in visible if m.id < around][-(limit // 2):] if limit > 1 else []
            newer = [m for m in visible if m.id >= around][:limit - len(older)]
            chosen = older + newer
        elif after is not None:
            chosen = [m for m in visible if m.id > after][:limit]
        else:
            chosen = [m for m in visible if before is None or m.id < before][-limit:]
        return [m.fetched() for m in reversed(chosen)]

    def _apply(self, message: StoredMessage, body: Json, files: list[tuple[str, bytes]]) -> None:
        payload = message.payload
        for key in EDITABLE:
            if key in body:
                value = body[key]
                if key == "content":
                    payload["content"] = value or ""
                elif key == "embeds":
                    payload["embeds"] = [{"type": "rich", **e} for e in value or []]
                elif key == "components":
                    payload["components"] = _numbered(copy.deepcopy(value or []))
                elif key == "attachments":
                    keep = {str(a.get("id")) for a in value or []}
                    payload["attachments"] = [a for a in payload["attachments"] if a["id"] in keep]
                else:
                    payload[key] = value
        for filename, data in files:
            attachment_id = self._ids.next()
            url = f"https://cdn.discordapp.com/attachments/{message.channel_id}/{attachment_id}/{filename}"
            payload["attachments"].append({"id": str(attachment_id), "filename": filename, "size": len(data),
                                           "url": url, "proxy_url": url})
        guild = self._guilds.get(message.guild_id) if message.guild_id is not None else None
        message.pings = resolve(text_of(payload), message.allowed_mentions, message.default_parse,
                                known_users=set(guild.members) if guild else set(),
                                known_roles=set(guild.roles) if guild else set())
        payload["mention_everyone"] = message.pings.everyone
        payload["mentions"] = [guild.members[u].user.payload() for u in message.pings.users] if guild else []
        payload["mention_roles"] = [str(r) for r in message.pings.roles]

    def _emit(self, event: str, message: StoredMessage) -> None:
        if message.guild_id is None:
            return
        guild = self._guilds[message.guild_id]
        data = message.payload if event == "MESSAGE_CREATE" else message.fetched()
        self._on_event(event, message.guild_id, data | {
            "guild_id": str(message.guild_id), "member": guild.bot_member.payload(with_user=False)})


def _numbered(components: list[Json]) -> list[Json]:
    """Discord gives every component a numeric `id` when the bot leaves it out."""
    taken = {c["id"] for c in walk(components) if isinstance(c.get("id"), int)}
    next_id = 1
    for component in walk(components):
        if "id" not in component:
            while next_id in taken:
                next_id += 1
            component["id"] = next_id
            taken.add(next_id)
    return components
