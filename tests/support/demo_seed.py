"""A fuller, made-up team for the README's screenshots: eight people, two channels, ten weeks
of weekday questions from the bundled bank, a running team competition and some practice.

Deterministic (one seeded random generator), played through the real service like the smaller
tests/support/team_seed.py, so the pictures show what the dashboard shows a real team.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from bot.service import Actor, ChannelRef, StudyService
from bot.service.views import TeamSpec
from tests.support.clock import FakeClock

START = datetime(2026, 9, 14, 10, 0, tzinfo=UTC)  # a Monday
WEEKS = 11
TEAM = "TDEMO"
CHANNELS = (ChannelRef("slack", TEAM, "CK8S", "study-k8s", "Platform team"),
            ChannelRef("slack", TEAM, "CALL", "study-devops", "Platform team"))
TOPICS = (["k8s"], [])
# name: (chance to answer a post, chance to be right)
PEOPLE = {"ada": (0.95, 0.82), "bea": (0.9, 0.74), "cid": (0.7, 0.61), "dee": (0.8, 0.55),
          "eve": (0.55, 0.68), "fay": (0.45, 0.5), "gus": (0.35, 0.4), "hal": (0.25, 0.7)}
# Topics this team finds harder: right answers are rarer there.
HARDER = {"terraform": 0.25, "security": 0.2, "design": 0.15}
# The competition's teams: named teams people join; the best 3 of each count.
SQUADS = {"sre": ("ada", "cid", "eve", "gus"), "platform": ("bea", "dee", "fay", "hal")}


def admin() -> Actor:
    return Actor("slack", TEAM, "U-lead", "lead", is_admin=True)


def person(name: str) -> Actor:
    return Actor("slack", TEAM, f"U-{name}", name)


async def seed_demo(service: StudyService, clock: FakeClock) -> None:
    rng = random.Random(13)
    clock.now = START
    for channel, topics in zip(CHANNELS, TOPICS, strict=True):
        await service.configure_channel(admin(), channel, "09:00", "UTC", "mon-fri", topics)
    days = WEEKS * 7
    for day in range(days):
        if clock.now.weekday() < 5:
            if day == days - 14:
                await service.start_competition(admin(), CHANNELS[1], "autumn-cup", "21",
                                                teams=[TeamSpec(name) for name in SQUADS], best="3")
                for squad, names in SQUADS.items():
                    for name in names:
                        await service.join_team(person(name), squad)
            for channel in CHANNELS:
                card = await service.post_now(admin(), channel)
                question = service.catalog.questions[card.question_id]
                for name, (shows_up, skill) in PEOPLE.items():
                    if rng.random() > shows_up:
                        continue
                    right = rng.random() < skill - HARDER.get(card.topic, 0.0)
                    wrong = [i for i in range(len(question.choices)) if i != question.correct_index]
                    choice = question.correct_index if right else rng.choice(wrong)
                    await service.answer(person(name), card.post_id, choice)
                if day < days - 1:
                    await service.close_post(card.post_id)
        if day < days - 1:
            clock.advance(days=1)
    for _ in range(6):
        card = await service.practice(person("bea"), "terraform")
        await service.practice_answer(person("bea"), card.question_id, rng.randrange(3))
