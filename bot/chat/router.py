"""Commands and clicks in, neutral replies out: the one boundary where errors become words and
metrics are counted, for every platform."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from bot import errors, metrics
from bot.chat import interactions, replies, suggestions
from bot.chat.commands import Command, Registry
from bot.chat.context import Arg, Call, Context
from bot.chat.reply import Reply
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.tally import Tally
from bot.service.study import StudyService
from bot.service.views import Actor, AnswerResult

log = logging.getLogger("studybot.chat")


class Router:
    def __init__(self, service: StudyService, dispatcher: Dispatcher, tally: Tally,
                 registry: Registry) -> None:
        self.service = service
        self.dispatcher = dispatcher
        self.tally = tally
        self.registry = registry
        # Teams of group-team competitions, settled after answers (see _place_in_teams).
        self._placing: set[asyncio.Task[None]] = set()

    async def text(self, context: Context, name: str, text: str) -> Reply:
        """`/name text`, as typed in the terminal or sent by Slack."""
        async def run() -> Reply:
            try:
                command, words, raw = self.registry.find(name, text)
            except LookupError:
                log.info("command", extra=_where(context) | {"command": name, "outcome": "unknown"})
                return replies.unknown_command(name)
            return await self._run(context, command, command.parse(words, raw, context.hooks))

        known = self.registry.aliases.get(name.lower(), name.lower())
        label = known if known in self.registry.top_level() else "unknown"
        return await self._guard(context, label, run)

    async def invoke(self, context: Context, path: tuple[str, ...], args: Mapping[str, Arg]) -> Reply:
        """A command whose options the platform already parsed (Discord)."""
        command = self.registry.commands.get(path)
        if command is None:
            log.info("command", extra=_where(context) | {"command": " ".join(path), "outcome": "unknown"})
            return replies.unknown_command(" ".join(path))
        return await self._guard(context, command.name, lambda: self._run(context, command, args))

    async def click(self, context: Context, button: interactions.ButtonId) -> Reply:
        """A button: an answer, a practice choice, another practice question, a share."""
        action = interactions.decode(button.name, button.payload)
        return await self._guard(context, "click", lambda: self._click(context, action),
                                 answering=isinstance(action, interactions.Answer))

    async def answer_letter(self, context: Context, letter: str) -> Reply:
        """The terminal's click: a letter answers the channel's newest open question."""
        async def run() -> Reply:
            try:
                result = await self.service.answer_latest(context.actor, context.channel, letter)
            except errors.StudyError as exc:
                _refused_answer(context, None, exc)
                raise
            return self._answered(context, result)

        return await self._guard(context, "answer", run, answering=True)

    async def suggest(self, context: Context, path: tuple[str, ...], option: str,
                      typed: str) -> list[suggestions.Suggestion]:
        """Choices while someone types an option; nothing (never an error) when there are none."""
        command = self.registry.commands.get(path)
        found = next((o for o in command.options if o.name == option), None) if command else None
        if command is None or found is None:
            return []
        try:
            return await suggestions.suggest(self.service, context, command, found, typed)
        except Exception:
            log.exception("suggestions for /%s %s failed", command.name, option)
            return []

    async def _run(self, context: Context, command: Command, args: Mapping[str, Arg]) -> Reply:
        if command.admin:
            context = context.as_admin(await context.hooks.is_admin(context.actor))
        call = Call(command, args, context, self.service, self.dispatcher, self.registry)
        reply = await command.handler(call)
        metrics.COMMANDS.labels(context.actor.platform, command.name, "ok").inc()
        log.info("command", extra=_where(context) | {"command": command.name, "outcome": "ok"})
        return reply

    async def _click(self, context: Context, action: interactions.Action | None) -> Reply:
        actor = context.actor
        match action:
            case interactions.Answer(post_id=post, choice=choice):
                try:
                    result = await self.service.answer(actor, post, choice)
                except errors.StudyError as exc:
                    _refused_answer(context, post, exc)
                    raise
                return self._answered(context, result)
            case interactions.Practise(question_id=question, choice=choice, topic=topic):
                practised = await self.service.practice_answer(actor, question, choice)
                _clicked(context, "practice-answer")
                return replies.practice_result(practised, topic)
            case interactions.NextPractice(topic=topic):
                card = await self.service.practice(actor, topic)
                _clicked(context, "practice-next")
                return replies.practice(card, topic).replacing()
            case interactions.Share(entry_id=entry_id):
                _clicked(context, "share")
                view = await self.service.entry(actor, entry_id)
                if view is None:
                    return replies.entry_gone()
                return replies.entry(view, shared_by=actor.user_id).replacing()
            case interactions.Review() | interactions.QuestionForm() | interactions.ReopenDraft():
                return await self._own_question_click(context, action)
        metrics.ANSWERS.labels(actor.platform, "refused").inc()
        raise errors.UnknownPost()

    # -- the team's own questions: forms and review ---------------------------------------

    async def submit(self, context: Context, form_id: str, values: Mapping[str, str]) -> Reply:
        """A form filled in (a Slack view_submission, a Discord MODAL_SUBMIT, the terminal's
        prompts). A refused one answers with `field_errors` and the form as typed (`form`), and
        is kept a day so that a button can open it again filled in."""
        action = interactions.decode_custom_id(form_id)

        async def run() -> Reply:
            if not isinstance(action, interactions.QuestionForm):
                raise errors.DraftGone()  # not a form of ours (forged, or from an old version)
            here = context
            if action.question_id is not None:
                here = context.as_admin(await context.hooks.is_admin(context.actor))
            fields = {name: str(value) for name, value in values.items()}
            try:
                view = await self.service.propose(here.actor, here.channel, fields,
                                                  action.question_id)
            except errors.InvalidForm as exc:
                draft = await self.service.keep_draft(here.actor, form_id, fields)
                log.info("command", extra=_where(here) | {
                    "command": "study question form", "outcome": "refused",
                    "reason": "InvalidForm"})
                return replies.form_refused(replies.question_form(action.question_id, fields),
                                            exc.fields, draft)
            _clicked(here, "study question form")
            return replies.proposed(view, edited=action.question_id is not None)

        return await self._guard(context, "study question form", run)

    async def _own_question_click(self, context: Context, action: interactions.Action) -> Reply:
        context = context.as_admin(await context.hooks.is_admin(context.actor))
        actor = context.actor
        match action:
            case interactions.Review(verdict="edit", question_id=question):
                fields = await self.service.question_fields(actor, question)
                reply = replies.open_question_form(question, fields)
            case interactions.Review(verdict="next", question_id=question):
                reply = replies.review(await self.service.review_queue(actor, after=question))
                reply = reply.replacing()
            case interactions.Review(verdict=verdict, question_id=question):
                result = await self.service.review(actor, question, verdict == "approve")
                if result.author is not None and result.question.status == "approved":
                    await self._tell(context, result.author, replies.approved_notice(result.question))
                reply = replies.reviewed(result)
            case interactions.QuestionForm(question_id=question):
                fields = await self.service.question_fields(actor, question) if question else {}
                reply = replies.open_question_form(question, fields)
            case interactions.ReopenDraft(draft_id=draft):
                kept = await self.service.draft(actor, draft)
                form = interactions.decode_custom_id(kept.form)
                question = form.question_id if isinstance(form, interactions.QuestionForm) else None
                reply = replies.open_question_form(question, kept.fields)
            case _:
                raise errors.UnknownPost()
        _clicked(context, f"review-{action.verdict}" if isinstance(action, interactions.Review)
                 else "question-form")
        return reply

    async def _tell(self, context: Context, person: Actor, reply: Reply) -> None:
        """A private word to someone else; the use case is done whatever becomes of it."""
        try:
            told = await context.hooks.tell(person, reply)
        except Exception:
            log.exception("tell_failed", extra=_where(context) | {"to": person.user_id})
            return
        if not told:
            log.warning("tell_failed", extra=_where(context) | {"to": person.user_id})

    def _answered(self, context: Context, result: AnswerResult) -> Reply:
        outcome = "repeat" if result.already_answered else (
            "correct" if result.verdict.correct else "wrong")
        metrics.ANSWERS.labels(context.actor.platform, outcome).inc()
        log.info("answer", extra=_where(context) | {"post": result.post_id, "outcome": outcome})
        if not result.already_answered:
            self.tally.poke(result.post_id)
            self._place_in_teams(context)
        return replies.verdict(result, context.addressee)

    # -- teams in competitions -------------------------------------------------------------
    def _place_in_teams(self, context: Context) -> None:
        """Someone acted while a competition of platform groups may be running: count them for
        their group's team. After the reply, in the background (it may ask the platform who is
        in which group); nothing at all when no such competition runs in their workspace."""
        if not self.service.may_have_group_teams(context.actor):
            return
        task = asyncio.get_running_loop().create_task(self._placed(context))
        self._placing.add(task)
        task.add_done_callback(self._placing.discard)

    async def _placed(self, context: Context) -> None:
        actor = context.actor
        try:
            candidates = await self.service.group_team_candidates(actor)
            if candidates:
                groups = await context.hooks.groups_of(actor, candidates)
                await self.service.place_in_group_teams(actor, groups)
        except Exception:
            # The next answer tries again; the answer itself was recorded and answered.
            log.exception("team_placement_failed", extra=_where(context))

    async def settle(self) -> None:
        """Wait for the team placements already started (tests; shutdown)."""
        while self._placing:
            await asyncio.wait(set(self._placing))

    async def _guard(self, context: Context, what: str, run: Callable[[], Awaitable[Reply]],
                     answering: bool = False) -> Reply:
        try:
            return await run()
        except errors.StudyError as exc:
            metrics.COMMANDS.labels(context.actor.platform, what, "refused").inc()
            if not answering:  # a refused answer has its own "answer" event
                log.info("command", extra=_where(context) | {
                    "command": what, "outcome": "refused", "reason": type(exc).__name__})
            return replies.error(exc)
        except Exception:
            log.exception("error", extra=_where(context) | {"command": what})
            metrics.COMMANDS.labels(context.actor.platform, what, "failed").inc()
            return replies.sorry()


def _where(context: Context) -> dict[str, object]:
    """Who and where, on every event of a command or a click."""
    return {"platform": context.actor.platform, "workspace": context.actor.workspace_id,
            "channel": context.channel.channel_id, "user": context.actor.user_id}


def _refused_answer(context: Context, post: int | None, exc: errors.StudyError) -> None:
    metrics.ANSWERS.labels(context.actor.platform, "refused").inc()
    log.info("answer", extra=_where(context) | {
        "post": post, "outcome": "refused", "reason": type(exc).__name__})


def _clicked(context: Context, what: str) -> None:
    log.info("command", extra=_where(context) | {"command": what, "outcome": "ok"})
