"""What each workspace studies from: the bundled bank, with its own approved content laid over it.

Every use case asks `Banks.of(session, workspace)`: one indexed read of the workspace's bank
version, and the cached bank while that version holds (a change in any instance, or an import by
the CLI, bumps it in the same transaction). A workspace with no content of its own shares the
bundled bank; one with some costs only its own items (the catalog is layered, not copied) and a
small search index of its own entries built against the bundled one.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from cachetools import LRUCache

from bot import errors
from bot.catalog.catalog import Catalog
from bot.catalog.model import Choice, Entry, Question, Topic
from bot.catalog.search.index import SearchIndex
from bot.catalog.search.layered import LayeredIndex, Searchable
from bot.store import own_content
from bot.store.database import Session

BankChoice = Literal["bundled", "own", "both"]
BANK_CHOICES: tuple[BankChoice, ...] = ("both", "bundled", "own")
CACHED_WORKSPACES = 512


class QuestionFields(Protocol):
    """A stored question of a workspace, as the table row or the answer path's facts hold it."""

    @property
    def id(self) -> str: ...
    @property
    def prompt(self) -> str: ...
    @property
    def choices(self) -> Sequence[str]: ...
    @property
    def correct(self) -> int: ...
    @property
    def explanation(self) -> str: ...
    @property
    def difficulty(self) -> int: ...
    @property
    def entry(self) -> str | None: ...
    @property
    def status(self) -> str: ...


def question_of(row: QuestionFields) -> Question:
    """The content model of a stored question (validated when it was stored)."""
    return Question.model_construct(
        id=row.id, prompt=row.prompt, explanation=row.explanation, difficulty=row.difficulty,
        entry=row.entry, retired=row.status == "retired",
        choices=tuple(Choice.model_construct(text=text, correct=i == row.correct)
                      for i, text in enumerate(row.choices)))


@dataclass(frozen=True)
class Bank:
    catalog: Catalog  # the bundled bank with the workspace's own over it
    own: Catalog  # the workspace's own only (its topics, entries, approved and retired questions)
    bundled: Catalog
    index: Searchable
    version: int = 0

    def question(self, question_id: str) -> Question:
        question = self.catalog.questions.get(question_id)
        if question is None:
            raise errors.UnknownQuestion(question_id)
        return question

    def topic_title(self, slug: str) -> str:
        topic = self.catalog.topics.get(slug)
        return topic.title if topic else slug

    def questions_for(self, bank: str, topics: Collection[str] | None = None) -> list[Question]:
        """Questions in rotation from the bank a channel chose, of the given topics (all: None)."""
        if bank == "own":
            return self.own.questions_in(topics)
        if bank == "bundled":
            return [q for q in self.bundled.questions_in(topics) if q.id not in self.own.questions]
        return self.catalog.questions_in(topics)

    def resolve_topics(self, names: Sequence[str], bank: str = "both") -> list[str]:
        """Slugs for topic names (bundled or the workspace's own, slugs or aliases); a filter
        that leaves nothing to ask from `bank` is refused."""
        if bank == "own" and not self.own.questions_in():
            raise errors.InvalidInput("bank", bank, "this workspace has no approved question of "
                                      "its own yet; propose one with /study question add")
        slugs: list[str] = []
        for name in names:
            slug = self.catalog.resolve_topic(name)
            if slug is None:
                raise errors.UnknownTopic(name, sorted(self.catalog.topics))
            if slug not in slugs:
                slugs.append(slug)
        if not self.questions_for(bank, slugs or None) and (slugs or bank == "own"):
            raise errors.NoQuestions()
        return slugs


class Banks:
    def __init__(self, bundled: Catalog, index: SearchIndex) -> None:
        self.index = index
        self.bundled = Bank(bundled, Catalog.build((), (), ()), bundled, index)
        self._cache: LRUCache[int, Bank] = LRUCache(maxsize=CACHED_WORKSPACES)

    async def of(self, session: Session, workspace_id: int | None) -> Bank:
        if workspace_id is None:
            return self.bundled
        return (await self.of_many(session, [workspace_id]))[workspace_id]

    async def of_many(self, session: Session, workspace_ids: Collection[int]) -> dict[int, Bank]:
        """The banks of several workspaces: one read of their versions, and a load of each whose
        cached bank is missing or stale."""
        current = await own_content.versions(session, workspace_ids)
        found: dict[int, Bank] = {}
        for workspace in workspace_ids:
            version = current.get(workspace, 0)
            cached = self._cache.get(workspace)
            if version == 0:
                found[workspace] = self.bundled
            elif cached is not None and cached.version == version:
                found[workspace] = cached
            else:
                found[workspace] = self._cache[workspace] = self._build(
                    await own_content.bank(session, workspace), version)
        return found

    def _build(self, rows: own_content.OwnRows, version: int) -> Bank:
        bundled = self.bundled.catalog
        topics = {t.slug: Topic.model_construct(slug=t.slug, title=t.title,
                                                aliases=tuple(t.aliases), description=t.description)
                  for t in rows.topics}
        # Own items may join a bundled topic: the own layer then names that topic too.
        for slug in {e.topic for e in rows.entries} | {q.topic for q in rows.questions}:
            if slug not in topics and slug in bundled.topics:
                topics[slug] = bundled.topics[slug]
        entries = [(e.topic, Entry.model_construct(id=e.id, title=e.title,
                                                   keywords=tuple(e.keywords), body=e.body,
                                                   see_also=tuple(e.see_also)))
                   for e in rows.entries if e.topic in topics]
        questions = [(q.topic, question_of(q)) for q in rows.questions if q.topic in topics]
        own = Catalog.build(topics.values(), entries, questions)
        index: Searchable = self.index
        if entries:
            index = LayeredIndex(SearchIndex.build(own, background=self.index), self.index)
        return Bank(bundled.overlay(own), own, bundled, index, version)
