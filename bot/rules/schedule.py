"""A channel's posting calendar: parsing what admins type, and turning it into UTC instants."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = 0b0011111
ALL_DAYS = 0b1111111
_DAY_ALIASES = {"daily": ALL_DAYS, "weekdays": WEEKDAYS, "weekends": 0b1100000}
_LONG_NAMES = {
    name: index
    for index, names in enumerate(
        [("monday",), ("tuesday", "tues"), ("wednesday",), ("thursday", "thur", "thurs"),
         ("friday",), ("saturday",), ("sunday",)]
    )
    for name in names
}


class ScheduleInputError(ValueError):
    """What the admin typed is not a valid schedule; `field` names which part."""

    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.value = value
        self.reason = reason


@dataclass(frozen=True)
class Schedule:
    post_time: time
    timezone: str
    weekdays: int = WEEKDAYS

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def parse_time(text: str) -> time:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", text)
    if not match:
        raise ScheduleInputError("time", text, "use 24-hour H:MM or HH:MM, e.g. 09:00")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise ScheduleInputError("time", text, "hours go from 00 to 23 and minutes from 00 to 59")
    return time(hour, minute)


# An IANA name: Area/Location[/Sub], or a bare name such as UTC. Anything else (paths, "..",
# 300-character strings) is refused before the zone database is asked.
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]{0,30}(?:/[A-Za-z0-9_+-]{1,30}){0,2}$")
# Files in the zone database that are not zones a person lives in.
_NOT_ZONES = {"localtime", "posixrules", "factory", "leapseconds", "tzdata.zi", "zone.tab"}


def parse_timezone(text: str) -> str:
    name = text.strip()
    try:
        if (not _ZONE_NAME.match(name) or name.lower() in _NOT_ZONES
                or name.lower().startswith(("right/", "posix/"))):
            raise ZoneInfoNotFoundError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # a region without a city is a folder
        raise ScheduleInputError(
            "timezone", text, "use an IANA time zone name such as Europe/London or America/New_York"
        ) from None
    return name


def _day_index(name: str, original: str) -> int:
    key = name.strip().lower()
    if key in DAY_NAMES:
        return DAY_NAMES.index(key)
    if key in _LONG_NAMES:
        return _LONG_NAMES[key]
    raise ScheduleInputError("days", original, f"unknown day {name.strip()!r}; use mon..sun")


def parse_days(text: str) -> int:
    """`mon-fri`, `mon,wed,fri`, `mon-sun`, `daily`, `weekdays`, `weekends` -> a weekday bitmask."""
    spec = text.strip().lower()
    if spec in _DAY_ALIASES:
        return _DAY_ALIASES[spec]
    mask = 0
    for part in filter(None, (p.strip() for p in spec.split(","))):
        if "-" in part:
            first, _, last = part.partition("-")
            start, end = _day_index(first, text), _day_index(last, text)
            index = start
            while True:
                mask |= 1 << index
                if index == end:
                    break
                index = (index + 1) % 7
        else:
            mask |= 1 << _day_index(part, text)
    if not mask:
        raise ScheduleInputError("days", text, "choose at least one day, e.g. mon-fri or daily")
    return mask


def format_days(mask: int) -> str:
    if mask == ALL_DAYS:
        return "daily"
    if mask == WEEKDAYS:
        return "mon-fri"
    return ",".join(name for i, name in enumerate(DAY_NAMES) if mask & (1 << i))


def local_instant(day: date, schedule: Schedule) -> datetime:
    """The UTC instant of the posting time on a local day.

    zoneinfo's fold=0 rule gives what people expect at DST changes: a time that does not exist
    (02:30 on spring-forward day) lands an hour later in wall-clock terms (03:30), and a time that
    happens twice (02:30 on fall-back day) is taken at its first occurrence, so it posts once.
    """
    return datetime.combine(day, schedule.post_time, tzinfo=schedule.zone).astimezone(UTC)


def next_due(after: datetime, schedule: Schedule) -> datetime:
    """The first posting instant strictly after `after` (an aware datetime)."""
    local_day = after.astimezone(schedule.zone).date()
    for offset in range(8):
        day = local_day + timedelta(days=offset)
        if not schedule.weekdays & (1 << day.weekday()):
            continue
        instant = local_instant(day, schedule)
        if instant > after:
            return instant
    raise AssertionError("a non-empty weekday set always has a day within 8 days")


def local_date(instant: datetime, timezone: str) -> date:
    return instant.astimezone(ZoneInfo(timezone)).date()


MAX_OPEN = timedelta(hours=24)


def closing_time(posted: datetime, next_post: datetime | None) -> datetime:
    """A question stays open until the channel's next post, and at most 24 hours."""
    limit = posted + MAX_OPEN
    return min(next_post, limit) if next_post is not None and next_post > posted else limit
