"""Reads lines, hands them to the router, prints replies. Acts as one study channel, `terminal`."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TextIO

from bot import errors
from bot.chat import replies
from bot.chat.context import Context
from bot.chat.forms import Field, Form
from bot.chat.reply import Button, Reply
from bot.chat.router import Router
from bot.platforms.shell.render import pressable, render
from bot.service.views import (
    Actor,
    Board,
    ChannelRef,
    CompetitionView,
    PostResult,
    QuestionCard,
)

PLATFORM = "shell"
CHANNEL = ChannelRef(PLATFORM, "local", "terminal", "terminal", "Terminal")


class ShellHooks:
    """The terminal is the operator's own machine: its user administers its one channel."""

    def __init__(self, say: Callable[[str], None] = print) -> None:
        self.say = say

    async def is_admin(self, actor: Actor) -> bool:
        return True

    def looks_like_channel(self, word: str) -> bool:
        return word.startswith("#")

    async def find_channel(self, here: ChannelRef, text: str) -> ChannelRef | None:
        return here if text.lstrip("#") == here.channel_name else None

    async def find_user(self, actor: Actor, text: str) -> Actor | None:
        name = text.strip().lstrip("@")
        return Actor(PLATFORM, actor.workspace_id, name, "") if name else None

    async def tell(self, person: Actor, reply: Reply) -> bool:
        # One screen for everyone: a private word is shown, addressed.
        self.say(f"(for {person.display_name or person.user_id}) {render(reply)}")
        return True

    def parse_group(self, word: str) -> tuple[str, str] | None:
        return None  # no groups here: teams in the terminal are names people join

    async def groups_of(self, actor: Actor, candidates: set[str]) -> set[str]:
        return set()


class ShellAdapter:
    """The terminal: a conversation on stdin/stdout, and the publisher of its channel's posts."""

    rate_per_second = 1000.0

    def __init__(self, user: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
        self.user = user
        self.stdin = stdin
        self.stdout = stdout
        self.hooks = ShellHooks(self.say)
        # A /quiz question waiting for its letter; letters go to it before the channel's post.
        self.practising: Reply | None = None
        # The other buttons of the last reply (Approve, Share, ...): a typed number presses one.
        self.pressable: tuple[Button, ...] = ()

    @property
    def context(self) -> Context:
        actor = Actor(PLATFORM, CHANNEL.workspace_id, self.user, self.user, is_admin=True)
        return Context(actor, CHANNEL, self.hooks, shared_screen=True)

    def say(self, reply: Reply | str) -> None:
        text = reply if isinstance(reply, str) else render(reply)
        if text:
            print(text, file=self.stdout, flush=True)

    # -- the publisher: scheduled questions and results are printed ----------------------
    async def send_question(self, card: QuestionCard) -> str:
        self.say(replies.question(card))
        return f"terminal:{card.post_id}"

    async def find_sent(self, card: QuestionCard) -> str | None:
        return None

    async def show_result(self, result: PostResult) -> None:
        self.say(replies.closed(result))

    async def show_final_board(self, competition: CompetitionView, board: Board) -> None:
        self.say(replies.final_board(competition, board))

    async def show_tally(self, card: QuestionCard, answered: int) -> None:
        pass  # a terminal cannot edit what it printed; the result shows the counts

    # -- the conversation ----------------------------------------------------------------
    async def run(self, router: Router) -> None:
        interactive = self.stdin.isatty()
        self.say(f"studybot terminal: you are {self.user}. Type /help for commands, /quit to leave.")
        while True:
            if interactive:
                print("> ", end="", file=self.stdout, flush=True)
            line = await self._read()
            if line is None:
                return
            line = line.strip()
            if line in ("/quit", "/exit"):
                return
            if line:
                self.say(await self.handle(router, line))

    async def _read(self) -> str | None:
        """The next line typed (without its end), None at the end of the input."""
        line = await asyncio.get_running_loop().run_in_executor(None, self.stdin.readline)
        return line.rstrip("\n") if line else None

    async def handle(self, router: Router, line: str) -> Reply | str:
        if line.isdigit() and self.pressable:
            return await self._press(router, int(line))
        if not line.startswith("/"):
            return await self._letter(router, line)
        name, _, rest = line[1:].partition(" ")
        if name.lower() == "as":
            return self._switch_user(rest.strip())
        return await self._follow(router, await router.text(self.context, name, rest.strip()))

    async def _follow(self, router: Router, reply: Reply) -> Reply | str:
        """What a reply leads to here: its buttons wait for a letter or a number; a form is
        filled in, field by field."""
        if any(len(b.label) == 1 for b in reply.buttons):
            self.practising = reply
        self.pressable = pressable(reply)
        if reply.form is None:
            return reply
        self.say(reply)
        return await self._fill(router, reply.form)

    async def _press(self, router: Router, number: int) -> Reply | str:
        if not 1 <= number <= len(self.pressable):
            return f"Press a button by its number, 1 to {len(self.pressable)}."
        return await self._follow(router, await router.click(self.context,
                                                             self.pressable[number - 1].id))

    async def _fill(self, router: Router, form: Form) -> Reply | str:
        """A form, line by line: a field that takes several lines ends with an empty line. A
        refused field is asked again (the others are kept); `/cancel` gives up."""
        values = {f.name: f.value for f in form.fields}
        asked = [f.name for f in form.fields]
        while True:
            for one in form.fields:
                if one.name not in asked:
                    continue
                typed = await self._field(one)
                if typed is None:
                    return "Cancelled; nothing was saved."
                values[one.name] = typed
            reply = await router.submit(self.context, form.id.custom_id, values)
            if not reply.field_errors:
                return await self._follow(router, reply)
            self.say(render(replace(reply, buttons=())))
            asked = [name for name, _ in reply.field_errors]

    async def _field(self, field: Field) -> str | None:
        several = field.multiline
        hint = f" (e.g. {field.hint})" if field.hint and not field.value else ""
        how = "; an empty line ends it" if several else ("" if field.required else "; may be empty")
        if field.value:  # an edit: what is there now stays unless something else is typed
            how = f"; an empty line keeps it:\n{field.value}" if several else (
                f" (now {field.value}; an empty line keeps it)")
        self.say(f"{field.label}{hint}{how}:" if not field.value or not several
                 else f"{field.label}{how}")
        lines: list[str] = []
        while True:
            line = await self._read()
            if line is None or line.strip() == "/cancel":
                return None
            if not several:
                return line.strip() or field.value
            if not line.strip():
                if lines or field.value:
                    return "\n".join(lines) or field.value
                continue
            lines.append(line)

    async def _letter(self, router: Router, letter: str) -> Reply:
        """A typed letter: the pending practice question's button, or the channel's question."""
        if self.practising is None:
            return await router.answer_letter(self.context, letter)
        choices = {b.label: b for b in self.practising.buttons if len(b.label) == 1}
        button = choices.get(letter.strip().upper())
        if button is None:
            return replies.error(errors.InvalidChoice("".join(choices)))
        self.practising = None
        return await router.click(self.context, button.id)

    def _switch_user(self, name: str) -> str:
        if not name or len(name) > 64:
            return "Usage: /as NAME (up to 64 characters)"
        self.user = name
        return f"You are now {name}."
