"""The study service: platform-neutral use cases, one transaction each."""

from bot.service.study import StudyService
from bot.service.views import (
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
