"""Cheat-sheet lookups: in-process search, no database."""

from __future__ import annotations

from bot import errors
from bot.catalog.search.index import Hit
from bot.service.base import ServiceBase
from bot.service.views import (
    EntryView,
    LookupResult,
)


class Lookups(ServiceBase):
    def lookup(self, query: str, topic: str | None = None, limit: int = 5) -> LookupResult:
        slug = None
        if topic is not None:
            slug = self.catalog.resolve_topic(topic)
            if slug is None:
                raise errors.UnknownTopic(topic, sorted(self.catalog.topics))
        query = query.strip()
        hits = self.index.search(query, topic=slug, limit=limit) if query else []
        suggestions = [] if hits else self.index.suggest(query, topic=slug, limit=limit)
        return LookupResult(query, slug, tuple(map(self._entry_view, hits)),
                            tuple(map(self._entry_view, suggestions)))

    def entry(self, entry_id: str) -> EntryView | None:
        entry = self.catalog.entries.get(entry_id)
        if entry is None:
            return None
        return EntryView(entry.id, self.catalog.topic_of[entry.id], entry.title, entry.body, 0.0)

    def _entry_view(self, hit: Hit) -> EntryView:
        entry = self.catalog.entries[hit.entry_id]
        return EntryView(hit.entry_id, hit.topic, hit.title, entry.body, hit.score)

