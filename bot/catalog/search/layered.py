"""A workspace's own entries and the bundled bank, searched as one.

The bundled index is built once per process (about 100 ms and 10 MB for 210 entries); a
workspace's few entries get a small index of their own, built against the bundled one as its
background (SearchIndex.build), so their scores compare with the bundled ones and the two lists
merge by score. Building the small index takes milliseconds, and nothing is copied per workspace.
"""

from __future__ import annotations

from typing import Protocol

from bot.catalog.search.index import _MIN_RELATIVE, Hit, SearchIndex


class Searchable(Protocol):
    def search(self, query: str, topic: str | None = None, limit: int = 5) -> list[Hit]: ...

    def suggest(self, query: str, topic: str | None = None, limit: int = 5) -> list[Hit]: ...


class LayeredIndex:
    def __init__(self, own: SearchIndex, base: SearchIndex) -> None:
        self.layers = (own, base)  # own first: it wins a tie

    def search(self, query: str, topic: str | None = None, limit: int = 5) -> list[Hit]:
        hits = self._merged([layer.search(query, topic, limit) for layer in self._covering(topic)])
        if not hits:
            return []
        floor = hits[0].score * _MIN_RELATIVE
        return [hit for hit in hits if hit.score >= floor][:limit]

    def suggest(self, query: str, topic: str | None = None, limit: int = 5) -> list[Hit]:
        return self._merged([layer.suggest(query, topic, limit)
                             for layer in self._covering(topic)])[:limit]

    def _covering(self, topic: str | None) -> list[SearchIndex]:
        found = [layer for layer in self.layers if layer.covers(topic)]
        if not found:
            raise ValueError(f"unknown topic {topic!r}")
        return found

    @staticmethod
    def _merged(lists: list[list[Hit]]) -> list[Hit]:
        # Stable: equal scores keep the own entries first, and each list's own order.
        return sorted((hit for hits in lists for hit in hits), key=lambda hit: -hit.score)
