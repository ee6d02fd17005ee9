"""A small, known history in two workspaces, played through the real service, for the dashboard.

Acme (slack T1), channel #study, daily at 09:00 UTC from Monday 2026-11-23 (the clock starts
there at 10:00 and moves a day at a time):

    day  question        bea     cid     dee
    Mon  k8s.q.one       right   wrong   right     closed
    Tue  k8s.q.two       right   right   -         closed
    Wed  linux.q.port    right   -       wrong     closed
    Thu  k8s.q.three     right   -       -         still open (not rolled up yet)

so the rollups hold Mon 3 answers by 3 people (2 right), Tue 2/2 (2 right), Wed 2/2 (1 right);
alive streaks: bea 4 (the open post counts once answered), dee 1; cid's broke on Wednesday.
Other (slack T2), channel #learn: zed answers Monday's k8s.q.one right; closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.service import Actor, ChannelRef, StudyService
from tests.support.clock import FakeClock

START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
ACME = ChannelRef("slack", "T1", "C1", "study", "Acme")
OTHER = ChannelRef("slack", "T2", "C9", "learn", "Other")
# (question id, {name: choice index}); the keys: one=1, two=0, port=0, three=2
DAYS = [
    ("k8s.q.one", {"bea": 1, "cid": 0, "dee": 1}),
    ("k8s.q.two", {"bea": 0, "cid": 0}),
    ("linux.q.port", {"bea": 0, "dee": 2}),
    ("k8s.q.three", {"bea": 2}),
]


def admin(team: str = "T1") -> Actor:
    return Actor("slack", team, f"U-ada-{team}", "ada", is_admin=True)


def member(name: str, team: str = "T1") -> Actor:
    return Actor("slack", team, f"U-{name}", name)


@dataclass
class Seeded:
    post_ids: list[int]


async def seed(service: StudyService, clock: FakeClock) -> Seeded:
    clock.now = START
    await service.configure_channel(admin(), ACME, "09:00", "UTC", "daily")
    await service.configure_channel(admin("T2"), OTHER, "09:00", "UTC", "daily")
    post_ids = []
    for index, (question, picks) in enumerate(DAYS):
        card = await service.post_now(admin(), ACME, question)
        post_ids.append(card.post_id)
        for name, choice in picks.items():
            await service.answer(member(name), card.post_id, choice)
        if index == 0:
            other = await service.post_now(admin("T2"), OTHER, "k8s.q.one")
            await service.answer(member("zed", "T2"), other.post_id, 1)
            await service.close_post(other.post_id)
        if index < len(DAYS) - 1:
            await service.close_post(card.post_id)
            clock.advance(days=1)
    return Seeded(post_ids)
