"""Jinja2 templates of the dashboard, autoescaped, with the filters the pages use."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bot.charts import svg
from bot.charts.model import Chart

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _number(value: int | float) -> str:
    return f"{value:,}"


def _day(value: date | datetime | None, style: str = "%a %d %b %Y") -> str:
    return "–" if value is None else value.strftime(style)


def _chart(chart: Chart, prefix: str) -> Markup:
    # Our own SVG writer escapes every text it writes; the markup is safe to embed as is.
    return Markup(svg.render(chart, prefix))


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(percent=_percent, number=_number, day=_day)
    env.globals["chart"] = _chart
    return env


def render(env: Environment, name: str, **context: Any) -> str:
    return env.get_template(name).render(**context)
