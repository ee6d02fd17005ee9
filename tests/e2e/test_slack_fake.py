"""The Slack test harness itself, driven by the real slack_sdk and slack_bolt request parsing."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.support.slack.fake import FakeSlack, SlackError
from tests.support.slack.requests import block_actions, post, post_signed, sign, slash_command

SECRET = "s3cr3t-signing-secret"
METADATA = {"event_type": "study_question", "event_payload": {"post_id": "p-42"}}
BUTTONS = [
    {"type": "section", "block_id": "q",
     "text": {"type": "mrkdwn", "text": "What does a Deployment manage?"}},
    {"type": "actions", "block_id": "answers:p-42", "elements": [
        {"type": "button", "action_id": "answer:A", "text": {"type": "plain_text", "text": "A"},
         "value": "p-42:A"},
        {"type": "button", "action_id": "answer:B", "text": {"type": "plain_text", "text": "B"},
         "value": "p-42:B"},
    ]},
]


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def client(slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-1", base_url=slack.api_url)


async def test_urls_are_local_with_os_chosen_port(slack: FakeSlack) -> None:
    assert slack.api_url.startswith("http://127.0.0.1:")
    assert slack.api_url.endswith("/api/")
    assert not slack.api_url.startswith("http://127.0.0.1:0/")
    assert slack.response_url("cmd-1") == slack.base_url + "/respond/cmd-1"


async def test_post_message_then_history_with_metadata(slack: FakeSlack, client: AsyncWebClient) -> None:
    first = await client.chat_postMessage(channel="C1", text="question", blocks=BUTTONS, metadata=METADATA)
    second = await client.chat_postMessage(channel="C1", text="second")

    assert first["ok"] is True
    assert first["channel"] == "C1"
    assert first["message"]["metadata"] == METADATA
    assert first["message"]["bot_id"] == "B0BOT"
    assert float(second["ts"]) > float(first["ts"])
    [body, _] = slack.calls_to("chat.postMessage")
    assert body["blocks"] == BUTTONS
    assert body["metadata"] == METADATA
    assert slack.calls[0].token == "xoxb-1"

    plain = await client.conversations_history(channel="C1")
    assert [m["ts"] for m in plain["messages"]] == [second["ts"], first["ts"]]  # newest first
    assert all("metadata" not in m for m in plain["messages"])

    rich = await client.conversations_history(channel="C1", include_all_metadata=True, limit=5)
    assert rich["messages"][1]["metadata"] == METADATA
    assert rich["messages"][1]["blocks"] == BUTTONS

    newest = await client.conversations_history(channel="C1", limit=1)
    assert [m["ts"] for m in newest["messages"]] == [second["ts"]]
    assert newest["has_more"] is True
    older = await client.conversations_history(channel="C1", limit=1,
                                               cursor=newest["response_metadata"]["next_cursor"])
    assert [m["ts"] for m in older["messages"]] == [first["ts"]]
    since = await client.conversations_history(channel="C1", oldest=first["ts"])
    assert [m["ts"] for m in since["messages"]] == [second["ts"]]


async def test_form_encoded_bodies_are_decoded(slack: FakeSlack, client: AsyncWebClient) -> None:
    await client.api_call("chat.postMessage", data={
        "channel": "C1", "text": "hi", "blocks": json.dumps(BUTTONS), "metadata": json.dumps(METADATA)})
    status, _ = await post(slack.api_url + "auth.test", b"token=xoxb-form",
                           {"Content-Type": "application/x-www-form-urlencoded"})

    [body] = slack.calls_to("chat.postMessage")
    assert body["blocks"] == BUTTONS
    assert body["metadata"] == METADATA
    assert body["text"] == "hi"
    assert status == 200
    assert slack.calls[-1].token == "xoxb-form"
    assert "token" not in slack.calls[-1].body
    assert slack.message("C1", slack.calls[0].response["ts"])["metadata"] == METADATA


async def test_chat_update_changes_the_stored_message(slack: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="open", blocks=BUTTONS)
    updated = await client.chat_update(channel="C1", ts=posted["ts"], text="closed", blocks=BUTTONS[:1])

    assert (updated["ok"], updated["channel"], updated["ts"], updated["text"]) == (
        True, "C1", posted["ts"], "closed")
    stored = slack.message("C1", posted["ts"])
    assert stored["text"] == "closed"
    assert stored["blocks"] == BUTTONS[:1]
    with pytest.raises(SlackApiError) as missing:
        await client.chat_update(channel="C1", ts="1.000001", text="x")
    assert missing.value.response["error"] == "message_not_found"
    human = slack.add_message("C1", text="mine", user="U1")
    with pytest.raises(SlackApiError) as foreign:
        await client.chat_update(channel="C1", ts=human["ts"], text="x")
    assert foreign.value.response["error"] == "cant_update_message"


async def test_users_info_admin_flags(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_user("UADMIN", name="ada", is_admin=True)
    slack.users["UOWNER"] = {"id": "UOWNER", "name": "olu", "real_name": "Olu", "is_admin": True,
                             "is_owner": True, "is_primary_owner": True, "team_id": "T0TEST"}
    slack.add_user("UPLAIN", name="bob")

    admin = (await client.users_info(user="UADMIN"))["user"]
    owner = (await client.users_info(user="UOWNER"))["user"]
    plain = (await client.users_info(user="UPLAIN"))["user"]

    assert (admin["is_admin"], admin["is_owner"], admin["is_primary_owner"]) == (True, False, False)
    assert (owner["is_admin"], owner["is_owner"], owner["is_primary_owner"]) == (True, True, True)
    assert (plain["is_admin"], plain["is_owner"], plain["name"]) == (False, False, "bob")
    assert admin["team_id"] == "T0TEST"
    with pytest.raises(SlackApiError) as unknown:
        await client.users_info(user="UNOBODY")
    assert unknown.value.response["error"] == "user_not_found"


async def test_usergroups_and_conversations_info(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.usergroups["S1"] = ["U1", "U2"]
    slack.add_channel("C9", name="devops")

    assert (await client.usergroups_users_list(usergroup="S1"))["users"] == ["U1", "U2"]
    info = (await client.conversations_info(channel="C9"))["channel"]
    assert (info["id"], info["name"], info["is_member"]) == ("C9", "devops", True)
    with pytest.raises(SlackApiError) as unknown:
        await client.usergroups_users_list(usergroup="S404")
    assert unknown.value.response["error"] == "no_such_subteam"


async def test_ephemeral_permalink_and_dm(slack: FakeSlack, client: AsyncWebClient) -> None:
    ephemeral = await client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    dm = await client.chat_postMessage(channel="U1", text="hello")
    link = await client.chat_getPermalink(channel=dm["channel"], message_ts=dm["ts"])

    assert ephemeral["message_ts"]
    assert slack.ephemerals[0]["user"] == "U1"
    assert slack.messages("C1") == []
    assert dm["channel"] == slack.dm_channel("U1") == "D1"
    assert link["permalink"].endswith(f"/archives/D1/p{dm['ts'].replace('.', '')}")


async def test_not_in_channel_and_invalid_blocks(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_channel("C2", is_member=False)
    with pytest.raises(SlackApiError) as outside:
        await client.chat_postMessage(channel="C2", text="hi")
    assert outside.value.response["error"] == "not_in_channel"

    long_button = {"type": "actions", "elements": [
        {"type": "button", "action_id": "a", "text": {"type": "plain_text", "text": "x" * 76}}]}
    with pytest.raises(SlackApiError) as invalid:
        await client.chat_postMessage(channel="C1", text="hi", blocks=[long_button])
    assert invalid.value.response["error"] == "invalid_blocks"
    assert "/blocks/0/elements/0/text" in invalid.value.response["errors"][0]
    with pytest.raises(SlackApiError) as too_many:
        await client.chat_postMessage(channel="C1", text="hi", blocks=[BUTTONS[0]] * 51)
    assert too_many.value.response["error"] == "invalid_blocks"
    assert slack.messages("C1") == []


async def test_rate_limit_honoured_by_retry_handler(slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-1", base_url=slack.api_url,
                            retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])
    slack.rate_limit("chat.postMessage", times=1, retry_after=1)

    response = await client.chat_postMessage(channel="C1", text="after the limit")

    assert response["ok"] is True
    first, second = [c for c in slack.calls if c.method == "chat.postMessage"]
    assert (first.limited, first.status, first.response) == (True, 429, {"ok": False, "error": "ratelimited"})
    assert (second.limited, second.status) == (False, 200)
    assert second.at - first.at >= 0.95
    assert len(slack.messages("C1")) == 1
    assert len(slack.calls_to("chat.postMessage", only_ok=True)) == 1


async def test_rate_limit_without_handler_surfaces_429(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.rate_limit("chat.postMessage", retry_after=7)
    with pytest.raises(SlackApiError) as limited:
        await client.chat_postMessage(channel="C1", text="hi")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert (await client.chat_postMessage(channel="C1", text="hi"))["ok"] is True


async def test_fail_injects_slack_errors(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.fail("chat.postMessage", times=2, error="fatal_error")
    for _ in range(2):
        with pytest.raises(SlackApiError) as failed:
            await client.chat_postMessage(channel="C1", text="hi")
        assert failed.value.response.status_code == 200
        assert failed.value.response["error"] == "fatal_error"
    assert (await client.chat_postMessage(channel="C1", text="hi"))["ok"] is True
    assert [c.ok for c in slack.calls] == [False, False, True]


async def test_bad_missing_and_revoked_tokens(slack: FakeSlack) -> None:
    for token, error in [("xoxp-user", "invalid_auth"), ("nonsense", "invalid_auth"), (None, "not_authed")]:
        with pytest.raises(SlackApiError) as rejected:
            await AsyncWebClient(token=token, base_url=slack.api_url).auth_test()
        assert rejected.value.response["error"] == error
    slack.revoke("xoxb-gone")
    gone = AsyncWebClient(token="xoxb-gone", base_url=slack.api_url)
    with pytest.raises(SlackApiError) as revoked:
        await gone.chat_postMessage(channel="C1", text="x")
    assert revoked.value.response["error"] == "token_revoked"
    assert [c.token for c in slack.calls] == ["xoxp-user", "nonsense", None, "xoxb-gone"]
    assert slack.messages("C1") == []


async def test_valid_tokens_set_restricts_tokens() -> None:
    async with FakeSlack(valid_tokens={"xoxb-good"}) as slack:
        assert (await AsyncWebClient(token="xoxb-good", base_url=slack.api_url).auth_test())["ok"]
        with pytest.raises(SlackApiError) as rejected:
            await AsyncWebClient(token="xoxb-other", base_url=slack.api_url).auth_test()
        assert rejected.value.response["error"] == "invalid_auth"


async def test_two_workspaces_two_tokens(slack: FakeSlack) -> None:
    slack.add_workspace("xoxb-a", team_id="TA", bot_user_id="UBOTA", bot_id="BA")
    slack.add_workspace("xoxb-b", team_id="TB", team_name="Beta", bot_user_id="UBOTB", bot_id="BB")

    a = await AsyncWebClient(token="xoxb-a", base_url=slack.api_url).auth_test()
    b = await AsyncWebClient(token="xoxb-b", base_url=slack.api_url).auth_test()

    assert (a["team_id"], a["user_id"], a["bot_id"]) == ("TA", "UBOTA", "BA")
    assert (b["team_id"], b["team"], b["user_id"], b["bot_id"]) == ("TB", "Beta", "UBOTB", "BB")
    assert b["url"] == "https://tb.slack.com/"


# slack_sdk builds aiohttp.BasicAuth for oauth.v2.access; aiohttp 3.14 deprecates it, and the warning
# is attributed to slack_sdk, so pyproject's aiohttp ignore does not cover it.
@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_oauth_v2_access_issues_a_working_token() -> None:
    async with FakeSlack(client_id="111.222", client_secret="shh") as slack:
        token = slack.add_oauth_code("code-1", team_id="T9", team_name="Nine", bot_user_id="U9BOT",
                                     bot_id="B9")
        client = AsyncWebClient(base_url=slack.api_url)

        granted = await client.oauth_v2_access(client_id="111.222", client_secret="shh", code="code-1")
        identity = await client.auth_test(token=granted["access_token"])

        assert granted["access_token"] == token
        assert token.startswith("xoxb-")
        assert granted["team"] == {"id": "T9", "name": "Nine"}
        assert (granted["bot_user_id"], granted["token_type"], granted["authed_user"]["id"]) == (
            "U9BOT", "bot", "U0INSTALLER")
        assert "chat:write" in granted["scope"]
        assert (identity["team_id"], identity["bot_id"]) == ("T9", "B9")
        with pytest.raises(SlackApiError) as reused:
            await client.oauth_v2_access(client_id="111.222", client_secret="shh", code="code-1")
        assert reused.value.response["error"] == "invalid_code"
        with pytest.raises(SlackApiError) as bad_secret:
            await client.oauth_v2_access(client_id="111.222", client_secret="nope", code="code-1")
        assert bad_secret.value.response["error"] == "bad_client_secret"


async def test_unknown_method_is_recorded(slack: FakeSlack, client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as unknown:
        await client.api_call("reminders.add", json={"user_id": "U1"})
    assert unknown.value.response["error"] == "unknown_method"
    assert slack.calls_to("reminders.add") == [{"user_id": "U1"}]


async def test_register_custom_method(slack: FakeSlack, client: AsyncWebClient) -> None:
    def open_dm(call):
        if call.body["users"] == "UBAD":
            raise SlackError("user_not_found")
        return {"ok": True, "channel": {"id": "D" + call.body["users"][1:]}}

    slack.register("conversations.open", open_dm)
    assert (await client.conversations_open(users="U7"))["channel"]["id"] == "D7"
    with pytest.raises(SlackApiError) as bad:
        await client.conversations_open(users="UBAD")
    assert bad.value.response["error"] == "user_not_found"


async def test_response_url_recorded_and_replaces_original(slack: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="question", blocks=BUTTONS)
    url = slack.response_url("click-1", channel="C1", message_ts=posted["ts"])

    answer = await AsyncWebhookClient(url).send(text="closed", replace_original=True)
    ephemeral = await AsyncWebhookClient(slack.response_url("cmd")).send(text="only you")

    assert (answer.status_code, answer.body) == (200, "ok")
    assert ephemeral.status_code == 200
    [body] = slack.calls_to("response_url", tag="click-1")
    assert body == {"text": "closed", "replace_original": True}
    assert slack.calls_to("response_url", tag="cmd") == [{"text": "only you"}]
    stored = slack.message("C1", posted["ts"])
    assert stored["text"] == "closed"
    assert "blocks" not in stored


async def test_wait_for_waits_for_work_after_ack(slack: FakeSlack, client: AsyncWebClient) -> None:
    async def later() -> None:
        await asyncio.sleep(0.2)
        await client.chat_postMessage(channel="C1", text="late")

    task = asyncio.create_task(later())
    started = time.monotonic()
    [body] = await slack.wait_for("chat.postMessage", timeout=5)
    await task

    assert body["text"] == "late"
    assert time.monotonic() - started >= 0.15
    with pytest.raises(AssertionError, match=r"expected 2 call\(s\) to chat.postMessage"):
        await slack.wait_for("chat.postMessage", count=2, timeout=0.1)


def test_signature_verifies_and_tampering_does_not() -> None:
    body = slash_command(command="/study", text="today", team_id="T1", channel_id="C1", user_id="U1",
                         response_url="http://127.0.0.1:1/respond/x")
    headers = sign(SECRET, body)
    verifier = SignatureVerifier(SECRET)

    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert verifier.is_valid(body=body, timestamp=headers["X-Slack-Request-Timestamp"],
                             signature=headers["X-Slack-Signature"])
    assert verifier.is_valid_request(body.decode(), headers)
    assert not verifier.is_valid(body=body.replace(b"today", b"close"),
                                 timestamp=headers["X-Slack-Request-Timestamp"],
                                 signature=headers["X-Slack-Signature"])
    assert not SignatureVerifier("other-secret").is_valid_request(body, headers)
    stale = sign(SECRET, body, timestamp=int(time.time()) - 6 * 60)
    assert not verifier.is_valid_request(body, stale)


def test_slash_command_parses_like_slack_in_bolt() -> None:
    body = slash_command(command="/study", text="post now & then", team_id="T1", channel_id="C1",
                         user_id="U1", response_url="http://127.0.0.1:1/respond/cmd", user_name="ada")
    request = AsyncBoltRequest(body=body.decode(), headers=sign(SECRET, body))

    assert request.body["command"] == "/study"
    assert request.body["text"] == "post now & then"
    assert request.body["is_enterprise_install"] == "false"
    assert set(request.body) >= {"token", "team_id", "team_domain", "channel_id", "channel_name", "user_id",
                                 "user_name", "command", "text", "api_app_id", "is_enterprise_install",
                                 "response_url", "trigger_id"}
    ctx = request.context
    assert (ctx.team_id, ctx.user_id, ctx.channel_id, ctx.response_url) == (
        "T1", "U1", "C1", "http://127.0.0.1:1/respond/cmd")
    assert ctx.is_enterprise_install is False


async def test_block_actions_parses_like_slack_in_bolt(slack: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="question", blocks=BUTTONS)
    body = block_actions(team_id="T1", user_id="U2", channel_id="C1", action_id="answer:B", value="p-42:B",
                         block_id="answers:p-42", message_ts=posted["ts"],
                         response_url=slack.response_url("click", channel="C1", message_ts=posted["ts"]),
                         message=slack.message("C1", posted["ts"]))
    request = AsyncBoltRequest(body=body.decode(), headers=sign(SECRET, body))

    payload = request.body
    assert payload["type"] == "block_actions"
    [action] = payload["actions"]
    assert (action["action_id"], action["block_id"], action["value"], action["type"]) == (
        "answer:B", "answers:p-42", "p-42:B", "button")
    assert action["text"]["text"] == "B"
    assert payload["message"]["blocks"] == BUTTONS
    assert payload["container"] == {"type": "message", "message_ts": posted["ts"], "channel_id": "C1",
                                    "is_ephemeral": False}
    ctx = request.context
    assert (ctx.team_id, ctx.user_id, ctx.channel_id) == ("T1", "U2", "C1")
    assert ctx.response_url == slack.response_url("click", channel="C1", message_ts=posted["ts"])


async def test_post_signed_reaches_a_local_server(slack: FakeSlack) -> None:
    # The fake answers any path under /api/, so it stands in for an app endpoint here.
    status, text = await post_signed(slack.api_url + "auth.test", SECRET, "token=xoxb-9")
    assert status == 200
    assert json.loads(text)["ok"] is True
    call = slack.calls[-1]
    assert call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert SignatureVerifier(SECRET).is_valid_request("token=xoxb-9", call.headers)


async def test_messages_slack_would_refuse_are_never_waited_for(slack: FakeSlack,
                                                                client: AsyncWebClient) -> None:
    too_long = await AsyncWebhookClient(slack.response_url("long")).send(text="x" * 40_001)
    assert (too_long.status_code, too_long.body) == (400, "msg_too_long")
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "y" * 3_001}}
    refused = await AsyncWebhookClient(slack.response_url("section")).send(text="t", blocks=[section])
    assert (refused.status_code, refused.body) == (400, "invalid_blocks")
    context = {"type": "context", "elements": [{"type": "mrkdwn", "text": "z" * 3_001}]}
    with pytest.raises(SlackApiError) as crowded:
        await client.chat_postEphemeral(channel="C1", user="U1", text="t", blocks=[context])
    assert crowded.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError) as long_post:
        await client.chat_postMessage(channel="C1", text="w" * 40_001)
    assert long_post.value.response["error"] == "msg_too_long"

    assert [c.rejected for c in slack.rejections] == [
        "msg_too_long", "invalid_blocks", "invalid_blocks", "msg_too_long"]
    assert slack.calls_to("response_url") == []
    assert len(slack.calls_to("response_url", include_rejected=True)) == 2
    with pytest.raises(AssertionError, match="REFUSED msg_too_long"):
        await slack.wait_for("response_url", tag="long", timeout=0.1)
    ok = await AsyncWebhookClient(slack.response_url("fine")).send(text="x" * 40_000)
    assert ok.status_code == 200
    assert await slack.wait_for("response_url", tag="fine", timeout=1)


async def test_a_slow_method_answers_late_but_counts_its_arrival(slack: FakeSlack,
                                                                 client: AsyncWebClient) -> None:
    slack.slow("chat.postMessage", 0.3)
    started = time.monotonic()
    task = asyncio.create_task(client.chat_postMessage(channel="C1", text="late"))
    await slack.wait_arrivals("chat.postMessage", 1, timeout=1)
    assert slack.calls_to("chat.postMessage") == []  # arrived, not answered yet
    assert (await task)["ok"] is True
    assert time.monotonic() - started >= 0.25

async def test_views_open_takes_a_trigger_once_and_checks_the_modal(slack: FakeSlack,
                                                                     client: AsyncWebClient) -> None:
    view = {"type": "modal", "callback_id": "form", "title": {"type": "plain_text", "text": "Form"},
            "submit": {"type": "plain_text", "text": "Send"},
            "blocks": [{"type": "input", "block_id": "a", "label": {"type": "plain_text", "text": "A"},
                        "element": {"type": "plain_text_input", "action_id": "a", "max_length": 10,
                                    "initial_value": "typed"}}]}
    opened = await client.views_open(trigger_id="1.2.abc", view=view)
    assert opened["view"]["id"] == slack.opened_views[-1]["id"]
    assert slack.opened_views[-1]["blocks"][0]["element"]["initial_value"] == "typed"
    with pytest.raises(SlackApiError) as reused:
        await client.views_open(trigger_id="1.2.abc", view=view)
    assert reused.value.response["error"] == "exchanged_trigger_id"
    too_long = {**view, "title": {"type": "plain_text", "text": "A title longer than 24 chars"}}
    with pytest.raises(SlackApiError) as refused:
        await client.views_open(trigger_id="1.2.def", view=too_long)
    assert refused.value.response["error"] == "invalid_arguments"
