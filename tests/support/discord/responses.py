"""What the bot answers to each interaction: the callback, the @original message and followups.

Discord's rules: one callback per interaction (a second gets 40060), only the callback types that
fit the interaction, followups only after the callback, and a followup right after a deferred
"thinking" reply fills that reply in instead of creating a message. `InteractionHandle` is what a
test holds: it awaits the callback, the final visible reply, followups, choices or a modal.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from tests.support.discord.changes import Changes
from tests.support.discord.errors import (
    ALREADY_ACKNOWLEDGED,
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    DiscordError,
    invalid,
    not_found,
)
from tests.support.discord.guilds import Channel, Guild
from tests.support.discord.interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL_SUBMIT,
)
from tests.support.discord.mentions import USERS_ONLY
from tests.support.discord.messages import CHAT_INPUT_COMMAND, DEFAULT, MessageStore, StoredMessage
from tests.support.discord.validation import EPHEMERAL, LOADING, check_choices, check_message, check_modal

Json = dict[str, Any]
Files = list[tuple[str, bytes]]

CALLBACK_ROUTE = "/interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP_ROUTE = "/webhooks/{application_id}/{interaction_token}"
WEBHOOK_MESSAGE_ROUTE = FOLLOWUP_ROUTE + "/messages/{message_id}"
MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 4, 5, 6, 7, 8, 9
ALLOWED_CALLBACKS = {
    APPLICATION_COMMAND: {MESSAGE, DEFERRED_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}


@dataclass
class Callback:
    type: int
    data: Json | None
    at: float  # time.monotonic()
    with_response: bool

    @property
    def ephemeral(self) -> bool:
        return bool((self.data or {}).get("flags", 0) & EPHEMERAL)


class InteractionHandle:
    """One interaction the fake sent, and everything the bot answered to it."""

    def __init__(self, payload: Json, registry: Interactions) -> None:
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.sent_at = time.monotonic()
        self.first_callback: Callback | None = None
        self.refused_callbacks: list[tuple[Json, DiscordError]] = []
        self.original_id: int | None = None
        self.followup_ids: list[int] = []
        self.touched: list[int] = []  # messages edited or created through the token after the callback
        self._registry = registry
        message = payload.get("message")
        self.component_message_id = int(message["id"]) if message else None

    def __repr__(self) -> str:
        return f"<InteractionHandle {self.id} type={self.type}>"

    @property
    def guild_id(self) -> int:
        return int(self.payload["guild_id"])

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def user_id(self) -> int:
        return int(self.payload["member"]["user"]["id"])

    @property
    def original(self) -> StoredMessage | None:
        return None if self.original_id is None else self._registry.store.find(self.original_id)

    @property
    def followup_messages(self) -> list[StoredMessage]:
        found = (self._registry.store.find(i) for i in self.followup_ids)
        return [m for m in found if m is not None]

    async def callback(self, timeout: float = 5.0) -> Callback:  # noqa: ASYNC109
        return await self._registry.changes.until(lambda: self.first_callback, timeout=timeout,
                                                  what=f"the callback to interaction {self.id}")

    async def reply(self, timeout: float = 5.0) -> StoredMessage:  # noqa: ASYNC109
        """The reply the user finally sees: a deferred one once it is filled in."""
        callback = await self.callback(timeout)
        if callback.type in (AUTOCOMPLETE_RESULT, MODAL):
            raise AssertionError(f"interaction {self.id} was answered with callback type {callback.type}, "
                                 "not a message")

        def visible() -> StoredMessage | None:
            store = self._registry.store
            if callback.type in (MESSAGE, UPDATE_MESSAGE):
                return self.original
            if callback.type == DEFERRED_MESSAGE:
                original = self.original
                return original if original is not None and not original.loading else None
            return store.find(self.touched[0]) if self.touched else None

        return await self._registry.changes.until(visible, timeout=timeout,
                                                  what=f"the visible reply to interaction {self.id}")

    async def followups(self, count: int = 1, timeout: float = 5.0) -> list[StoredMessage]:  # noqa: ASYNC109
        await self._registry.changes.until(lambda: len(self.followup_ids) >= count, timeout=timeout,
                                           what=f"{count} followup(s) to interaction {self.id}")
        return self.followup_messages

    async def choices(self, timeout: float = 5.0) -> list[Json]:  # noqa: ASYNC109
        callback = await self.callback(timeout)
        if callback.type != AUTOCOMPLETE_RESULT:
            raise AssertionError(f"interaction {self.id} was answered with type {callback.type}, not choices")
        return (callback.data or {}).get("choices", [])

    async def modal(self, timeout: float = 5.0) -> Json:  # noqa: ASYNC109
        callback = await self.callback(timeout)
        if callback.type != MODAL:
            raise AssertionError(f"interaction {self.id} was answered with type {callback.type}, not a modal")
        return callback.data or {}


class Interactions:
    def __init__(self, store: MessageStore, guilds: dict[int, Guild], changes: Changes, application_id: int,
                 callback_deadline: float | None) -> None:
        self.store = store
        self.changes = changes
        self._guilds = guilds
        self._application_id = application_id
        self.deadline = callback_deadline  # seconds for the first callback (Discord's is 3); None: no limit
        self.by_id: dict[int, InteractionHandle] = {}
        self._by_token: dict[str, InteractionHandle] = {}

    def register(self, payload: Json) -> InteractionHandle:
        handle = InteractionHandle(payload, self)
        self.by_id[handle.id] = handle
        self._by_token[handle.token] = handle
        return handle

    def respond(self, interaction_id: int, token: str, body: Json, files: Files, *,
                with_response: bool) -> Json | None:
        handle = self.by_id.get(interaction_id)
        if handle is None or handle.token != token:
            raise not_found(UNKNOWN_INTERACTION, "interaction")
        try:
            if self.deadline is not None and time.monotonic() - handle.sent_at > self.deadline:
                raise not_found(UNKNOWN_INTERACTION, "interaction")
            return self._respond(handle, body, files, with_response=with_response)
        except DiscordError as error:
            handle.refused_callbacks.append((body, error))
            raise

    def _respond(self, handle: InteractionHandle, body: Json, files: Files, *,
                 with_response: bool) -> Json | None:
        if handle.first_callback is not None:
            raise DiscordError(400, ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
        kind, data = body.get("type"), body.get("data")
        if kind not in ALLOWED_CALLBACKS[handle.type] or (
                kind in (DEFERRED_UPDATE, UPDATE_MESSAGE) and handle.component_message_id is None):
            raise invalid("type", f"Interaction callback type {kind} is not valid for interaction type "
                                  f"{handle.type}")
        data = data or {}
        if kind == MESSAGE:
            check_message(data, creating=True, extra_flags=EPHEMERAL)
            handle.original_id = self._create(handle, data, files).id
        elif kind == DEFERRED_MESSAGE:
            if (data.get("flags") or 0) & ~EPHEMERAL:
                raise invalid("data.flags", "Only EPHEMERAL may be set on a deferred response.")
            handle.original_id = self._create(handle, {"flags": data.get("flags") or 0}, [], LOADING).id
        elif kind == DEFERRED_UPDATE:
            handle.original_id = handle.component_message_id
        elif kind == UPDATE_MESSAGE:
            check_message(data, creating=False)
            assert handle.component_message_id is not None
            message = self.store.get(handle.component_message_id)
            self.store.edit(message, data, route=CALLBACK_ROUTE, files=files)
            handle.original_id = message.id
        elif kind == AUTOCOMPLETE_RESULT:
            check_choices(data)
        elif kind == MODAL:
            check_modal(data)
        handle.first_callback = Callback(kind, body.get("data"), time.monotonic(), with_response)
        self.changes.bump()
        if not with_response:
            return None
        original = handle.original
        interaction: Json = {"id": str(handle.id), "type": handle.type}
        resource: Json = {"type": kind}
        if original is not None and kind in (MESSAGE, DEFERRED_MESSAGE, UPDATE_MESSAGE):
            interaction |= {"response_message_id": str(original.id),
                            "response_message_loading": original.loading,
                            "response_message_ephemeral": original.ephemeral}
            if kind != DEFERRED_MESSAGE:
                resource["message"] = original.payload
        return {"interaction": interaction, "resource": resource}

    def followup(self, application_id: int, token: str, body: Json, files: Files) -> Json:
        handle = self._acknowledged(application_id, token)
        check_message(body, creating=True, extra_flags=EPHEMERAL)
        original = handle.original
        deferred = handle.first_callback is not None and handle.first_callback.type == DEFERRED_MESSAGE
        if deferred and original is not None and original.loading:
            # Documented compatibility rule: this fills in the "thinking" reply, keeping its ephemerality.
            message = self.store.edit(original, {k: v for k, v in body.items() if k != "flags"},
                                      route=FOLLOWUP_ROUTE, files=files)
        else:
            message = self._create(handle, body, files)
            handle.followup_ids.append(message.id)
        handle.touched.append(message.id)
        self.changes.bump()
        return message.payload

    def message(self, application_id: int, token: str, reference: str) -> StoredMessage:
        handle = self._acknowledged(application_id, token)
        if reference == "@original":
            message_id = handle.original_id
        else:
            message_id = int(reference) if reference.isdigit() else None
            if message_id not in [handle.original_id, *handle.followup_ids]:
                message_id = None
        if message_id is None:
            raise not_found(UNKNOWN_MESSAGE, "Message")
        return self.store.get(message_id)

    def edit(self, application_id: int, token: str, reference: str, body: Json, files: Files) -> Json:
        message = self.message(application_id, token, reference)
        check_message(body, creating=False)
        self.store.edit(message, body, route=WEBHOOK_MESSAGE_ROUTE, files=files)
        handle = self._by_token[token]
        handle.touched.append(message.id)
        self.changes.bump()
        return message.fetched()

    def delete(self, application_id: int, token: str, reference: str) -> None:
        self.store.delete(self.message(application_id, token, reference))
        self.changes.bump()

    def _acknowledged(self, application_id: int, token: str) -> InteractionHandle:
        handle = self._by_token.get(token)
        if application_id != self._application_id or handle is None or handle.first_callback is None:
            raise not_found(UNKNOWN_WEBHOOK, "Webhook")
        return handle

    def _create(self, handle: InteractionHandle, body: Json, files: Files,
                extra_flags: int = 0) -> StoredMessage:
        guild = self._guilds[handle.guild_id]
        channel: Channel = guild.channels.get(handle.channel_id) or Channel(handle.channel_id, guild.id, "?")
        metadata: Json = {"id": str(handle.id), "type": handle.type, "user": handle.payload["member"]["user"],
                          "authorizing_integration_owners": handle.payload["authorizing_integration_owners"]}
        if handle.type == APPLICATION_COMMAND:
            metadata["name"] = handle.payload["data"]["name"]
            metadata["command_type"] = handle.payload["data"]["type"]
        if handle.component_message_id is not None:
            metadata["interacted_message_id"] = str(handle.component_message_id)
        is_command_reply = handle.type == APPLICATION_COMMAND and handle.original_id is None
        message, _ = self.store.create(channel, body, files=files, flags=extra_flags,
                                       message_type=CHAT_INPUT_COMMAND if is_command_reply else DEFAULT,
                                       default_parse=USERS_ONLY, interaction=metadata)
        return message
