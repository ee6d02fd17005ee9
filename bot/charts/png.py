"""A chart as PNG bytes, painted with Pillow from the same shapes as the SVG (for chat)."""

from __future__ import annotations

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from bot.charts.model import Chart, Line, Rect, Text

MARGIN = 12
TITLE = 16


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled scalable font: no system font needed, the same picture everywhere.
    return ImageFont.load_default(size=size)


def render(chart: Chart, scale: int = 2) -> bytes:
    """The chart with its title above it, on white, `scale` pixels per unit; PNG bytes."""
    width = int((chart.width + 2 * MARGIN) * scale)
    height = int((chart.height + 2 * MARGIN + TITLE + 8) * scale)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN * scale, MARGIN * scale), chart.title, fill="#1f2933",
              font=_font(TITLE * scale, True))
    dx, dy = MARGIN, MARGIN + TITLE + 8

    def at(x: float, y: float) -> tuple[float, float]:
        return ((x + dx) * scale, (y + dy) * scale)

    for shape in chart.shapes:
        if isinstance(shape, Rect):
            x0, y0 = at(shape.x, shape.y)
            x1, y1 = at(shape.x + shape.width, shape.y + shape.height)
            if x1 - x0 >= 1 and y1 - y0 >= 1:
                draw.rounded_rectangle((x0, y0, x1, y1), radius=2 * scale, fill=shape.fill)
        elif isinstance(shape, Line):
            points = [at(x, y) for x, y in shape.points]
            if len(points) > 1:
                draw.line(points, fill=shape.stroke, width=max(1, int(shape.width * scale)),
                          joint="curve")
            if shape.dots:
                r = 2.5 * scale
                for x, y in points:
                    draw.ellipse((x - r, y - r, x + r, y + r), fill=shape.stroke)
        elif isinstance(shape, Text):
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[shape.anchor]
            draw.text(at(shape.x, shape.y), shape.text, fill=shape.fill, anchor=anchor,
                      font=_font(int(shape.size * scale), shape.bold))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()

