"""Item analysis tallies: every answer in a scope, aggregated per question by the database.

One set-based query that returns one row per question asked, however many answers there are:
the database scans and sums, Python never sees an answer row. Answers are first grouped per
answerer (user, question) with their picks per choice as columns (a question has at most five
choices), so the 27% groups' picks need no join back to the answers. It runs unchanged on SQLite
(3.25+, for window functions) and PostgreSQL. The definitions are in bot/rules/items.py.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Select, case, cast, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.rules.items import GROUP_PERCENT, MAX_CHOICES, Group, ItemTally, Moments, Picks
from bot.store.tables import Answer, Channel, Post, Workspace, WorkspaceQuestion

CHOICES = range(MAX_CHOICES)


def _scoped_posts(platform: str | None, workspace: str | None) -> Select[int, str]:
    posts: Select[int, str] = select(Post.id, Post.question_id).join(
        Channel, Channel.id == Post.channel_id)
    if platform is not None or workspace is not None:
        posts = posts.join(Workspace, Workspace.id == Channel.workspace_id)
        if platform is not None:
            posts = posts.where(Workspace.platform == platform)
        if workspace is not None:
            posts = posts.where(Workspace.external_id == workspace)
    if platform is None or workspace is None:
        # Over many workspaces an id means the bundled question: a workspace's own question,
        # even one that happens to share an id, is measured in its workspace only.
        posts = posts.where(~exists().where(WorkspaceQuestion.workspace_id == Channel.workspace_id,
                                            WorkspaceQuestion.id == Post.question_id))
    return posts


def _count_if(condition: Any, value: Any = 1) -> Any:
    return func.sum(case((condition, value), else_=literal(0)))


def _statement(platform: str | None, workspace: str | None) -> Select[Any]:
    scoped = _scoped_posts(platform, workspace).cte("scoped_posts")
    asked = (select(scoped.c.question_id, func.count().label("posts"))
             .group_by(scoped.c.question_id).cte("asked"))
    # One row per answerer: answers, right ones, and picks of each choice.
    pair = (
        select(Answer.user_id, scoped.c.question_id, func.count().label("n"),
               _count_if(Answer.correct).label("c"),
               *(_count_if(Answer.choice == i).label(f"p{i}") for i in CHOICES))
        .join(scoped, scoped.c.id == Answer.post_id)
        .group_by(Answer.user_id, scoped.c.question_id)
        .cte("answerers")
    )
    person = (select(pair.c.user_id, func.sum(pair.c.n).label("n"), func.sum(pair.c.c).label("c"))
              .group_by(pair.c.user_id).cte("people"))
    totals = (
        select(pair.c.question_id, func.sum(pair.c.n).label("answers"),
               func.sum(pair.c.c).label("correct"),
               *(func.sum(pair.c[f"p{i}"]).label(f"p{i}") for i in CHOICES))
        .group_by(pair.c.question_id).cte("totals")
    )
    x = cast(pair.c.c, Float) / cast(pair.c.n, Float)
    y = cast(person.c.c - pair.c.c, Float) / cast(person.c.n - pair.c.n, Float)
    ordered = (
        select(pair.c.question_id, x.label("x"), y.label("y"),
               *(pair.c[f"p{i}"] for i in CHOICES),
               func.row_number().over(partition_by=pair.c.question_id,
                                      order_by=(y, pair.c.user_id)).label("rank"),
               func.count().over(partition_by=pair.c.question_id).label("k"))
        .join(person, person.c.user_id == pair.c.user_id)
        .where(person.c.n > pair.c.n)  # else no other answers: no rest score
        .cte("ordered")
    )
    o = ordered.c
    # Integer arithmetic, so both databases cut the groups at the same rank (rules.band_of).
    upper = 100 * (o.k - o.rank + 1) <= GROUP_PERCENT * o.k
    lower = 100 * o.rank <= GROUP_PERCENT * o.k
    moments = (
        select(o.question_id, func.count().label("ranked"), func.sum(o.x).label("sx"),
               func.sum(o.x * o.x).label("sxx"), func.sum(o.y).label("sy"),
               func.sum(o.y * o.y).label("syy"), func.sum(o.x * o.y).label("sxy"),
               _count_if(upper).label("upper_n"), _count_if(upper, o.x).label("upper_x"),
               _count_if(lower).label("lower_n"), _count_if(lower, o.x).label("lower_x"),
               *(_count_if(upper, o[f"p{i}"]).label(f"u{i}") for i in CHOICES),
               *(_count_if(lower, o[f"p{i}"]).label(f"l{i}") for i in CHOICES))
        .group_by(o.question_id).cte("moments")
    )
    t, m = totals.c, moments.c
    return (
        select(asked.c.question_id, asked.c.posts, t.answers, t.correct,
               *(t[f"p{i}"] for i in CHOICES), *(c for c in m if c.name != "question_id"))
        .select_from(asked.outerjoin(totals, t.question_id == asked.c.question_id)
                     .outerjoin(moments, m.question_id == asked.c.question_id))
    )


async def tallies(
    session: AsyncSession, platform: str | None = None, workspace: str | None = None
) -> dict[str, ItemTally]:
    """Per question id posted in the scope (one platform, one workspace, or everything)."""
    result: dict[str, ItemTally] = {}
    for row in (await session.execute(_statement(platform, workspace))).mappings():
        picks = {i: Picks(int(row[f"p{i}"] or 0), int(row[f"u{i}"] or 0), int(row[f"l{i}"] or 0))
                 for i in CHOICES if row[f"p{i}"]}
        result[row["question_id"]] = ItemTally(
            posts=row["posts"], answers=int(row["answers"] or 0),
            correct=int(row["correct"] or 0), picks=picks,
            moments=Moments(int(row["ranked"] or 0), row["sx"] or 0.0, row["sxx"] or 0.0,
                            row["sy"] or 0.0, row["syy"] or 0.0, row["sxy"] or 0.0),
            upper=Group(int(row["upper_n"] or 0), float(row["upper_x"] or 0.0)),
            lower=Group(int(row["lower_n"] or 0), float(row["lower_x"] or 0.0)),
        )
    return result
