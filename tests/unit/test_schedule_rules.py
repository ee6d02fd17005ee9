"""Posting calendars: parsing admin input and local times across zones and DST."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.schedule import (
    ALL_DAYS,
    WEEKDAYS,
    Schedule,
    ScheduleInputError,
    closing_time,
    format_days,
    local_date,
    next_due,
    parse_days,
    parse_time,
    parse_timezone,
)
from tests.support.strategies import schedules


@pytest.mark.parametrize(("text", "mask"), [
    ("mon-fri", WEEKDAYS), ("weekdays", WEEKDAYS), ("daily", ALL_DAYS), ("mon-sun", ALL_DAYS),
    ("MON,wed,Fri", 0b0010101), ("weekends", 0b1100000), ("fri-mon", 0b1110001),
    ("tuesday", 0b10),
])
def test_parse_days(text: str, mask: int) -> None:
    assert parse_days(text) == mask


@pytest.mark.parametrize("text", [",", "", "mon-funday", "someday"])
def test_bad_days_are_refused(text: str) -> None:
    with pytest.raises(ScheduleInputError) as caught:
        parse_days(text)
    assert caught.value.field == "days"


def test_parse_time_and_zone() -> None:
    assert parse_time("9:05") == time(9, 5)
    assert parse_time("23:59") == time(23, 59)
    for bad in ("25:00", "12:60", "9am", "0900", ""):
        with pytest.raises(ScheduleInputError):
            parse_time(bad)
    assert parse_timezone("Europe/London") == "Europe/London"
    for bad in ("Mars/Olympus", "", "../etc/passwd", "/etc/localtime"):
        with pytest.raises(ScheduleInputError):
            parse_timezone(bad)


def test_format_days_round_trips() -> None:
    for text in ("mon-fri", "daily", "mon,wed,fri", "sat,sun"):
        assert parse_days(format_days(parse_days(text))) == parse_days(text)


def test_posts_at_local_time_in_several_zones() -> None:
    after = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)  # a Monday
    expected = {
        "Europe/London": datetime(2026, 6, 1, 8, 0, tzinfo=UTC),      # BST
        "America/New_York": datetime(2026, 6, 1, 13, 0, tzinfo=UTC),  # EDT
        "Asia/Kolkata": datetime(2026, 6, 1, 3, 30, tzinfo=UTC),
        "Australia/Sydney": datetime(2026, 6, 1, 23, 0, tzinfo=UTC),  # Tue 09:00 AEST
    }
    for zone, instant in expected.items():
        assert next_due(after, Schedule(time(9, 0), zone)) == instant


def test_spring_forward_posts_once_an_hour_later_in_wall_time() -> None:
    # 2026-03-08: New York jumps from 02:00 to 03:00, so 02:30 does not exist.
    sched = Schedule(time(2, 30), "America/New_York", ALL_DAYS)
    due = next_due(datetime(2026, 3, 8, 0, 0, tzinfo=UTC), sched)
    local = due.astimezone(ZoneInfo("America/New_York"))
    assert (local.date(), local.hour, local.minute) == (date(2026, 3, 8), 3, 30)
    following = next_due(due, sched)
    assert following.astimezone(ZoneInfo("America/New_York")).date() == date(2026, 3, 9)


def test_fall_back_posts_once_at_the_first_occurrence() -> None:
    # 2026-11-01: New York repeats 01:00-02:00; 01:30 happens twice.
    sched = Schedule(time(1, 30), "America/New_York", ALL_DAYS)
    due = next_due(datetime(2026, 11, 1, 0, 0, tzinfo=UTC), sched)
    assert due == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, the first one
    following = next_due(due, sched)
    assert following.astimezone(ZoneInfo("America/New_York")).date() == date(2026, 11, 2)
    # Even asked from between the two 01:30s, the same day is not posted again.
    assert next_due(due + timedelta(minutes=30), sched) == following


def test_weekend_is_skipped() -> None:
    friday_after = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    due = next_due(friday_after, Schedule(time(9, 0), "UTC", WEEKDAYS))
    assert due == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_closing_time_is_next_post_or_24h() -> None:
    posted = datetime(2026, 11, 25, 9, tzinfo=UTC)
    assert closing_time(posted, None) == posted + timedelta(hours=24)
    assert closing_time(posted, posted + timedelta(hours=3)) == posted + timedelta(hours=3)
    assert closing_time(posted, posted + timedelta(days=3)) == posted + timedelta(hours=24)




@settings(max_examples=300, deadline=None)
@given(sched=schedules,
       start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 1, 1),
                          timezones=st.just(UTC)))
def test_one_post_per_scheduled_local_day_across_dst(sched: Schedule, start: datetime) -> None:
    instants = [next_due(start, sched)]
    for _ in range(40):
        instants.append(next_due(instants[-1], sched))
    days = [local_date(i, sched.timezone) for i in instants]
    assert all(a < b for a, b in itertools.pairwise(instants))
    assert len(set(days)) == len(days), "a local day got two posts"
    assert all(sched.weekdays & (1 << d.weekday()) for d in days)
    for a, b in itertools.pairwise(days):
        gap = [a + timedelta(n) for n in range(1, (b - a).days)]
        assert not any(sched.weekdays & (1 << d.weekday()) for d in gap), "a scheduled day was skipped"


@pytest.mark.parametrize("name", [
    "Europe", "America", "localtime", "posixrules", "Factory", "right/UTC", "posix/Europe/Paris",
    "../../etc/passwd", "/etc/localtime", "Europe/" + "x" * 300, "x" * 300, "", "Europe//London",
])
def test_names_that_are_not_zones_people_live_in_are_refused(name: str) -> None:
    # zoneinfo raises IsADirectoryError for a region without a city, OSError for a long name.
    with pytest.raises(ScheduleInputError) as raised:
        parse_timezone(name)
    assert raised.value.field == "timezone"


@pytest.mark.parametrize("name", ["UTC", "Europe/London", "America/Argentina/Buenos_Aires",
                                  "Etc/GMT+5", "EST5EDT", "Pacific/Chatham"])
def test_real_zones_are_accepted(name: str) -> None:
    assert parse_timezone(name) == name
