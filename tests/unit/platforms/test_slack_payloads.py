"""Slack bodies read strictly: what Bolt is handed always has the shape its matchers and our
listeners read, and anything else is refused with a reason (never an exception of another kind)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.payload_utils import is_block_actions, is_slash_command, to_action

from bot.platforms.slack import payloads
from bot.platforms.slack.payloads import Malformed

CLICK: dict[str, Any] = {
    "type": "block_actions",
    "user": {"id": "U1", "username": "bea", "name": "bea", "team_id": "T1"},
    "team": {"id": "T1", "domain": "t1"},
    "channel": {"id": "C1", "name": "study"},
    "container": {"type": "message", "message_ts": "1.1", "channel_id": "C1"},
    "response_url": "https://hooks.slack.com/actions/T1/1/x",
    "actions": [{"action_id": "studybot.answer.4.1", "block_id": "b", "value": "v",
                 "type": "button"}],
    "message": {"ts": "1.1", "blocks": []},
    "enterprise": None,
    "is_enterprise_install": False,
}
COMMAND = {"command": "/lookup", "text": "sbom", "team_id": "T1", "channel_id": "C1",
           "user_id": "U1", "user_name": "bea", "channel_name": "study",
           "response_url": "https://hooks.slack.com/commands/T1/1/x", "trigger_id": "1.2.3"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8,
)


def bolt_sees(body: dict[str, Any]) -> AsyncBoltRequest:
    """What Bolt builds from the rebuilt body, as the edge hands it over."""
    return AsyncBoltRequest(body=json.dumps(body), headers={"content-type": "application/json"})


def test_a_click_keeps_who_where_and_what() -> None:
    click = payloads.canonical(CLICK)
    request = bolt_sees(click)
    assert is_block_actions(request.body)
    assert to_action(request.body) == {"type": "button", "action_id": "studybot.answer.4.1",
                                       "value": "v", "block_id": "b"}
    assert (request.context.team_id, request.context.user_id, request.context.channel_id) == (
        "T1", "U1", "C1")
    assert request.context.response_url == CLICK["response_url"]
    assert "message" not in click  # what we do not read is not passed on


def test_a_command_keeps_its_fields_and_drops_the_token() -> None:
    command = payloads.canonical({**COMMAND, "token": "verification"})
    request = bolt_sees(command)
    assert is_slash_command(request.body)
    assert command["text"] == "sbom"
    assert "token" not in command
    assert request.context.response_url == COMMAND["response_url"]


def test_a_command_whose_text_says_payload_is_still_a_command() -> None:
    body = payloads.parse(urlencode({**COMMAND, "text": "webhook payload"}).encode(),
                          payloads.FORM)
    assert payloads.canonical(body)["text"] == "webhook payload"


@pytest.mark.parametrize(("raw", "content_type"), [
    (b"\xff", payloads.FORM), (b"payload=%7B", payloads.FORM), (b"payload=%5B%5D", payloads.FORM),
    (b"[1]", payloads.JSON), (b"x", "text/plain"), (b"payload=" + b"%5B" * 50_000, payloads.FORM),
    (b"&".join(b"f%d=1" % i for i in range(500)), payloads.FORM),
])
def test_unreadable_bodies_are_malformed(raw: bytes, content_type: str) -> None:
    with pytest.raises(Malformed):
        payloads.parse(raw, content_type)


@pytest.mark.parametrize("changes", [
    {"user": "U1"}, {"user": {"id": 1}}, {"user": {"id": "u-lower"}}, {"user": None},
    {"team": 5}, {"team": None, "user": {"id": "U1"}}, {"channel": "C1"},
    {"channel": None, "container": None},
    {"response_url": "javascript:alert(1)"}, {"response_url": None}, {"enterprise": "E1"},
    {"type": "view_submission"}, {"type": None},
])
def test_clicks_without_someone_to_answer_are_malformed(changes: dict[str, Any]) -> None:
    with pytest.raises(Malformed):
        payloads.canonical({**CLICK, **changes})


@pytest.mark.parametrize("actions", [
    None, [], "x", [5], [{"action_id": 7}], [{"action_id": ""}], [{"action_id": "a" * 256}],
    [{"action_id": "a", "value": "v" * 2001}], [{"action_id": "a", "value": 3}],
    [{"action_id": "a", "block_id": ["b"]}],
])
def test_an_unreadable_action_becomes_the_empty_id(actions: Any) -> None:
    click = payloads.canonical({**CLICK, "actions": actions})
    assert to_action(bolt_sees(click).body)["action_id"] == payloads.UNREADABLE_ACTION


def test_an_org_wide_install_names_the_team_on_the_user() -> None:
    click = payloads.canonical({**CLICK, "team": None})
    assert click["team"] == {"id": "T1"}


@given(st.dictionaries(st.sampled_from(sorted(CLICK)), json_values, max_size=4),
       st.dictionaries(st.sampled_from(["id", "team_id", "name", "username"]), json_values,
                       max_size=2))
def test_any_click_is_rebuilt_for_bolt_or_refused(changes: dict[str, Any],
                                                  user: dict[str, Any]) -> None:
    body = {**CLICK, **changes}
    if user and isinstance(body.get("user"), dict):
        body["user"] = {**body["user"], **user}
    try:
        click = payloads.canonical(body)
    except Malformed:
        return
    request = bolt_sees(click)
    action = to_action(request.body)
    assert isinstance(action["action_id"], str)
    assert isinstance(action["value"], str)
    assert all(isinstance(v, str) and v for v in (request.context.team_id,
                                                 request.context.user_id,
                                                 request.context.channel_id))
    assert isinstance(click["user"]["name"], str)
    assert isinstance(click["user"]["username"], str)


@given(st.dictionaries(st.sampled_from([*sorted(COMMAND), "enterprise_id", "ssl_check"]),
                       json_values, max_size=4))
def test_any_command_is_rebuilt_for_bolt_or_refused(changes: dict[str, Any]) -> None:
    try:
        command = payloads.canonical({**COMMAND, **changes})
    except Malformed:
        return
    request = bolt_sees(command)
    assert is_slash_command(request.body)
    assert all(isinstance(command[k], str) for k in ("command", "text", "team_id", "channel_id",
                                                     "user_id", "user_name", "channel_name"))


HOME_OPENED = {"token": "t", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
               "event_id": "Ev1", "event_time": 1700000000,
               "event": {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home",
                         "event_ts": "1.2", "view": {"id": "V1", "team_id": "T1", "blocks": []}},
               "authorizations": [{"enterprise_id": None, "team_id": "T1", "user_id": "U0BOT",
                                   "is_bot": True, "is_enterprise_install": False}]}


def test_an_event_keeps_what_bolt_and_the_home_tab_read() -> None:
    request = bolt_sees(payloads.canonical(HOME_OPENED))
    assert request.body["event"] == {"type": "app_home_opened", "user": "U1", "channel": "D1",
                                     "tab": "home", "event_ts": "1.2",
                                     "view": {"id": "V1", "team_id": "T1"}}
    assert (request.context.team_id, request.context.user_id) == ("T1", "U1")


@pytest.mark.parametrize("changes", [
    {"event": "app_home_opened"}, {"event": {"type": 5}}, {"event": {"type": "x", "user": 1}},
    {"event": {"type": "x", "view": "V1"}}, {"team_id": None}, {"authorizations": 5},
    {"authorizations": [{"team_id": 7}]},
])
def test_events_that_cannot_be_read_are_malformed(changes: dict[str, Any]) -> None:
    with pytest.raises(Malformed):
        payloads.canonical({**HOME_OPENED, **changes})


def test_the_url_check_keeps_only_its_challenge() -> None:
    body = {"type": "url_verification", "token": "t", "challenge": "abc_DEF-123"}
    assert payloads.canonical(body) == {"type": "url_verification", "challenge": "abc_DEF-123"}
    with pytest.raises(Malformed):
        payloads.canonical({**body, "challenge": "<script>"})


def test_a_click_in_a_view_has_no_channel_and_no_response_url() -> None:
    click = payloads.canonical({**CLICK, "container": {"type": "view", "view_id": "V1"},
                                "channel": None, "response_url": None,
                                "view": {"id": "V1", "type": "home"}})
    assert click["container"] == {"type": "view", "view_id": "V1"}
    assert "channel" not in click
    assert "response_url" not in click
    assert bolt_sees(click).context.user_id == "U1"


@given(st.dictionaries(st.sampled_from(sorted(HOME_OPENED)), json_values, max_size=3),
       st.dictionaries(st.sampled_from(["type", "user", "channel", "tab", "view"]), json_values,
                       max_size=2))
def test_any_event_is_rebuilt_for_bolt_or_refused(changes: dict[str, Any],
                                                  event: dict[str, Any]) -> None:
    body = {**HOME_OPENED, **changes}
    if event and isinstance(body.get("event"), dict):
        body["event"] = {**body["event"], **event}
    try:
        callback = payloads.canonical(body)
    except Malformed:
        return
    request = bolt_sees(callback)
    assert isinstance(request.context.team_id, str)
    assert all(isinstance(v, str) for k, v in callback["event"].items() if k != "view")
