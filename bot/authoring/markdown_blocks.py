"""Read a Markdown cheat sheet into blocks: headings, tables, fenced code, rules and prose.

Only the Markdown that cheat sheets use is understood; anything else is kept as prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```+|~~~+)\s*([\w+-]*)")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_TABLE_DIVIDER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Fence:
    language: str
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Rule:
    """A horizontal rule: cheat sheets use it to close a section."""


@dataclass(frozen=True)
class Prose:
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


Block = Heading | Table | Fence | Rule | Prose


def unwrap(text: str) -> list[str]:
    """The lines of text, without the ```markdown fence that pasted sheets often come wrapped in."""
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return []
    if re.fullmatch(r"\s*(```+|~~~+)\s*(markdown|md)\s*", lines[first], re.IGNORECASE):
        lines = lines[first + 1 :]
        fences = sum(1 for line in lines if _FENCE.match(line))
        last = next((i for i in range(len(lines) - 1, -1, -1) if lines[i].strip()), None)
        # The closing fence, when there is one, is the unpaired fence on the last line.
        if last is not None and fences % 2 == 1 and re.fullmatch(r"\s*(```+|~~~+)\s*", lines[last]):
            lines = lines[:last]
    return lines


def blocks(text: str) -> Iterator[Block]:
    lines = unwrap(text)
    i = 0
    prose: list[str] = []

    def flush() -> Iterator[Block]:
        if any(line.strip() for line in prose):
            yield Prose(_trim_blank(prose))
        prose.clear()

    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            yield from flush()
            marker = fence.group(1)
            body: list[str] = []
            i += 1
            closing = re.compile(rf"\s*{re.escape(marker[0])}{{{len(marker)},}}\s*")
            while i < len(lines) and not closing.fullmatch(lines[i]):
                body.append(lines[i].rstrip())
                i += 1
            i += 1  # the closing fence (or the end of the file)
            yield Fence(fence.group(2).lower(), _trim_blank(body))
            continue
        heading = _HEADING.match(line)
        if heading:
            yield from flush()
            yield Heading(len(heading.group(1)), heading.group(2))
        elif _RULE.match(line):
            yield from flush()
            yield Rule()
        elif line.lstrip().startswith("|"):
            yield from flush()
            rows: list[str] = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(lines[i])
                i += 1
            yield _table(rows)
            continue
        else:
            prose.append(line.rstrip())
        i += 1
    yield from flush()


def cells(row: str) -> list[str]:
    """The cells of a table row; a `|` in backticks or escaped (`\\|`) is text, not a border."""
    found: list[str] = []
    current: list[str] = []
    in_code = False
    i = 0
    row = row.strip()
    while i < len(row):
        char = row[i]
        if char == "\\" and i + 1 < len(row) and row[i + 1] == "|":
            current.append("|")
            i += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            found.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    found.append("".join(current))
    if row.startswith("|"):
        found = found[1:]
    if row.endswith("|") and found and not found[-1].strip():
        found = found[:-1]
    return [cell.strip() for cell in found]


def _table(rows: list[str]) -> Table:
    parsed = [cells(row) for row in rows if not _TABLE_DIVIDER.match(row)]
    if not parsed:
        return Table([], [])
    return Table(parsed[0], [row for row in parsed[1:] if any(row)])


def _trim_blank(lines: list[str]) -> list[str]:
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]
