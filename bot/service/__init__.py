"""The study service: platform-neutral use cases, one transaction each."""

from bot.service.cards import (
    Actor,
    AnswerResult,
    Board,
    BoardRow,
    ChannelRef,
    PostResult,
    QuestionCard,
    ScheduleView,
    UserStats,
)
from bot.service.study import StudyService

__all__ = [
    "Actor",
    "AnswerResult",
    "Board",
    "BoardRow",
    "ChannelRef",
    "PostResult",
    "QuestionCard",
    "ScheduleView",
    "StudyService",
    "UserStats",
]
