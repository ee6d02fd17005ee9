"""Forms as Discord modals: one text input per field. A modal's submission comes back as an
interaction of its own (MODAL_SUBMIT) that names the form by its custom_id, so nothing is kept in
memory and a modal opened before a restart is still taken after it."""

from __future__ import annotations

from typing import Any

import discord

from bot.chat.forms import Form
from bot.chat.markdown import truncate

TITLE_MAX = 45
LABEL_MAX = 45
PLACEHOLDER_MAX = 100
VALUE_MAX = 4000


def modal(form: Form) -> discord.ui.Modal:
    shown = discord.ui.Modal(title=truncate(form.title, TITLE_MAX), custom_id=form.id.custom_id)
    for field in form.fields:
        shown.add_item(discord.ui.TextInput(
            label=truncate(field.label, LABEL_MAX), custom_id=field.name,
            style=discord.TextStyle.paragraph if field.multiline else discord.TextStyle.short,
            placeholder=truncate(field.hint, PLACEHOLDER_MAX) or None,
            default=field.value[:VALUE_MAX] or None, required=field.required,
            max_length=min(field.max_length, VALUE_MAX)))
    # Finished before it is sent, so discord.py keeps no copy to dispatch to: the submission
    # reaches DiscordEvents.submit through on_interaction, by its custom_id alone.
    shown.stop()
    return shown


def submitted(data: Any) -> dict[str, str]:
    """What was typed, by field name, from a MODAL_SUBMIT's data (inputs in action rows, or in
    labels, as Discord sends them)."""
    values: dict[str, str] = {}

    def walk(components: Any) -> None:
        for component in components or []:
            if "custom_id" in component and "value" in component:
                values[str(component["custom_id"])] = str(component["value"] or "")
            walk(component.get("components"))
            if isinstance(component.get("component"), dict):
                walk([component["component"]])

    walk((data or {}).get("components"))
    return values
