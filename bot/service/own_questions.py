"""The team's own questions: proposed by anyone (in a form, or imported from a file), reviewed by
admins, studied in their workspace only beside the bundled bank.

A question is `proposed`, then `approved` (in rotation) or `rejected`; an approved one may later
be `retired` (out of rotation; its posts and answers stay). Its id, `<topic>.q.<slug>`, is never
given again in the workspace. Every change bumps the workspace's bank version in the same
transaction, so every instance studies from the new bank at its next read (bot/service/banks.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from bot import errors
from bot.catalog.model import Entry, Topic
from bot.catalog.question_form import FormErrors, advice, form_values, read_form
from bot.catalog.workspace_file import OwnContent, read, write
from bot.service.banks import question_of
from bot.service.base import ServiceBase, require_admin
from bot.service.views import (
    Actor,
    ChannelRef,
    FormDraftView,
    ImportReport,
    OwnQuestionView,
    Reviewed,
    ReviewQueue,
)
from bot.store import directory, own_content
from bot.store.database import Session
from bot.store.tables import WorkspaceQuestion

DRAFTS_KEPT = timedelta(days=1)


class OwnQuestions(ServiceBase):
    # -- proposing -------------------------------------------------------------------------

    async def question_fields(self, actor: Actor, question_id: str | None = None) -> dict[str, str]:
        """What the question form shows: empty for a new question; a proposed question's
        fields for an admin who edits it."""
        if question_id is None:
            return {}
        require_admin(actor, "edit a proposed question")
        async with self.db.transaction() as session:
            workspace_id = await directory.find_workspace(session, actor.platform,
                                                          actor.workspace_id)
            if workspace_id is None:
                raise errors.UnknownQuestion(question_id)
            row = await self._proposal(session, workspace_id, question_id)
            return form_values(question_of(row), row.topic)

    async def propose(self, actor: Actor, channel: ChannelRef, fields: Mapping[str, str],
                      question_id: str | None = None) -> OwnQuestionView:
        """A new proposal from the question form, or (`question_id`, admins) a proposal edited.
        Raises InvalidForm with what is wrong with each field; nothing is stored then."""
        if question_id is not None:
            require_admin(actor, "edit a proposed question")
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id, user_id = await self.ensure_member(session, actor, now)
            bank = await self.banks.of(session, workspace_id)
            row = None
            if question_id is not None:
                row = await self._proposal(session, workspace_id, question_id, for_update=True)
            taken = await own_content.question_ids(session, workspace_id) | set(self.catalog.questions)
            try:
                found = read_form(fields, bank=bank.catalog, bundled=self.catalog, taken=taken,
                                  keep_id=question_id)
            except FormErrors as exc:
                raise errors.InvalidForm(exc.fields) from None
            if found.new_topic is not None:
                await own_content.save_topic(session, workspace_id, _topic_row(found.new_topic), now)
            question = found.question
            values = {"id": question.id, "topic": found.topic, "prompt": question.prompt,
                      "choices": [c.text for c in question.choices],
                      "correct": question.correct_index, "explanation": question.explanation,
                      "difficulty": question.difficulty, "entry": None, "status": "proposed"}
            if row is not None and row.id == question.id:
                for name, value in values.items():
                    setattr(row, name, value)
                row.updated_at = now
            else:
                author: int | None = user_id
                origin: str | None = channel.channel_id
                if row is not None:  # an edit that moved it to another topic: a new id
                    author, origin = row.author_id, row.origin_channel
                    await own_content.remove_question(session, workspace_id, row.id)
                row = await own_content.add_question(
                    session, workspace_id, values | {"author_id": author, "origin_channel": origin},
                    now)
            await own_content.bump(session, workspace_id)
            names = await own_content.people(session, [row.author_id])
            title = found.new_topic.title if found.new_topic else bank.topic_title(found.topic)
            return _view(row, title, names, found.warnings, new_topic=found.new_topic is not None)

    async def keep_draft(self, actor: Actor, form: str, fields: Mapping[str, str]) -> int:
        """Keep a refused form as typed (a day), so it can be opened again filled in."""
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id, _ = await self.ensure_member(session, actor, now)
            return await own_content.save_draft(session, workspace_id, actor.user_id, form,
                                                dict(fields), now, now - DRAFTS_KEPT)

    async def draft(self, actor: Actor, draft_id: int) -> FormDraftView:
        async with self.db.transaction() as session:
            workspace_id = await directory.find_workspace(session, actor.platform,
                                                          actor.workspace_id)
            found = None
            if workspace_id is not None:
                found = await own_content.draft(session, workspace_id, actor.user_id, draft_id)
            if found is None or found.created_at < self.clock() - DRAFTS_KEPT:
                raise errors.DraftGone()
            return FormDraftView(found.form, dict(found.fields))

    # -- reviewing -------------------------------------------------------------------------

    async def review_queue(self, actor: Actor, after: str | None = None) -> ReviewQueue:
        """The oldest proposal (or the one after `after`, round to the first), for admins."""
        require_admin(actor, "review proposed questions")
        async with self.db.transaction() as session:
            workspace_id = await directory.find_workspace(session, actor.platform,
                                                          actor.workspace_id)
            if workspace_id is None:
                return ReviewQueue(None, 0, 0)
            return await self._queue(session, workspace_id, after)

    async def review(self, actor: Actor, question_id: str, approve: bool) -> Reviewed:
        """Approve (into rotation) or reject a proposal; the reviewer is recorded."""
        require_admin(actor, "review proposed questions")
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id, reviewer = await self.ensure_member(session, actor, now)
            row = await self._proposal(session, workspace_id, question_id, for_update=True)
            row.status = "approved" if approve else "rejected"
            row.reviewer_id, row.reviewed_at, row.updated_at = reviewer, now, now
            if not approve:  # a topic started by this proposal alone goes with it
                await own_content.drop_empty_topic(session, workspace_id, row.topic)
            await own_content.bump(session, workspace_id)
            bank = await self.banks.of(session, workspace_id)
            names = await own_content.people(session, [row.author_id, reviewer])
            author = (names.get(row.author_id)
                      if row.author_id is not None and row.author_id != reviewer else None)
            told = None if author is None else Actor(actor.platform, actor.workspace_id,
                                                      author.external_id, author.name)
            origin = None if row.origin_channel is None else ChannelRef(
                actor.platform, actor.workspace_id, row.origin_channel)
            view = _view(row, bank.topic_title(row.topic), names)
            return Reviewed(view, told, origin, await self._queue(session, workspace_id, None))

    async def retire_question(self, actor: Actor, question_id: str) -> OwnQuestionView:
        """Take an approved question of the workspace out of rotation; its history stays."""
        require_admin(actor, "retire a question")
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id, _ = await self.ensure_member(session, actor, now)
            row = await own_content.question(session, workspace_id, question_id, for_update=True)
            if row is None or row.status in ("proposed", "rejected"):
                why = ("not a question of this workspace's own" if row is None
                       else "it was never approved; reject it in the review instead"
                       if row.status == "proposed" else "it was rejected")
                raise errors.InvalidInput("question", question_id, why)
            if row.status == "retired":
                raise errors.AlreadyReviewed(question_id, row.status)
            row.status, row.updated_at = "retired", now
            await own_content.bump(session, workspace_id)
            bank = await self.banks.of(session, workspace_id)
            names = await own_content.people(session, [row.author_id, row.reviewer_id])
            return _view(row, bank.topic_title(row.topic), names)

    async def _proposal(self, session: Session, workspace_id: int, question_id: str,
                        for_update: bool = False) -> WorkspaceQuestion:
        row = await own_content.question(session, workspace_id, question_id, for_update)
        if row is None:
            raise errors.UnknownQuestion(question_id)
        if row.status != "proposed":
            raise errors.AlreadyReviewed(question_id, row.status)
        return row

    async def _queue(self, session: Session, workspace_id: int, after: str | None) -> ReviewQueue:
        waiting = await own_content.proposals(session, workspace_id)
        if not waiting:
            return ReviewQueue(None, 0, 0)
        ids = [row.id for row in waiting]
        position = (ids.index(after) + 1) % len(ids) if after in ids else 0
        row = waiting[position]
        bank = await self.banks.of(session, workspace_id)
        names = await own_content.people(session, [row.author_id])
        question = question_of(row)
        topic = bank.catalog.topics.get(row.topic) or Topic.model_construct(
            slug=row.topic, title=row.topic, aliases=(), description="")
        view = _view(row, topic.title, names, advice(question, topic, bank.catalog))
        return ReviewQueue(view, len(waiting), position + 1)

    # -- files -----------------------------------------------------------------------------

    async def import_questions(self, platform: str, workspace: str, name: str, text: str,
                               approve: bool = False) -> ImportReport:
        """Topics, entries and questions from a file (bot/catalog/workspace_file.py) into the
        workspace: ContentError (file:line) when invalid, nothing stored then. Questions
        already there (by id) are updated. New ones are proposed, or approved with `approve`;
        `retired: true` retires one."""
        now = self.clock()
        async with self.db.transaction() as session:
            workspace_id = await directory.ensure_workspace(session, platform, workspace, "", now)
            bank = await self.banks.of(session, workspace_id)
            content = read(name, text, bundled=self.catalog, bank=bank.catalog,
                           known_entries=await own_content.entry_ids(session, workspace_id))
            for topic in content.topics:
                await own_content.save_topic(session, workspace_id, _topic_row(topic), now)
            for slug, entry in content.entries:
                await own_content.save_entry(session, workspace_id, {
                    "id": entry.id, "topic": slug, "title": entry.title,
                    "keywords": list(entry.keywords), "body": entry.body,
                    "see_also": list(entry.see_also)}, now)
            added, updated = [], []
            for slug, question in content.questions:
                row = await own_content.question(session, workspace_id, question.id, True)
                status = ("retired" if question.retired else "approved" if approve
                          else row.status if row is not None and row.status != "rejected"
                          else "proposed")
                values = {"topic": slug, "prompt": question.prompt,
                          "choices": [c.text for c in question.choices],
                          "correct": question.correct_index, "explanation": question.explanation,
                          "difficulty": question.difficulty, "entry": question.entry,
                          "status": status}
                if row is None:
                    await own_content.add_question(session, workspace_id,
                                                   values | {"id": question.id}, now)
                    added.append(question.id)
                else:
                    for field, value in values.items():
                        setattr(row, field, value)
                    row.updated_at = now
                    updated.append(question.id)
            await own_content.bump(session, workspace_id)
        return ImportReport(tuple(added), tuple(updated), len(content.topics), len(content.entries),
                            approve, tuple(str(w) for w in content.warnings))

    async def export_questions(self, platform: str, workspace: str) -> str:
        """The workspace's own bank as a file that `import_questions` reads back into the same
        bank: its topics and entries, its approved and retired questions."""
        async with self.db.transaction() as session:
            workspace_id = await directory.find_workspace(session, platform, workspace)
            if workspace_id is None:
                return write(OwnContent(), self.catalog)
            rows = await own_content.exported(session, workspace_id)
        return write(OwnContent(
            topics=[Topic.model_construct(slug=t.slug, title=t.title, aliases=tuple(t.aliases),
                                          description=t.description) for t in rows.topics],
            entries=[(e.topic, Entry.model_construct(
                id=e.id, title=e.title, keywords=tuple(e.keywords), body=e.body,
                see_also=tuple(e.see_also))) for e in rows.entries],
            questions=[(q.topic, question_of(q)) for q in rows.questions],
        ), self.catalog)


def _topic_row(topic: Topic) -> dict[str, object]:
    return {"slug": topic.slug, "title": topic.title, "aliases": list(topic.aliases),
            "description": topic.description}


def _view(row: WorkspaceQuestion, topic_title: str, names: Mapping[int, own_content.Person],
          warnings: tuple[str, ...] = (), new_topic: bool = False) -> OwnQuestionView:
    author = names.get(row.author_id) if row.author_id is not None else None
    reviewer = names.get(row.reviewer_id) if row.reviewer_id is not None else None
    return OwnQuestionView(
        id=row.id, topic=row.topic, topic_title=topic_title, prompt=row.prompt,
        choices=tuple(row.choices), key=row.correct, explanation=row.explanation,
        difficulty=row.difficulty, status=row.status, author=author.name if author else None,
        proposed_at=row.proposed_at, reviewer=reviewer.name if reviewer else None,
        warnings=warnings, new_topic=new_topic)
