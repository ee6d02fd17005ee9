"""`studybot content report` output: a table for people, JSON or CSV for programs."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict

from bot.rules import items
from bot.service.views import LETTERS, ItemFlag, ItemReport, QuestionStats

COLUMNS = ("QUESTION", "ASKED", "ANSWERS", "RIGHT", "R_PB", "U-L", "PICKS (* key)", "FLAGS")
MEANINGS = {
    "negative-discrimination": "strong answerers get it wrong more often than weak ones; "
                               "check the key",
    "too-hard": f"under {items.TOO_HARD:.0%} of answers are right",
    "too-easy": f"over {items.TOO_EASY:.0%} of answers are right",
    "dead-distractor": f"picked by under {items.DEAD_DISTRACTOR:.0%} of answers",
}


def render_json(report: ItemReport) -> str:
    return json.dumps(asdict(report), indent=2, ensure_ascii=False)


def render_csv(report: ItemReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["question_id", "topic", "prompt", "level", "posts", "answers", "correct",
                     "difficulty", "discrimination", "upper_lower", "key",
                     *(f"pick_{letter}" for letter in LETTERS), "flags"])
    for q in report.questions:
        rates = {c.letter: c.pick_rate for c in q.choices}
        writer.writerow([
            q.question_id, q.topic, q.prompt, q.level, q.posts, q.answers, q.correct,
            _number(q.difficulty), _number(q.discrimination), _number(q.upper_lower),
            next(c.letter for c in q.choices if c.is_key),
            *(_number(rates[letter]) if letter in rates and q.answers else ""
              for letter in LETTERS),
            ";".join(_flag(f) for f in q.flags),
        ])
    return out.getvalue()


def render_table(report: ItemReport) -> str:
    scope = _scope(report)
    asked = sum(1 for q in report.questions if q.posts)
    lines = [f"Item analysis of {scope}: {len(report.questions)} questions, {asked} asked, "
             f"{len(report.flagged)} flagged (flags need {report.min_answers} answers)", ""]
    rows = [COLUMNS, *(_row(q) for q in report.questions)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    numeric = {1, 2, 3, 4, 5}
    for row in rows:
        cells = [cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
                 for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    if report.flagged:
        lines += ["", "Flagged:"]
        for q in report.flagged:
            lines.append(f"  {q.question_id}: {q.prompt}")
            lines += [f"    {_explain(q, f)}" for f in q.flags]
    return "\n".join(lines)


def _scope(report: ItemReport) -> str:
    if report.workspace_id is not None:
        where = f"workspace {report.workspace_id}"
        return f"{where} ({report.platform})" if report.platform else where
    if report.platform is not None:
        return f"every {report.platform} workspace"
    return "every workspace"


def _row(q: QuestionStats) -> tuple[str, ...]:
    picks = " ".join(f"{c.letter} {c.pick_rate:.0%}{'*' if c.is_key else ''}" for c in q.choices)
    return (q.question_id, str(q.posts), str(q.answers), _percent(q.difficulty),
            _signed(q.discrimination), _signed(q.upper_lower), picks if q.answers else "",
            _flags_short(q.flags))


def _flags_short(flags: tuple[ItemFlag, ...]) -> str:
    """One cell: "too-easy, dead-distractor:A,C" (choices of one kind share their kind)."""
    kinds: dict[str, list[str]] = {}
    for flag in flags:
        kinds.setdefault(flag.kind, []).extend([flag.choice] if flag.choice else [])
    return ", ".join(f"{kind}:{','.join(letters)}" if letters else kind
                     for kind, letters in kinds.items())


def _explain(q: QuestionStats, flag: ItemFlag) -> str:
    if flag.choice is None:
        return f"{flag.kind}: {MEANINGS[flag.kind]}"
    choice = f"{flag.choice} ({next(c.text for c in q.choices if c.letter == flag.choice)})"
    if flag.kind == "negative-discrimination":
        return f"{flag.kind}: {MEANINGS[flag.kind]}; they prefer {choice}"
    return f"{flag.kind}: {choice} {MEANINGS[flag.kind]}"


def _flag(flag: ItemFlag) -> str:
    return f"{flag.kind}:{flag.choice}" if flag.choice else flag.kind


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _signed(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}"
