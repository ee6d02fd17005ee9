"""A workspace's own topics, lookup entries and questions, its bank's version, and form drafts.

Every read takes the workspace's id: nothing here returns another workspace's rows.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.tables import (
    FormDraft,
    User,
    WorkspaceBank,
    WorkspaceEntry,
    WorkspaceQuestion,
    WorkspaceTopic,
)
from bot.store.upsert import insert

IN_BANK = ("approved", "retired")  # proposed and rejected questions are not studied


@dataclass(frozen=True)
class OwnRows:
    topics: list[WorkspaceTopic]
    entries: list[WorkspaceEntry]
    questions: list[WorkspaceQuestion]


@dataclass(frozen=True)
class Person:
    external_id: str
    name: str


async def versions(session: AsyncSession, workspace_ids: Collection[int]) -> dict[int, int]:
    """The bank version of each workspace that has ever had content of its own."""
    if not workspace_ids:
        return {}
    rows = await session.execute(select(WorkspaceBank.workspace_id, WorkspaceBank.version)
                                 .where(WorkspaceBank.workspace_id.in_(sorted(workspace_ids))))
    return {workspace: version for workspace, version in rows.all()}


async def bump(session: AsyncSession, workspace_id: int) -> None:
    """A change to the workspace's content: every instance's cached copy is now stale."""
    statement = insert(session, WorkspaceBank).values(workspace_id=workspace_id, version=1)
    await session.execute(statement.on_conflict_do_update(
        index_elements=["workspace_id"], set_={"version": WorkspaceBank.version + 1}))


async def bank(session: AsyncSession, workspace_id: int) -> OwnRows:
    """What the workspace studies from of its own: its topics and entries, and its questions
    that are approved or retired."""
    topics = await session.execute(select(WorkspaceTopic)
                                   .where(WorkspaceTopic.workspace_id == workspace_id)
                                   .order_by(WorkspaceTopic.slug))
    entries = await session.execute(select(WorkspaceEntry)
                                    .where(WorkspaceEntry.workspace_id == workspace_id)
                                    .order_by(WorkspaceEntry.id))
    questions = await session.execute(select(WorkspaceQuestion)
                                      .where(WorkspaceQuestion.workspace_id == workspace_id,
                                             WorkspaceQuestion.status.in_(IN_BANK))
                                      .order_by(WorkspaceQuestion.id))
    return OwnRows(list(topics.scalars()), list(entries.scalars()), list(questions.scalars()))


async def question(session: AsyncSession, workspace_id: int, question_id: str,
                   for_update: bool = False) -> WorkspaceQuestion | None:
    query = select(WorkspaceQuestion).where(WorkspaceQuestion.workspace_id == workspace_id,
                                            WorkspaceQuestion.id == question_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def question_ids(session: AsyncSession, workspace_id: int) -> set[str]:
    """Every id the workspace has given, whatever became of the question: never given again."""
    rows = await session.execute(select(WorkspaceQuestion.id)
                                 .where(WorkspaceQuestion.workspace_id == workspace_id))
    return set(rows.scalars())


async def entry_ids(session: AsyncSession, workspace_id: int) -> set[str]:
    rows = await session.execute(select(WorkspaceEntry.id)
                                 .where(WorkspaceEntry.workspace_id == workspace_id))
    return set(rows.scalars())


async def proposals(session: AsyncSession, workspace_id: int) -> list[WorkspaceQuestion]:
    """Questions waiting for review, oldest first."""
    rows = await session.execute(
        select(WorkspaceQuestion)
        .where(WorkspaceQuestion.workspace_id == workspace_id,
               WorkspaceQuestion.status == "proposed")
        .order_by(WorkspaceQuestion.proposed_at, WorkspaceQuestion.id))
    return list(rows.scalars())


async def people(session: AsyncSession, user_ids: Collection[int | None]) -> dict[int, Person]:
    wanted = sorted({u for u in user_ids if u is not None})
    if not wanted:
        return {}
    rows = await session.execute(select(User.id, User.external_id, User.display_name)
                                 .where(User.id.in_(wanted)))
    return {uid: Person(external, name or external) for uid, external, name in rows.all()}


async def exported(session: AsyncSession, workspace_id: int) -> OwnRows:
    """What an export holds: the same as the bank."""
    return await bank(session, workspace_id)


async def save_topic(session: AsyncSession, workspace_id: int, values: dict[str, Any],
                     now: datetime) -> None:
    row = {"workspace_id": workspace_id, **values, "updated_at": now}
    statement = insert(session, WorkspaceTopic).values(**row)
    await session.execute(statement.on_conflict_do_update(
        index_elements=["workspace_id", "slug"],
        set_={k: v for k, v in row.items() if k not in ("workspace_id", "slug")}))


async def save_entry(session: AsyncSession, workspace_id: int, values: dict[str, Any],
                     now: datetime) -> None:
    row = {"workspace_id": workspace_id, **values, "updated_at": now}
    statement = insert(session, WorkspaceEntry).values(**row)
    await session.execute(statement.on_conflict_do_update(
        index_elements=["workspace_id", "id"],
        set_={k: v for k, v in row.items() if k not in ("workspace_id", "id")}))


async def add_question(session: AsyncSession, workspace_id: int, values: dict[str, Any],
                       now: datetime) -> WorkspaceQuestion:
    row = WorkspaceQuestion(workspace_id=workspace_id, proposed_at=now, updated_at=now, **values)
    session.add(row)
    await session.flush()
    return row


async def remove_question(session: AsyncSession, workspace_id: int, question_id: str) -> None:
    """Only for a proposal that was never asked (an edit that moved it to another topic)."""
    await session.execute(delete(WorkspaceQuestion).where(
        WorkspaceQuestion.workspace_id == workspace_id, WorkspaceQuestion.id == question_id,
        WorkspaceQuestion.status == "proposed"))


async def drop_empty_topic(session: AsyncSession, workspace_id: int, slug: str) -> None:
    """Remove a topic of the workspace's own that holds no entry and no question but rejected
    ones (a rejected proposal started it)."""
    held = select(WorkspaceQuestion.id).where(
        WorkspaceQuestion.workspace_id == workspace_id, WorkspaceQuestion.topic == slug,
        WorkspaceQuestion.status != "rejected")
    entries = select(WorkspaceEntry.id).where(WorkspaceEntry.workspace_id == workspace_id,
                                              WorkspaceEntry.topic == slug)
    await session.execute(delete(WorkspaceTopic).where(
        WorkspaceTopic.workspace_id == workspace_id, WorkspaceTopic.slug == slug,
        ~held.exists(), ~entries.exists()))


# -- drafts: a form someone filled in that was refused --------------------------------------

async def save_draft(session: AsyncSession, workspace_id: int, user: str, form: str,
                     fields: dict[str, str], now: datetime, keep_until: datetime) -> int:
    await session.execute(delete(FormDraft).where(FormDraft.created_at < keep_until))
    draft = FormDraft(workspace_id=workspace_id, user_external_id=user, form=form, fields=fields,
                      created_at=now)
    session.add(draft)
    await session.flush()
    return draft.id


async def draft(session: AsyncSession, workspace_id: int, user: str,
                draft_id: int) -> FormDraft | None:
    """The draft, only for the person who typed it, in their workspace."""
    return (await session.execute(select(FormDraft).where(
        FormDraft.id == draft_id, FormDraft.workspace_id == workspace_id,
        FormDraft.user_external_id == user))).scalar_one_or_none()

