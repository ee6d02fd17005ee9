"""The content model: what a topic file may contain, with the limits both chat platforms impose."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Limits that keep every item renderable on both platforms:
# Slack: section text 3,000 chars, button text 75; Discord: button label 80,
# autocomplete choice name 100, embed description 4,096.
CHOICE_MAX = 75
TITLE_MAX = 100
PROMPT_MAX = 1000
EXPLANATION_MAX = 1500
BODY_MAX = 3000
KEYWORD_MAX = 60

SLUG_PATTERN = r"^[a-z][a-z0-9-]{0,31}$"
ID_PATTERN = r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Topic(_Strict):
    slug: str = Field(pattern=SLUG_PATTERN)
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    aliases: tuple[str, ...] = ()
    description: str = Field(default="", max_length=TITLE_MAX)

    @field_validator("aliases")
    @classmethod
    def _aliases_are_slugs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        import re

        for alias in value:
            if not re.fullmatch(SLUG_PATTERN, alias):
                raise ValueError(f"alias {alias!r} must be a lower-case slug")
        return value


class Entry(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=TITLE_MAX)
    keywords: tuple[str, ...] = ()
    body: str = Field(min_length=1, max_length=BODY_MAX)
    see_also: tuple[str, ...] = ()

    @field_validator("keywords")
    @classmethod
    def _keywords_short(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for word in value:
            if not word.strip() or len(word) > KEYWORD_MAX:
                raise ValueError(f"keyword {word!r} must be 1 to {KEYWORD_MAX} characters")
        return value


class Choice(_Strict):
    text: str = Field(min_length=1, max_length=CHOICE_MAX)
    correct: bool = False


class Question(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    prompt: str = Field(min_length=1, max_length=PROMPT_MAX)
    choices: tuple[Choice, ...] = Field(min_length=2, max_length=5)
    explanation: str = Field(min_length=1, max_length=EXPLANATION_MAX)
    difficulty: int = Field(default=2, ge=1, le=3)
    entry: str | None = None
    # Out of rotation for good (replaced in review); kept so past posts and answers still show.
    retired: bool = False

    @model_validator(mode="after")
    def _exactly_one_correct(self) -> Question:
        n = sum(c.correct for c in self.choices)
        if n == 0:
            raise ValueError("no choice is marked correct: true")
        if n > 1:
            raise ValueError(f"{n} choices are marked correct: true; exactly one must be")
        texts = [c.text.casefold() for c in self.choices]
        if len(set(texts)) != len(texts):
            raise ValueError("two choices have the same text")
        return self

    @property
    def correct_index(self) -> int:
        return next(i for i, c in enumerate(self.choices) if c.correct)


class TopicFile(_Strict):
    """One file under content/: a topic with its entries and questions."""

    topic: Topic
    entries: tuple[Entry, ...] = ()
    questions: tuple[Question, ...] = ()
