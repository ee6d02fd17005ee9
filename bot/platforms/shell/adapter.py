"""Reads lines, hands them to the router, prints replies. Acts as one study channel, `terminal`."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot import errors
from bot.chat import replies
from bot.chat.context import Context
from bot.chat.reply import Reply
from bot.chat.router import Router
from bot.platforms.shell.render import render
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

    async def is_admin(self, actor: Actor) -> bool:
        return True

    def looks_like_channel(self, word: str) -> bool:
        return word.startswith("#")

    async def find_channel(self, here: ChannelRef, text: str) -> ChannelRef | None:
        return here if text.lstrip("#") == here.channel_name else None

    async def find_user(self, actor: Actor, text: str) -> Actor | None:
        name = text.strip().lstrip("@")
        return Actor(PLATFORM, actor.workspace_id, name, "") if name else None


class ShellAdapter:
    """The terminal: a conversation on stdin/stdout, and the publisher of its channel's posts."""

    rate_per_second = 1000.0

    def __init__(self, user: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> None:
        self.user = user
        self.stdin = stdin
        self.stdout = stdout
        self.hooks = ShellHooks()
        # A /quiz question waiting for its letter; letters go to it before the channel's post.
        self.practising: Reply | None = None

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
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                print("> ", end="", file=self.stdout, flush=True)
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line:
                return
            line = line.strip()
            if line in ("/quit", "/exit"):
                return
            if line:
                self.say(await self.handle(router, line))

    async def handle(self, router: Router, line: str) -> Reply | str:
        if not line.startswith("/"):
            return await self._letter(router, line)
        name, _, rest = line[1:].partition(" ")
        if name.lower() == "as":
            return self._switch_user(rest.strip())
        reply = await router.text(self.context, name, rest.strip())
        if any(len(b.label) == 1 for b in reply.buttons):
            self.practising = reply
        return reply

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
