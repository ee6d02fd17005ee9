"""A chart as inline SVG: scalable, printable, with its accessible name and description."""

from __future__ import annotations

from html import escape
from itertools import count

from bot.charts.model import Chart, Line, Rect, Text

_ids = count(1)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def render(chart: Chart, id_prefix: str | None = None) -> str:
    """`<svg role="img">` titled and described by the chart's own words; the same geometry as
    the PNG. Ids are unique per call so that several charts can share a page."""
    prefix = id_prefix or f"chart{next(_ids)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(chart.width)} '
        f'{_n(chart.height)}" width="{_n(chart.width)}" height="{_n(chart.height)}" role="img" '
        f'aria-labelledby="{prefix}-t {prefix}-d" class="chart" '
        f'preserveAspectRatio="xMinYMin meet">',
        f'<title id="{prefix}-t">{escape(chart.title)}</title>',
        f'<desc id="{prefix}-d">{escape(chart.summary)}</desc>',
    ]
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            tip = f"<title>{escape(shape.tip)}</title>" if shape.tip else ""
            parts.append(f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.width)}" '
                         f'height="{_n(shape.height)}" fill="{shape.fill}" rx="2">{tip}</rect>')
        elif isinstance(shape, Line):
            points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{shape.stroke}" '
                         f'stroke-width="{_n(shape.width)}" stroke-linejoin="round"/>')
            if shape.dots:
                parts += [f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.5" fill="{shape.stroke}"/>'
                          for x, y in shape.points]
        elif isinstance(shape, Text):
            weight = ' font-weight="700"' if shape.bold else ""
            parts.append(f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size)}" '
                         f'text-anchor="{shape.anchor}" fill="{shape.fill}"{weight}>'
                         f'{escape(shape.text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
