"""A workspace's own entries searched with the bundled bank: its small index is scored against the
bundled one's statistics, so the two lists merge by score."""

from __future__ import annotations

import pytest

from bot.catalog.catalog import Catalog
from bot.catalog.loader import load
from bot.catalog.model import Entry, Topic
from bot.catalog.search.index import SearchIndex
from bot.catalog.search.layered import LayeredIndex
from bot.config import content_dir

BUNDLED = load(content_dir())
COPY = BUNDLED.entries["k8s.crashloopbackoff"]
OURS = Catalog.build(
    [Topic(slug="runbooks", title="Our runbooks"), BUNDLED.topics["k8s"]],
    [("runbooks", Entry(id="runbooks.deploy", title="Our deploy runbook",
                        keywords=("rollback", "release"),
                        body="Deploy with `./deploy.sh`; roll back with `./rollback.sh`.")),
     # The bundled entry word for word under another id: it must score like the original.
     ("runbooks", Entry(id="runbooks.crashloop", title=COPY.title, keywords=COPY.keywords,
                        body=COPY.body)),
     ("k8s", Entry(id="k8s.our-ingress", title="Our ingress controller",
                   keywords=("ingress-nginx",), body="We run ingress-nginx since 2025."))],
    [])


@pytest.fixture(scope="module")
def bundled() -> SearchIndex:
    return SearchIndex.build(BUNDLED)


@pytest.fixture(scope="module")
def layered(bundled: SearchIndex) -> LayeredIndex:
    return LayeredIndex(SearchIndex.build(OURS, background=bundled), bundled)


def ids(hits) -> list[str]:
    return [h.entry_id for h in hits]


def test_our_entry_is_found_first_and_the_bank_still_answers(layered: LayeredIndex) -> None:
    assert ids(layered.search("deploy runbook"))[0] == "runbooks.deploy"
    assert ids(layered.search("terraform state lock"))[0] == "terraform.state-locking"
    assert "runbooks.deploy" in ids(layered.search("rollback", limit=10))


def test_a_copy_of_a_bundled_entry_scores_like_it(layered: LayeredIndex,
                                                  bundled: SearchIndex) -> None:
    hits = {h.entry_id: h.score for h in layered.search("crashloop backoff")}
    original, copy = hits["k8s.crashloopbackoff"], hits["runbooks.crashloop"]
    assert abs(original - copy) / original < 0.1
    # Scored alone (its own tiny collection), the copy would fall far behind the original.
    alone = LayeredIndex(SearchIndex.build(OURS), bundled)
    alone_hits = {h.entry_id: h.score for h in alone.search("crashloop backoff", limit=10)}
    assert alone_hits.get("runbooks.crashloop", 0.0) < original / 3


def test_a_topic_searches_our_entries_and_the_bundled_ones_of_it(layered: LayeredIndex) -> None:
    assert ids(layered.search("ingress controller", topic="k8s"))[0] == "k8s.our-ingress"
    assert set(ids(layered.search("crashloop", topic="runbooks"))) == {"runbooks.crashloop"}
    assert ids(layered.suggest("", topic="runbooks")) == ["runbooks.deploy", "runbooks.crashloop"]
    with pytest.raises(ValueError, match="unknown topic"):
        layered.search("x", topic="cooking")
