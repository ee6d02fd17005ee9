"""Charts laid out from service views: participation, horizontal bars, a calendar, trends."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

from bot.charts.model import (
    ACCENT,
    BAR,
    EMPTY,
    GRID,
    HEAT,
    MUTED,
    Chart,
    Line,
    Rect,
    Shape,
    Table,
    Text,
)
from bot.service.views import Board, DayActivity, TopicAccuracy, WeekAccuracy

FONT = 12
WEEKDAYS = ("Mon", "", "Wed", "", "Fri", "", "")


def nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) so that `ticks` steps cover `top`."""
    if top <= 0:
        return 1
    raw = top / ticks
    power: float = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def participation(days: Sequence[DayActivity], width: float = 900, height: float = 260) -> Chart:
    """Answers per day as bars, distinct people per day as a line, oldest day on the left."""
    left, right, top, bottom = 44, 12, 16, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((d.answers for d in days), default=0)
    step = nice_step(peak)
    ceiling = max(step * math.ceil(peak / step), step)
    shapes: list[Shape] = []
    value = 0.0
    while value <= ceiling + 1e-9:
        y = top + plot_h - plot_h * value / ceiling
        shapes.append(Line(((left, y), (left + plot_w, y)), GRID))
        shapes.append(Text(left - 6, y + 4, f"{value:g}", FONT - 1, "end", MUTED))
        value += step
    slot = plot_w / max(len(days), 1)
    people: list[tuple[float, float]] = []
    for i, day in enumerate(days):
        x = left + i * slot
        h = plot_h * day.answers / ceiling
        if day.answers:
            shapes.append(Rect(x + slot * 0.15, top + plot_h - h, slot * 0.7, h, BAR,
                               f"{day.day:%a %d %b}: {day.answers} answers by {day.people} people"))
        people.append((x + slot / 2, top + plot_h - plot_h * day.people / ceiling))
        if day.day.day == 1 or (i == 0 and day.day.day < 22):  # no first label crowding a month's
            shapes.append(Text(x, height - 12, f"{day.day:%d %b}", FONT - 1, "start", MUTED))
    if any(d.people for d in days):
        shapes.append(Line(tuple(people), ACCENT, 2))
    total = sum(d.answers for d in days)
    busiest = max(days, key=lambda d: d.answers, default=None)
    span = f"{days[0].day:%d %b} to {days[-1].day:%d %b %Y}" if days else "no days"
    summary = (f"{total} answers from {span}" +
               (f"; the busiest day was {busiest.day:%a %d %b} with {busiest.answers} answers by "
                f"{busiest.people} people." if busiest and busiest.answers else "; none yet."))
    rows = tuple((f"{d.day:%Y-%m-%d}", str(d.answers), str(d.people),
                  percent(d.correct / d.answers if d.answers else None))
                 for d in days if d.answers)
    return Chart(width, height, "Participation per day", summary, tuple(shapes),
                 Table(("Day", "Answers", "People", "Right"), rows),
                 legend=((BAR, "answers"), (ACCENT, "people")))


def hbars(title: str, summary: str, rows: Sequence[tuple[str, float, str, bool]],
          maximum: float | None = None, headers: tuple[str, str] = ("", "Value"),
          width: float = 560) -> Chart:
    """One bar per row: (label, value, the value as text, highlighted)."""
    label_w, value_w, row_h, top = width * 0.3, 80, 26, 6
    plot_w = width - label_w - value_w
    height = top * 2 + row_h * max(len(rows), 1)
    peak = maximum if maximum is not None else max((r[1] for r in rows), default=0) or 1
    shapes: list[Shape] = []
    for i, (label, value, text, highlight) in enumerate(rows):
        y = top + i * row_h
        shapes.append(Text(label_w - 8, y + 17, _clip(label, int((label_w - 12) / 7.5)), FONT, "end",
                           bold=highlight))
        shapes.append(Rect(label_w, y + 5, plot_w, row_h - 10, EMPTY))
        w = plot_w * max(value, 0) / peak
        if w > 0:
            shapes.append(Rect(label_w, y + 5, w, row_h - 10, ACCENT if highlight else BAR,
                               f"{label}: {text}"))
        shapes.append(Text(label_w + plot_w + 8, y + 17, text, FONT, "start", bold=highlight))
    if not rows:
        shapes.append(Text(width / 2, top + 17, "Nothing yet", FONT, "middle", MUTED))
    return Chart(width, height, title, summary, tuple(shapes),
                 Table(headers, tuple((label, text) for label, _v, text, _h in rows)))


def leaderboard(board: Board, width: float = 560) -> Chart:
    """A board's points as bars; the caller's row stands out."""
    rows = [(f"{r.rank}. {r.name}", float(r.points), f"{r.points} pts", r.is_caller)
            for r in board.rows]
    if board.caller is not None:
        c = board.caller
        rows.append((f"{c.rank}. {c.name}", float(c.points), f"{c.points} pts", True))
    leader = board.rows[0] if board.rows else None
    summary = (f"{leader.name} leads with {leader.points} points; {len(board.rows)} people shown."
               if leader else "Nobody has scored yet.")
    return hbars(f"Leaderboard ({board.label})", summary, rows, headers=("Person", "Points"),
                 width=width)


def teams(board: Board, width: float = 560) -> Chart:
    """A team competition's teams as bars of their scores (each the sum of its best members'
    points); the caller's team stands out."""
    rows = [(f"{t.rank}. {t.name}", float(t.points), f"{t.points} pts", t.is_callers)
            for t in board.teams]
    leader = board.teams[0] if board.teams and board.teams[0].points else None
    summary = (f"Team {leader.name} leads with {leader.points} points; the best {board.best} of "
               f"each team count." if leader else "No team has scored yet.")
    return hbars(f"Teams ({board.label})", summary, rows, headers=("Team", "Points"), width=width)


def standings(board: Board, width: float = 560) -> Chart:
    """The chart a board is best shown by: its teams where it has teams, else its people."""
    return teams(board, width) if board.teams else leaderboard(board, width)


def topic_accuracy(topics: Sequence[TopicAccuracy], title: str = "Accuracy per topic",
                   width: float = 560) -> Chart:
    """The share of right answers per topic, 0-100%."""
    tried = [t for t in topics if t.answered]
    rows = [(t.title, t.accuracy, f"{t.accuracy:.0%} of {t.answered}", False) for t in tried]
    weakest = min(tried, key=lambda t: (t.accuracy, -t.answered), default=None)
    summary = (f"Accuracy in {len(tried)} topics; the weakest is {weakest.title} at "
               f"{weakest.accuracy:.0%}." if weakest else "No answers yet.")
    return hbars(title, summary, rows, maximum=1.0, headers=("Topic", "Right"), width=width)


def calendar(days: Sequence[DayActivity], since: date, until: date, title: str = "Days answered",
             cell: float = 13, gap: float = 3) -> Chart:
    """A GitHub-style calendar: a column per week (Monday on top), darker for more answers."""
    start = since - timedelta(days=since.weekday())
    weeks = (until - start).days // 7 + 1
    left, top = 34, 22
    pitch = cell + gap
    width, height = left + weeks * pitch + 4, top + 7 * pitch + 4
    answers = {d.day: d for d in days}
    shapes: list[Shape] = [Text(0, top + i * pitch + cell - 2, name, FONT - 2, "start", MUTED)
                           for i, name in enumerate(WEEKDAYS) if name]
    month, labelled = None, -9
    for week in range(weeks):
        for weekday in range(7):
            day = start + timedelta(days=week * 7 + weekday)
            if day < since or day > until:
                continue
            if weekday == 0 and day.month != month:
                month = day.month
                if week - labelled >= 3:  # a month cut short at the start gets no label
                    labelled = week
                    shapes.append(Text(left + week * pitch, 12, f"{day:%b}", FONT - 2, "start",
                                       MUTED))
            found = answers.get(day)
            level = min(found.answers, len(HEAT) - 1) if found else 0
            tip = (f"{day:%a %d %b %Y}: {found.answers} answered, {found.correct} right"
                   if found else f"{day:%a %d %b %Y}: nothing")
            shapes.append(Rect(left + week * pitch, top + weekday * pitch, cell, cell,
                               HEAT[level], tip))
    active = sorted(d for d in answers if since <= d <= until)
    summary = (f"Answered on {len(active)} days between {since:%d %b %Y} and {until:%d %b %Y}"
               + (f", last on {active[-1]:%a %d %b}." if active else "."))
    rows = tuple((f"{d:%Y-%m-%d}", str(answers[d].answers), str(answers[d].correct))
                 for d in active)
    legend = tuple((colour, label) for colour, label in zip(HEAT, ("none", "1", "2", "3", "4+"),
                                                            strict=True))
    return Chart(width, height, title, summary, tuple(shapes),
                 Table(("Day", "Answered", "Right"), rows), legend)


def trend(title: str, weeks: Sequence[WeekAccuracy], width: float = 240,
          height: float = 64) -> Chart:
    """Weekly accuracy as a small line, 0-100%; weeks without answers leave a gap."""
    left, right, top, bottom = 4, 4, 6, 6
    plot_w, plot_h = width - left - right, height - top - bottom
    shapes: list[Shape] = [Line(((left, top + plot_h / 2), (left + plot_w, top + plot_h / 2)), GRID),
                           Line(((left, top + plot_h), (left + plot_w, top + plot_h)), GRID)]
    slot = plot_w / max(len(weeks) - 1, 1)
    run: list[tuple[float, float]] = []
    for i, week in enumerate(weeks):
        if week.accuracy is None:
            if run:
                shapes.append(Line(tuple(run), BAR, 2, dots=True))
            run = []
            continue
        run.append((left + i * slot, top + plot_h * (1 - week.accuracy)))
    if run:
        shapes.append(Line(tuple(run), BAR, 2, dots=True))
    measured = [w for w in weeks if w.accuracy is not None]
    summary = (f"{title}: weekly accuracy from {percent(measured[0].accuracy)} to "
               f"{percent(measured[-1].accuracy)} over {len(measured)} weeks with answers."
               if measured else f"{title}: no answers in these weeks.")
    rows = tuple((f"{w.week:%Y-%m-%d}", str(w.answers), percent(w.accuracy)) for w in weeks)
    return Chart(width, height, title, summary, tuple(shapes),
                 Table(("Week of", "Answers", "Right"), rows))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
