"""Leaderboard order and ranks with ties at every level, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime

from sqlalchemy import delete, func, select

from bot.service import Actor, ChannelRef, StudyService
from bot.store import boards
from bot.store.database import Database
from bot.store.tables import BoardCount, Score, User, Workspace

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


async def _board_with_ties(db: Database) -> list[tuple[int, int, int, int]]:
    """40 users on one all-time board, every (points, correct, answered) shared by several users,
    inserted in shuffled order; returns (user id, points, correct, answered) per user."""
    combos = list(itertools.product((30, 20), (3, 2), (4, 3)))  # points, correct, answered
    rows = [combos[i % len(combos)] for i in range(40)]
    random.Random(12).shuffle(rows)
    async with db.transaction() as session:
        workspace = Workspace(platform="slack", external_id="T1", name="", created_at=NOW)
        other = Workspace(platform="slack", external_id="T2", name="", created_at=NOW)
        session.add_all([workspace, other])
        await session.flush()
        users = [User(workspace_id=workspace.id, external_id=f"U{i}", display_name=f"u{i}")
                 for i in range(len(rows))]
        stranger = User(workspace_id=other.id, external_id="U-x", display_name="x")
        session.add_all([*users, stranger])
        await session.flush()
        session.add_all(Score(workspace_id=workspace.id, period="all", user_id=u.id, points=p,
                              correct=c, answered=a) for u, (p, c, a) in zip(users, rows, strict=True))
        # Same figures elsewhere must not count: another period, another workspace.
        session.add(Score(workspace_id=workspace.id, period="w2026-48", user_id=users[0].id,
                          points=99, correct=9, answered=9))
        session.add(Score(workspace_id=other.id, period="all", user_id=stranger.id, points=99,
                          correct=9, answered=9))
    return [(u.id, p, c, a) for u, (p, c, a) in zip(users, rows, strict=True)]


async def test_ties_go_to_accuracy_then_fewer_answers_then_the_earlier_user(
        database: Database) -> None:
    users = await _board_with_ties(database)
    expected = sorted(users, key=lambda u: (-u[1], -u[2], u[3], u[0]))
    async with database.transaction() as session:
        workspace_id = (await session.get(User, users[0][0])).workspace_id
        top = await boards.top(session, workspace_id, "all", limit=len(users))
        assert [(uid, p, c, a) for uid, _name, p, c, a in top] == expected
        for rank, (user_id, points, correct, answered) in enumerate(expected, start=1):
            mine = await boards.standing(session, workspace_id, "all", user_id)
            assert (mine.rank, mine.points, mine.correct, mine.answered) == (
                rank, points, correct, answered), user_id
        assert await boards.standing(session, workspace_id, "w2026-47", users[0][0]) is None


async def test_a_caller_below_the_top_ten_sees_their_rank(database: Database, engine_catalog,
                                                          engine_index) -> None:
    users = await _board_with_ties(database)
    expected = sorted(users, key=lambda u: (-u[1], -u[2], u[3], u[0]))
    service = StudyService(database, engine_catalog, engine_index, lambda: NOW)
    for rank in (1, 11, 23, 40):
        user_id = expected[rank - 1][0]
        index = next(i for i, u in enumerate(users) if u[0] == user_id)
        board = await service.leaderboard(Actor("slack", "T1", f"U{index}", f"u{index}"), "all")
        assert [r.name for r in board.rows] == [
            f"u{next(i for i, u in enumerate(users) if u[0] == e[0])}" for e in expected[:10]]
        mine = board.caller or next(r for r in board.rows if r.is_caller)
        assert (mine.rank, mine.points) == (rank, expected[rank - 1][1])


async def _counts(db: Database) -> tuple[dict, dict]:
    """board_counts as kept by the triggers, and as counted from scores, per count row (a board,
    a points value and a shard: user id % 8, as migration 0007 spreads them)."""
    async with db.transaction() as session:
        kept = {(w, p, pts, shard): n for w, p, pts, shard, n in (await session.execute(
            select(BoardCount.workspace_id, BoardCount.period, BoardCount.points,
                   BoardCount.shard, BoardCount.users))).all() if n}
        shard = Score.user_id % 8
        counted = {(w, p, pts, sh): n for w, p, pts, sh, n in (await session.execute(
            select(Score.workspace_id, Score.period, Score.points, shard, func.count())
            .group_by(Score.workspace_id, Score.period, Score.points, shard))).all()}
    return kept, counted


async def test_board_counts_follow_every_score_change(service: StudyService, clock) -> None:
    """Answers right and wrong on two days, a competition, and users leaving: the counts the
    ranks are summed from always equal a count over the scores."""
    admin = Actor("slack", "T1", "U-ada", "ada", is_admin=True)
    channel = ChannelRef("slack", "T1", "C1", "study", "Acme")
    users = [Actor("slack", "T1", f"U{i}", f"u{i}") for i in range(8)]
    await service.start_competition(admin, channel, "sprint", "7")
    for question in ("k8s.q.one", "linux.q.port"):
        post = await service.post_now(admin, channel, question)
        for i, user in enumerate(users):
            await service.answer(user, post.post_id, i % 3)
        kept, counted = await _counts(service.db)
        assert kept == counted
        clock.advance(days=1)
    assert len({period for _w, period, _p, _s in counted}) == 4  # all, week, month, competition
    async with service.db.transaction() as session:
        for name in ("U0", "U5"):
            await session.execute(delete(User).where(User.external_id == name))
    kept, counted = await _counts(service.db)
    assert kept == counted
