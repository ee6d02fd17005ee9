"""The same question twice: equal prompts, equal choices with the same key, or prompts that
differ by a few words."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.catalog.model import Question
from bot.catalog.source import Problem, SourceFile

# fuzz.ratio (normalised Indel similarity, 0-100) of two normalised prompts. On the bank as of
# December 2026 the one true pair of reworded duplicates scores 82, while unrelated prompts of
# the same shape ("Which statement about X is true?") reach 66; 80 keeps the warning for prompts
# that share nearly every word. Duplicates reworded more freely need a reviewer's eyes.
NEAR = 80
# A short prompt is mostly template and one word decides it ("What does terraform plan do?" vs
# "... apply do?" score 87): only scenarios long enough to share more than a template are compared.
NEAR_MIN_LENGTH = 60


@dataclass(frozen=True)
class _Item:
    source: SourceFile
    index: int
    question: Question

    @property
    def where(self) -> str:
        if not self.source.path:  # a question already in the bank (lint_beside): its id says it
            return self.question.id
        return f"{self.question.id} ({self.source.path}:{self.source.line(('questions', self.index))})"


def normalised(text: str) -> str:
    """Case, punctuation and runs of whitespace do not make two texts different."""
    return " ".join(utils.default_process(text).split())


def duplicates(files: list[SourceFile]) -> Iterator[Problem]:
    items = [_Item(source, index, q) for source in files for index, q in source.questions()]
    prompts = [normalised(item.question.prompt) for item in items]
    yield from _same_prompts(items, prompts)
    yield from _same_choices(items)
    yield from _near_prompts(items, prompts)


def _same_prompts(items: list[_Item], prompts: list[str]) -> Iterator[Problem]:
    first: dict[str, _Item] = {}
    for item, prompt in zip(items, prompts, strict=True):
        if prompt in first:
            yield item.source.warning(("questions", item.index, "prompt"),
                                      f"{item.question.id}: same prompt as {first[prompt].where}")
        else:
            first[prompt] = item


def _same_choices(items: list[_Item]) -> Iterator[Problem]:
    # The same choices with another key are a family ("which of these tools does X?" asked of
    # each tool), not a duplicate: only the same set with the same key is reported.
    first: dict[tuple[frozenset[str], str], _Item] = {}
    for item in items:
        question = item.question
        choices = (frozenset(normalised(c.text) for c in question.choices),
                   normalised(question.choices[question.correct_index].text))
        if choices in first:
            yield item.source.warning(
                ("questions", item.index, "choices"),
                f"{question.id}: same choices and key as {first[choices].where}",
            )
        else:
            first[choices] = item


def _near_prompts(items: list[_Item], prompts: list[str]) -> Iterator[Problem]:
    # Short prompts are left out by blanking them: an empty string matches nothing.
    long_enough = [p if len(p) >= NEAR_MIN_LENGTH else "" for p in prompts]
    for later in range(1, len(items)):
        if not long_enough[later]:
            continue
        # Each pair once, reported at the later question; equal prompts were reported above.
        matches = process.extract(long_enough[later], long_enough[:later], scorer=fuzz.ratio,
                                  score_cutoff=NEAR, limit=None)
        for _, score, earlier in sorted(matches, key=lambda m: m[2]):
            if prompts[earlier] == prompts[later]:
                continue
            item = items[later]
            yield item.source.warning(
                ("questions", item.index, "prompt"),
                f"{item.question.id}: prompt {score:.0f}% like that of {items[earlier].where}",
            )
