"""Button ids: what a click means, encoded so that it fits every platform and survives restarts.

An id is a `name` (Slack's `action_id`, unique within a message) and an optional `payload` (Slack's
`value`). Discord has one `custom_id`, `name:payload`, of at most 100 characters; Slack allows 255 for
each part. Nothing is kept in memory: the id alone says which post, choice or entry was clicked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, cast

PREFIX = "studybot."
MAX_ID = 100  # Discord's custom_id limit; Slack's action_id allows 255

_ANSWER = re.compile(r"studybot\.answer\.(?P<post>[1-9][0-9]{0,17})\.(?P<choice>[0-9])")
_PRACTICE = re.compile(r"studybot\.practice\.(?P<choice>[0-9])(?:\.(?P<filter>[a-z0-9-]{1,40}))?")
_NEXT = re.compile(r"studybot\.practice-next(?:\.(?P<filter>[a-z0-9-]{1,40}))?")
_SHARE = "studybot.share"
_REVIEW = re.compile(r"studybot\.review\.(?P<verdict>approve|edit|reject|next)")
_FORM = "studybot.form.question"
_DRAFT = "studybot.form-again"
_DRAFT_ID = re.compile(r"[1-9][0-9]{0,17}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")


@dataclass(frozen=True)
class Answer:
    """A click on a choice of a posted question."""

    post_id: int
    choice: int


@dataclass(frozen=True)
class Practise:
    """A click on a choice of a private practice question; `topic` is what the user asked for."""

    question_id: str
    choice: int
    topic: str | None


@dataclass(frozen=True)
class NextPractice:
    topic: str | None


@dataclass(frozen=True)
class Share:
    entry_id: str


# -- the team's own questions: review buttons, forms, a refused form reopened ----------------

Verdict = Literal["approve", "edit", "reject", "next"]


@dataclass(frozen=True)
class Review:
    """A click on a proposed question under review: approve, edit or reject it, or skip it."""

    verdict: Verdict
    question_id: str


@dataclass(frozen=True)
class QuestionForm:
    """The question form: a new question (`question_id` None), or an edit of a proposed one.
    Its id is the form's (Slack's callback_id, Discord's modal custom_id)."""

    question_id: str | None = None


@dataclass(frozen=True)
class ReopenDraft:
    """Open again a form that was refused, filled in as it was typed (Discord: its modals cannot
    show errors)."""

    draft_id: int


Action = Answer | Practise | NextPractice | Share | Review | QuestionForm | ReopenDraft


@dataclass(frozen=True)
class ButtonId:
    name: str
    payload: str = ""

    @property
    def custom_id(self) -> str:
        """The one-string form (Discord's custom_id)."""
        return f"{self.name}:{self.payload}" if self.payload else self.name


def encode(action: Action) -> ButtonId:
    match action:
        case Answer(post_id=post, choice=choice):
            button = ButtonId(f"{PREFIX}answer.{post}.{choice}")
        case Practise(question_id=question, choice=choice, topic=topic):
            button = ButtonId(f"{PREFIX}practice.{choice}" + (f".{topic}" if topic else ""), question)
        case NextPractice(topic=topic):
            button = ButtonId(f"{PREFIX}practice-next" + (f".{topic}" if topic else ""))
        case Share(entry_id=entry):
            button = ButtonId(_SHARE, entry)
        case Review(verdict=verdict, question_id=question):
            button = ButtonId(f"{PREFIX}review.{verdict}", question)
        case QuestionForm(question_id=question):
            button = ButtonId(_FORM, question or "")
        case ReopenDraft(draft_id=draft):
            button = ButtonId(_DRAFT, str(draft))
    if len(button.custom_id) > MAX_ID:
        raise ValueError(f"button id longer than {MAX_ID} characters: {button.custom_id!r}")
    return button


def decode(name: str, payload: str = "") -> Action | None:
    """The action behind a clicked id; None for anything we did not make (or that was forged)."""
    if len(name) > MAX_ID or len(payload) > MAX_ID:
        return None
    if match := _ANSWER.fullmatch(name):
        return Answer(int(match["post"]), int(match["choice"]))
    if (match := _PRACTICE.fullmatch(name)) and _ID.fullmatch(payload):
        return Practise(payload, int(match["choice"]), match["filter"])
    if match := _NEXT.fullmatch(name):
        return NextPractice(match["filter"])
    if name == _SHARE and _ID.fullmatch(payload):
        return Share(payload)
    if (match := _REVIEW.fullmatch(name)) and _ID.fullmatch(payload):
        return Review(cast(Verdict, match["verdict"]), payload)
    if name == _FORM and (not payload or _ID.fullmatch(payload)):
        return QuestionForm(payload or None)
    if name == _DRAFT and _DRAFT_ID.fullmatch(payload):
        return ReopenDraft(int(payload))
    return None


def decode_custom_id(custom_id: str) -> Action | None:
    name, _, payload = custom_id.partition(":")
    return decode(name, payload)
