"""One Markdown source, three renderings; user text never becomes markup, links or pings."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.chat.markdown import code, escape, mention, timestamp, to_discord, to_mrkdwn, to_plain

CONTENT = (
    "**Check** the *previous* logs: `kubectl logs POD --previous`.\n"
    "- **Deployment** manages ReplicaSets\n"
    "- [docs](https://kubernetes.io/docs/)\n"
    "```bash\nkubectl get pods -o wide\n```"
)


def test_italic_is_italic_on_slack_not_bold() -> None:
    # The old regex converter turned *italic* into Slack's *bold*.
    rendered = to_mrkdwn("separate *deploy* from **release**")
    assert rendered == "separate _deploy_ from *release*"


def test_each_platform_gets_its_own_syntax() -> None:
    slack = to_mrkdwn(CONTENT)
    assert "*Check* the _previous_ logs: `kubectl logs POD --previous`." in slack
    assert "• *Deployment* manages ReplicaSets" in slack
    assert "<https://kubernetes.io/docs/|docs>" in slack
    assert "```kubectl get pods -o wide```" in slack
    discord = to_discord(CONTENT)
    assert "**Check** the *previous* logs: `kubectl logs POD --previous`." in discord
    assert "- **Deployment** manages ReplicaSets" in discord
    assert "[docs](<https://kubernetes.io/docs/>)" in discord
    assert "```bash\nkubectl get pods -o wide\n```" in discord
    plain = to_plain(CONTENT)
    assert "Check the previous logs: kubectl logs POD --previous." in plain
    assert "- docs (https://kubernetes.io/docs/)" in plain
    assert "    kubectl get pods -o wide" in plain


@pytest.mark.parametrize("hostile", [
    "<!channel>", "<!here>", "<@U123ABC>", "<#C123|general>", "<http://evil.example|click>",
    "@everyone", "@here", "<@&987654321>", "*bold* _it_ `code` [x](http://evil.example)",
    "<t:1:R>", "&lt;script&gt;",
])
def test_escaped_user_text_is_shown_as_typed_and_never_pings(hostile: str) -> None:
    markdown = f"You asked for {escape(hostile)}."
    assert to_plain(markdown) == f"You asked for {hostile}."
    slack = to_mrkdwn(markdown)
    assert "<" not in slack
    assert ">" not in slack
    discord = to_discord(markdown)
    assert "@everyone" not in discord
    assert "@here" not in discord
    assert re.search(r"(?<!\\)<", discord) is None  # every < escaped: no mention, channel, time
    assert re.search(r"(?<!\\)\]\(", discord) is None  # no masked link


@given(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=200))
def test_escape_round_trips_any_text_through_plain(text: str) -> None:
    assert to_plain(escape(text)) == " ".join(text.split())


def test_timestamps_and_mentions_are_native_everywhere() -> None:
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    markdown = f"Closes {timestamp(moment)}; asked by {mention('U42')}"
    assert to_discord(markdown) == "Closes <t:1796117400:f>; asked by <@U42>"
    assert to_mrkdwn(markdown) == ("Closes <!date^1796117400^{date_short_pretty} {time}|"
                                   "2026-12-01 09:30 UTC>; asked by <@U42>")
    assert to_plain(markdown) == "Closes 2026-12-01 09:30 UTC; asked by U42"


def test_code_spans_hold_backticks() -> None:
    assert to_plain(f"run {code('echo `date`')} now") == "run echo `date` now"
    assert to_discord(code("a`b")) == "``a`b``"
