"""A question typed into a form passes exactly the content rules, each problem said on its field;
ids are made from the prompt and never given twice; warnings are the content warnings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog.catalog import Catalog
from bot.catalog.loader import load
from bot.catalog.own_rules import OWN_ID_MAX, OWN_TOPIC_MAX
from bot.catalog.question_form import FormErrors, form_values, read_form
from bot.chat import interactions
from tests.support.data import DATA

BANK = load(DATA / "engine")
FORM = {
    "prompt": "Which script rolls back **our** deploy?",
    "choices": "./deploy.sh --undo\n* ./rollback.sh\nkubectl delete ns prod",
    "explanation": "Step 1 of the runbook.",
    "topic": "runbooks: Our runbooks",
    "difficulty": "",
}


def read(values: dict[str, str], bank: Catalog = BANK, taken: set[str] | None = None,
         keep_id: str | None = None):
    return read_form(values, bank=bank, bundled=BANK, taken=taken or set(BANK.questions),
                     keep_id=keep_id)


def problems(values: dict[str, str]) -> dict[str, str]:
    with pytest.raises(FormErrors) as refused:
        read(values)
    return refused.value.fields


def test_a_good_form_is_a_question_in_a_new_topic() -> None:
    found = read(FORM)
    question = found.question
    assert question.id == "runbooks.q.script-rolls-back-deploy"
    assert [c.text for c in question.choices] == ["./deploy.sh --undo", "./rollback.sh",
                                                 "kubectl delete ns prod"]
    assert question.correct_index == 1
    assert question.difficulty == 2  # empty: medium
    assert found.topic == "runbooks"
    assert (found.new_topic.slug, found.new_topic.title) == ("runbooks", "Our runbooks")
    assert found.warnings == ()


@pytest.mark.parametrize(("typed", "level"), [("1", 1), ("easy", 1), ("Hard", 3), ("2", 2)])
def test_difficulty_by_number_or_name(typed: str, level: int) -> None:
    assert read(FORM | {"difficulty": typed}).question.difficulty == level


def test_an_existing_topic_by_slug_or_alias() -> None:
    assert read(FORM | {"topic": "Kubernetes"}).topic == "k8s"
    assert read(FORM | {"topic": "k8s: whatever title"}).new_topic is None


@pytest.mark.parametrize(("change", "field", "says"), [
    ({"choices": "a\nb"}, "choices", "mark the right choice with a * at the start of its line"),
    ({"choices": "* a\n* b"}, "choices", "2 choices are marked with *; mark exactly one"),
    ({"choices": "* a"}, "choices", "give 2 to 5 choices, one per line"),
    ({"choices": "* a\nb\nc\nd\ne\nf"}, "choices", "give 2 to 5 choices, one per line"),
    ({"choices": "* same\nSame"}, "choices", "two choices have the same text"),
    ({"choices": f"* {'x' * 76}\nb"}, "choices",
     "choice 1: text too long for Discord/Slack (76 > 75 characters)"),
    ({"prompt": "p" * 1001}, "prompt", "text too long for Discord/Slack (1001 > 1000 characters)"),
    ({"prompt": ""}, "prompt", "required"),
    ({"explanation": ""}, "explanation", "required"),
    ({"difficulty": "4"}, "difficulty", "1 (easy), 2 (medium) or 3 (hard)"),
    ({"topic": ""}, "topic", "which topic?"),
    ({"topic": "cooking"}, "topic", "unknown topic 'cooking'; topics: k8s, linux"),
    ({"topic": "bad_slug: Title"}, "topic", "slug: String should match pattern"),
    ({"topic": "kubernetes-and-friends-and-more: Long"}, "topic",
     f"at most {OWN_TOPIC_MAX} characters here"),
    ({"prompt": "Ask <@U123> first?"}, "prompt", "no mentions"),
])
def test_each_problem_is_said_on_its_field(change: dict[str, str], field: str, says: str) -> None:
    found = problems(FORM | change)
    assert field in found
    assert says in found[field]


def test_every_field_is_checked_at_once() -> None:
    found = problems({"prompt": "", "choices": "", "explanation": "", "topic": "", "difficulty": "x"})
    assert set(found) == {"prompt", "choices", "explanation", "topic", "difficulty"}


def test_ids_are_unique_and_an_edit_keeps_its_own() -> None:
    first = read(FORM).question.id
    assert read(FORM, taken={first}).question.id == f"{first}-2"
    assert read(FORM, taken={first, f"{first}-2"}).question.id == f"{first}-3"
    assert read(FORM, taken={first}, keep_id=first).question.id == first
    moved = read(FORM | {"topic": "k8s"}, taken={first}, keep_id=first).question.id
    assert moved == "k8s.q.script-rolls-back-deploy"


@given(st.text(min_size=1, max_size=300), st.from_regex(r"[a-z][a-z0-9-]{0,19}", fullmatch=True))
def test_a_made_id_fits_the_content_rules_and_the_button_limit(prompt: str, slug: str) -> None:
    values = FORM | {"prompt": prompt.replace("<@", "<"), "topic": f"{slug}: Topic"}
    if not prompt.strip() or BANK.resolve_topic(slug):
        return  # refused (an empty prompt) or the bank's own topic: not what is tested here
    found = read(values)
    assert len(found.question.id) <= OWN_ID_MAX
    button = interactions.encode(interactions.Practise(found.question.id, 4, slug))
    assert len(button.custom_id) <= interactions.MAX_ID


def test_the_content_warnings_apply() -> None:
    giveaway = read(FORM | {"choices": "* ./rollback.sh, after paging the on-call in #incidents\nno\nmaybe"})
    assert any("the key is by far the longest choice" in w for w in giveaway.warnings)
    again = read(FORM | {"prompt": "Which command shows the logs of the crashed container?"})
    assert any("same prompt as k8s.q.one" in w for w in again.warnings)


def test_form_values_show_a_question_again() -> None:
    found = read(FORM | {"difficulty": "3"})
    values = form_values(found.question, found.topic)
    assert values["choices"] == "./deploy.sh --undo\n* ./rollback.sh\nkubectl delete ns prod"
    again = read(values | {"topic": "k8s"})
    assert again.question.model_dump() | {"id": ""} == found.question.model_dump() | {"id": ""}
