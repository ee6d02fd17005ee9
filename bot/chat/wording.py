"""User-facing text shared by every platform: error replies and help."""

from __future__ import annotations

from bot import errors
from bot.chat.study_text import USAGE

HELP = """studybot: a daily DevOps question, streaks, leaderboards and cheat-sheet lookups.
  /leaderboard [week|month|all|NAME]  top 10 and your rank; NAME is a competition's board
  /streak [@USER]                     a streak, points and weakest topic (yours by default)
  /quiz [TOPIC]                       a private practice question, by spaced repetition
  /lookup QUERY                       search every topic; /TOPIC QUERY searches one (/k8s crashloop)
  /study help                         this help; admins also have:
""" + "\n".join(f"  {usage}" for usage in USAGE.values())


def error_text(exc: errors.StudyError) -> str:
    match exc:
        case errors.NotAllowed(action=action):
            return f"Only workspace admins can {action}."
        case errors.InvalidInput(field=field, value=value, reason=reason):
            if field == "command":
                return f"I couldn't read that command: {reason}"
            return f"Invalid {field} {value!r}: {reason}. Nothing was changed."
        case errors.UnknownTopic(name=name, valid=valid):
            return f"Unknown topic {name!r}. Topics: {', '.join(valid)}."
        case errors.UnknownQuestion(question_id=qid):
            return f"There is no question with id {qid!r}."
        case errors.NoQuestions():
            return "No questions match this channel's topics."
        case errors.ChannelNotSetUp():
            return "This channel has no study schedule yet. An admin can run /study setup."
        case errors.NoOpenPost():
            return "There is no open question in this channel right now."
        case errors.UnknownPost():
            return "That question is not from this workspace or no longer exists."
        case errors.PostClosed(correct_letter=letter):
            return f"This question is closed; the answer was {letter}. Your click was not counted."
        case errors.InvalidChoice(letters=letters):
            return f"Answer with one of: {', '.join(letters)}."
    return "Sorry, that didn't work."
