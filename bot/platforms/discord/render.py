"""Replies as Discord embeds and buttons, within Discord's limits, pinging nobody."""

from __future__ import annotations

import io
from typing import Any

import discord

from bot.charts import png
from bot.chat.markdown import to_discord, truncate
from bot.chat.reply import Button, Reply, Tone

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
EMBED_TOTAL = 6000
LABEL_MAX = 80
BUTTONS_MAX = 25
CONTENT_MAX = 2000
NOBODY = discord.AllowedMentions.none()

_COLORS: dict[Tone, int] = {"info": 0x5865F2, "question": 0x1D3557, "success": 0x2E7D32,
                            "failure": 0xC62828, "error": 0xE67E22}
_STYLES = {"primary": discord.ButtonStyle.primary, "secondary": discord.ButtonStyle.secondary,
           "success": discord.ButtonStyle.success, "danger": discord.ButtonStyle.danger}


def description(reply: Reply) -> str:
    parts = [to_discord(reply.subtitle), reply.text(to_discord),
             "\n".join(f"**{letter})** {to_discord(text)}" for letter, text in reply.choices)]
    text = "\n\n".join(part for part in parts if part)
    small = "\n".join(to_discord(line) for line in reply.context)
    if small:
        # The small print is kept whole at the end: it carries the close time and the ids.
        room = DESCRIPTION_MAX - len(small) - 2
        text = f"{truncate(text, room)}\n\n{small}" if text else small
    return truncate(text, DESCRIPTION_MAX)


def embed(reply: Reply) -> discord.Embed:
    shown = discord.Embed(title=truncate(reply.title, TITLE_MAX) or None,
                          description=description(reply), colour=_COLORS[reply.tone])
    return shown


def view(reply: Reply) -> discord.ui.View | None:
    if not reply.buttons:
        return None
    from bot.platforms.discord.buttons import StudyButton

    shown = discord.ui.View(timeout=None)
    for button in reply.buttons[:BUTTONS_MAX]:
        shown.add_item(StudyButton(component(button)))
    return shown


def component(button: Button) -> discord.ui.Button[discord.ui.View]:
    return discord.ui.Button(label=truncate(button.label, LABEL_MAX), style=_STYLES[button.style],
                             custom_id=button.id.custom_id, disabled=button.disabled)


CHART_FILE = "chart.png"


def picture(reply: Reply) -> discord.File | None:
    """The reply's chart as a PNG attachment (the embed shows it)."""
    if reply.chart is None:
        return None
    return discord.File(io.BytesIO(png.render(reply.chart)), filename=CHART_FILE,
                        description=truncate(reply.chart.summary, 1024))


def message(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for send: one embed (with its chart), its buttons, no pings."""
    shown: dict[str, Any] = {"embed": embed(reply), "allowed_mentions": NOBODY}
    built = view(reply)
    shown["view"] = built if built is not None else discord.utils.MISSING
    attached = picture(reply)
    if attached is not None:
        shown["embed"].set_image(url=f"attachment://{CHART_FILE}")
        shown["file"] = attached
    return shown


def edit(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for an edit: buttons removed when the reply has none; the chart, if
    any, replaces what was attached."""
    shown = message(reply)
    if shown["view"] is discord.utils.MISSING:
        shown["view"] = None
    attached = shown.pop("file", None)
    shown["attachments"] = [attached] if attached is not None else []
    return shown
