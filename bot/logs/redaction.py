"""Secrets out of every log line: the configured ones by value, and anything shaped like a token.

Redaction runs on the finished text of each event (the message, every field and the formatted
traceback), so a token that reaches an exception message through a library is caught as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.config import Settings

MASK = "[REDACTED]"

# Shapes of credentials a library may echo back: Slack tokens (bot xoxb-, user xoxp-, refresh
# xoxe-, rotating xoxe.xoxb-, app-level xapp-), Discord bot tokens (three base64url parts: the
# bot's id, a timestamp, an HMAC), Authorization headers, and passwords inside URLs.
_SHAPES = (
    r"\bxox[a-z]{1,2}[.-][A-Za-z0-9.-]+",
    r"\bxapp-[A-Za-z0-9-]+",
    r"\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}",
    r"(?i:authorization)['\"]?\s*[:=]\s*['\"]?(?i:bot|bearer)\s+[^\s'\"]+",
    r"(?P<userinfo>://[^:/@\s]+:)[^@\s/]+(?=@)",  # the password only; the user name stays
)

# A "secret" of one or two characters would blank out every occurrence of those letters.
_SHORTEST_SECRET = 3


class Redactor:
    """Replaces known secret values and token-shaped text with a mask."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        known = sorted({s for s in secrets if len(s) >= _SHORTEST_SECRET}, key=len, reverse=True)
        # Longest first, so a secret that contains another is masked whole.
        parts = [re.escape(s) for s in known] + [f"(?:{shape})" for shape in _SHAPES]
        self._pattern = re.compile("|".join(parts))

    def __call__(self, text: str) -> str:
        return self._pattern.sub(_mask, text)

    def value(self, value: object) -> object:
        """`value` with every string inside it (dicts, lists, tuples) redacted. Anything else
        than plain data becomes its text first: the renderer would otherwise turn it into text
        after redaction (an exception passed as a field, say)."""
        if isinstance(value, str):
            return self(value)
        if value is None or isinstance(value, bool | int | float):
            return value
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.value(item) for item in value)
        return self(str(value))


def _mask(match: re.Match[str]) -> str:
    return (match["userinfo"] or "") + MASK


def secrets_of(settings: Settings) -> list[str]:
    """Every secret the settings hold: each SecretStr field (new ones included without a change
    here) and the password of DATABASE_URL, as given and as it appears percent-encoded."""
    found = [
        value.get_secret_value()
        for name in type(settings).model_fields
        if isinstance(value := getattr(settings, name), SecretStr)
    ]
    try:
        password = make_url(settings.database_url).password
    except (ArgumentError, ValueError):
        password = None
    if password:
        found += [str(password), quote(str(password), safe=""), quote_plus(str(password))]
    return found
