"""A content file as read, with where each item sits in it, and what is wrong with it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from bot.catalog.model import Entry, Question, TopicFile
from bot.catalog.yaml_lines import LinedDocument, Path

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding at `file:line`. Errors make the content invalid; warnings only advise."""

    file: str
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        marker = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {marker}{self.message}"


@dataclass(frozen=True)
class SourceFile:
    """A file that parsed, its items that validated, and each item's index in the file (invalid
    siblings were dropped, so an item's position in `content` is not its index in the file)."""

    path: str
    doc: LinedDocument
    content: TopicFile
    positions: dict[str, list[int]]

    @property
    def slug(self) -> str:
        return self.content.topic.slug

    def questions(self) -> Iterator[tuple[int, Question]]:
        """Each valid question with its index in the file's `questions:` list."""
        return zip(self.positions["questions"], self.content.questions, strict=True)

    def entries(self) -> Iterator[tuple[int, Entry]]:
        return zip(self.positions["entries"], self.content.entries, strict=True)

    def line(self, path: Path) -> int:
        return self.doc.line_of(path)

    def warning(self, path: Path, message: str) -> Problem:
        return Problem(self.path, self.line(path), message, "warning")
