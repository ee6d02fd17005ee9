"""Service results as Slack Block Kit."""

from __future__ import annotations

from typing import Any

from bot.platforms.slack.mrkdwn import escape, to_mrkdwn
from bot.service.views import (
    AnswerResult,
    Board,
    BoardRow,
    CompetitionView,
    EntryView,
    LookupResult,
    PostResult,
    PracticeQuestion,
    PracticeResult,
    QuestionCard,
    ScheduleView,
    UserStats,
    Verdict,
)

Blocks = list[dict[str, Any]]
ANSWER_ACTION = "studybot.answer"
SHARE_ACTION = "studybot.share"
PRACTICE_ACTION = "studybot.practice"
PRACTICE_NEXT_ACTION = "studybot.practice-next"
SECTION_LIMIT = 3000


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT]}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def answer_action_id(post_id: int, choice: int) -> str:
    return f"{ANSWER_ACTION}.{post_id}.{choice}"


def parse_answer_action(action_id: str) -> tuple[int, int] | None:
    prefix = ANSWER_ACTION + "."
    if not action_id.startswith(prefix):
        return None
    post, _, choice = action_id.removeprefix(prefix).partition(".")
    if not (post.isdigit() and choice.isdigit()):
        return None
    return int(post), int(choice)


def _question_text(card: QuestionCard) -> str:
    kind = "Question of the day" if card.counted else "Extra question"
    lines = [f"*{kind}* · {escape(card.topic_title)}", escape(card.prompt), ""]
    lines += [f"*{letter}.* {escape(text)}" for letter, text in zip(card.letters, card.choices,
                                                                    strict=True)]
    return "\n".join(lines)


def question(card: QuestionCard, answered: int = 0) -> Blocks:
    buttons = [
        {"type": "button", "text": {"type": "plain_text", "text": letter},
         "action_id": answer_action_id(card.post_id, index), "value": f"{card.post_id}:{index}"}
        for index, letter in enumerate(card.letters)
    ]
    return [
        _section(_question_text(card)),
        {"type": "actions", "block_id": f"studybot.post.{card.post_id}", "elements": buttons},
        _context(f"{answered} answered · closes <!date^{int(card.closes_at.timestamp())}"
                 f"^{{date_short_pretty}} {{time}}|{card.closes_at:%Y-%m-%d %H:%M} UTC>"),
    ]


def question_text(card: QuestionCard) -> str:
    """The notification/fallback text of the question message."""
    return f"Question of the day: {card.prompt}"


def result(res: PostResult) -> Blocks:
    card = res.card
    tally = "  ".join(f"*{letter}* {count}" for letter, count in
                      zip(card.letters, res.distribution, strict=True))
    right = ", ".join(escape(name) for name in res.correct_users) or "nobody"
    return [
        _section(_question_text(card)),
        _section(f":white_check_mark: *Answer: {res.key.letter}. "
                 f"{escape(res.key.text)}*\n{to_mrkdwn(res.key.explanation)}"),
        _context(f"Closed · {res.answered} answered · {res.percent_correct}% right · {tally}"),
        _context(f"Right: {right}"),
    ]


def _verdict(verdict: Verdict) -> str:
    key = verdict.key
    if verdict.correct:
        return f":tada: *Correct!* {key.letter}. {escape(key.text)}"
    return (f":x: *Not quite.* You chose {verdict.chosen}; the answer is "
            f"*{key.letter}. {escape(key.text)}*")


def answer(res: AnswerResult) -> tuple[str, Blocks]:
    if res.already_answered:
        text = (f"You already answered *{res.verdict.chosen}*; it was counted once. "
                f"Streak: {res.streak}.")
        return text, [_section(text)]
    gained = f"+{res.points} points · " if res.points else ""
    head = (f"{_verdict(res.verdict)}\n{gained}total {res.total_points} · "
            f"streak {res.streak}")
    key = res.verdict.key
    blocks = [_section(head), _section(to_mrkdwn(key.explanation))]
    if key.entry_id:
        blocks.append(_context(f"Read more: `/lookup {key.entry_id}`"))
    return head, blocks


def entry(view: EntryView, share: bool = True) -> Blocks:
    blocks: Blocks = [
        _section(f"*{escape(view.title)}*  _({view.topic})_\n{to_mrkdwn(view.body)}"),
    ]
    if share:
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Share to channel"},
             "action_id": SHARE_ACTION, "value": view.id},
        ]})
    return blocks


def lookup(res: LookupResult) -> tuple[str, Blocks]:
    best = res.best
    if best is None:
        titles = "\n".join(f"• {escape(s.title)} (`{s.id}`)" for s in res.suggestions)
        head = (f"No entry matches *{escape(res.query)}*." if res.query
                else "What should I look up?")
        text = f"{head} Closest:\n{titles}" if titles else head
        return text, [_section(text)]
    blocks = entry(best)
    others = res.hits[1:]
    if others:
        blocks.append(_context("See also: " + " · ".join(
            f"{escape(h.title)} (`{h.id}`)" for h in others)))
    return best.title, blocks


def _row(row: BoardRow) -> str:
    name = f"*{escape(row.name)}*" if row.is_caller else escape(row.name)
    return f"{row.rank}. {name} — {row.points} pts ({row.correct}/{row.answered})"


def board(res: Board) -> tuple[str, Blocks]:
    if not res.rows:
        text = f"Leaderboard ({res.label}): nobody has scored yet."
        return text, [_section(text)]
    lines = [f"*Leaderboard · {res.label}*"] + [_row(r) for r in res.rows]
    if res.caller is not None:
        lines += ["…", _row(res.caller)]
    text = "\n".join(lines)
    return text, [_section(text)]


def stats(res: UserStats) -> tuple[str, Blocks]:
    lines = [
        f"*{escape(res.name)}* · streak *{res.streak}* (best {res.best_streak} here"
        + (f", {res.best_elsewhere} elsewhere" if res.best_elsewhere else "") + ")",
        f"{res.points} points · {res.correct}/{res.answered} correct ({res.accuracy:.0%})",
    ]
    lines += [f"• {escape(t.title)}: {t.correct}/{t.answered} ({t.accuracy:.0%})"
              for t in res.topics]
    if res.weakest is not None:
        lines.append(f"Weakest topic: *{escape(res.weakest.title)}* · try `/quiz "
                     f"{res.weakest.topic}`")
    text = "\n".join(lines)
    return text, [_section(text)]


def schedule(view: ScheduleView) -> str:
    if not view.scheduled:
        return "This channel has no schedule yet: `/study setup HH:MM TIMEZONE [DAYS] [TOPICS]`."
    state = "paused" if view.paused else "active"
    topics = ", ".join(view.topics) or "all topics"
    nxt = (f"Next post: {view.next_post_local:%a %d %b %Y %H:%M %Z}"
           if view.next_post_local else "No post is scheduled while paused.")
    return (f"Schedule ({state}) for #{escape(view.channel_name)}: {view.post_time} "
            f"{view.timezone}, {view.days}; {topics}.\n{nxt}")


def practice(card: PracticeQuestion) -> tuple[str, Blocks]:
    lines = [f"*Practice* · {escape(card.topic_title)} _(only you can see this)_",
             escape(card.prompt), ""]
    lines += [f"*{letter}.* {escape(text)}" for letter, text in zip(card.letters, card.choices,
                                                                    strict=True)]
    buttons = [
        {"type": "button", "text": {"type": "plain_text", "text": letter},
         "action_id": f"{PRACTICE_ACTION}.{index}", "value": card.question_id}
        for index, letter in enumerate(card.letters)
    ]
    return card.prompt, [_section("\n".join(lines)), {"type": "actions", "elements": buttons}]


def practice_result(res: PracticeResult, topic: str | None) -> tuple[str, Blocks]:
    head = _verdict(res.verdict)
    blocks = [
        _section(f"{head}\n{to_mrkdwn(res.verdict.key.explanation)}"),
        _context(f"Box {res.box}: it comes back after <!date^{int(res.next_due.timestamp())}"
                 f"^{{date_short_pretty}}|{res.next_due:%Y-%m-%d}>."),
        {"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Another one"},
             "action_id": PRACTICE_NEXT_ACTION, "value": topic or ""}]},
    ]
    return head, blocks


def competition(view: CompetitionView) -> str:
    state = "ended" if view.ended else (
        f"runs until <!date^{int(view.ends_at.timestamp())}^{{date_short_pretty}} {{time}}|"
        f"{view.ends_at:%Y-%m-%d %H:%M} UTC>")
    return f"*Competition {escape(view.name)}*: {state}. Its board: `/leaderboard {view.name}`"
