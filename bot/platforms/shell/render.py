"""Replies as plain text for a terminal."""

from __future__ import annotations

from bot.chat.markdown import to_plain
from bot.chat.reply import Button, Reply


def heading(reply: Reply) -> str:
    subtitle = to_plain(reply.subtitle)
    if not reply.title or not subtitle:
        return reply.title or subtitle
    joint = " " if reply.title[-1] in ".!?" else ": "
    return f"{reply.title}{joint}{subtitle}"


def render(reply: Reply) -> str:
    lines = [heading(reply), reply.text(to_plain)]
    lines += [f"  {letter}) {to_plain(text)}" for letter, text in reply.choices]
    letters = [button.label for button in reply.buttons if len(button.label) == 1]
    if letters:
        lines.append(f"Type a letter ({'/'.join(letters)}) to answer.")
    lines += [to_plain(line) for line in reply.context]
    others = pressable(reply)
    if others:
        lines.append("Type a number: " + "  ".join(f"[{n}] {b.label}"
                                                   for n, b in enumerate(others, start=1)))
    return "\n".join(line for line in lines if line)


def pressable(reply: Reply) -> tuple[Button, ...]:
    """The buttons a number presses: all but the answer letters and the greyed-out ones."""
    return tuple(b for b in reply.buttons if len(b.label) != 1 and not b.disabled)
