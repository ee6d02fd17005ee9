"""Log lines as an operator reads them: JSON with the event's fields, readable text on a terminal,
and no secret in either, whether it comes from the settings or only looks like a token."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest

from bot.config import load_settings
from bot.logs import configure
from bot.logs.redaction import MASK, Redactor, secrets_of


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level, hook = list(root.handlers), root.level, sys.excepthook
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    sys.excepthook = hook
    logging.captureWarnings(False)


@pytest.mark.parametrize("text", [
    "token xoxb-1234-5678-AbCdEf",
    "refresh xoxe-1-ABCD and rotating xoxe.xoxb-1-MIIEpQ",
    "app xapp-1-A0TEST-1-abcdef",
    "user xoxp-1-2-3-abc",
    "discord MTA5ODc2NTQzMjEwOTg3NjU0.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB",
    "{'Authorization': 'Bot abc.def.ghi'}",
    "Authorization: Bearer some-oauth-token",
])
def test_token_shapes_are_masked(text: str) -> None:
    masked = Redactor()(text)
    assert MASK in masked
    assert text.split()[-1].strip("'}") not in masked


def test_ordinary_text_is_left_alone() -> None:
    text = ("Bot tokens start with xoxb- (see the manifest); http://127.0.0.1:3000/healthz; "
            "post 12 in C0123 by U0456 at 2026-11-25T09:00:00+00:00")
    assert Redactor(["hunter22"])(text) == text


def test_fields_of_any_type_are_masked_too() -> None:
    redactor = Redactor(["hunter22-signing"])
    masked = redactor.value({"error": RuntimeError("bad hunter22-signing"), "post": 7, "ok": True,
                             "ids": ("xoxb-1-2-3", 4), "none": None})
    assert masked == {"error": f"bad {MASK}", "post": 7, "ok": True, "ids": (MASK, 4),
                      "none": None}


def test_a_url_keeps_its_user_and_loses_its_password() -> None:
    masked = Redactor()("postgresql+asyncpg://studybot:s3cret@db.internal:5432/studybot")
    assert masked == f"postgresql+asyncpg://studybot:{MASK}@db.internal:5432/studybot"


def test_every_secret_setting_and_the_database_password_are_known() -> None:
    settings = load_settings(
        slack_bot_token="xoxb-1", slack_signing_secret="signing-secret-1",
        slack_app_token="xapp-1", slack_client_secret="client-secret-1",
        discord_token="discord-token-1",
        database_url="postgresql://studybot:p%40ss%2Fword@127.0.0.1/studybot",
    )
    known = set(secrets_of(settings))
    assert {"xoxb-1", "signing-secret-1", "xapp-1", "client-secret-1", "discord-token-1",
            "p@ss/word", "p%40ss%2Fword"} <= known
    redactor = Redactor(known)
    assert "p@ss/word" not in redactor("password was p@ss/word")
    assert "signing-secret-1" not in redactor("secret=signing-secret-1")


def test_json_lines_carry_the_fields_and_mask_the_traceback(restore_logging: None) -> None:
    stream = io.StringIO()
    configure("INFO", Redactor(["hunter22-signing"]), stream)  # not a terminal: JSON
    log = logging.getLogger("studybot.test")
    log.info("answer", extra={"platform": "slack", "workspace": "T1", "channel": "C1", "post": 7})
    try:
        raise RuntimeError("refused hunter22-signing and xoxb-99-token")
    except RuntimeError:
        log.exception("error", extra={"platform": "slack", "workspace": "T1", "channel": "C1"})
    log.debug("not shown at INFO")
    answer, error = (json.loads(line) for line in stream.getvalue().splitlines())
    assert answer | {"timestamp": None} == {
        "event": "answer", "level": "info", "logger": "studybot.test", "platform": "slack",
        "workspace": "T1", "channel": "C1", "post": 7, "timestamp": None}
    assert error["level"] == "error"
    assert f"RuntimeError: refused {MASK} and {MASK}" in error["exception"]
    assert "hunter22" not in stream.getvalue()
    assert "xoxb-99" not in stream.getvalue()


def test_a_terminal_gets_readable_text(restore_logging: None) -> None:
    stream = io.StringIO()
    configure("INFO", Redactor(), stream, as_json=False)
    logging.getLogger("studybot.test").info("post_sent", extra={"channel": "C1"})
    line = stream.getvalue()
    assert not line.startswith("{")
    assert "post_sent" in line
    assert "channel=C1" in line
    assert "\x1b[" not in line  # no colours where the stream is no terminal


def test_an_uncaught_exception_is_logged_masked(restore_logging: None) -> None:
    stream = io.StringIO()
    configure("INFO", Redactor(["hunter22-signing"]), stream)
    try:
        raise ValueError("crash with hunter22-signing")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    [crash] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert (crash["event"], crash["level"]) == ("crashed", "critical")
    assert f"ValueError: crash with {MASK}" in crash["exception"]
