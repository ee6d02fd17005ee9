"""The database goes away and comes back: through a TCP proxy that the test cuts, and by the
server terminating the pool's backends. Users get "try again in a moment" while it is away (and
nothing half-written), no error at all when one retry suffices, and no restart is needed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bot import errors
from bot.catalog.catalog import Catalog
from bot.catalog.search.index import SearchIndex
from bot.service import Actor, ChannelRef, StudyService
from bot.service.grouped_answers import AnswerBatching
from bot.store.database import Database, create_engine
from bot.store.tables import Answer, Score, User
from tests.support.tcp_proxy import TcpProxy

CHANNEL = ChannelRef("discord", "G1", "C1", "study")
ADMIN = Actor("discord", "G1", "admin", "admin", is_admin=True)


def users(prefix: str, count: int) -> list[Actor]:
    return [Actor("discord", "G1", f"{prefix}{i}", f"{prefix} {i}") for i in range(count)]


@pytest.fixture
async def proxy(pg_database: Database) -> AsyncIterator[TcpProxy]:
    url = pg_database.engine.url
    async with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as running:
        yield running


@pytest.fixture(params=["grouped", "one by one"])
async def proxied(request: pytest.FixtureRequest, pg_database: Database, proxy: TcpProxy,
                  engine_catalog: Catalog, engine_index: SearchIndex,
                  clock) -> AsyncIterator[StudyService]:
    """A service whose every connection goes through the proxy; both answer paths."""
    url = make_url(pg_database.engine.url).set(host="127.0.0.1", port=proxy.port)
    db = Database(create_engine(url.render_as_string(hide_password=False)))
    batching = AnswerBatching(enabled=request.param == "grouped")
    service = StudyService(db, engine_catalog, engine_index, clock, answer_batching=batching)
    yield service
    await service.close()
    await db.dispose()


@pytest.fixture
async def grouped(pg_database: Database, proxy: TcpProxy, engine_catalog: Catalog,
                  engine_index: SearchIndex, clock) -> AsyncIterator[StudyService]:
    """The production path on PostgreSQL, through the proxy."""
    url = make_url(pg_database.engine.url).set(host="127.0.0.1", port=proxy.port)
    db = Database(create_engine(url.render_as_string(hide_password=False)))
    service = StudyService(db, engine_catalog, engine_index, clock)
    yield service
    await service.close()
    await db.dispose()


async def count(db: Database, statement) -> int:
    async with db.transaction() as session:
        return (await session.execute(statement)).scalar_one() or 0


async def answer_all(service: StudyService, post_id: int, actors: list[Actor]) -> list:
    return await asyncio.gather(*(service.answer(a, post_id, 1) for a in actors),
                                return_exceptions=True)


async def test_answers_while_the_database_is_away_get_try_again_and_leave_nothing(
    proxied: StudyService, proxy: TcpProxy, pg_database: Database
) -> None:
    card = await proxied.post_now(ADMIN, CHANNEL, "k8s.q.one")
    assert not [r for r in await answer_all(proxied, card.post_id, users("warm", 5))
                if isinstance(r, Exception)]
    # The connection dies just before COMMIT (every statement ran), and stays down.
    proxy.cut_before(b"COMMIT")
    during = await answer_all(proxied, card.post_id, users("cut", 10))
    assert proxy.is_cut
    assert all(isinstance(r, errors.TryAgain) for r in during), during
    assert str(during[0]) == "the database is unreachable; try again in a moment"
    # Nothing of theirs was written: no answer, no user, no score.
    assert await count(pg_database, select(func.count()).select_from(Answer)) == 5
    assert await count(pg_database, select(func.count()).select_from(User)) == 5
    assert await count(pg_database, select(func.sum(Score.points))
                       .where(Score.period == "all")) == 50

    proxy.restore()
    after = await answer_all(proxied, card.post_id, users("cut", 10))
    assert [r.points for r in after] == [10] * 10
    assert not any(r.already_answered for r in after)
    assert await count(pg_database, select(func.count()).select_from(Answer)) == 15


async def test_a_cut_between_bursts_is_survived_by_one_retry(
    proxied: StudyService, proxy: TcpProxy, pg_database: Database
) -> None:
    card = await proxied.post_now(ADMIN, CHANNEL, "k8s.q.one")
    first = await answer_all(proxied, card.post_id, users("a", 30))
    assert not [r for r in first if isinstance(r, Exception)]
    proxy.sever()  # every pooled connection is now dead; the pool does not know yet
    second = await answer_all(proxied, card.post_id, users("b", 30))
    assert not [r for r in second if isinstance(r, Exception)], second
    assert await count(pg_database, select(func.count()).select_from(Answer)) == 60


async def test_a_cut_in_the_middle_of_a_burst_loses_no_click(
    grouped: StudyService, proxy: TcpProxy, pg_database: Database
) -> None:
    """Two blips while 150 clicks arrive over 0.9 s: a batch caught by one retries once. The
    second blip waits until answers flow again after the first (on a slow machine a retry
    could otherwise be caught by both, which is the "try again" case tested above)."""
    card = await grouped.post_now(ADMIN, CHANNEL, "k8s.q.one")
    crowd = users("c", 150)
    loop = asyncio.get_running_loop()
    start = loop.time()
    done: list[object] = []

    async def click(index: int) -> object:
        await asyncio.sleep(max(0.0, start + index * 0.006 - loop.time()))
        try:
            result: object = await grouped.answer(crowd[index], card.post_id, 1)
        except Exception as exc:
            result = exc
        done.append(result)
        return result

    async def blips() -> None:
        await asyncio.sleep(0.2)
        proxy.sever()
        severed_at = len(done)
        for _ in range(500):  # bounded: 5 s
            if len(done) >= severed_at + 20:
                break
            await asyncio.sleep(0.01)
        proxy.sever()

    results, _ = await asyncio.gather(asyncio.gather(*(click(i) for i in range(150))), blips())
    assert not [r for r in results if isinstance(r, Exception)], results
    assert await count(pg_database, select(func.count()).select_from(Answer)) == 150
    # Every click scored once, whatever moment its connection died (even after COMMIT).
    assert sum(r.points for r in results) == 1500
    assert await count(pg_database, select(func.sum(Score.points))
                       .where(Score.period == "all")) == 1500


async def test_backends_terminated_by_the_server_twice_in_a_burst_lose_no_click(
    pg_database: Database, engine_catalog: Catalog, engine_index: SearchIndex, clock
) -> None:
    """What an operator's pg_terminate_backend (or a failover) does to the pool."""
    service = StudyService(pg_database, engine_catalog, engine_index, clock)
    card = await service.post_now(ADMIN, CHANNEL, "k8s.q.one")
    results = list(await answer_all(service, card.post_id, users("w", 40)))
    operator = create_engine(pg_database.engine.url.render_as_string(hide_password=False))
    try:
        for round_ in range(2):
            async with operator.connect() as admin:
                killed = (await admin.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"))).scalar()
            assert killed >= 1  # the service's pooled connections
            results += await answer_all(service, card.post_id, users(f"t{round_}-", 40))
    finally:
        await operator.dispose()
    await service.close()
    assert not [r for r in results if isinstance(r, Exception)], results
    assert await count(pg_database, select(func.count()).select_from(Answer)) == 120


async def test_commands_work_at_once_after_the_server_closed_every_pooled_connection(
    pg_database: Database, engine_catalog: Catalog, engine_index: SearchIndex, clock
) -> None:
    """No pre-ping, yet no "Sorry" for the first command after a restart: a connection that the
    server closed is replaced when it is checked out, at no round trip."""
    service = StudyService(pg_database, engine_catalog, engine_index, clock)
    card = await service.post_now(ADMIN, CHANNEL, "k8s.q.one")
    await answer_all(service, card.post_id, users("w", 5))
    # Several pooled connections, as a busy bot has.
    await asyncio.gather(*(service.leaderboard(users("w", 1)[0], "all") for _ in range(5)))
    operator = create_engine(pg_database.engine.url.render_as_string(hide_password=False))
    try:
        async with operator.connect() as admin:
            killed = (await admin.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))).scalar()
    finally:
        await operator.dispose()
    assert killed >= 2
    await asyncio.sleep(0.1)  # the backends' goodbyes reach the client
    board = await service.leaderboard(users("w", 1)[0], "all")
    assert len(board.rows) == 5
    assert (await service.close_post(card.post_id)) is not None
