"""Review warnings: what a reviewer would flag in valid content. They never stop the bot.

Each check takes the parsed files and yields `Problem`s of severity "warning" at file:line.
"""

from __future__ import annotations

from bot.catalog.lint.duplicates import duplicates
from bot.catalog.lint.key_length import longest_key
from bot.catalog.lint.key_position import skewed_positions
from bot.catalog.lint.see_also_cycles import see_also_cycles
from bot.catalog.source import Problem, SourceFile

CHECKS = (longest_key, skewed_positions, duplicates, see_also_cycles)


def lint(files: list[SourceFile]) -> list[Problem]:
    return [problem for check in CHECKS for problem in check(files)]
