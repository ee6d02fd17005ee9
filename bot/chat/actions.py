"""Carrying out a parsed `/study` command, the same for every platform; adapters only render."""

from __future__ import annotations

from dataclasses import dataclass

from bot import errors
from bot.chat.study_text import Competition, PostNow, Setup, Simple, StudyCommand
from bot.delivery.dispatcher import Dispatcher
from bot.service import Actor, ChannelRef, PostResult, QuestionCard, ScheduleView, StudyService
from bot.service.views import Board, CompetitionView

# Subcommands that change something: the adapter must find out whether the actor is an admin.
ADMIN_ONLY = frozenset({"setup", "post-now", "close", "pause", "resume", "competition"})


@dataclass(frozen=True)
class Saved:
    view: ScheduleView


@dataclass(frozen=True)
class Shown:
    view: ScheduleView


@dataclass(frozen=True)
class Posted:
    card: QuestionCard
    delivered: bool
    channel_scheduled: bool


@dataclass(frozen=True)
class Closed:
    result: PostResult


@dataclass(frozen=True)
class CompetitionStarted:
    competition: CompetitionView


@dataclass(frozen=True)
class CompetitionEnded:
    competition: CompetitionView
    board: Board


@dataclass(frozen=True)
class CompetitionList:
    competitions: tuple[CompetitionView, ...]


@dataclass(frozen=True)
class HelpWanted:
    pass


Outcome = (Saved | Shown | Posted | Closed | CompetitionStarted | CompetitionEnded
           | CompetitionList | HelpWanted)
COMPETITION_USAGE = "/study competition start NAME [DAYS] | end NAME | list"


async def execute(
    service: StudyService, dispatcher: Dispatcher, actor: Actor, channel: ChannelRef,
    command: StudyCommand, target: ChannelRef | None = None,
) -> Outcome:
    """Run the command in `channel`; `target` is the channel a setup names, when another."""
    match command:
        case Setup(time=time, timezone=zone, days=days, topics=topics):
            return Saved(await service.configure_channel(actor, target or channel, time, zone,
                                                         days, list(topics)))
        case PostNow(question_id=question_id):
            card = await service.post_now(actor, channel, question_id)
            delivered = await dispatcher.deliver(card) is not None
            return Posted(card, delivered, (await service.schedule(channel)).scheduled)
        case Simple(name="close"):
            result = await service.close_latest(actor, channel)
            await dispatcher.publish_result(result)
            return Closed(result)
        case Simple(name="pause" | "resume" as verb):
            return Shown(await service.set_paused(actor, channel, verb == "pause"))
        case Simple(name="schedule"):
            return Shown(await service.schedule(channel))
        case Competition(args=("start", name)) | Competition(args=("start", name, _)):
            days = command.args[2] if len(command.args) == 3 else "7"
            return CompetitionStarted(
                await service.start_competition(actor, channel, name, days))
        case Competition(args=("end", name)):
            return CompetitionEnded(*await service.end_competition(actor, name))
        case Competition(args=() | ("list",)):
            return CompetitionList(tuple(await service.list_competitions(actor)))
        case Competition():
            raise errors.InvalidInput("command", " ".join(command.args),
                                      f"usage: {COMPETITION_USAGE}")
        case _:
            return HelpWanted()
