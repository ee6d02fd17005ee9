"""Reading what the bot sent to Slack, for the e2e tests."""

from __future__ import annotations

from bot.catalog.loader import load
from bot.config import content_dir

CATALOG = load(content_dir())


def text_of(reply: dict) -> str:
    """All the text a person would see in a message: its text and its blocks'."""
    parts = [reply.get("text") or ""]
    for block in reply.get("blocks") or []:
        if block.get("text"):
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element.get("text"), str):
                parts.append(element["text"])
    return "\n".join(parts)


def letter_of(question_id: str, correct: bool) -> str:
    """The button letter of the right answer, or of a wrong one."""
    question = CATALOG.questions[question_id]
    index = question.correct_index if correct else (question.correct_index + 1) % len(
        question.choices)
    return "ABCDE"[index]
