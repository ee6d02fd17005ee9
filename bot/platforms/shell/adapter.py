"""Reads lines, calls the service, prints replies. Acts as one study channel named `terminal`."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import TextIO

from bot import errors
from bot.chat import actions as study_actions
from bot.chat.study_text import parse_study
from bot.chat.wording import HELP, error_text
from bot.delivery.dispatcher import Dispatcher
from bot.platforms.shell import render
from bot.service import Actor, ChannelRef, StudyService
from bot.service.views import (
    Board,
    CompetitionView,
    PostResult,
    PracticeQuestion,
    QuestionCard,
)

CHANNEL = ChannelRef("shell", "local", "terminal", "terminal", "Terminal")


class ShellAdapter:
    def __init__(
        self, service: StudyService, user: str, stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
    ) -> None:
        self.service = service
        self.user = user
        self.stdin = stdin
        self.stdout = stdout
        self.dispatcher = Dispatcher(service, {"shell": self})
        # A /quiz question waiting for its letter; letters go to it before the channel's post.
        self.practising: PracticeQuestion | None = None

    @property
    def actor(self) -> Actor:
        # The terminal is the operator's own machine, so its user administers its channel.
        return Actor("shell", CHANNEL.workspace_id, self.user, self.user, is_admin=True)

    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    # The terminal is also a publisher: scheduled questions and results are printed.
    async def send_question(self, card: QuestionCard) -> str:
        self.say(render.question(card))
        return f"terminal:{card.post_id}"

    async def find_sent(self, card: QuestionCard) -> str | None:
        return None

    async def show_result(self, result: PostResult) -> None:
        self.say(render.closed(result))

    async def show_final_board(self, competition: CompetitionView, board: Board) -> None:
        self.say(f"Competition {competition.name} is over.\n" + render.board(board))

    async def run(self) -> None:
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
                await self.handle(line)

    async def handle(self, line: str) -> None:
        try:
            reply = await self._dispatch(line)
        except errors.StudyError as exc:
            reply = error_text(exc)
        if reply:
            self.say(reply)

    async def _dispatch(self, line: str) -> str:
        if not line.startswith("/"):
            if self.practising is not None:
                return await self._practice_answer(line)
            return render.answer(
                await self.service.answer_latest(self.actor, CHANNEL, line), self.user
            )
        command, _, rest = line[1:].partition(" ")
        command, rest = command.lower(), rest.strip()
        handlers: dict[str, Callable[[str], object]] = {
            "as": self._switch_user,
            "help": lambda _: HELP,
            "study": self._study,
            "leaderboard": self._leaderboard,
            "streak": self._streak,
            "stats": self._streak,
            "lookup": lambda q: render.lookup(self.service.lookup(q)),
            "quiz": self._quiz,
        }
        handler = handlers.get(command)
        if handler is not None:
            result = handler(rest)
            return await result if asyncio.iscoroutine(result) else str(result)
        if self.service.catalog.resolve_topic(command) is not None:
            return render.lookup(self.service.lookup(rest, topic=command))
        return f"Unknown command /{command}. Type /help."

    async def _quiz(self, topic: str) -> str:
        self.practising = await self.service.practice(self.actor, topic or None)
        return render.practice(self.practising)

    async def _practice_answer(self, letter: str) -> str:
        assert self.practising is not None
        choice = self.practising.letters.find(letter.strip().upper())
        if len(letter.strip()) != 1 or choice < 0:
            raise errors.InvalidChoice(self.practising.letters)
        card, self.practising = self.practising, None
        return render.practice_result(
            await self.service.practice_answer(self.actor, card.question_id, choice))

    def _switch_user(self, name: str) -> str:
        if not name or len(name) > 64:
            return "Usage: /as NAME (up to 64 characters)"
        self.user = name
        return f"You are now {name}."

    async def _leaderboard(self, period: str) -> str:
        return render.board(
            await self.service.leaderboard(self.actor, period or "week", channel=CHANNEL)
        )

    async def _streak(self, name: str) -> str:
        """Your streak, or `/streak NAME` for someone else's in this terminal."""
        who = self.actor
        if name:
            who = Actor("shell", CHANNEL.workspace_id, name, "")
        return render.stats(await self.service.stats(who, CHANNEL))

    async def _study(self, text: str) -> str:
        outcome = await study_actions.execute(self.service, self.dispatcher, self.actor, CHANNEL,
                                              parse_study(text))
        match outcome:
            case study_actions.Saved(view=view):
                return "Saved. " + render.schedule(view)
            case study_actions.Shown(view=view):
                return render.schedule(view)
            case study_actions.Posted() | study_actions.Closed():
                return ""  # the dispatcher has printed the question or the result
            case study_actions.CompetitionStarted(competition=view):
                return "Started. " + render.competition(view)
            case study_actions.CompetitionEnded(competition=view, board=board):
                return f"Competition {view.name} is over.\n" + render.board(board)
            case study_actions.CompetitionList(competitions=views):
                return render.competitions(views)
            case _:
                return HELP
