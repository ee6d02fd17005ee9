"""What each command does: one use case of the service, one reply. The same on every platform."""

from __future__ import annotations

from bot import errors, metrics
from bot.chat import replies
from bot.chat.context import Call
from bot.chat.reply import Reply
from bot.service.views import Actor, ChannelRef, TeamSpec


async def lookup(call: Call) -> Reply:
    topic = call.command.topic
    found = await call.service.lookup(call.context.actor, call.text("query"), topic=topic)
    metrics.LOOKUPS.labels(call.context.actor.platform, str(found.best is not None).lower()).inc()
    return replies.lookup(found)


async def leaderboard(call: Call) -> Reply:
    board = await call.service.leaderboard(call.context.actor, call.text("period", "week"),
                                           channel=call.context.channel,
                                           team=call.text("team") or None)
    return replies.board(board)


async def streak(call: Call) -> Reply:
    return replies.stats(await call.service.stats(await _subject(call), call.context.channel))


async def _subject(call: Call) -> Actor:
    """`/streak` is about the caller, or about the person it names."""
    named = call.args.get("user")
    if isinstance(named, Actor):
        return named
    if not isinstance(named, str) or not named:
        return call.context.actor
    found = await call.context.hooks.find_user(call.context.actor, named)
    if found is None:
        raise errors.InvalidInput("user", named, "mention someone, e.g. /streak @ada")
    return found


async def quiz(call: Call) -> Reply:
    asked = call.text("topic") or None
    card = await call.service.practice(call.context.actor, asked)
    chosen = await call.service.topic_slug(call.context.actor, asked) if asked else None
    return replies.practice(card, chosen)


async def show_help(call: Call) -> Reply:
    return replies.help_text(call.registry.help_lines())


async def setup(call: Call) -> Reply:
    here = call.context.channel
    target = await _target(call, here)
    view = await call.service.configure_channel(
        call.context.actor, target, call.text("time"), call.text("timezone"),
        call.text("days", "mon-fri"), list(call.words("topics")), call.text("bank", "both"))
    return replies.schedule(view, saved=True)


async def _target(call: Call, here: ChannelRef) -> ChannelRef:
    """The channel a setup names, when it names one."""
    named = call.args.get("channel")
    if isinstance(named, ChannelRef):
        return named
    if not isinstance(named, str) or not named:
        return here
    found = await call.context.hooks.find_channel(here, named)
    if found is None:
        raise errors.InvalidInput("channel", named, "I can't find that channel; pick it from the "
                                  "autocomplete or run the command there")
    return found


async def post_now(call: Call) -> Reply:
    channel = call.context.channel
    card = await call.service.post_now(call.context.actor, channel, call.text("question") or None)
    delivered = await call.dispatcher.deliver(card) is not None
    return replies.posted(card, delivered, (await call.service.schedule(channel)).scheduled)


async def close(call: Call) -> Reply:
    result = await call.service.close_latest(call.context.actor, call.context.channel)
    await call.dispatcher.publish_result(result)
    return replies.closed_ack(result)


async def pause(call: Call) -> Reply:
    return replies.schedule(await call.service.set_paused(call.context.actor, call.context.channel,
                                                          True))


async def resume(call: Call) -> Reply:
    return replies.schedule(await call.service.set_paused(call.context.actor, call.context.channel,
                                                          False))


async def schedule(call: Call) -> Reply:
    return replies.schedule(await call.service.schedule(call.context.channel))


async def competition_start(call: Call) -> Reply:
    view = await call.service.start_competition(
        call.context.actor, call.context.channel, call.text("name"), call.text("days", "7"),
        teams=_teams(call), topics=call.words("topics"), best=call.text("best"))
    return replies.competition_started(view)


async def competition_end(call: Call) -> Reply:
    view, board = await call.service.end_competition(call.context.actor, call.text("name"))
    # Ended here and now, once: the winners are announced where it started, as at its end time.
    await call.dispatcher.announce_final_board(view, board)
    return replies.competition_ended(view, board)


async def competition_list(call: Call) -> Reply:
    return replies.competitions(await call.service.list_competitions(call.context.actor))


# -- teams in competitions -------------------------------------------------------------------

def _teams(call: Call) -> list[TeamSpec]:
    """`teams:` words: group mentions in the platform's syntax, or names people join."""
    found = []
    for word in call.words("teams"):
        group = call.context.hooks.parse_group(word)
        found.append(TeamSpec(word, None) if group is None else TeamSpec(group[1], group[0]))
    return found


async def team_join(call: Call) -> Reply:
    joined = await call.service.join_team(call.context.actor, call.text("team"),
                                          call.text("competition") or None)
    return replies.team_joined(joined, call.context.addressee)


async def dashboard(call: Call) -> Reply:
    return replies.dashboard_link(call.service.dashboard_link(call.context.actor))


# -- the team's own questions ----------------------------------------------------------------

async def question_add(call: Call) -> Reply:
    return replies.open_question_form()


async def question_review(call: Call) -> Reply:
    return replies.review(await call.service.review_queue(call.context.actor))


async def question_retire(call: Call) -> Reply:
    return replies.retired(await call.service.retire_question(call.context.actor,
                                                              call.text("question")))
