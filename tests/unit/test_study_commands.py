from __future__ import annotations

import pytest

from bot import errors
from bot.chat.study_text import (
    ChannelMention,
    PostNow,
    Setup,
    Simple,
    parse_study,
)


def test_setup_forms() -> None:
    assert parse_study("setup 09:00 Europe/London") == Setup("09:00", "Europe/London")
    assert parse_study("setup <#C123|study> 9:00 UTC mon,wed k8s linux") == Setup(
        "9:00", "UTC", "mon,wed", ("k8s", "linux"), ChannelMention("C123", "study"))
    assert parse_study("setup #devops 09:00 UTC daily").channel == ChannelMention(None, "devops")
    assert parse_study("setup 09:00 UTC mon-funday").days == "mon-funday"


def test_other_subcommands() -> None:
    assert parse_study("") == Simple("help")
    assert parse_study("post-now") == PostNow()
    assert parse_study("post-now k8s.q.one") == PostNow("k8s.q.one")
    assert parse_study("PAUSE") == Simple("pause")


@pytest.mark.parametrize("text", ["setup", "setup tomorrow UTC", "launch", "pause now",
                                  "setup 'unclosed"])
def test_garbage_gets_usage(text: str) -> None:
    with pytest.raises(errors.InvalidInput) as caught:
        parse_study(text)
    assert "usage" in caught.value.reason or "unknown subcommand" in caught.value.reason
