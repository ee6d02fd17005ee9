"""Titles and ids for imported content: plain text from inline Markdown, slugs, headings' anchors."""

from __future__ import annotations

import re
from typing import Any

_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to",
                "vs", "with"}
ID_SLUG_MAX = 48


def clean(text: str) -> str:
    """Plain text from inline Markdown: no emphasis, code ticks, links or emoji.
    What is inside backticks stays as written (`__name__` is not emphasis)."""
    pieces = re.split(r"(`[^`]*`)", _LINK.sub(r"\1", text))
    for i, piece in enumerate(pieces):
        if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
            pieces[i] = piece[1:-1]
            continue
        piece = re.sub(r"(\*\*|__)", "", piece)
        piece = re.sub(r"(?<!\w)[*_](\S.*?\S|\S)[*_](?!\w)", r"\1", piece)
        pieces[i] = "".join(ch for ch in piece if ch.isascii() or ch.isalnum() or ch in "–—→…")
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def title_case(text: str) -> str:
    """`AWS NETWORKING` -> `AWS Networking`; headings that are not shouted stay as written."""
    if any(ch.islower() for ch in text):
        return text

    def word(match: re.Match[str]) -> str:
        value = match.group()
        if match.start() > 0 and value.lower() in _SMALL_WORDS:
            return value.lower()
        return value if len(value) <= 3 else value.capitalize()

    return re.sub(r"[A-Za-z]+", word, text)


def entry_slug(title: str) -> str:
    """A short id slug for an entry: `How do you manage state?` -> `manage-state`."""
    part = re.search(r"\(part (\d+)\)$", title)
    base = title[: part.start()] if part else title
    base = re.sub(r"^(how (do|would|does|can|to)( you| i| we)?|what('s| is| are)|explain)\s+", "",
                  base.strip(), flags=re.IGNORECASE)
    base = re.sub(r"\b(a|an|the)\b", " ", base, flags=re.IGNORECASE)
    suffix = f"-part-{part.group(1)}" if part else ""
    return (slugify(base, ID_SLUG_MAX - len(suffix)) or slugify(title, ID_SLUG_MAX)
            or "entry") + suffix


def slugify(text: str, limit: int) -> str:
    text = text.lower().replace("&", " and ")
    text = re.sub(r"(?<=\w)['’](?=\w)", "", text)  # what's -> whats
    text = re.sub(r"\b(\w{1,2})/(\w{1,2})\b", r"\1\2", text)  # ci/cd -> cicd, i/o -> io
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w != "and"]
    slug = ""
    for w in words:
        candidate = f"{slug}-{w}" if slug else w
        if len(candidate) > limit:
            break
        slug = candidate
    if slug and not slug[0].isalpha():
        slug = f"t-{slug}"[:limit].rstrip("-")
    return slug


def anchor(title: str) -> str:
    """The anchor GitHub gives a heading (how a table of contents links to it)."""
    text = re.sub(r"[^\w\s-]", "", title.lower())
    return text.strip().replace(" ", "-")


def unique(name: str, taken: set[str] | dict[str, Any]) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}-{number}" in taken:
        number += 1
    return f"{name}-{number}"


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:-") + "…"
