"""Content Markdown to Slack mrkdwn (bold is *x*, links are <url|text>, no headings)."""

from __future__ import annotations

import re

_FENCE = re.compile(r"(```.*?```)", re.S)
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.M)


def escape(text: str) -> str:
    """Slack's three control characters; anything a user typed goes through this."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_mrkdwn(markdown: str) -> str:
    parts = _FENCE.split(markdown)
    out = []
    for index, part in enumerate(parts):
        if index % 2:  # a fenced block: drop the language tag, keep the code as it is
            body = part[3:-3]
            first, _, rest = body.partition("\n")
            code = rest if first.strip().isidentifier() or not first.strip() else body
            out.append(f"```{escape(code.rstrip())}```")
            continue
        text = escape(part)
        text = _HEADING.sub(r"*\1*", text)
        text = _BOLD.sub(r"*\1*", text)
        text = _LINK.sub(r"<\2|\1>", text)
        out.append(text)
    return "".join(out)
