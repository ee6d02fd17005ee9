"""Replies as Slack Block Kit: a section with the heading, body and choices, buttons, small print."""

from __future__ import annotations

from typing import Any

from bot.chat.forms import Form
from bot.chat.markdown import MRKDWN, to_mrkdwn, truncate
from bot.chat.reply import Reply

Blocks = list[dict[str, Any]]

SECTION_LIMIT = 3000
TEXT_LIMIT = 3000  # the notification text; Slack takes more, but nobody reads more
MAX_BLOCKS = 50
# All the text of one message's blocks. Slack documents only the per-block limits, but refuses
# a message whose blocks hold about 13,200 characters in all (msg_blocks_too_long; see
# slackapi/bolt-js#2509); the margin covers what Slack counts that we do not.
BLOCKS_TEXT = 12_000
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
    text = MRKDWN.text(reply.notification) or heading(reply) or reply.text(to_mrkdwn)
    return truncate(text or "studybot", TEXT_LIMIT)


def render(reply: Reply) -> Blocks:
    text = "\n".join(part for part in (
        heading(reply), reply.text(to_mrkdwn),
        "\n".join(f"*{letter})* {to_mrkdwn(choice)}" for letter, choice in reply.choices),
    ) if part)
    tail = _buttons(reply) + _context(reply)
    budget = BLOCKS_TEXT - _text_in(tail)
    blocks = [_section(chunk) for chunk in _chunks(_cut(text, budget), SECTION_LIMIT)]
    if len(blocks) + len(tail) > MAX_BLOCKS:  # keep the buttons and small print; cut the text
        blocks = blocks[: max(MAX_BLOCKS - len(tail), 1)]
    return (blocks + tail)[:MAX_BLOCKS]


def _buttons(reply: Reply) -> Blocks:
    blocks: Blocks = []
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
    return blocks


def _context(reply: Reply) -> Blocks:
    return [{"type": "context", "elements": [{"type": "mrkdwn",
                                              "text": truncate(to_mrkdwn(line), CONTEXT_TEXT)}]}
            for line in reply.context]


def _text_in(blocks: Blocks) -> int:
    return sum(len(element["text"]["text"] if element["type"] == "button" else element["text"])
               for block in blocks for element in block["elements"])


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters (some text always stays), cut at a line end if one is near, and
    never inside an escape such as `&amp;` or a `<...>` token."""
    limit = max(limit, SECTION_LIMIT // 3)
    if len(text) <= limit:
        return text
    cut = text[: _safe_end(text, limit - 1)]
    line_end = cut.rfind("\n")
    if line_end > limit * 0.8:
        cut = cut[:line_end]
    return cut.rstrip() + "…"


def _safe_end(text: str, limit: int) -> int:
    """The longest prefix, at most `limit`, that does not end inside an escape (`&amp;`) or a
    `<...>` token (a date, a link): a split there would show as garbage."""
    end = min(limit, len(text))
    for opener, closer in (("&", ";"), ("<", ">")):
        start = text.rfind(opener, 0, end)
        if start > 0 and text.rfind(closer, 0, end) < start:
            end = start
    return end


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
            end = _safe_end(line, limit)
            chunks.append(line[:end])
            line = line[end:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            candidate = line
        current = candidate
    if current:
        chunks.append(current)
    return chunks or [" "]


# -- forms as modals (views.open) ------------------------------------------------------------

INPUT_MAX = 3000  # plain_text_input max_length
PLACEHOLDER_MAX = 150


def modal(form: Form, private_metadata: str) -> dict[str, Any]:
    """A form as a modal view: one input block per field, the block and action ids its name (a
    `response_action: errors` answer names the blocks)."""
    view_blocks: Blocks = [_section(to_mrkdwn(form.intro))] if form.intro else []
    for field in form.fields:
        element: dict[str, Any] = {"type": "plain_text_input", "action_id": field.name,
                                   "multiline": field.multiline,
                                   "max_length": min(field.max_length, INPUT_MAX)}
        if field.value:
            element["initial_value"] = field.value[:INPUT_MAX]
        if field.hint:
            element["placeholder"] = _plain(truncate(field.hint, PLACEHOLDER_MAX))
        view_blocks.append({"type": "input", "block_id": field.name, "label": _plain(field.label),
                            "optional": not field.required, "element": element})
    return {"type": "modal", "callback_id": form.id.custom_id, "title": _plain(form.title),
            "submit": _plain(form.submit), "close": _plain("Cancel"),
            "private_metadata": private_metadata, "blocks": view_blocks}


def submitted(view: dict[str, Any]) -> dict[str, str]:
    """What was typed into a submitted modal, by field name."""
    values: dict[str, str] = {}
    for block_id, actions in ((view.get("state") or {}).get("values") or {}).items():
        for action in actions.values():
            values[block_id] = action.get("value") or ""
    return values


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}
