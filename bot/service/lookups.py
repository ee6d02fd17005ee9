"""Cheat-sheet lookups: in-process search over the bundled entries and the workspace's own."""

from __future__ import annotations

from bot import errors
from bot.catalog.search.index import Hit
from bot.service.banks import Bank
from bot.service.base import ServiceBase
from bot.service.views import (
    Actor,
    EntryView,
    LookupResult,
)
from bot.store import directory


class Lookups(ServiceBase):
    async def lookup(self, actor: Actor, query: str, topic: str | None = None,
                     limit: int = 5) -> LookupResult:
        """Entries of the bank `actor`'s workspace studies from that match `query`."""
        bank = await self.bank_for(actor)
        slug = None
        if topic is not None:
            slug = bank.catalog.resolve_topic(topic)
            if slug is None:
                raise errors.UnknownTopic(topic, sorted(bank.catalog.topics))
        query = query.strip()
        hits = bank.index.search(query, topic=slug, limit=limit) if query else []
        suggestions = [] if hits else bank.index.suggest(query, topic=slug, limit=limit)
        return LookupResult(query, slug, tuple(self._entry_view(bank, h) for h in hits),
                            tuple(self._entry_view(bank, h) for h in suggestions))

    async def entry(self, actor: Actor, entry_id: str) -> EntryView | None:
        bank = await self.bank_for(actor)
        entry = bank.catalog.entries.get(entry_id)
        if entry is None:
            return None
        return EntryView(entry.id, bank.catalog.topic_of[entry.id], entry.title, entry.body, 0.0)

    async def bank_for(self, actor: Actor) -> Bank:
        """The bank of the actor's workspace (the bundled one for a workspace never seen)."""
        async with self.db.transaction() as session:
            workspace_id = await directory.find_workspace(session, actor.platform,
                                                          actor.workspace_id)
            return await self.banks.of(session, workspace_id)

    async def topic_slug(self, actor: Actor, name: str) -> str | None:
        """A topic's slug in the actor's workspace, from a slug or an alias; None when unknown."""
        return (await self.bank_for(actor)).catalog.resolve_topic(name)

    @staticmethod
    def _entry_view(bank: Bank, hit: Hit) -> EntryView:
        entry = bank.catalog.entries[hit.entry_id]
        return EntryView(hit.entry_id, hit.topic, hit.title, entry.body, hit.score)
