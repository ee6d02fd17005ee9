"""Item analysis tallies: every answer in a scope, aggregated per question by the database.

Two set-based queries (per question, then per question x choice x group) over the same CTEs,
each returning one row per question or per choice however many answers there are: the database
does the scanning and summing, Python never sees an answer row. Both run unchanged on SQLite
(3.25+, for window functions) and PostgreSQL. The definitions are in bot/rules/items.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import CTE, Float, Select, and_, case, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.rules.items import GROUP_PERCENT, Group, ItemTally, Moments, Picks
from bot.store.tables import Answer, Channel, Post, Workspace


@dataclass(frozen=True)
class _Sources:
    posts: CTE  # the scope's posts: id, question_id
    answers: CTE  # their answers: user_id, question_id, choice, hit (1 right, 0 wrong)
    ranked: CTE  # answerers with a rest score: user_id, question_id, x, y, band


def _sources(platform: str | None, workspace: str | None) -> _Sources:
    posts: Select = select(Post.id, Post.question_id)
    if platform is not None or workspace is not None:
        posts = posts.join(Channel, Channel.id == Post.channel_id).join(
            Workspace, Workspace.id == Channel.workspace_id)
        if platform is not None:
            posts = posts.where(Workspace.platform == platform)
        if workspace is not None:
            posts = posts.where(Workspace.external_id == workspace)
    scoped = posts.cte("scoped_posts")
    answers = (
        select(Answer.user_id, scoped.c.question_id, Answer.choice,
               case((Answer.correct, 1), else_=0).label("hit"))
        .join(scoped, scoped.c.id == Answer.post_id)
        .cte("scoped_answers")
    )
    pair = (
        select(answers.c.user_id, answers.c.question_id, func.count().label("n"),
               func.sum(answers.c.hit).label("c"))
        .group_by(answers.c.user_id, answers.c.question_id)
        .cte("answerers")
    )
    person = (
        select(pair.c.user_id, func.sum(pair.c.n).label("n"), func.sum(pair.c.c).label("c"))
        .group_by(pair.c.user_id)
        .cte("people")
    )
    x = cast(pair.c.c, Float) / cast(pair.c.n, Float)
    y = cast(person.c.c - pair.c.c, Float) / cast(person.c.n - pair.c.n, Float)
    ordered = (
        select(pair.c.user_id, pair.c.question_id, x.label("x"), y.label("y"),
               func.row_number().over(partition_by=pair.c.question_id,
                                      order_by=(y, pair.c.user_id)).label("rank"),
               func.count().over(partition_by=pair.c.question_id).label("k"))
        .join(person, person.c.user_id == pair.c.user_id)
        .where(person.c.n > pair.c.n)  # else no other answers: no rest score
        .cte("ordered")
    )
    # Integer arithmetic, so both databases cut the groups at the same rank (rules.band_of).
    band = case(
        (100 * ordered.c.rank <= GROUP_PERCENT * ordered.c.k, -1),
        (100 * (ordered.c.k - ordered.c.rank + 1) <= GROUP_PERCENT * ordered.c.k, 1),
        else_=0,
    )
    ranked = select(ordered.c.user_id, ordered.c.question_id, ordered.c.x, ordered.c.y,
                    band.label("band")).cte("ranked")
    return _Sources(scoped, answers, ranked)


def _in_band(ranked: CTE, band: int, value: object) -> object:
    return func.sum(case((ranked.c.band == band, value), else_=literal(0)))


async def tallies(
    session: AsyncSession, platform: str | None = None, workspace: str | None = None
) -> dict[str, ItemTally]:
    """Per question id posted in the scope (one platform, one workspace, or everything)."""
    src = _sources(platform, workspace)
    asked = (
        select(src.posts.c.question_id, func.count().label("posts"))
        .group_by(src.posts.c.question_id).cte("asked")
    )
    totals = (
        select(src.answers.c.question_id, func.count().label("answers"),
               func.sum(src.answers.c.hit).label("correct"))
        .group_by(src.answers.c.question_id).cte("totals")
    )
    r = src.ranked
    moments = (
        select(r.c.question_id, func.count().label("n"), func.sum(r.c.x).label("sx"),
               func.sum(r.c.x * r.c.x).label("sxx"), func.sum(r.c.y).label("sy"),
               func.sum(r.c.y * r.c.y).label("syy"), func.sum(r.c.x * r.c.y).label("sxy"),
               _in_band(r, 1, 1).label("upper_n"), _in_band(r, 1, r.c.x).label("upper_x"),
               _in_band(r, -1, 1).label("lower_n"), _in_band(r, -1, r.c.x).label("lower_x"))
        .group_by(r.c.question_id).cte("moments")
    )
    m = moments.c
    per_question = (
        select(asked.c.question_id, asked.c.posts, totals.c.answers, totals.c.correct, m.n,
               m.sx, m.sxx, m.sy, m.syy, m.sxy, m.upper_n, m.upper_x, m.lower_n, m.lower_x)
        .select_from(asked.outerjoin(totals, totals.c.question_id == asked.c.question_id)
                     .outerjoin(moments, m.question_id == asked.c.question_id))
    )
    a = src.answers
    per_choice = (
        select(a.c.question_id, a.c.choice, r.c.band, func.count())
        .select_from(a.outerjoin(r, and_(r.c.user_id == a.c.user_id,
                                         r.c.question_id == a.c.question_id)))
        .group_by(a.c.question_id, a.c.choice, r.c.band)
    )
    picks: dict[str, dict[int, Picks]] = {}
    for question_id, choice, band, count in await session.execute(per_choice):
        before = picks.setdefault(question_id, {}).get(choice, Picks())
        picks[question_id][choice] = Picks(before.total + count,
                                           before.upper + (count if band == 1 else 0),
                                           before.lower + (count if band == -1 else 0))
    result: dict[str, ItemTally] = {}
    for row in await session.execute(per_question):
        result[row.question_id] = ItemTally(
            posts=row.posts, answers=row.answers or 0, correct=row.correct or 0,
            picks=picks.get(row.question_id, {}),
            moments=Moments(row.n or 0, row.sx or 0.0, row.sxx or 0.0, row.sy or 0.0,
                            row.syy or 0.0, row.sxy or 0.0),
            upper=Group(row.upper_n or 0, float(row.upper_x or 0.0)),
            lower=Group(row.lower_n or 0, float(row.lower_x or 0.0)),
        )
    return result
