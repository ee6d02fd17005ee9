"""Button ids fit Discord's 100 characters and Slack's action ids, survive a restart (nothing is
kept in memory), and anything we did not make decodes to nothing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.chat import interactions as ids

slug = r"[a-z0-9][a-z0-9-]{0,20}"
actions = st.one_of(
    st.builds(ids.Answer, st.integers(1, 10**17), st.integers(0, 4)),
    st.builds(ids.Practise, st.from_regex(rf"{slug}\.q\.{slug}", fullmatch=True),
              st.integers(0, 4), st.none() | st.from_regex(slug, fullmatch=True)),
    st.builds(ids.NextPractice, st.none() | st.from_regex(slug, fullmatch=True)),
    st.builds(ids.Share, st.from_regex(rf"{slug}\.{slug}", fullmatch=True)),
    st.builds(ids.Review, st.sampled_from(["approve", "edit", "reject", "next"]),
              st.from_regex(rf"{slug}\.q\.{slug}", fullmatch=True)),
    st.builds(ids.QuestionForm, st.none() | st.from_regex(rf"{slug}\.q\.{slug}", fullmatch=True)),
    st.builds(ids.ReopenDraft, st.integers(1, 10**17)),
)


@given(actions)
def test_every_action_round_trips_within_discords_limit(action: ids.Action) -> None:
    button = ids.encode(action)
    assert len(button.custom_id) <= 100
    assert ids.decode(button.name, button.payload) == action
    assert ids.decode_custom_id(button.custom_id) == action


def test_slack_keeps_its_action_ids() -> None:
    # Buttons already posted in Slack channels must keep working after an upgrade.
    assert ids.encode(ids.Answer(12, 3)).name == "studybot.answer.12.3"
    assert ids.decode("studybot.answer.12.3", "12:3") == ids.Answer(12, 3)
    assert ids.decode("studybot.share", "k8s.crashloopbackoff") == ids.Share("k8s.crashloopbackoff")
    assert ids.decode("studybot.practice.1", "linux.q.perms") == ids.Practise("linux.q.perms", 1, None)


def test_practice_buttons_carry_the_filter_the_user_asked_for() -> None:
    anything = ids.encode(ids.NextPractice(None))
    linux = ids.encode(ids.NextPractice("linux"))
    assert ids.decode(anything.name, anything.payload) == ids.NextPractice(None)
    assert ids.decode(linux.name, linux.payload) == ids.NextPractice("linux")


@pytest.mark.parametrize(("name", "payload"), [
    ("studybot.answer.²³.1", ""),            # str.isdigit() says yes; int() says no
    ("studybot.answer.1" + "0" * 4400 + ".1", ""),  # past int's digit limit
    ("studybot.answer.99999999999999999999.1", ""),  # beyond int64
    ("studybot.answer.-1.1", ""), ("studybot.answer.0.1", ""), ("studybot.answer.1.12", ""),
    ("studybot.answer.1", ""), ("studybot.answers.1.1", ""), ("other.answer.1.1", ""),
    ("studybot.practice.1", ""), ("studybot.practice.1", "../../etc/passwd"),
    ("studybot.share", ""), ("studybot.share", "x" * 200), ("", ""),
])
def test_forged_ids_decode_to_nothing(name: str, payload: str) -> None:
    assert ids.decode(name, payload) is None


def test_an_id_too_long_for_discord_is_refused_when_made() -> None:
    with pytest.raises(ValueError, match="100"):
        ids.encode(ids.Share("k8s." + "x" * 100))
