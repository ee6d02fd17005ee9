"""What a workspace's own content must be besides valid content: apart from the bundled bank (its
ids and topic names stay the bank's), short enough for button ids, and silent (no mentions)."""

from __future__ import annotations

import re

from bot.catalog.catalog import Catalog

# A practice button's id is `studybot.practice.<choice>.<topic filter>:<question id>`, at most
# 100 characters on Discord: a 20-character topic leaves 59 for the id.
OWN_TOPIC_MAX = 20
OWN_ID_MAX = 56
_MENTION = re.compile(r"<@[A-Za-z0-9_.-]{1,64}>")
_WORD = re.compile(r"[a-z0-9]+")
_SMALL = frozenset({"a", "an", "the", "of", "to", "in", "on", "is", "are", "do", "does", "what",
                    "which", "you", "your", "our", "we", "and", "or", "for", "with", "how", "why"})


def mentions(text: str) -> bool:
    """Whether the text mentions someone (`<@U123>`): shown in a question, it would notify them."""
    return _MENTION.search(text) is not None


def topic_name_problem(slug: str, bundled: Catalog) -> str | None:
    """Why `slug` cannot name a topic of a workspace's own; None when it can."""
    if slug in bundled.topics:
        return None  # the bundled topic itself: own content may join it
    if bundled.resolve_topic(slug) is not None:
        return f"{slug!r} already names the topic {bundled.resolve_topic(slug)!r}"
    if len(slug) > OWN_TOPIC_MAX:
        return f"a topic's slug is at most {OWN_TOPIC_MAX} characters here (button ids)"
    return None


def slug_of(text: str, limit: int) -> str:
    """An id slug from a prompt: its telling words, `What does kubectl drain do?` -> `kubectl-drain`."""
    words = _WORD.findall(text.lower())
    telling = [w for w in words if w not in _SMALL] or words
    slug = ""
    for word in telling:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or "question"
