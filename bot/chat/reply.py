"""A reply as every platform can show it: a title, Markdown, the choices of a question, buttons,
small print. Adapters render it into Block Kit, embeds and views, or plain text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from bot.charts.model import Chart
from bot.chat.forms import Form
from bot.chat.interactions import ButtonId

Tone = Literal["info", "question", "success", "failure", "error"]
Style = Literal["primary", "secondary", "success", "danger"]


@dataclass(frozen=True)
class Button:
    label: str
    id: ButtonId
    style: Style = "secondary"
    disabled: bool = False


@dataclass(frozen=True)
class Reply:
    """What the bot says.

    `title` is plain text (a notification, an embed title, a heading); `subtitle` is Markdown shown
    beside it; `lead`, `body` and `context` lines are Markdown; `choices` are a question's lettered
    choices. `lead` is what is said in front of a body that many replies share (a verdict's points
    before the question's explanation), kept apart so the body is rendered once for all of them.
    A reply to a click is a new private message, unless `replaces` (it becomes the message that was
    clicked) or it is public (`ephemeral=False`: posted in the channel).
    """

    title: str = ""
    subtitle: str = ""
    lead: str = ""
    body: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    buttons: tuple[Button, ...] = ()
    context: tuple[str, ...] = ()
    ephemeral: bool = True
    replaces: bool = False
    tone: Tone = "info"
    notification: str = ""  # plain text for notifications and screen readers; default: the heading
    # A picture of the same figures, where the platform shows pictures (Discord); the text stays
    # the reply, for screen readers and every other platform.
    chart: Chart | None = None
    # A form to open instead of a message (Slack views.open, a Discord modal, prompts in the
    # terminal). On a refused submission: the form as typed, with `field_errors` (name, why).
    form: Form | None = None
    field_errors: tuple[tuple[str, str], ...] = ()

    def public(self) -> Reply:
        return replace(self, ephemeral=False)

    def replacing(self) -> Reply:
        return replace(self, replaces=True)

    def prefixed(self, markdown: str) -> Reply:
        """The same reply with a paragraph in front of its body."""
        return replace(self, lead="\n\n".join(p for p in (markdown.strip(), self.lead) if p))

    def text(self, render: Callable[[str], str]) -> str:
        """Lead and body in a platform's flavour of Markdown (`render`, one of bot.chat.markdown's
        `to_*`, which remember what they rendered)."""
        return "\n".join(part for part in (render(self.lead), render(self.body)) if part)
