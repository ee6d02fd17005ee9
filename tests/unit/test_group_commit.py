"""Group commit as its callers see it: shared batches, own outcomes, one bad item alone."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.service.group_commit import GroupCommit


class Ledger:
    """A work function that records which items went together; 'bad' fails a whole batch,
    'refused' is an outcome of its own."""

    def __init__(self, delay: float = 0.0) -> None:
        self.batches: list[list[str]] = []
        self.delay = delay
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, items: Sequence[str]) -> list[str | BaseException]:
        self.batches.append(list(items))
        await self.release.wait()
        await asyncio.sleep(self.delay)
        if "bad" in items:
            raise RuntimeError("the whole batch failed")
        return [ValueError(item) if item == "refused" else item.upper() for item in items]


async def test_calls_made_together_share_one_batch_and_each_gets_its_own_result() -> None:
    work = Ledger()
    group = GroupCommit(work)
    results = await asyncio.gather(*(group.submit(name) for name in ("a", "b", "c")))
    assert results == ["A", "B", "C"]
    assert work.batches == [["a", "b", "c"]]


async def test_arrivals_during_busy_slots_wait_and_leave_together() -> None:
    work = Ledger()
    work.release.clear()
    group = GroupCommit(work, max_in_flight=1)
    first = asyncio.ensure_future(group.submit("first"))
    await asyncio.sleep(0.01)
    later = [asyncio.ensure_future(group.submit(f"late{i}")) for i in range(3)]
    await asyncio.sleep(0.01)
    assert work.batches == [["first"]]  # the slot is busy: the late ones queue
    work.release.set()
    assert await asyncio.gather(first, *later) == ["FIRST", "LATE0", "LATE1", "LATE2"]
    assert work.batches == [["first"], ["late0", "late1", "late2"]]


async def test_a_crowd_is_shared_among_free_slots_in_parts_of_a_minimum() -> None:
    work = Ledger()
    group = GroupCommit(work, max_in_flight=2, min_share=4)
    await asyncio.gather(*(group.submit(str(i)) for i in range(10)))
    assert [len(b) for b in work.batches] == [5, 5]
    await asyncio.gather(*(group.submit(str(i)) for i in range(6)))
    assert [len(b) for b in work.batches[2:]] == [4, 2]


async def test_batches_never_exceed_the_maximum() -> None:
    work = Ledger()
    group = GroupCommit(work, max_batch=4, max_in_flight=1)
    results = await asyncio.gather(*(group.submit(str(i)) for i in range(10)))
    assert results == [str(i) for i in range(10)]
    assert [len(b) for b in work.batches] == [4, 4, 2]
    assert group.stats.sizes == {4: 2, 2: 1}


async def test_an_item_that_fails_the_batch_fails_alone() -> None:
    work = Ledger()
    group = GroupCommit(work)
    results = await asyncio.gather(*(group.submit(name) for name in ("a", "bad", "b")),
                                   return_exceptions=True)
    assert results[0] == "A"
    assert isinstance(results[1], RuntimeError)
    assert results[2] == "B"
    # The batch, then each item alone in arrival order.
    assert work.batches == [["a", "bad", "b"], ["a"], ["bad"], ["b"]]
    assert group.stats.split == 1


async def test_a_refused_item_gets_its_error_without_a_retry() -> None:
    work = Ledger()
    group = GroupCommit(work)
    results = await asyncio.gather(*(group.submit(name) for name in ("a", "refused")),
                                   return_exceptions=True)
    assert results[0] == "A"
    assert isinstance(results[1], ValueError)
    assert work.batches == [["a", "refused"]]


async def test_a_caller_that_gives_up_does_not_take_its_item_out() -> None:
    work = Ledger()
    work.release.clear()
    group = GroupCommit(work)
    impatient = asyncio.ensure_future(group.submit("x"))
    await asyncio.sleep(0.01)
    impatient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await impatient
    work.release.set()
    await group.drain()
    assert work.batches == [["x"]]


async def test_drain_waits_for_queued_and_running_batches() -> None:
    work = Ledger(delay=0.02)
    group = GroupCommit(work, max_batch=2, max_in_flight=1)
    calls = [asyncio.ensure_future(group.submit(str(i))) for i in range(5)]
    await asyncio.sleep(0)
    await group.drain()
    assert all(call.done() for call in calls)
    assert sum(len(b) for b in work.batches) == 5
