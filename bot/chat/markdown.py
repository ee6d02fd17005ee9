"""Markdown, parsed once with markdown-it-py and rendered for each platform.

Everything the bot says is CommonMark (strikethrough and tables on, raw HTML off) with two inline
additions that every chat platform can show natively: `<t:UNIX[:STYLE]>`, a moment each reader sees
in their own time zone, and `<@ID>`, a user. Content is trusted Markdown; text a user typed goes
through `escape()`, so it can never become formatting, a link, a timestamp or a mention.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import ClassVar

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.tree import SyntaxTreeNode

_SPECIAL = re.compile(r"<(?:t:(?P<unix>\d{1,12})(?::(?P<style>[tTdDfFR]))?|@(?P<user>[A-Za-z0-9_.-]{1,64}))>")
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def _special_tokens(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "<":
        return False
    match = _SPECIAL.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        if match["user"]:
            token = state.push("mention", "", 0)
            token.meta = {"id": match["user"]}
        else:
            token = state.push("timestamp", "", 0)
            token.meta = {"unix": int(match["unix"]), "style": match["style"] or "f"}
    state.pos = match.end()
    return True


_PARSER = MarkdownIt("commonmark", {"html": False}).enable(["strikethrough", "table"])
_PARSER.inline.ruler.before("autolink", "studybot_special", _special_tokens)


def escape(text: str) -> str:
    """User text as literal Markdown: every ASCII punctuation mark escaped, lines joined."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def code(text: str) -> str:
    """An inline code span that holds any text, backticks included."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}" if text else ""


def timestamp(moment: datetime, style: str = "f") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


def mention(user_id: str) -> str:
    return f"<@{user_id}>"


class Flavor:
    """Walks the syntax tree; each platform overrides how the pieces look."""

    bullet: ClassVar[str] = "- "
    block_code_indent: ClassVar[str] = ""

    def render(self, markdown: str) -> str:
        if not markdown:
            return ""
        tree = SyntaxTreeNode(_PARSER.parse(markdown))
        return "\n".join(self._blocks(tree.children)).strip("\n")

    # -- blocks ------------------------------------------------------------------------
    def _blocks(self, nodes: list[SyntaxTreeNode], depth: int = 0) -> list[str]:
        lines: list[str] = []
        for node in nodes:
            lines.extend(self._block(node, depth))
        return lines

    def _block(self, node: SyntaxTreeNode, depth: int) -> list[str]:
        kind = node.type
        if kind == "paragraph":
            return self._inline(node).split("\n")
        if kind == "heading":
            return [self.heading(self._inline(node))]
        if kind in ("fence", "code_block"):
            return self.fence(node.content.rstrip("\n"), node.info.strip()).split("\n")
        if kind in ("bullet_list", "ordered_list"):
            return self._list(node, depth)
        if kind == "blockquote":
            return [self.quote(line) for line in self._blocks(node.children, depth)]
        if kind == "table":
            return self._table(node)
        if kind == "hr":
            return ["———"]
        return self._blocks(node.children, depth)

    def _list(self, node: SyntaxTreeNode, depth: int) -> list[str]:
        lines: list[str] = []
        number = int(node.attrs.get("start", 1) or 1)
        indent = "  " * depth
        for item in node.children:
            marker = f"{number}. " if node.type == "ordered_list" else self.bullet
            number += 1
            inner = self._blocks(item.children, depth + 1) or [""]
            lines.append(f"{indent}{marker}{inner[0].lstrip()}")
            lines.extend(inner[1:])
        return lines

    def _table(self, node: SyntaxTreeNode) -> list[str]:
        rows = []
        for section in node.children:
            for row in section.children:
                rows.append(" | ".join(self._inline(cell) for cell in row.children))
        return rows

    # -- inline ------------------------------------------------------------------------
    def _inline(self, node: SyntaxTreeNode) -> str:
        return "".join(self._span(child) for child in node.children)

    def _span(self, node: SyntaxTreeNode) -> str:
        kind = node.type
        if kind == "inline":
            return self._inline(node)
        if kind == "text":
            return self.text(node.content)
        if kind in ("softbreak", "hardbreak"):
            return "\n"
        if kind == "code_inline":
            return self.code(node.content)
        if kind == "strong":
            return self.strong(self._inline(node))
        if kind == "em":
            return self.em(self._inline(node))
        if kind == "s":
            return self.strike(self._inline(node))
        if kind in ("link", "image"):
            inner = self._inline(node) or self.text(str(node.attrs.get("alt", "")))
            return self.link(inner, str(node.attrs.get("href") or node.attrs.get("src") or ""))
        if kind == "timestamp":
            return self.timestamp(int(node.meta["unix"]), str(node.meta["style"]))
        if kind == "mention":
            return self.mention(str(node.meta["id"]))
        return self._inline(node)

    # -- the pieces, plain by default --------------------------------------------------
    def text(self, text: str) -> str:
        return text

    def code(self, text: str) -> str:
        return text

    def fence(self, code: str, language: str) -> str:
        return "\n".join(self.block_code_indent + line for line in code.split("\n"))

    def strong(self, inner: str) -> str:
        return inner

    def em(self, inner: str) -> str:
        return inner

    def strike(self, inner: str) -> str:
        return inner

    def heading(self, inner: str) -> str:
        return inner

    def quote(self, line: str) -> str:
        return f"> {line}"

    def link(self, inner: str, href: str) -> str:
        return f"{inner} ({href})" if href and href != inner else inner

    def timestamp(self, unix: int, style: str) -> str:
        moment = datetime.fromtimestamp(unix, UTC)
        if style in "dD":
            return f"{moment:%Y-%m-%d}"
        if style in "tT":
            return f"{moment:%H:%M} UTC"
        return f"{moment:%Y-%m-%d %H:%M} UTC"

    def mention(self, user_id: str) -> str:
        return user_id


class Plain(Flavor):
    """A terminal: no markup at all, code indented."""

    block_code_indent = "    "


class Mrkdwn(Flavor):
    """Slack's mrkdwn: *bold*, _italic_, <url|text>, and &, <, > as entities."""

    bullet = "• "

    def text(self, text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def code(self, text: str) -> str:
        quoted = self.text(text.replace("`", "'"))
        return f"`{quoted}`"

    def fence(self, code: str, language: str) -> str:
        return f"```{self.text(code)}```"

    def strong(self, inner: str) -> str:
        return f"*{inner}*" if inner.strip() else inner

    def em(self, inner: str) -> str:
        return f"_{inner}_" if inner.strip() else inner

    def strike(self, inner: str) -> str:
        return f"~{inner}~" if inner.strip() else inner

    def heading(self, inner: str) -> str:
        return self.strong(inner)

    def link(self, inner: str, href: str) -> str:
        if not href.startswith(("http://", "https://", "mailto:")):
            return inner
        return f"<{href.replace('|', '%7C').replace('>', '%3E')}|{inner}>"

    def timestamp(self, unix: int, style: str) -> str:
        token = {"d": "{date_short_pretty}", "D": "{date_long_pretty}", "t": "{time}",
                 "T": "{time_secs}", "R": "{ago}"}.get(style, "{date_short_pretty} {time}")
        return f"<!date^{unix}^{token}|{super().timestamp(unix, style)}>"

    def mention(self, user_id: str) -> str:
        return f"<@{user_id}>"


class Discord(Flavor):
    """Discord's Markdown: markup characters in text escaped where Discord would read them, and
    anything that could mention (`<@`, `<#`, `<t:`, @everyone) defused."""

    _INLINE = re.compile(r"([\\*_~`|<\[\]])")  # markup wherever it stands
    _LINE_START = re.compile(r"(?m)^(\s*)([#>]|[-+]\s)")  # headings, quotes, bullets
    _NUMBERED = re.compile(r"(?m)^(\s*\d+)\.(\s)")  # a numbered list item

    def text(self, text: str) -> str:
        escaped = self._INLINE.sub(r"\\\1", text)
        escaped = self._LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}", escaped)
        escaped = self._NUMBERED.sub(r"\1\\.\2", escaped)
        return escaped.replace("@everyone", "@\u200beveryone").replace("@here", "@\u200bhere")

    def code(self, text: str) -> str:
        fence = "``" if "`" in text else "`"
        return f"{fence}{text}{fence}"

    def fence(self, code: str, language: str) -> str:
        language = language if re.fullmatch(r"[\w+-]{1,20}", language) else ""
        code = code.replace("```", "`\u200b``")
        return f"```{language}\n{code}\n```"

    def strong(self, inner: str) -> str:
        return f"**{inner}**" if inner.strip() else inner

    def em(self, inner: str) -> str:
        return f"*{inner}*" if inner.strip() else inner

    def strike(self, inner: str) -> str:
        return f"~~{inner}~~" if inner.strip() else inner

    def heading(self, inner: str) -> str:
        return self.strong(inner)

    def link(self, inner: str, href: str) -> str:
        if not href.startswith(("http://", "https://")):
            return inner
        return f"[{inner}](<{href.replace('>', '%3E')}>)"

    def timestamp(self, unix: int, style: str) -> str:
        return f"<t:{unix}:{style}>"

    def mention(self, user_id: str) -> str:
        return f"<@{user_id}>"


PLAIN = Plain()
MRKDWN = Mrkdwn()
DISCORD = Discord()


# The same texts come back all day (a question, its explanation, for each of a thousand clicks),
# and parsing them is most of a reply's CPU: 1-2 ms each (bench/RESULTS.md). Long texts (a
# stranger's 10,000-character query) are rendered each time, so the memory held stays small:
# at most 2,048 texts of 4,000 characters, rendered and not.
_REMEMBERED = 2048
_REMEMBERED_CHARS = 4000


def _remembering(flavor: Flavor) -> Callable[[str], str]:
    remembered = lru_cache(maxsize=_REMEMBERED)(flavor.render)

    def render(markdown: str) -> str:
        return remembered(markdown) if len(markdown) <= _REMEMBERED_CHARS else flavor.render(markdown)

    return render


to_plain = _remembering(PLAIN)
to_mrkdwn = _remembering(MRKDWN)
to_discord = _remembering(DISCORD)


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"
