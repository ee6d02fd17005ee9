"""Lookup accuracy over the bundled bank: realistic queries (tests/data/lookup_queries.yaml) must
find the entry meant first in at least 90% of cases, and among the first three always."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.catalog.catalog import Catalog
from bot.catalog.loader import load
from bot.catalog.search.index import SearchIndex
from bot.config import content_dir

QUERIES = Path(__file__).resolve().parents[1] / "data" / "lookup_queries.yaml"


@pytest.fixture(scope="module")
def bank() -> Catalog:
    return load(content_dir())


@pytest.fixture(scope="module")
def cases() -> list[tuple[str | None, str, str]]:
    rows = yaml.safe_load(QUERIES.read_text(encoding="utf-8"))
    return [(topic, str(query), expected) for topic, query, expected in rows]


@pytest.fixture(scope="module")
def ranked(bank: Catalog, cases: list[tuple[str | None, str, str]]) -> list[list[str]]:
    index = SearchIndex.build(bank)
    results = []
    for topic, query, _ in cases:
        slug = bank.resolve_topic(topic) if topic else None
        results.append([hit.entry_id for hit in index.search(query, slug, limit=3)])
    return results


def test_the_query_set_is_realistic_and_wide(
    bank: Catalog, cases: list[tuple[str | None, str, str]]
) -> None:
    assert len(cases) >= 40
    for topic, _, expected in cases:
        assert expected in bank.entries, f"{expected} is not an entry"
        if topic is not None:
            assert bank.resolve_topic(topic) == bank.topic_of[expected], (topic, expected)
    assert {bank.topic_of[expected] for _, _, expected in cases} == set(bank.topics)
    assert sum(topic is None for topic, _, _ in cases) >= 10  # searches across every topic


def test_top_3_always_holds_the_entry_meant(
    cases: list[tuple[str | None, str, str]], ranked: list[list[str]]
) -> None:
    misses = [
        f"{topic or '*'} {query!r}: wanted {expected}, got {hits}"
        for (topic, query, expected), hits in zip(cases, ranked, strict=True)
        if expected not in hits
    ]
    assert misses == []


def test_top_1_is_the_entry_meant_at_least_90_percent(
    cases: list[tuple[str | None, str, str]], ranked: list[list[str]]
) -> None:
    wrong = [
        f"{topic or '*'} {query!r}: wanted {expected}, got {hits[:1]}"
        for (topic, query, expected), hits in zip(cases, ranked, strict=True)
        if hits[:1] != [expected]
    ]
    accuracy = 1 - len(wrong) / len(cases)
    assert accuracy >= 0.9, f"top-1 {accuracy:.1%}; wrong:\n" + "\n".join(wrong)
