"""Review warnings: what a reviewer would flag in valid content. They never stop the bot.

Each check takes the parsed files and yields `Problem`s of severity "warning" at file:line.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.catalog.lint.duplicates import duplicates
from bot.catalog.lint.key_length import longest_key
from bot.catalog.lint.key_position import skewed_positions
from bot.catalog.lint.see_also_cycles import see_also_cycles
from bot.catalog.model import Question, Topic, TopicFile
from bot.catalog.source import Problem, SourceFile
from bot.catalog.yaml_lines import LinedDocument

CHECKS = (longest_key, skewed_positions, duplicates, see_also_cycles)


def lint(files: list[SourceFile]) -> list[Problem]:
    return [problem for check in CHECKS for problem in check(files)]


def lint_beside(files: list[SourceFile], bank: Iterable[Question]) -> list[Problem]:
    """The warnings of `files` about to join a bank: the bank's questions count as written before
    them, so a question that repeats one of the bank is reported; only `files`' warnings return."""
    questions = tuple(bank)
    if not questions:
        return lint(files)
    # Already valid, so built without validating again; the empty path marks it (duplicates).
    earlier = SourceFile("", LinedDocument(None), TopicFile.model_construct(
        topic=Topic.model_construct(slug="bank", title="bank", aliases=(), description=""),
        entries=(), questions=questions), {"entries": [], "questions": list(range(len(questions)))})
    return [p for p in lint([earlier, *files]) if p.file]
