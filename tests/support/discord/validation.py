"""Discord's documented limits on what a bot sends: messages, embeds, components, modals, choices.

A body Discord would refuse gets the 400 Discord answers, so a test sees the same failure the bot
would see in production (for example content over 2,000 characters).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.support.discord.errors import CANNOT_SEND_EMPTY_MESSAGE, DiscordError, invalid

Json = dict[str, Any]

MAX_CONTENT = 2000
MAX_NONCE = 25
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
MAX_EMBED_FIELDS = 25
MAX_FIELD_NAME, MAX_FIELD_VALUE = 256, 1024
MAX_FOOTER, MAX_AUTHOR = 2048, 256
MAX_ROWS, MAX_ROW_BUTTONS = 5, 5
MAX_V2_COMPONENTS = 40
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_SELECT_OPTIONS = 25
MAX_CHOICES = 25
MAX_CHOICE_TEXT = 100
MAX_MODAL_TITLE = 45
MAX_MODAL_COMPONENTS = 5
MAX_MENTION_IDS = 100

EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_VOICE_MESSAGE = 1 << 13
IS_COMPONENTS_V2 = 1 << 15
SETTABLE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_VOICE_MESSAGE | IS_COMPONENTS_V2
SELECTS = {3, 5, 6, 7, 8}
BUTTON, ACTION_ROW, TEXT_INPUT, TEXT_DISPLAY, LABEL = 2, 1, 4, 10, 18
LINK_STYLE, PREMIUM_STYLE = 5, 6


def check_message(body: Json, *, creating: bool, extra_flags: int = 0) -> None:
    """Raise what Discord answers for a message create/edit body that breaks a limit."""
    content = body.get("content")
    if content is not None:
        if not isinstance(content, str):
            raise invalid("content", "Must be a string.")
        if len(content) > MAX_CONTENT:
            raise invalid("content", f"Must be {MAX_CONTENT} or fewer in length.")
    flags = body.get("flags") or 0
    if flags & ~(SETTABLE_FLAGS | extra_flags):
        raise invalid("flags", "Invalid flags.")
    embeds = body.get("embeds") or []
    _check_embeds(embeds)
    v2 = bool(flags & IS_COMPONENTS_V2)
    if v2 and (content or embeds or body.get("poll") or body.get("sticker_ids")):
        raise invalid("content", "Messages with IS_COMPONENTS_V2 can only contain components.")
    _check_components(body.get("components") or [], v2=v2)
    _check_allowed_mentions(body.get("allowed_mentions"))
    if "nonce" in body and body["nonce"] is not None:
        nonce = body["nonce"]
        if isinstance(nonce, bool) or not isinstance(nonce, str | int) or len(str(nonce)) > MAX_NONCE:
            raise invalid("nonce", f"Must be an integer or a string of {MAX_NONCE} or fewer characters.")
    if creating and not any(body.get(k) for k in ("content", "embeds", "components", "attachments",
                                                   "sticker_ids", "poll")):
        raise DiscordError(400, CANNOT_SEND_EMPTY_MESSAGE, "Cannot send an empty message")


def _check_embeds(embeds: list[Json]) -> None:
    if len(embeds) > MAX_EMBEDS:
        raise invalid("embeds", f"Must be {MAX_EMBEDS} or fewer in length.")
    total = 0
    for i, embed in enumerate(embeds):
        texts: list[tuple[str, str, int]] = [
            (f"embeds.{i}.{key}", embed.get(key) or "", limit) for key, limit in EMBED_LIMITS.items()]
        fields = embed.get("fields") or []
        if len(fields) > MAX_EMBED_FIELDS:
            raise invalid(f"embeds.{i}.fields", f"Must be {MAX_EMBED_FIELDS} or fewer in length.")
        for j, f in enumerate(fields):
            if not (f.get("name") or "").strip() or not (f.get("value") or "").strip():
                raise invalid(f"embeds.{i}.fields.{j}", "Field name and value are required.")
            texts += [(f"embeds.{i}.fields.{j}.name", f["name"], MAX_FIELD_NAME),
                      (f"embeds.{i}.fields.{j}.value", f["value"], MAX_FIELD_VALUE)]
        texts.append((f"embeds.{i}.footer.text", (embed.get("footer") or {}).get("text") or "", MAX_FOOTER))
        texts.append((f"embeds.{i}.author.name", (embed.get("author") or {}).get("name") or "", MAX_AUTHOR))
        for where, text, limit in texts:
            if len(text.strip()) > limit:
                raise invalid(where, f"Must be {limit} or fewer in length.")
            total += len(text.strip())
    if total > MAX_EMBED_TOTAL:
        raise invalid("embeds", f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}")


def walk(components: list[Json]) -> Iterator[Json]:
    """Every component, depth first (rows, sections, containers and labels hold others)."""
    for component in components:
        yield component
        yield from walk(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            yield from walk([component["component"]])
        if isinstance(component.get("accessory"), dict):
            yield from walk([component["accessory"]])


def _check_components(components: list[Json], *, v2: bool) -> None:
    if v2:
        if sum(1 for _ in walk(components)) > MAX_V2_COMPONENTS:
            raise invalid("components", f"Must be {MAX_V2_COMPONENTS} or fewer in total.")
    else:
        if len(components) > MAX_ROWS:
            raise invalid("components", f"Must be {MAX_ROWS} or fewer in length.")
        for i, row in enumerate(components):
            if row.get("type") != ACTION_ROW:
                raise invalid(f"components.{i}.type", "Top-level components must be action rows.")
            children = row.get("components") or []
            kinds = {c.get("type") for c in children}
            if not children or (kinds & SELECTS and len(children) > 1):
                raise invalid(f"components.{i}.components", "An action row holds 1-5 buttons or 1 select.")
            if len(children) > MAX_ROW_BUTTONS:
                raise invalid(f"components.{i}.components", f"Must be {MAX_ROW_BUTTONS} or fewer in length.")
    seen: set[str] = set()
    for component in walk(components):
        _check_interactive(component, seen)


def _check_interactive(component: Json, seen: set[str]) -> None:
    kind = component.get("type")
    custom_id = component.get("custom_id")
    if kind == BUTTON:
        link = component.get("style") in (LINK_STYLE, PREMIUM_STYLE)
        if link == (custom_id is not None):
            raise invalid("components.custom_id", "Link/premium buttons have no custom_id; others need one.")
        if len(component.get("label") or "") > MAX_BUTTON_LABEL:
            raise invalid("components.label", f"Must be {MAX_BUTTON_LABEL} or fewer in length.")
    if kind in SELECTS and custom_id is None:
        raise invalid("components.custom_id", "Selects need a custom_id.")
    if kind in SELECTS and len(component.get("options") or []) > MAX_SELECT_OPTIONS:
        raise invalid("components.options", f"Must be {MAX_SELECT_OPTIONS} or fewer in length.")
    if custom_id is not None:
        if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
            raise invalid("components.custom_id", f"Must be between 1 and {MAX_CUSTOM_ID} in length.")
        if custom_id in seen:
            raise invalid("components.custom_id", "Component custom id cannot be duplicated")
        seen.add(custom_id)


def _check_allowed_mentions(allowed: Json | None) -> None:
    if allowed is None:
        return
    parse = allowed.get("parse") or []
    if not set(parse) <= {"users", "roles", "everyone"}:
        raise invalid("allowed_mentions.parse", "Unknown mention type.")
    for kind in ("users", "roles"):
        listed = allowed.get(kind) or []
        if listed and kind in parse:
            raise invalid(f"allowed_mentions.{kind}",
                          f'parse:["{kind}"] and {kind}: [ids] are mutually exclusive.')
        if len(listed) > MAX_MENTION_IDS:
            raise invalid(f"allowed_mentions.{kind}", f"Must be {MAX_MENTION_IDS} or fewer in length.")


def check_choices(data: Json) -> None:
    choices = data.get("choices")
    if not isinstance(choices, list):
        raise invalid("data.choices", "This field is required")
    if len(choices) > MAX_CHOICES:
        raise invalid("data.choices", f"Must be {MAX_CHOICES} or fewer in length.")
    for i, choice in enumerate(choices):
        name, value = choice.get("name"), choice.get("value")
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_CHOICE_TEXT:
            raise invalid(f"data.choices.{i}.name", f"Must be between 1 and {MAX_CHOICE_TEXT} in length.")
        if isinstance(value, str) and len(value) > MAX_CHOICE_TEXT:
            raise invalid(f"data.choices.{i}.value", f"Must be {MAX_CHOICE_TEXT} or fewer in length.")


def check_modal(data: Json) -> None:
    custom_id, title = data.get("custom_id"), data.get("title")
    if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
        raise invalid("data.custom_id", f"Must be between 1 and {MAX_CUSTOM_ID} in length.")
    if not isinstance(title, str) or not 1 <= len(title) <= MAX_MODAL_TITLE:
        raise invalid("data.title", f"Must be between 1 and {MAX_MODAL_TITLE} in length.")
    components = data.get("components") or []
    if not 1 <= len(components) <= MAX_MODAL_COMPONENTS:
        raise invalid("data.components", f"Must be between 1 and {MAX_MODAL_COMPONENTS} in length.")
    seen: set[str] = set()
    for component in walk(components):
        if component.get("type") == TEXT_INPUT:
            _check_interactive(component, seen)
