"""Service results as plain text for a terminal."""

from __future__ import annotations

from bot.service.views import (
    AnswerKey,
    AnswerResult,
    Board,
    BoardRow,
    CompetitionView,
    LookupResult,
    PostResult,
    PracticeQuestion,
    PracticeResult,
    QuestionCard,
    ScheduleView,
    UserStats,
    Verdict,
)


def question(card: QuestionCard) -> str:
    kind = "Question of the day" if card.counted else "Extra question (does not count for streaks)"
    lines = [f"{kind}: {card.topic_title}  [{card.question_id}]", card.prompt]
    lines += [f"  {letter}) {text}" for letter, text in zip(card.letters, card.choices, strict=True)]
    lines.append(f"Type a letter ({'/'.join(card.letters)}) to answer. "
                 f"Closes {card.closes_at:%Y-%m-%d %H:%M} UTC.")
    return "\n".join(lines)


def _verdict(verdict: Verdict, name: str = "") -> str:
    key, who = verdict.key, f", {name}" if name else ""
    if verdict.correct:
        return f"Correct{who}! {key.letter}) {key.text}"
    return f"Not quite{who}: you chose {verdict.chosen}; the answer is {key.letter}) {key.text}."


def _why(key: AnswerKey) -> str:
    more = f"\nRead more: /lookup {key.entry_id}" if key.entry_id else ""
    return f"Why: {key.explanation.strip()}{more}"


def answer(result: AnswerResult, name: str) -> str:
    if result.already_answered:
        return (f"{name}, you already answered {result.verdict.chosen}; it was counted once. "
                f"Streak: {result.streak}.")
    gained = f"+{result.points} points, " if result.points else ""
    return (f"{_verdict(result.verdict, name)}  {gained}total {result.total_points}. "
            f"Streak: {result.streak}.\n{_why(result.verdict.key)}")


def closed(result: PostResult) -> str:
    tally = " · ".join(
        f"{letter} {count}" for letter, count in
        zip(result.card.letters, result.distribution, strict=True)
    )
    right = ", ".join(result.correct_users) or "nobody"
    return "\n".join([
        f"Closed [{result.card.question_id}]: {result.card.prompt}",
        f"Answer: {result.key.letter}) {result.key.text}",
        f"Why: {result.key.explanation.strip()}",
        f"Answers: {tally}  ({result.answered} answered, {result.percent_correct}% right)",
        f"Right: {right}",
    ])


def _row(row: BoardRow) -> str:
    marker = " <- you" if row.is_caller else ""
    return (f"{row.rank:>3}. {row.name:<20} {row.points:>5} pts  "
            f"({row.correct}/{row.answered} correct){marker}")


def board(result: Board) -> str:
    if not result.rows:
        return f"Leaderboard ({result.label}): nobody has scored yet."
    lines = [f"Leaderboard ({result.label})"] + [_row(r) for r in result.rows]
    if result.caller is not None:
        lines += ["  ...", _row(result.caller)]
    return "\n".join(lines)


def stats(result: UserStats) -> str:
    lines = [
        f"{result.name}: streak {result.streak} (best {result.best_streak} here"
        + (f", {result.best_elsewhere} elsewhere" if result.best_elsewhere else "") + ")",
        f"Points {result.points}; {result.correct}/{result.answered} correct "
        f"({result.accuracy:.0%})",
    ]
    for topic in result.topics:
        lines.append(f"  {topic.title}: {topic.correct}/{topic.answered} ({topic.accuracy:.0%})")
    if result.weakest is not None:
        lines.append(f"Weakest topic: {result.weakest.title}. Try /quiz {result.weakest.topic}.")
    return "\n".join(lines)


def schedule(view: ScheduleView) -> str:
    if not view.scheduled:
        return "This channel has no schedule yet. Set one with /study setup HH:MM TIMEZONE [DAYS]."
    state = "paused" if view.paused else "active"
    topics = ", ".join(view.topics) or "all topics"
    nxt = (f"Next post: {view.next_post_local:%a %Y-%m-%d %H:%M %Z}"
           if view.next_post_local else "No post is scheduled while paused.")
    return (f"Schedule ({state}): {view.post_time} {view.timezone}, {view.days}; {topics}.\n{nxt}")


def lookup(result: LookupResult) -> str:
    best = result.best
    if best is None:
        titles = ", ".join(s.title for s in result.suggestions) or "none"
        if not result.query:
            return f"What should I look up? Some entries: {titles}"
        return f"No entry matches {result.query!r}. Closest: {titles}"
    text = f"{best.title}  ({best.topic} · {best.id})\n{best.body.strip()}"
    others = [h.title for h in result.hits[1:]]
    if others:
        text += "\nSee also: " + "; ".join(others)
    return text


def practice(card: PracticeQuestion) -> str:
    lines = [f"Practice (only you see this): {card.topic_title}  [{card.question_id}]", card.prompt]
    lines += [f"  {letter}) {text}" for letter, text in zip(card.letters, card.choices, strict=True)]
    lines.append(f"Type a letter ({'/'.join(card.letters)}) to answer.")
    return "\n".join(lines)


def practice_result(result: PracticeResult) -> str:
    return (f"{_verdict(result.verdict)}\n{_why(result.verdict.key)}\n"
            f"Box {result.box}: it comes back after {result.next_due:%Y-%m-%d %H:%M} UTC. "
            f"/quiz for another.")


def competition(view: CompetitionView) -> str:
    state = "ended" if view.ended else f"runs until {view.ends_at:%Y-%m-%d %H:%M} UTC"
    return f"Competition {view.name}: {state}. Its board: /leaderboard {view.name}"


def competitions(views: tuple[CompetitionView, ...]) -> str:
    if not views:
        return "No competitions yet. An admin can start one: /study competition start NAME [DAYS]"
    return "\n".join(competition(v) for v in views)
