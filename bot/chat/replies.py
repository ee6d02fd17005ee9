"""Everything the bot says, once, for every platform: one function per outcome, Markdown out.

User text (names, queries, values typed into commands) goes through `escape`; content (prompts,
choices, explanations, entries) is trusted Markdown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

from bot import errors
from bot.catalog.model import CHOICE_MAX, EXPLANATION_MAX, PROMPT_MAX, TITLE_MAX
from bot.charts import build as charts
from bot.chat import interactions
from bot.chat.forms import Field, Form
from bot.chat.markdown import code, escape, mention, timestamp, to_plain, truncate
from bot.chat.reply import Button, Reply
from bot.dashboard.tokens import DashboardLink
from bot.service.views import (
    AnswerKey,
    AnswerResult,
    Board,
    BoardRow,
    CompetitionView,
    EntryView,
    HomeView,
    LookupResult,
    OwnQuestionView,
    PostResult,
    PracticeQuestion,
    PracticeResult,
    QuestionCard,
    Reviewed,
    ReviewQueue,
    ScheduleView,
    TeamJoin,
    TeamRow,
    UserStats,
    Verdict,
)

SETUP_EXAMPLE = "/study setup 09:00 Europe/London mon-fri"
SORRY = "Sorry, something went wrong on our side. Please try again in a moment."
ECHO_LIMIT = 80  # what someone typed, said back to them: enough to recognise, never a wall
REASON_LIMIT = 300  # a reason may quote a typed word too


def echo(typed: str, quoted: bool = False) -> str:
    """Someone's own words, shortened and escaped, to show back to them."""
    short = truncate(typed, ECHO_LIMIT)
    return escape(repr(short) if quoted else short)


def _key(key: AnswerKey) -> str:
    return f"{key.letter}) {key.text}"


def _why(key: AnswerKey) -> str:
    return f"**Why:** {key.explanation.strip()}"


def _read_more(key: AnswerKey) -> tuple[str, ...]:
    return (f"Read more: {code(f'/lookup {key.entry_id}')}",) if key.entry_id else ()


# -- the daily question ----------------------------------------------------------------------

def question_kind(card: QuestionCard) -> str:
    return "Question of the day" if card.counted else "Extra question"


def question(card: QuestionCard, answered: int = 0) -> Reply:
    buttons = tuple(
        Button(letter, interactions.encode(interactions.Answer(card.post_id, index)), "primary")
        for index, letter in enumerate(card.letters)
    )
    extra = "" if card.counted else " · does not count for streaks"
    return Reply(
        title=question_kind(card), subtitle=escape(card.topic_title), body=card.prompt,
        choices=tuple(zip(card.letters, card.choices, strict=True)), buttons=buttons,
        context=(f"{answered} answered · closes {timestamp(card.closes_at)} · "
                 f"{code(card.question_id)}{extra}",),
        ephemeral=False, tone="question",
        notification=f"{question_kind(card)}: {to_plain(card.prompt)}",
    )


def closed(result: PostResult) -> Reply:
    card, key = result.card, result.key
    tally = " · ".join(f"{letter} {count}" for letter, count in
                       zip(card.letters, result.distribution, strict=True))
    right = ", ".join(escape(name) for name in result.correct_users) or "nobody"
    # The buttons stay where platforms can show them disabled, the right one marked.
    buttons = tuple(
        Button(f"{letter} · {count}", interactions.encode(interactions.Answer(card.post_id, index)),
               "success" if letter == key.letter else "secondary", disabled=True)
        for index, (letter, count) in enumerate(zip(card.letters, result.distribution, strict=True))
    )
    return Reply(
        title=f"{question_kind(card)} · closed", subtitle=escape(card.topic_title),
        body=f"{card.prompt}\n\n**Answer: {key.letter}.** {key.text}\n\n{_why(key)}",
        choices=tuple(zip(card.letters, card.choices, strict=True)), buttons=buttons,
        context=(f"Answers: {tally}  ({result.answered} answered, {result.percent_correct}% right)",
                 f"Right: {right}", code(card.question_id)),
        ephemeral=False, tone="info",
    )


def verdict(result: AnswerResult, addressee: str | None = None) -> Reply:
    """The private reply to a click. `addressee` names the person where several share a screen."""
    if result.already_answered:
        you = f"{escape(addressee)}, you" if addressee else "You"
        return Reply(
            title="Already counted",
            subtitle=(f"{you} already answered **{result.verdict.chosen}**; it was counted once. "
                      f"Streak: {result.streak}."),
        )
    gained = f"+{result.points} points · " if result.points else ""
    return _verdict(result.verdict, addressee).prefixed(
        f"{gained}total {result.total_points} · streak {result.streak}\n\n")


def _verdict(verdict: Verdict, addressee: str | None) -> Reply:
    key = verdict.key
    name = f", {escape(addressee)}" if addressee else ""
    if verdict.correct:
        head = Reply(title=f"Correct{name}!", subtitle=escape(_key(key)), tone="success")
    else:
        head = Reply(title=f"Not quite{name}",
                     subtitle=f"you chose {verdict.chosen}; the answer is **{escape(_key(key))}**.",
                     tone="failure")
    return Reply(title=head.title, subtitle=head.subtitle, body=_why(key),
                 context=_read_more(key), tone=head.tone)


# -- practice --------------------------------------------------------------------------------

def practice(card: PracticeQuestion, topic: str | None) -> Reply:
    buttons = tuple(
        Button(letter, interactions.encode(interactions.Practise(card.question_id, index, topic)))
        for index, letter in enumerate(card.letters)
    )
    kind = "new question" if card.due_at is None else f"review #{card.reviews + 1}"
    return Reply(
        title="Practice", subtitle=f"{escape(card.topic_title)} · only you can see this",
        body=card.prompt, choices=tuple(zip(card.letters, card.choices, strict=True)),
        buttons=buttons, context=(f"{code(card.question_id)} · {kind} · practice never scores",),
        tone="question",
    )


def practice_result(result: PracticeResult, topic: str | None) -> Reply:
    again = Button("Another one", interactions.encode(interactions.NextPractice(topic)), "primary")
    reply = _verdict(result.verdict, None)
    return Reply(
        title=reply.title, subtitle=reply.subtitle, body=reply.body, tone=reply.tone,
        context=(f"Box {min(result.right_in_a_row, 5)} ({result.right_in_a_row} right in a row): "
                 f"it comes back in {_interval(result.interval)}, {timestamp(result.next_due, 'f')}.",
                 *reply.context),
        buttons=(again,), replaces=True,
    )


def _interval(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    if minutes < 90:
        return f"{minutes} minute{'s' * (minutes != 1)}"
    hours = round(minutes / 60)
    if hours < 36:
        return f"{hours} hours"
    return f"{round(hours / 24)} days"


# -- boards and people -----------------------------------------------------------------------

def _row(row: BoardRow) -> str:
    name = f"**{escape(row.name)}**" if row.is_caller else escape(row.name)
    return f"{row.rank}\\. {name} — {row.points} pts ({row.correct}/{row.answered} correct)"


def board(result: Board) -> Reply:
    title = f"Leaderboard ({result.label})"
    if result.team is not None:
        return _team_members(title, result, result.team)
    lines = [_row(r) for r in result.rows]
    if result.caller is not None:
        lines += ["…", _row(result.caller)]
    chart = charts.standings(result)
    if result.teams:
        return Reply(title=title, body="\n".join([
            f"**Teams** (the best {result.best} of each team count)",
            *(_team_row(t) for t in result.teams), "", "**People**",
            *(lines or ["Nobody has scored yet."])]), chart=chart)
    if not result.rows:
        return Reply(title=title, body="Nobody has scored yet.")
    return Reply(title=title, body="\n".join(lines), chart=chart)


def final_board(competition: CompetitionView, result: Board) -> Reply:
    head = f"🏆 **{escape(competition.name)}** is over!"
    if result.teams and result.teams[0].points > 0:
        winner = result.teams[0]
        head += f" Team **{escape(winner.name)}** wins with {winner.points} points."
    if result.rows:
        head += " Top: " + ", ".join(f"{escape(r.name)} ({r.points})" for r in result.rows[:3]) + "."
    return board(result).prefixed(head + "\n\n").public()


def stats(result: UserStats) -> Reply:
    elsewhere = f", {result.best_elsewhere} elsewhere" if result.best_elsewhere else ""
    lines = [f"{result.points} points · {result.correct}/{result.answered} correct "
             f"({result.accuracy:.0%})"]
    lines += [f"- {escape(t.title)}: {t.correct}/{t.answered} ({t.accuracy:.0%})"
              for t in result.topics]
    if result.weakest is not None:
        lines.append(f"\nWeakest topic: **{escape(result.weakest.title)}** · try "
                     f"{code(f'/quiz {result.weakest.topic}')}")
    if result.reviews_due:
        lines.append(f"{result.reviews_due} practice review{'s' * (result.reviews_due != 1)} "
                     f"due: {code('/quiz')}")
    freeze = _freeze_line(result)
    if freeze:
        lines.append(freeze)
    chart = None
    if any(t.answered for t in result.topics):
        chart = charts.topic_accuracy(result.topics, f"{result.name}: accuracy per topic")
    return Reply(title=result.name or "You",
                 subtitle=f"streak **{result.streak}** (best {result.best_streak} here{elsewhere})",
                 body="\n".join(lines), chart=chart)


# -- schedules -------------------------------------------------------------------------------

def schedule(view: ScheduleView, saved: bool = False) -> Reply:
    if not view.scheduled:
        return Reply(body="This channel has no schedule yet. Set one with "
                          f"{code('/study setup HH:MM TIMEZONE [DAYS] [TOPICS]')}.")
    state = "paused" if view.paused else "active"
    topics = ", ".join(view.topics) or "all topics"
    if view.bank != "both":  # the default goes without saying
        topics += " of the team's own questions" if view.bank == "own" else " of the bundled bank"
    upcoming = (f"Next post: {timestamp(view.next_post_local, 'F')} "
                f"({view.next_post_local:%a %Y-%m-%d %H:%M %Z})"
                if view.next_post_local else "No post is scheduled while paused.")
    text = (f"Schedule ({state}) for #{escape(view.channel_name)}: {view.post_time} "
            f"{escape(view.timezone)}, {view.days}; {topics}.\n{upcoming}")
    return Reply(body=("Saved. " if saved else "") + text, tone="success" if saved else "info")


def posted(card: QuestionCard, delivered: bool, channel_scheduled: bool) -> Reply:
    if not delivered:
        return Reply(body=f"I couldn't post {code(card.question_id)} right now; I'll retry shortly.",
                     tone="error")
    hint = "" if channel_scheduled else (
        f" This channel has no daily schedule yet: try {code(SETUP_EXAMPLE)}.")
    return Reply(body=f"Posted {code(card.question_id)}.{hint}", tone="success")


def closed_ack(result: PostResult) -> Reply:
    return Reply(body=f"Closed {code(result.card.question_id)}.", tone="success")


# -- lookups ---------------------------------------------------------------------------------

def entry(view: EntryView, shared_by: str | None = None) -> Reply:
    if shared_by is not None:
        return Reply(title=view.title, body=view.body, context=(f"Shared by {mention(shared_by)}",),
                     ephemeral=False)
    share = Button("Share to channel", interactions.encode(interactions.Share(view.id)))
    return Reply(title=view.title, body=view.body, buttons=(share,),
                 context=(f"{escape(view.topic)} · {code(view.id)}",))


def lookup(result: LookupResult) -> Reply:
    best = result.best
    if best is None:
        closest = "\n".join(f"- {escape(s.title)} ({code(s.id)})" for s in result.suggestions)
        head = (f"No entry matches **{echo(result.query)}**." if result.query
                else "What should I look up?")
        return Reply(body=f"{head} Closest:\n{closest}" if closest else head)
    reply = entry(best)
    if len(result.hits) > 1:
        others = " · ".join(f"{escape(h.title)} ({code(h.id)})" for h in result.hits[1:])
        reply = Reply(title=reply.title, body=reply.body, buttons=reply.buttons,
                      context=(*reply.context, f"See also: {others}"))
    return reply


def entry_gone() -> Reply:
    return Reply(body="That entry no longer exists.", tone="error")


# -- competitions ----------------------------------------------------------------------------

def _competition_line(view: CompetitionView) -> str:
    state = "ended" if view.ended else f"runs until {timestamp(view.ends_at)}"
    rules = ""
    if view.teams:
        rules += (f" Teams: {', '.join(escape(t) for t in view.teams)} "
                  f"(the best {view.best} of each count).")
    if view.topics:
        rules += f" Topics: {', '.join(view.topics)}."
    return (f"**Competition {escape(view.name)}**: {state}.{rules} Its board: "
            f"{code(f'/leaderboard {view.name}')}")


def competition_started(view: CompetitionView) -> Reply:
    return Reply(body="Started. " + _competition_line(view), tone="success")


def competitions(views: Iterable[CompetitionView]) -> Reply:
    lines = [_competition_line(v) for v in views]
    if not lines:
        return Reply(body="No competitions yet. An admin can start one: "
                          f"{code('/study competition start NAME [DAYS]')}")
    return Reply(body="\n".join(lines))


def competition_ended(view: CompetitionView, result: Board) -> Reply:
    return board(result).prefixed(f"**Competition {escape(view.name)}** is over.\n\n")


# -- teams in competitions and the streak freeze ---------------------------------------------

def _team_row(team: TeamRow) -> str:
    name = f"**{escape(team.name)}**" + (" (your team)" if team.is_callers else "")
    top = ", ".join(f"{escape(m.name)} {m.points}" for m in team.top)
    counted = f"{team.counted} counted" + (f" · {top}" if top else "")
    return f"{team.rank}\\. {name} — {team.points} pts ({counted})"


def _team_members(title: str, result: Board, team: TeamRow) -> Reply:
    head = (f"**{escape(team.name)}**: {team.points} pts, rank {team.rank} of the teams; "
            f"its best {result.best} count.")
    rows = [_row(r) + (" ✓" if r.rank <= result.best else "") for r in result.rows]
    if result.caller is not None:
        rows += ["…", _row(result.caller)]
    return Reply(title=title, body="\n".join([head, *(rows or ["Nobody in this team yet."])]),
                 context=("✓ counts toward the team's score",) if rows else ())


def team_joined(joins: Iterable[TeamJoin], addressee: str | None = None) -> Reply:
    you = f"{escape(addressee)}, you" if addressee else "You"
    lines = []
    for join in joins:
        team, competition = f"**{escape(join.team)}**", f"**{escape(join.competition)}**"
        if join.outcome == "joined":
            lines.append(f"{you} are in team {team} for {competition}.")
        elif join.outcome == "already":
            lines.append(f"{you} are already in team {team} for {competition}.")
        else:
            lines.append(f"{you} chose team {team} for {competition} already; a choice is final.")
    return Reply(body="\n".join(lines), tone="success")


def _freeze_line(result: UserStats) -> str:
    if result.freeze:
        return "🧊 Streak freeze held: one missed post here won't break this streak."
    if result.to_freeze:
        return (f"Streak freeze: {result.to_freeze} more post{'s' * (result.to_freeze != 1)} "
                "in a row here earn one.")
    if result.streak:
        return "Streak freeze: used in this streak (one per streak)."
    return ""


# -- the dashboard ---------------------------------------------------------------------------

def dashboard_link(link: DashboardLink) -> Reply:
    """Private: the link opens the whole team's figures to whoever holds it."""
    return Reply(
        title="Team dashboard",
        body=(f"[Open the dashboard]({link.url}): participation, streaks, topics, people and "
              f"questions of this workspace. The link works until {timestamp(link.expires_at, 'f')}."),
        context=("Anyone who has this link can read the dashboard: keep it inside the team. "
                 f"Run {code('/study dashboard')} again for a new one.",),
    )


def home(view: HomeView) -> Reply:
    """The Slack App Home: a person's own figures, where the next questions are, practice."""
    rank = f", rank **{view.week_rank}**" if view.week_rank else ""
    lines = [f"Streak **{view.streak}** (best {view.best_streak}) · this week **{view.week_points}** "
             f"points{rank}"]
    buttons: tuple[Button, ...] = ()
    if view.weakest is not None:
        w = view.weakest
        lines.append(f"Weakest topic: **{escape(w.title)}** ({w.correct}/{w.answered} right)")
        buttons = (Button(f"Practice {w.title}"[:75],
                          interactions.encode(interactions.NextPractice(w.topic)), "primary"),)
    else:
        buttons = (Button("Practice", interactions.encode(interactions.NextPractice(None)),
                          "primary"),)
    if view.schedules:
        lines.append("\n**Next questions**")
        lines += [f"- #{escape(s.channel_name)}: " + (
            f"{timestamp(s.next_post_local, 'F')}" if s.next_post_local else "paused")
            for s in view.schedules]
    else:
        lines.append(f"\nNo study channel yet. An admin starts one with {code(SETUP_EXAMPLE)}.")
    context: tuple[str, ...] = ("Practice is private and never scores.",)
    if view.dashboard_url and view.dashboard_expires:
        lines.append(f"\n**Admins:** [open the team dashboard]({view.dashboard_url}) "
                     f"(a private link, until {timestamp(view.dashboard_expires, 'D')})")
    return Reply(title="Your studybot", body="\n".join(lines), buttons=buttons, context=context)


# -- the team's own questions ----------------------------------------------------------------

_QUESTION_FIELDS = {"prompt": "Question", "choices": "Choices", "explanation": "Why",
                    "topic": "Topic", "difficulty": "Difficulty"}


def question_form(question_id: str | None = None, values: Mapping[str, str] | None = None) -> Form:
    """The one question form, for a new question or (`question_id`) an edit of a proposed one."""
    form = Form(
        id=interactions.encode(interactions.QuestionForm(question_id)),
        title="Edit a question" if question_id else "Propose a question",
        submit="Save" if question_id else "Propose",
        intro=("Anyone may propose a question of the team's own; an admin reviews it before it "
               "is asked. Markdown works; mark the right choice with a `*`."),
        fields=(
            Field("prompt", "Question", "What do we run first when a deploy fails?",
                  max_length=PROMPT_MAX, multiline=True),
            Field("choices", "Choices, one per line; * marks the right one",
                  "* ./rollback.sh  (then the wrong ones, one per line)",
                  max_length=5 * (CHOICE_MAX + 3), multiline=True),
            Field("explanation", "Why (shown with the answer)",
                  "Our runbook: roll back first, then read the logs.",
                  max_length=EXPLANATION_MAX, multiline=True),
            Field("topic", "Topic", "k8s, one of ours, or a new one as deploy: Our deploy",
                  max_length=TITLE_MAX + 40),
            Field("difficulty", "Difficulty: 1 easy, 2 medium, 3 hard", "2", required=False,
                  max_length=6),
        ),
    )
    return form.filled(values or {})


def open_question_form(question_id: str | None = None,
                       values: Mapping[str, str] | None = None) -> Reply:
    form = question_form(question_id, values)
    return Reply(title=form.title, body=form.intro, form=form)


def form_refused(form: Form, problems: Mapping[str, str], draft_id: int) -> Reply:
    """A form that cannot be taken as typed: what to fix, field by field, and a button that opens
    it again filled in (where the platform cannot show errors inside the form)."""
    labels = {f.name: f.label for f in form.fields}
    lines = [f"- **{escape(_QUESTION_FIELDS.get(name, labels.get(name, name)))}:** {escape(why)}"
             for name, why in problems.items()]
    again = Button("Edit again", interactions.encode(interactions.ReopenDraft(draft_id)), "primary")
    return Reply(title="Not saved yet", subtitle="a few fields need a fix",
                 body="\n".join(lines), buttons=(again,),
                 context=("What you typed is kept for a day: press Edit again.",),
                 tone="error", form=form, field_errors=tuple(problems.items()))


def _own_question(view: OwnQuestionView) -> str:
    """A question as its reviewers read it: the prompt, the choices, the answer and why."""
    choices = "\n".join(f"**{letter})** {text}"
                        for letter, text in zip(view.letters, view.choices, strict=True))
    return (f"{view.prompt}\n\n{choices}\n\n**Answer: {view.letters[view.key]}**\n\n"
            f"**Why:** {view.explanation}")


def _advice(view: OwnQuestionView) -> tuple[str, ...]:
    return tuple(f"⚠ {escape(warning)}" for warning in view.warnings)


def proposed(view: OwnQuestionView, edited: bool = False) -> Reply:
    topic = f"{escape(view.topic_title)} (a new topic)" if view.new_topic else escape(view.topic_title)
    head = "Saved" if edited else "Thanks! Your question is proposed"
    # An admin who edited it in review goes on reviewing it from here.
    buttons = _review_buttons(view.id) if edited else ()
    return Reply(title=head, subtitle=topic, body=_own_question(view), tone="success",
                 buttons=buttons,
                 context=(f"{code(view.id)} · an admin approves it with "
                          f"{code('/study question review')}; you will be told",
                          *_advice(view)))


def review(queue: ReviewQueue) -> Reply:
    view = queue.question
    if view is None:
        return Reply(body="No proposed question is waiting for review. Anyone can propose one: "
                          f"{code('/study question add')}.")
    buttons = list(_review_buttons(view.id))
    if queue.waiting > 1:
        buttons.append(Button("Next", interactions.encode(interactions.Review("next", view.id))))
    author = escape(view.author) if view.author else "an import"
    return Reply(
        title=f"Review {queue.position} of {queue.waiting}", subtitle=escape(view.topic_title),
        body=_own_question(view), buttons=tuple(buttons), tone="question",
        context=(f"Proposed by {author} · {code(view.id)} · difficulty {view.difficulty} · "
                 f"only you can see this", *_advice(view)),
    )


def _review_buttons(question_id: str) -> tuple[Button, ...]:
    return (
        Button("Approve", interactions.encode(interactions.Review("approve", question_id)),
               "success"),
        Button("Edit", interactions.encode(interactions.Review("edit", question_id))),
        Button("Reject", interactions.encode(interactions.Review("reject", question_id)), "danger"),
    )


def reviewed(result: Reviewed) -> Reply:
    """The review goes on in place: what was done, then the next proposal."""
    view = result.question
    if view.status == "approved":
        done = f"Approved {code(view.id)}: it joins the daily questions and practice."
    else:
        done = f"Rejected {code(view.id)}."
    return review(result.queue).prefixed(f"{done}\n\n").replacing()


def approved_notice(view: OwnQuestionView) -> Reply:
    """To the author, privately: their question was approved."""
    by = f" by {escape(view.reviewer)}" if view.reviewer else ""
    return Reply(title="Your question was approved", subtitle=escape(view.topic_title),
                 body=(f"{code(view.id)} was approved{by}. It joins the daily questions and "
                       f"{code('/quiz')} practice in this workspace.\n\n{view.prompt}"),
                 tone="success")


def retired(view: OwnQuestionView) -> Reply:
    return Reply(body=(f"Retired {code(view.id)}: it is no longer posted or practised; its past "
                       "posts and answers stay."), tone="success")


# -- help and errors -------------------------------------------------------------------------

def help_text(lines: Iterable[tuple[str, str, bool]]) -> Reply:
    """`lines`: (usage, summary, admin only) for every command, in the order to show them."""
    shown = [f"{code(usage)} {summary}" + (" *(admins)*" if admin else "")
             for usage, summary, admin in lines]
    return Reply(title="studybot",
                 subtitle="a daily DevOps question, streaks, leaderboards and cheat-sheet lookups",
                 body="\n".join(f"- {line}" for line in shown))


def unknown_command(name: str) -> Reply:
    return Reply(body=f"Unknown command /{echo(name)}. Try {code('/help')}.", tone="error")


def sorry() -> Reply:
    return Reply(body=SORRY, tone="error")


def error(exc: errors.StudyError) -> Reply:
    return Reply(body=error_text(exc), tone="error")


def error_text(exc: errors.StudyError) -> str:
    match exc:
        case errors.NotAllowed(action=action):
            return f"Only workspace admins can {action}."
        case errors.InvalidInput(field=field, value=value, reason=reason):
            if field == "command":
                return f"I couldn't read that command: {escape(truncate(reason, REASON_LIMIT))}"
            return (f"Invalid {escape(field)} {echo(value, quoted=True)}: "
                    f"{escape(truncate(reason, REASON_LIMIT))}. "
                    "Nothing was changed.")
        case errors.UnknownTopic(name=name, valid=valid):
            return f"Unknown topic {echo(name, quoted=True)}. Topics: {', '.join(valid)}."
        case errors.UnknownQuestion(question_id=qid):
            return f"There is no question with id {echo(qid, quoted=True)}."
        case errors.NoQuestions():
            return "No questions match this channel's topics."
        case errors.ChannelNotSetUp():
            return f"This channel has no study schedule yet. An admin can run {code('/study setup')}."
        case errors.NoOpenPost():
            return "There is no open question in this channel right now."
        case errors.UnknownPost():
            return "That question is not from this workspace or no longer exists."
        case errors.PostClosed(correct_letter=letter):
            return f"This question is closed; the answer was {letter}. Your click was not counted."
        case errors.DashboardOff():
            return ("The web dashboard is off. Whoever runs the bot turns it on with the "
                    "DASHBOARD_SECRET and PUBLIC_URL settings.")
        case errors.InvalidChoice(letters=letters):
            return f"Answer with one of: {', '.join(letters)}."
        case errors.TryAgain():
            return ("I can't reach the database right now; try again in a moment. "
                    "Nothing was recorded.")
        case errors.InvalidForm(fields=fields):
            return "Not saved: " + "; ".join(f"{escape(k)}: {escape(v)}" for k, v in fields.items())
        case errors.AlreadyReviewed(question_id=qid, status=status):
            return f"{code(qid)} is already {escape(status)}."
        case errors.DraftGone():
            return (f"That form is no longer kept (a day). Open a new one: "
                    f"{code('/study question add')}")
    return "Sorry, that didn't work."
