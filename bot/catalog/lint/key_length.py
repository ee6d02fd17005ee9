"""The key gives itself away by being much the longest choice."""

from __future__ import annotations

from collections.abc import Iterator

from bot.catalog.source import Problem, SourceFile

# Both conditions must hold. Length alone is no tell: a key is the longest choice by chance in a
# third of three-choice questions, and "ls" vs "lsof" differ by half but nobody notices. A choice
# half again as long as every other one, and at least 15 characters (two or three words) longer,
# stands out on a row of buttons and is what a test-wise reader picks without knowing the answer.
RATIO = 1.5
MIN_EXTRA = 15


def longest_key(files: list[SourceFile]) -> Iterator[Problem]:
    for source in files:
        for index, question in source.questions():
            key = question.correct_index
            length = len(question.choices[key].text)
            others = max(len(c.text) for i, c in enumerate(question.choices) if i != key)
            if length > RATIO * others and length - others >= MIN_EXTRA:
                yield source.warning(
                    ("questions", index, "choices", key, "text"),
                    f"{question.id}: the key is by far the longest choice ({length} characters, "
                    f"the next longest {others}); a reader can pick it without knowing why",
                )
