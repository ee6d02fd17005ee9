"""Replies rendered for Slack and the terminal: within Slack's limits, with the right words."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from bot.chat import replies
from bot.chat.markdown import escape
from bot.chat.reply import Reply
from bot.platforms.shell.render import render as plain
from bot.platforms.slack import blocks
from bot.service.views import EntryView, LookupResult, QuestionCard

CARD = QuestionCard(41, "k8s.q.two", "k8s", "Kubernetes", "What does a *Deployment* manage?",
                    ("ReplicaSets", "Nodes", "Services"), 2, True, date(2026, 12, 1),
                    datetime(2026, 12, 2, 9, tzinfo=UTC), "C1", "slack", "T1")


def test_the_question_message_on_slack() -> None:
    message = blocks.message(replies.question(CARD, answered=3))
    section, actions, context = message["blocks"]
    assert section["text"]["text"].startswith("*Question of the day* · Kubernetes\n")
    assert "What does a _Deployment_ manage?" in section["text"]["text"]
    assert "*A)* ReplicaSets" in section["text"]["text"]
    assert [b["action_id"] for b in actions["elements"]] == [
        "studybot.answer.41.0", "studybot.answer.41.1", "studybot.answer.41.2"]
    assert context["elements"][0]["text"].startswith("3 answered · closes <!date^")
    assert message["text"] == "Question of the day: What does a Deployment manage?"


def test_an_extra_question_does_not_notify_as_the_question_of_the_day() -> None:
    extra = replace(CARD, counted=False)
    message = blocks.message(replies.question(extra))
    assert message["text"].startswith("Extra question: ")
    assert "Question of the day" not in message["text"]
    assert "does not count for streaks" in blocks.render(replies.question(extra))[-1]["elements"][0]["text"]


def test_the_question_in_a_terminal() -> None:
    text = plain(replies.question(CARD))
    assert text.splitlines()[:3] == ["Question of the day: Kubernetes",
                                     "What does a Deployment manage?", "  A) ReplicaSets"]
    assert "Type a letter (A/B/C) to answer." in text


def test_a_huge_hostile_lookup_fits_slacks_limits_and_pings_nobody() -> None:
    hostile = "<!channel> <@U1> " * 700  # about 12,000 characters of someone's query
    reply = replies.lookup(LookupResult(hostile, None, ()))
    rendered = blocks.render(reply)
    assert all(len(b["text"]["text"]) <= blocks.SECTION_LIMIT for b in rendered if b["type"] == "section")
    assert len(rendered) <= blocks.MAX_BLOCKS
    text = "".join(b["text"]["text"] for b in rendered if b["type"] == "section")
    assert "<!channel>" not in text
    assert "<@U1>" not in text
    assert "&lt;!channel&gt;" in text
    assert len(blocks.fallback(reply)) <= blocks.TEXT_LIMIT


def test_a_long_entry_is_split_into_sections_and_keeps_its_share_button() -> None:
    body = "\n".join(f"- line {i} " + "x" * 80 for i in range(200))
    reply = replies.entry(EntryView("k8s.big", "k8s", "Big", body, 1.0))
    rendered = blocks.render(reply)
    sections = [b for b in rendered if b["type"] == "section"]
    assert len(sections) > 1
    assert all(len(s["text"]["text"]) <= 3000 for s in sections)
    assert [b["type"] for b in rendered][-2:] == ["actions", "context"]


def test_titles_and_subtitles_join_as_each_medium_reads() -> None:
    reply = Reply(title="dee", subtitle="streak **3** (best 5 here)")
    assert blocks.heading(reply) == "*dee* · streak *3* (best 5 here)"
    assert plain(reply) == "dee: streak 3 (best 5 here)"
    assert plain(Reply(title="Correct!", subtitle=escape("A) ReplicaSets"))) == "Correct! A) ReplicaSets"
