"""The lookup index over the small fixture bank in tests/data/content, and the `lookup` command."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog.catalog import Catalog
from bot.catalog.loader import load
from bot.catalog.search.index import Hit, SearchIndex
from bot.catalog.search.synonyms import concepts
from bot.catalog.search.terms import stem, words
from bot.cli.content import register

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "content"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load(FIXTURES)


@pytest.fixture(scope="module")
def index(catalog: Catalog) -> SearchIndex:
    return SearchIndex.build(catalog)


def top(index: SearchIndex, query: str, topic: str | None = None) -> str | None:
    hits = index.search(query, topic)
    return hits[0].entry_id if hits else None


# --- terms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [("pods", "pod"), ("restarting", "restart"), ("policies", "policy"), ("running", "run"),
     ("deployments", "deployment"), ("scaling", "scale"), ("locking", "lock")],
)
def test_word_variants_share_a_stem(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_words_keep_commands_numbers_and_compounds() -> None:
    found = words("ss -tulnp | grep :80; chmod 755; for_each; CrashLoopBackOff; NACLs")
    surfaces = [w.surface for w in found]
    assert surfaces == ["ss", "tulnp", "grep", "80", "chmod", "755", "for_each",
                        "crashloopbackoff", "nacls"]
    assert "foreach" in found[6].extras
    assert {"crash", "loop", "back", "off"} <= set(found[7].extras)
    assert found[8].extras == ()  # a plural acronym is not a camel-case compound


def test_synonym_forms_meet_as_one_concept() -> None:
    def concept_of(text: str) -> set[str]:
        return {c for _, _, c in concepts([w.term for w in words(text)])}

    assert concept_of("sg") == concept_of("Security Groups") == {"~sg"}
    assert "~crashloop" in concept_of("crash loop back off")
    assert "~oom" in concept_of("out of memory")


# --- search -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("crashlop", "k8s.crashloopbackoff"),  # typo
        ("crash loop back off", "k8s.crashloopbackoff"),  # words of one thing
        ("pods keep restarting", "k8s.crashloopbackoff"),  # variants
        ("pod stuck pending", "k8s.pending"),
        ("exit code 137", "k8s.oomkilled"),
        ("sg vs nacl", "aws.sg-vs-nacl"),  # abbreviations the entry spells out
        ("stateful firewall security groups", "aws.sg-vs-nacl"),
        ("application load balancer", "aws.alb-vs-nlb"),  # the long form of an abbreviation
        ("count vs for each", "terraform.count-vs-for-each"),
        ("foreach", "terraform.count-vs-for-each"),
        ("terrafrom refresh", "terraform.drift"),
        ("how do I import existing infrastructure into terraform", "terraform.import"),
        ("horizontal pod autoscaler", "k8s.hpa"),
    ],
)
def test_the_entry_meant_comes_first(index: SearchIndex, query: str, expected: str) -> None:
    assert top(index, query) == expected


def test_a_partly_typed_word_is_completed(index: SearchIndex) -> None:
    assert top(index, "crashl", "k8s") == "k8s.crashloopbackoff"
    assert top(index, "oomk", "k8s") == "k8s.oomkilled"
    assert top(index, "state loc", "terraform") == "terraform.state-locking"


def test_topic_scope_keeps_to_the_topic(index: SearchIndex, catalog: Catalog) -> None:
    hits = index.search("state", "terraform", limit=10)
    assert hits
    assert {h.topic for h in hits} == {"terraform"}
    assert all(catalog.topic_of[h.entry_id] == "terraform" for h in hits)
    assert index.search("crashloop", "terraform") == []
    assert top(index, "crashloop", None) == "k8s.crashloopbackoff"


def test_hits_carry_title_and_topic_best_first(index: SearchIndex, catalog: Catalog) -> None:
    hits = index.search("pod memory", limit=3)
    assert 1 <= len(hits) <= 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert hit == Hit(hit.entry_id, catalog.topic_of[hit.entry_id],
                          catalog.entries[hit.entry_id].title, hit.score)


def test_limit_is_respected(index: SearchIndex) -> None:
    assert len(index.search("pod", "k8s", limit=2)) == 2
    assert index.search("pod", "k8s", limit=0) == []


@pytest.mark.parametrize("query", ["", "   ", "how do I", "xqzvw", "banana bread"])
def test_no_real_match_gives_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []


def test_short_unknown_words_are_not_guessed(index: SearchIndex) -> None:
    # "pod" is one edit from words a terraform entry could use; a guess would be a wrong answer.
    assert index.search("pod pending", "terraform") == []


def test_suggest_is_never_empty_and_closest_first(index: SearchIndex, catalog: Catalog) -> None:
    for topic in [None, *catalog.topics]:
        for query in ["", "zzzz", "crashloop", "how do I"]:
            hits = index.suggest(query, topic, limit=3)
            expected = min(3, len(catalog.entries_in(topic)))
            assert len(hits) == expected
            assert all(topic is None or h.topic == topic for h in hits)
    assert index.suggest("crashlop", "k8s")[0].entry_id == "k8s.crashloopbackoff"
    assert index.suggest("ALB vs NLB")[0].entry_id == "aws.alb-vs-nlb"


def test_suggest_for_an_empty_query_lists_the_topic_in_order(
    index: SearchIndex, catalog: Catalog
) -> None:
    first = [e.id for e in catalog.entries_in("terraform")][:4]
    assert [h.entry_id for h in index.suggest("", "terraform", limit=4)] == first


def test_unknown_topic_is_a_caller_bug(index: SearchIndex) -> None:
    with pytest.raises(ValueError, match="unknown topic"):
        index.search("pod", "kubernetes")  # an alias: callers resolve it first
    with pytest.raises(ValueError, match="unknown topic"):
        index.suggest("pod", "nope")


@settings(max_examples=200, deadline=None)
@given(query=st.text(max_size=60), topic=st.sampled_from([None, "k8s", "terraform", "aws"]),
       limit=st.integers(min_value=1, max_value=8))
def test_any_text_gives_ordered_hits_within_scope(
    index: SearchIndex, query: str, topic: str | None, limit: int
) -> None:
    hits = index.search(query, topic, limit)
    assert len(hits) <= limit
    assert all(topic is None or h.topic == topic for h in hits)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.entry_id for h in hits}) == len(hits)
    assert index.suggest(query, topic, limit)


# --- the lookup command -----------------------------------------------------------------------


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="studybot")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


@pytest.fixture
def fixture_content(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(FIXTURES))


@pytest.mark.usefixtures("fixture_content")
def test_lookup_prints_the_best_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lookup", "--topic", "kube", "crashlop"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Pod in CrashLoopBackOff\n[Kubernetes · k8s.crashloopbackoff]\n")
    assert "kubectl logs POD --previous" in out
    assert "\nSee also: " in out


@pytest.mark.usefixtures("fixture_content")
def test_lookup_json_is_best_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lookup", "--json", "--limit", "2", "sg", "vs", "nacl"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert 1 <= len(rows) <= 2
    assert rows[0]["id"] == "aws.sg-vs-nacl"
    assert {"id", "topic", "title", "body", "score"} <= rows[0].keys()
    assert rows[0]["topic"] == "aws"
    assert "stateful" in rows[0]["body"]
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


@pytest.mark.usefixtures("fixture_content")
def test_lookup_json_without_match_is_an_empty_array(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lookup", "--json", "xqzvw"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.usefixtures("fixture_content")
def test_lookup_without_match_names_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lookup", "--topic", "tf", "xqzvw"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No entry matches 'xqzvw'. Closest: ")
    assert out.count(", ") == 2  # three terraform titles
    assert "other topics" not in out


@pytest.mark.usefixtures("fixture_content")
def test_lookup_in_the_wrong_topic_points_to_the_right_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["lookup", "--topic", "terraform", "pod", "stuck", "pending"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("No entry matches 'pod stuck pending'. Closest: ")
    assert lines[1].startswith("In other topics: Pod stuck in Pending (k8s)")


@pytest.mark.usefixtures("fixture_content")
def test_lookup_unknown_topic_exits_2_naming_the_valid_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["lookup", "--topic", "nope", "pod"]) == 2
    err = capsys.readouterr().err
    assert "unknown topic 'nope'" in err
    assert "aws, k8s (kubernetes, kube), terraform (tf)" in err


def test_lookup_refuses_invalid_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "k8s.yaml").write_text("topic: {slug: k8s, title: K}\nentries: 3\n")
    monkeypatch.setenv("CONTENT_DIR", str(tmp_path))
    assert run(["lookup", "pod"]) == 1
    assert f"{tmp_path / 'k8s.yaml'}:2: entries: must be a list" in capsys.readouterr().err
