"""The one registry of commands: names, options, help, who may run them, and their handlers.

`/help`, the Slack manifest and Discord's command tree are generated from it; text commands (the
terminal, Slack) are parsed by it into the same arguments that Discord's typed options give.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot import errors
from bot.chat import actions
from bot.chat.context import Arg, Call, PlatformHooks
from bot.chat.markdown import truncate
from bot.chat.reply import Reply
from bot.rules.schedule import ScheduleInputError, parse_days

Kind = Literal["text", "word", "number", "time", "timezone", "days", "topic", "topics", "channel",
               "user", "period", "question", "teams", "choice"]
Handler = Callable[[Call], Awaitable[Reply]]

_TIME = re.compile(r"^\d{1,2}:\d{2}$")


@dataclass(frozen=True)
class Option:
    name: str
    kind: Kind
    description: str
    placeholder: str
    required: bool = False
    # Typed after its name wherever it falls in the line (`teams: @sre @dev`, `bank:own`), not
    # by position; its words run to the next keyword or the end. On Discord every option is
    # named anyway.
    keyword: bool = False
    choices: tuple[str, ...] = ()  # the values it takes, when only some are (Discord: a menu)

    @property
    def usage(self) -> str:
        shown = f"{self.name}: {self.placeholder}" if self.keyword else self.placeholder
        return shown if self.required else f"[{shown}]"

    @property
    def greedy(self) -> bool:
        """Takes the rest of the line: a query, or a list of topics."""
        return not self.keyword and self.kind in ("text", "topics")

    @property
    def many(self) -> bool:
        """Holds several words (a list of topics or teams)."""
        return self.kind in ("topics", "teams")


@dataclass(frozen=True)
class Command:
    path: tuple[str, ...]
    summary: str
    handler: Handler
    options: tuple[Option, ...] = ()
    admin: bool = False
    topic: str | None = None  # a topic's own lookup command (/k8s)
    example: str = ""
    # Answers with a form (Reply.form): platforms answer it at once, never deferred (a Discord
    # modal must be the first response; a Slack trigger_id lasts 3 seconds).
    opens_form: bool = False

    @property
    def name(self) -> str:
        return " ".join(self.path)

    @property
    def usage(self) -> str:
        return " ".join(["/" + self.name, *(o.usage for o in self.options)])

    def parse(self, words: Sequence[str], raw: str, hooks: PlatformHooks) -> dict[str, Arg]:
        """Text after the command's name into its options: keyword options by their names,
        the others by position and shape."""
        rest, keyed = self._keywords(words)
        args: dict[str, Arg] = {}
        for option in self.options:
            if option.keyword:
                continue
            if option.kind == "text":
                args[option.name] = raw.strip()
                rest = []
            elif option.kind == "topics":
                args[option.name] = tuple(rest)
                rest = []
            elif rest and (option.required or _fits(option.kind, rest[0], hooks)):
                if option.kind == "time" and not _TIME.match(rest[0]):
                    raise self.usage_error()
                args[option.name] = rest.pop(0)
            elif option.required:
                raise self.usage_error()
        if rest:
            raise self.usage_error()
        for option in self.options:
            if option.keyword and option.name in keyed:
                given = keyed[option.name]
                if not given or (not option.many and len(given) > 1):
                    raise self.usage_error()
                if option.choices and given[0].lower() not in option.choices:
                    raise errors.InvalidInput(option.name, given[0],
                                              f"choose {', '.join(option.choices)}")
                args[option.name] = tuple(given) if option.many else (
                    given[0].lower() if option.choices else given[0])
            elif option.keyword and option.required:
                raise self.usage_error()
        return args

    def _keywords(self, words: Sequence[str]) -> tuple[list[str], dict[str, list[str]]]:
        """The positional words, and the words of each keyword (`name:` or `name:value`): a
        list runs to the next keyword or the end; a single value is one word, after which the
        words are positional again (`bank:own k8s linux`)."""
        many = {o.name: o.many for o in self.options if o.keyword}
        positional: list[str] = []
        keyed: dict[str, list[str]] = {}
        current: list[str] = positional
        last = ""
        for word in words:
            name, colon, value = word.partition(":")
            if colon and name.lower() in many:
                if name.lower() in keyed:
                    raise self.usage_error()
                last = name.lower()
                current = keyed[last] = [value] if value else []
            else:
                current.append(word)
            if current is not positional and current and not many[last]:
                current = positional  # a single value is taken: back to positional words
        return positional, keyed

    def usage_error(self) -> errors.InvalidInput:
        example = f"   e.g. {self.example}" if self.example else ""
        return errors.InvalidInput("command", self.usage, f"usage: {self.usage}{example}")


@dataclass(frozen=True)
class Group:
    """Commands under one name (`/study ...`); `default` runs when no subcommand is given."""

    path: tuple[str, ...]
    summary: str
    default: str
    example: str = ""


def _fits(kind: Kind, word: str, hooks: PlatformHooks) -> bool:
    """Whether an optional option takes this word; only options with a shape are ever skipped."""
    if kind == "channel":
        return hooks.looks_like_channel(word)
    if kind == "days":
        return _looks_like_days(word)
    return True


def _looks_like_days(word: str) -> bool:
    """A days word, valid or not: day-list punctuation or a day name. An invalid one then fails
    with a message about days, not about topics."""
    if "," in word or "-" in word:
        return True
    try:
        parse_days(word)
    except ScheduleInputError:
        return False
    return True


def split_words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: take the words as they are
        return text.split()


@dataclass
class Registry:
    commands: dict[tuple[str, ...], Command]
    groups: dict[tuple[str, ...], Group]
    aliases: dict[str, str] = field(default_factory=dict)

    def top_level(self) -> list[str]:
        names = {path[0] for path in self.commands} | {path[0] for path in self.groups}
        return sorted(names, key=lambda n: (n in self.topic_names(), n))

    def topic_names(self) -> set[str]:
        return {c.path[0] for c in self.commands.values() if c.topic is not None}

    def children(self, path: tuple[str, ...]) -> list[str]:
        """The names under a group, in the order their commands were defined."""
        depth = len(path)
        found = [p[depth] for p in self.commands if len(p) > depth and p[:depth] == path]
        return list(dict.fromkeys(found))

    def group(self, path: tuple[str, ...]) -> Group | None:
        return self.groups.get(path)

    def find(self, name: str, text: str) -> tuple[Command, list[str], str]:
        """The command a text line names (`/name text`), the words after it, and the raw rest."""
        name = self.aliases.get(name.lower(), name.lower())
        path: tuple[str, ...] = (name,)
        raw = text
        if path in self.commands:
            return self.commands[path], split_words(raw), raw
        if path not in self.groups:
            raise LookupError(name)
        words = split_words(raw)
        while (group := self.groups.get(path)) is not None:
            if not words:
                return self.commands[(*path, group.default)], [], ""
            sub = words.pop(0).lower()
            if (*path, sub) not in self.commands and (*path, sub) not in self.groups:
                raise errors.InvalidInput(
                    "command", text,
                    f"unknown subcommand {truncate(sub, 40)!r}; try: "
                    f"{', '.join(self.children(path))}")
            path = (*path, sub)
        return self.commands[path], words, " ".join(words)

    def help_lines(self) -> list[tuple[str, str, bool]]:
        topics = self.topic_names()
        shown = [c for c in self.commands.values() if c.path[0] not in topics]
        return [(c.usage, c.summary, c.admin) for c in shown] + [
            ("/TOPIC QUERY", f"look up one topic: {', '.join(sorted(topics))}", False)]


def _query(description: str) -> Option:
    return Option("query", "text", description, "QUERY", required=True)


# -- teams in competitions -------------------------------------------------------------------

def _team_competition_options() -> tuple[Option, ...]:
    return (
        Option("teams", "teams", "teams: @roles or @user groups, or names people join",
               "@GROUP|NAME ...", keyword=True),
        Option("topics", "topics", "only answers to these topics count (default: all)",
               "TOPIC ...", keyword=True),
        Option("best", "number", "how many of a team's best members count (default 5)", "N",
               keyword=True),
    )


def _team_board_options() -> tuple[Option, ...]:
    return (Option("team", "word", "one team's members (a competition with teams)", "TEAM",
                   keyword=True),)


def _team_commands() -> list[Command]:
    return [
        Command(("study", "team", "join"), "join a team of a running competition",
                actions.team_join, (
                    Option("team", "word", "the team's name", "TEAM", required=True),
                    Option("competition", "word", "which competition (default: any running one "
                           "with that team)", "COMPETITION"),
                ), example="/study team join blue"),
    ]


def build_registry(topics: Iterable[tuple[str, str, Sequence[str]]]) -> Registry:
    """Every command; `topics` are (slug, title, aliases), each adding its own lookup command."""
    period = Option("period", "period", "week, month, all, or a competition's name",
                    "week|month|all|NAME")
    commands = [
        Command(("leaderboard",), "top 10 and your rank; NAME is a competition's board",
                actions.leaderboard, (period, *_team_board_options())),
        Command(("streak",), "a streak, points and weakest topic (yours by default)",
                actions.streak, (Option("user", "user", "whose streak", "@USER"),)),
        Command(("quiz",), "a private practice question, by spaced repetition", actions.quiz,
                (Option("topic", "topic", "a topic to practise", "TOPIC"),)),
        Command(("lookup",), "search every topic of the cheat sheet", actions.lookup,
                (_query("what to look up, e.g. sg vs nacl"),), example="/lookup sg vs nacl"),
        Command(("help",), "what studybot can do", actions.show_help),
        Command(("study", "setup"), "schedule the daily question", actions.setup, (
            Option("channel", "channel", "the study channel (default: this one)", "#channel"),
            Option("time", "time", "local posting time, 24-hour H:MM", "HH:MM", required=True),
            Option("timezone", "timezone", "an IANA time zone, e.g. Europe/London", "TIMEZONE",
                   required=True),
            Option("days", "days", "mon-fri (default), daily, weekends, mon,wed,fri, ...", "DAYS"),
            Option("bank", "choice", "questions from the bundled bank, the team's own, or both",
                   "both|bundled|own", keyword=True, choices=("both", "bundled", "own")),
            Option("topics", "topics", "topics to draw from (default: all)", "TOPIC ..."),
        ), admin=True, example="/study setup 09:00 Europe/London mon-fri k8s linux"),
        Command(("study", "post-now"), "post a question now", actions.post_now,
                (Option("question", "question", "a question id (default: picked)", "QUESTION_ID"),),
                admin=True),
        Command(("study", "close"), "close the open question and show the result", actions.close,
                admin=True),
        Command(("study", "pause"), "stop the daily question for now", actions.pause, admin=True),
        Command(("study", "resume"), "start the daily question again", actions.resume, admin=True),
        Command(("study", "schedule"), "this channel's schedule and next post", actions.schedule),
        Command(("study", "competition", "start"), "start a competition with its own board",
                actions.competition_start, (
                    Option("name", "word", "the competition's name (letters, digits, dashes)",
                           "NAME", required=True),
                    Option("days", "number", "how many days it runs (default 7, at most 90)",
                           "DAYS"),
                    *_team_competition_options(),
                ), admin=True,
                example="/study competition start q4 14 teams: @sre @platform best: 5"),
        Command(("study", "competition", "end"), "end a competition now and post its board",
                actions.competition_end,
                (Option("name", "word", "the competition's name", "NAME", required=True),),
                admin=True),
        Command(("study", "competition", "list"), "competitions, running and past",
                actions.competition_list),
        Command(("study", "dashboard"), "a private link to the team dashboard (7 days)",
                actions.dashboard, admin=True),
        Command(("study", "help"), "what studybot can do", actions.show_help),
        *_team_commands(),
        *_own_question_commands(),
    ]
    aliases = {"stats": "streak"}
    for slug, title, names in topics:
        commands.append(Command((slug,), f"look up {title}", actions.lookup,
                                (_query(f"what to look up in {title}"),), topic=slug))
        aliases.update({alias: slug for alias in names if alias != slug})
    groups = [Group(("study",), "daily question setup and admin", "help",
                    "/study setup #channel 09:00 Europe/London mon-fri"),
              Group(("study", "competition"), "competitions", "list"),
              Group(("study", "team"), "teams in competitions", "join"),
              Group(("study", "question"), "the team's own questions", "add")]
    return Registry({c.path: c for c in commands}, {g.path: g for g in groups}, aliases)


def _own_question_commands() -> list[Command]:
    """The team's own questions: anyone proposes one in a form, admins review and retire."""
    question = Option("question", "question", "the question's id, e.g. deploy.q.rollback",
                      "QUESTION_ID", required=True)
    return [
        Command(("study", "question", "add"), "propose a question of the team's own (a form)",
                actions.question_add, opens_form=True),
        Command(("study", "question", "review"),
                "review proposed questions: approve, edit or reject", actions.question_review,
                admin=True),
        Command(("study", "question", "retire"), "take one of the team's questions out of rotation",
                actions.question_retire, (question,), admin=True),
    ]
