"""Who a message would notify: mentions in its text, filtered by `allowed_mentions` as Discord does.

Discord parses `<@id>`, `<@&id>`, `@everyone` and `@here` from the content (and from text display
components). Without `allowed_mentions` a channel message parses all three kinds, while interaction
responses and webhook messages parse users only. Permissions (MENTION_EVERYONE, a role's
`mentionable`) are not applied: `Pings` reports what the message asked Discord to notify.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tests.support.discord.validation import TEXT_DISPLAY, walk

Json = dict[str, Any]

ALL_KINDS = ("users", "roles", "everyone")
USERS_ONLY = ("users",)

_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_EVERYONE = re.compile(r"@(everyone|here)\b")


@dataclass(frozen=True)
class Pings:
    everyone: bool = False
    users: tuple[int, ...] = ()
    roles: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return self.everyone or bool(self.users) or bool(self.roles)


def text_of(body: Json) -> str:
    texts = [body.get("content") or ""]
    components = walk(body.get("components") or [])
    texts += [c.get("content") or "" for c in components if c.get("type") == TEXT_DISPLAY]
    return "\n".join(texts)


def resolve(text: str, allowed: Json | None, default_parse: Iterable[str], *,
            known_users: set[int], known_roles: set[int]) -> Pings:
    parse = set(default_parse) if allowed is None else set(allowed.get("parse") or [])
    listed_users = {int(u) for u in (allowed or {}).get("users") or []}
    listed_roles = {int(r) for r in (allowed or {}).get("roles") or []}
    users = _ordered(int(m) for m in _USER.findall(text))
    roles = _ordered(int(m) for m in _ROLE.findall(text))
    return Pings(
        everyone="everyone" in parse and bool(_EVERYONE.search(text)),
        users=tuple(u for u in users if u in known_users and ("users" in parse or u in listed_users)),
        roles=tuple(r for r in roles if r in known_roles and ("roles" in parse or r in listed_roles)),
    )


def _ordered(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))
