"""Charts: the same shapes as SVG (dashboard) and PNG (chat), with their words for screen readers."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from PIL import Image

from bot.charts import build, png, svg
from bot.charts.model import ACCENT, BAR, HEAT
from bot.service.views import (
    Board,
    BoardRow,
    DayActivity,
    TeamMember,
    TeamRow,
    TopicAccuracy,
    UserStats,
)

SVG = "{http://www.w3.org/2000/svg}"


def board() -> Board:
    rows = tuple(BoardRow(i, name, pts, 1, 1, is_caller=name == "bea")
                 for i, (name, pts) in enumerate([("ada", 90), ("bea", 45), ("cid", 30)], start=1))
    return Board("week", "This week", rows)


def colours(data: bytes) -> set[str]:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    return {"#{:02x}{:02x}{:02x}".format(*c) for _n, c in image.getcolors(1_000_000)}


def test_leaderboard_png_is_a_picture_of_the_board() -> None:
    data = png.render(build.leaderboard(board()), scale=1)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    chart = build.leaderboard(board())
    assert image.size == (int(chart.width) + 24, int(chart.height) + 24 + 24)
    # Bars of the others in blue, the caller's in orange.
    assert {BAR, ACCENT} <= colours(data)


def test_bars_are_proportional_to_points() -> None:
    chart = build.leaderboard(board())
    bars = [s for s in chart.shapes if getattr(s, "tip", "")]
    widths = {s.tip.split(":")[0]: s.width for s in bars}
    assert widths["1. ada"] == 2 * widths["2. bea"] == 3 * widths["3. cid"]
    assert [s.fill for s in bars] == [BAR, ACCENT, BAR]


def test_a_team_competition_is_charted_by_its_teams_with_the_callers_team_marked() -> None:
    teams = (TeamRow(1, "sre", 60, 2, (TeamMember("ada", 40), TeamMember("cid", 20))),
             TeamRow(2, "platform", 45, 2, (TeamMember("bea", 45),), is_callers=True),
             TeamRow(3, "data", 0, 0, ()))
    with_teams = Board("c1", "Competition cup", board().rows, teams=teams, best=2)
    chart = build.standings(with_teams)
    assert chart.title == "Teams (Competition cup)"
    assert chart.summary == "Team sre leads with 60 points; the best 2 of each team count."
    assert chart.table.rows == (("1. sre", "60 pts"), ("2. platform", "45 pts"),
                                ("3. data", "0 pts"))
    bars = [s for s in chart.shapes if getattr(s, "tip", "")]
    assert [(s.tip, s.fill) for s in bars] == [("1. sre: 60 pts", BAR),
                                               ("2. platform: 45 pts", ACCENT)]
    assert bars[0].width == pytest.approx(60 / 45 * bars[1].width)
    # A board without teams is charted by its people; nobody scored yet is said so.
    assert build.standings(board()).title == "Leaderboard (This week)"
    idle = Board("c1", "Competition cup", (), teams=(TeamRow(1, "sre", 0, 0, ()),), best=5)
    assert build.standings(idle).summary == "No team has scored yet."


def test_streak_png_shows_topics_and_no_topics_still_renders() -> None:
    stats = UserStats("bea", 10, 4, 3, 2, 2, 0, (TopicAccuracy("k8s", "Kubernetes", 4, 3),))
    assert png.render(build.topic_accuracy(stats.topics))[:4] == b"\x89PNG"
    empty = UserStats("zed", 0, 0, 0, 0, 0, 0)
    assert png.render(build.topic_accuracy(empty.topics))[:4] == b"\x89PNG"
    assert "No answers yet" in build.topic_accuracy(empty.topics).summary


def test_svg_has_accessible_name_description_and_one_bar_per_day() -> None:
    start = date(2026, 9, 1)
    days = [DayActivity(start + timedelta(days=n), n % 3, n % 2, min(n % 3, 1)) for n in range(30)]
    chart = build.participation(days)
    root = ET.fromstring(svg.render(chart, "p"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "p-t p-d"
    assert root.find(f"{SVG}title").text == "Participation per day"
    assert "answers from 01 Sep to 30 Sep 2026" in root.find(f"{SVG}desc").text
    assert len(root.findall(f"{SVG}rect")) == sum(1 for d in days if d.answers)
    assert len(chart.table.rows) == sum(1 for d in days if d.answers)


def test_calendar_cells_cover_the_window_and_darken_with_answers() -> None:
    since, until = date(2026, 6, 1), date(2026, 11, 30)
    days = [DayActivity(date(2026, 11, 2), 1, 1, 1), DayActivity(date(2026, 11, 3), 9, 5, 1)]
    chart = build.calendar(days, since, until)
    cells = [s for s in chart.shapes if getattr(s, "tip", "")]
    assert len(cells) == (until - since).days + 1
    fills = {s.tip.split(":")[0]: s.fill for s in cells}
    assert fills["Mon 02 Nov 2026"] == HEAT[1]
    assert fills["Tue 03 Nov 2026"] == HEAT[-1]
    assert fills["Wed 04 Nov 2026"] == HEAT[0]
    assert chart.table.rows == (("2026-11-02", "1", "1"), ("2026-11-03", "9", "5"))


def test_user_text_is_escaped_in_svg() -> None:
    rows = (BoardRow(1, "<script>x</script>", 5, 1, 1),)
    out = svg.render(build.leaderboard(Board("all", "All time", rows)))
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
