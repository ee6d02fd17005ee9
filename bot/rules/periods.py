"""Leaderboard periods: the ISO week and the month of a post's local date, and all time."""

from __future__ import annotations

from datetime import date

ALL_TIME = "all"
PERIODS = ("week", "month", "all")


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"w{year}-{week:02d}"


def month_key(day: date) -> str:
    return f"m{day.year}-{day.month:02d}"


def keys_for(day: date) -> tuple[str, str, str]:
    return (ALL_TIME, week_key(day), month_key(day))


def key_of(period: str, today: date) -> str:
    if period == "week":
        return week_key(today)
    if period == "month":
        return month_key(today)
    return ALL_TIME


def competition_key(competition_id: int) -> str:
    return f"c{competition_id}"
