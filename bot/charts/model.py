"""The shapes a chart is made of, in user units (the SVG viewBox; PNG pixels at scale 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Anchor = Literal["start", "middle", "end"]

INK = "#1f2933"  # text
MUTED = "#52606d"  # axes labels: 7:1 on white
GRID = "#d9e2ec"
BAR = "#2f6fb0"  # answers
ACCENT = "#c2410c"  # people, the caller
GOOD = "#2f855a"
EMPTY = "#eef2f6"
HEAT = ("#eef2f6", "#b7d7f0", "#6aa8dc", "#2f6fb0", "#1a4a7a")  # 0, then four levels


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    tip: str = ""  # a tooltip (SVG <title>)


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float = 12
    anchor: Anchor = "start"
    fill: str = INK
    bold: bool = False


@dataclass(frozen=True)
class Line:
    points: tuple[tuple[float, float], ...]
    stroke: str = GRID
    width: float = 1
    dots: bool = False


Shape = Rect | Text | Line


@dataclass(frozen=True)
class Table:
    """The chart's figures as text: a caption, column headers and rows."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    title: str
    summary: str  # one sentence saying what the chart shows, for its accessible description
    shapes: tuple[Shape, ...]
    table: Table
    legend: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (colour, label)
