"""What to offer while someone types an option (Discord's autocomplete): at most 25, at once."""

from __future__ import annotations

import zoneinfo
from functools import cache

from bot.chat.commands import Command, Option
from bot.chat.context import Context
from bot.chat.markdown import truncate
from bot.rules import periods
from bot.rules.schedule import ScheduleInputError, parse_timezone
from bot.service.study import StudyService

LIMIT = 25
NAME_MAX = 100  # Discord's limit for a choice's name and its value
DAYS = ("mon-fri", "daily", "weekdays", "weekends", "mon,wed,fri", "tue,thu", "mon-sat")

Suggestion = tuple[str, str]  # (what is shown, what is filled in)


@cache
def zone_names() -> tuple[str, ...]:
    def real(name: str) -> bool:
        try:
            parse_timezone(name)
        except ScheduleInputError:
            return False
        return True

    return tuple(sorted(n for n in zoneinfo.available_timezones() if real(n)))


def _matching(names: tuple[str, ...] | list[str], typed: str) -> list[Suggestion]:
    """Prefix matches first, then anywhere in the name, case-insensitively."""
    needle = typed.lower()
    starts = [n for n in names if n.lower().startswith(needle)]
    inside = [n for n in names if needle in n.lower() and n not in starts]
    return [(n, n) for n in (starts + inside)[:LIMIT]]


async def suggest(service: StudyService, context: Context, command: Command, option: Option,
                  typed: str) -> list[Suggestion]:
    typed = typed.strip()[:NAME_MAX]
    match option.kind:
        case "text":
            found = await service.lookup(context.actor, typed, topic=command.topic, limit=LIMIT)
            entries = found.hits or found.suggestions
            return [(truncate(e.title, NAME_MAX), e.id) for e in entries][:LIMIT]
        case "timezone":
            return _matching(zone_names(), typed)
        case "period":
            names = list(periods.PERIODS)
            names += [c.name for c in await service.list_competitions(context.actor)]
            return _matching(names, typed)
        case "topic":
            return _matching(sorted((await service.bank_for(context.actor)).catalog.topics), typed)
        case "topics":
            done, _, last = typed.rpartition(" ")
            topics = sorted((await service.bank_for(context.actor)).catalog.topics)
            filled = [f"{done} {slug}".strip() for _, slug in _matching(topics, last)]
            return [(text, text) for text in filled if len(text) <= NAME_MAX]
        case "days":
            return _matching(list(DAYS), typed)
        case "question":
            bank = await service.bank_for(context.actor)
            return _matching([q.id for q in bank.catalog.questions_in()], typed)
    return []
