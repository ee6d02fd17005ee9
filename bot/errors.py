"""One error root for everything a user can cause; adapters map these to text at one boundary."""

from __future__ import annotations


class StudyError(Exception):
    """Something the user asked for cannot be done; never a bug."""


class NotAllowed(StudyError):
    def __init__(self, action: str) -> None:
        super().__init__(action)
        self.action = action


class InvalidInput(StudyError):
    def __init__(self, field: str, value: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.value = value
        self.reason = reason


class UnknownTopic(StudyError):
    def __init__(self, name: str, valid: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.valid = valid


class UnknownQuestion(StudyError):
    def __init__(self, question_id: str) -> None:
        super().__init__(question_id)
        self.question_id = question_id


class NoQuestions(StudyError):
    """The channel's topic filter leaves no question to post."""


class ChannelNotSetUp(StudyError):
    pass


class NoOpenPost(StudyError):
    pass


class UnknownPost(StudyError):
    pass


class PostClosed(StudyError):
    def __init__(self, correct_letter: str) -> None:
        super().__init__(correct_letter)
        self.correct_letter = correct_letter


class InvalidChoice(StudyError):
    def __init__(self, letters: str) -> None:
        super().__init__(letters)
        self.letters = letters


class DashboardOff(StudyError):
    """The web dashboard is not configured (no DASHBOARD_SECRET)."""


class TryAgain(StudyError):
    """The database could not be reached, even after one retry: nothing was recorded, and the
    same click a moment later will work (adapters: "try again in a moment")."""

    def __init__(self) -> None:
        super().__init__("the database is unreachable; try again in a moment")


class InvalidForm(StudyError):
    """A form was filled in wrongly: what is wrong with each field (by the field's name)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


class AlreadyReviewed(StudyError):
    """A proposed question was reviewed meanwhile (another admin, another click)."""

    def __init__(self, question_id: str, status: str) -> None:
        super().__init__(question_id)
        self.question_id = question_id
        self.status = status


class DraftGone(StudyError):
    """A refused form kept to be opened again is no longer there (kept a day)."""
