"""Replies as Slack Block Kit: a section with the heading, body and choices, buttons, small print."""

from __future__ import annotations

from typing import Any

from bot.chat.markdown import MRKDWN, to_mrkdwn, truncate
from bot.chat.reply import Reply

Blocks = list[dict[str, Any]]

SECTION_LIMIT = 3000
TEXT_LIMIT = 3000  # the notification text; Slack takes more, but nobody reads more
MAX_BLOCKS = 50
BUTTONS_PER_BLOCK = 25
BUTTON_TEXT = 75
CONTEXT_TEXT = 2000
_STYLES = {"primary": "primary", "danger": "danger", "success": "primary"}


def heading(reply: Reply) -> str:
    title = f"*{MRKDWN.text(reply.title)}*" if reply.title else ""
    subtitle = to_mrkdwn(reply.subtitle)
    return " · ".join(part for part in (title, subtitle) if part)


def fallback(reply: Reply) -> str:
    """The message's `text`: notifications, screen readers, clients without blocks."""
    text = MRKDWN.text(reply.notification) or heading(reply) or to_mrkdwn(reply.body)
    return truncate(text or "studybot", TEXT_LIMIT)


def render(reply: Reply) -> Blocks:
    text = "\n".join(part for part in (
        heading(reply), to_mrkdwn(reply.body),
        "\n".join(f"*{letter})* {to_mrkdwn(choice)}" for letter, choice in reply.choices),
    ) if part)
    blocks: Blocks = [_section(chunk) for chunk in _chunks(text, SECTION_LIMIT)]
    live = [button for button in reply.buttons if not button.disabled]  # Slack cannot grey one out
    for start in range(0, len(live), BUTTONS_PER_BLOCK):
        elements = []
        for button in live[start:start + BUTTONS_PER_BLOCK]:
            element: dict[str, Any] = {
                "type": "button", "text": {"type": "plain_text", "text": truncate(button.label, BUTTON_TEXT)},
                "action_id": button.id.name, "value": button.id.payload or button.id.name,
            }
            if button.style in _STYLES:
                element["style"] = _STYLES[button.style]
            elements.append(element)
        blocks.append({"type": "actions", "block_id": f"studybot.buttons.{start}", "elements": elements})
    blocks += [{"type": "context", "elements": [{"type": "mrkdwn",
                                                 "text": truncate(to_mrkdwn(line), CONTEXT_TEXT)}]}
               for line in reply.context]
    if len(blocks) > MAX_BLOCKS:  # keep the buttons and small print; cut the text
        tail = [b for b in blocks if b["type"] != "section"]
        blocks = [b for b in blocks if b["type"] == "section"][: MAX_BLOCKS - len(tail)] + tail
    return blocks


def message(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage / chat.update / respond."""
    return {"text": fallback(reply), "blocks": render(reply)}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _chunks(text: str, limit: int) -> list[str]:
    """Split at line ends so that no section passes Slack's limit."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            candidate = line
        current = candidate
    if current:
        chunks.append(current)
    return chunks or [" "]
