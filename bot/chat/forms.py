"""A form as every platform can show it: a title, fields with labels, hints and limits, a submit
button. Adapters render it as a Slack modal (`views.open`), a Discord modal, or prompts in the
terminal; what people type comes back to `Router.submit` by field name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.chat.interactions import ButtonId

# What both platforms take (Slack modal titles: 24 characters; Discord modal titles: 45; Discord
# labels 45, placeholders 100, five fields at most).
TITLE_MAX = 24
LABEL_MAX = 45
HINT_MAX = 100
FIELDS_MAX = 5


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    hint: str = ""  # what to type, shown in the empty field
    required: bool = True
    max_length: int = 4000
    multiline: bool = False
    value: str = ""  # filled in (an edit, or a refused form shown again)


@dataclass(frozen=True)
class Form:
    id: ButtonId  # what the form is (bot/chat/interactions.py); comes back with the submission
    title: str
    fields: tuple[Field, ...]
    submit: str = "Submit"
    intro: str = ""  # Markdown shown above the fields where the platform can (Slack, terminal)

    def __post_init__(self) -> None:
        if len(self.title) > TITLE_MAX or len(self.submit) > TITLE_MAX:
            raise ValueError(f"form title and submit label: at most {TITLE_MAX} characters")
        if not 0 < len(self.fields) <= FIELDS_MAX:
            raise ValueError(f"a form has 1 to {FIELDS_MAX} fields")
        for one in self.fields:
            if len(one.label) > LABEL_MAX or len(one.hint) > HINT_MAX:
                raise ValueError(f"field {one.name!r}: label or hint too long")

    def filled(self, values: Mapping[str, str]) -> Form:
        """The same form with these values in its fields (others kept)."""
        return replace(self, fields=tuple(replace(f, value=values.get(f.name, f.value))
                                          for f in self.fields))
