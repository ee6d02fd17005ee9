"""Item analysis from answers stored in the real databases: answer histories with known shapes
(a miskeyed question, a dead distractor, too easy, too hard) get the right figures and flags;
the report command prints them; the daily picker can avoid flagged questions."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from collections import defaultdict
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

import pytest

from bot.bootstrap import open_app
from bot.catalog.catalog import Catalog
from bot.catalog.loader import load
from bot.catalog.search.index import SearchIndex
from bot.cli.item_report import render_table
from bot.config import load_settings
from bot.rules.items import band_of
from bot.service import Actor, ChannelRef, StudyService
from bot.service.daily import DailyPolicy, claim_due
from bot.service.views import Avoidance, ItemFlag, QuestionStats
from bot.store.database import Database
from tests.support.clock import FakeClock
from tests.support.data import DATA

REPO = Path(__file__).resolve().parents[2]
ITEMS = DATA / "items"
MAIN = ChannelRef("slack", "T1", "C1", "study", "Acme")
SECOND = ChannelRef("slack", "T1", "C2", "more-study", "Acme")
OTHER_TEAM = ChannelRef("slack", "T2", "C9", "study", "Other")
# 21 answerers, just over the default 20 answers a question needs before it is judged.
STRONG = [f"s{i:02d}" for i in range(1, 11)]
WEAK = [f"w{i:02d}" for i in range(1, 12)]
ANCHORS = [f"k8s.q.anchor-{i}" for i in range(1, 4)]


def admin(team: str = "T1") -> Actor:
    return Actor("slack", team, "U-admin", "admin", is_admin=True)


def member(name: str, team: str = "T1") -> Actor:
    return Actor("slack", team, f"U-{name}", name)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load(ITEMS)


@pytest.fixture
def items_service(database: Database, catalog: Catalog, clock: FakeClock) -> StudyService:
    return StudyService(database, catalog, SearchIndex.build(catalog), clock)


def spread(users: list[str], choices: list[int]) -> dict[str, int]:
    return {user: choices[i % len(choices)] for i, user in enumerate(users)}


def design(catalog: Catalog) -> dict[str, dict[str, int]]:
    """Question id -> user -> chosen index, for the main channel. Strong users know the bank,
    weak users do not; the two groups disagree in a known way on each question."""
    plan: dict[str, dict[str, int]] = {}
    for question_id in ANCHORS:
        key = catalog.questions[question_id].correct_index
        plan[question_id] = {**{u: key for u in STRONG},
                             **spread(WEAK, [i for i in range(4) if i != key])}
    # Keyed A, but strong answerers consistently pick B: the key is wrong.
    plan["k8s.q.miskeyed"] = {**{u: 1 for u in STRONG}, **{u: 0 for u in WEAK[:5]},
                              **{u: 2 for u in WEAK[5:8]}, **{u: 3 for u in WEAK[8:]}}
    # Nobody is fooled by D.
    plan["k8s.q.dead-distractor"] = {**{u: 0 for u in STRONG}, **{u: 1 for u in WEAK[:6]},
                                     **{u: 2 for u in WEAK[6:]}}
    plan["k8s.q.easy"] = {u: 1 for u in STRONG + WEAK}
    # Keyed C; one strong and one weak answerer get it, everybody else is wrong.
    plan["k8s.q.hard"] = {"s01": 2, "w01": 2, **spread(STRONG[1:], [0, 1, 3]),
                          **spread(WEAK[1:], [0, 1, 3])}
    return plan


# The easy question again in a second channel of the same team, to five strong users (so some
# answerers have two answers to one question); and the miskeyed one in another team.
AGAIN = {"k8s.q.easy": {u: 1 for u in STRONG[:5]}}
OTHER = {"k8s.q.miskeyed": {f"x{i}": 0 for i in range(1, 4)}}

Answers = list[tuple[str, str, str, int]]  # team, user, question, choice


async def build_history(service: StudyService, catalog: Catalog) -> Answers:
    answers: Answers = []
    for channel, plan in ((MAIN, design(catalog)), (SECOND, AGAIN), (OTHER_TEAM, OTHER)):
        for question_id, picks in plan.items():
            card = await service.post_now(admin(channel.workspace_id), channel, question_id)
            for user, choice in picks.items():
                await service.answer(member(user, channel.workspace_id), card.post_id, choice)
                answers.append((channel.workspace_id, user, question_id, choice))
    return answers


def reference(answers: Answers, catalog: Catalog, team: str | None) -> dict[str, dict]:
    """The figures straight from their definitions (bot/rules/items.py), by plain loops."""
    rows = [(u, q, c) for t, u, q, c in answers if team is None or t == team]
    keys = {q: catalog.questions[q].correct_index for q in catalog.questions}
    order = list(dict.fromkeys(u for u, _, _ in rows))  # user ids are given in this order
    per_pair: dict[tuple[str, str], list[int]] = defaultdict(list)
    for user, question, choice in rows:
        per_pair[(user, question)].append(int(choice == keys[question]))
    total = defaultdict(lambda: [0, 0])
    for (user, _), hits in per_pair.items():
        total[user][0] += len(hits)
        total[user][1] += sum(hits)
    result = {}
    for question in {q for _, q, _ in rows}:
        scored = []
        for (user, q), hits in per_pair.items():
            if q == question and total[user][0] > len(hits):
                rest = (total[user][1] - sum(hits)) / (total[user][0] - len(hits))
                scored.append((rest, order.index(user), sum(hits) / len(hits)))
        scored.sort()
        n = len(scored)
        xs = [x for _, _, x in scored]
        ys = [y for y, _, _ in scored]
        mx, my = sum(xs) / n, sum(ys) / n
        cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
        var = sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys)
        upper = [x for rank, (_, _, x) in enumerate(scored, 1) if band_of(rank, n) == 1]
        lower = [x for rank, (_, _, x) in enumerate(scored, 1) if band_of(rank, n) == -1]
        hits = [int(c == keys[question]) for _, q, c in rows if q == question]
        result[question] = {
            "answers": len(hits), "correct": sum(hits), "ranked": n,
            "discrimination": cov / math.sqrt(var) if var else None,
            "upper_lower": sum(upper) / len(upper) - sum(lower) / len(lower),
            "picks": [sum(1 for _, q, c in rows if q == question and c == i) for i in range(4)],
        }
    return result


def by_id(questions: tuple[QuestionStats, ...]) -> dict[str, QuestionStats]:
    return {q.question_id: q for q in questions}


async def test_each_kind_of_question_gets_its_figures_and_flags(
    items_service: StudyService, catalog: Catalog
) -> None:
    answers = await build_history(items_service, catalog)
    report = await items_service.item_report("slack", "T1")
    stats = by_id(report.questions)
    assert {q: s.flags for q, s in stats.items() if s.flags} == {
        "k8s.q.miskeyed": (ItemFlag("negative-discrimination", "B"),),
        "k8s.q.hard": (ItemFlag("too-hard"),),
        "k8s.q.easy": (ItemFlag("too-easy"), ItemFlag("dead-distractor", "A"),
                       ItemFlag("dead-distractor", "C"), ItemFlag("dead-distractor", "D")),
        "k8s.q.dead-distractor": (ItemFlag("dead-distractor", "D"),),
    }
    # Worst first: the likely wrong key leads the report.
    assert [q.question_id for q in report.flagged] == [
        "k8s.q.miskeyed", "k8s.q.hard", "k8s.q.easy", "k8s.q.dead-distractor"]

    miskeyed = stats["k8s.q.miskeyed"]
    assert (miskeyed.posts, miskeyed.answers, miskeyed.correct) == (1, 21, 5)
    assert miskeyed.difficulty == pytest.approx(5 / 21)
    assert [c.pick_rate for c in miskeyed.choices] == pytest.approx([5 / 21, 10 / 21, 3 / 21,
                                                                     3 / 21])
    assert [c.is_key for c in miskeyed.choices] == [True, False, False, False]
    assert miskeyed.discrimination is not None
    assert miskeyed.discrimination < -0.4
    # 21 ranked answerers: groups of 5. The upper 5 (strong) all chose B; the lower 5 are the
    # weak ones with the lowest rest score, ties by user: w02-w05 chose A, w06 chose C.
    assert miskeyed.upper_lower == pytest.approx(0 - 4 / 5)
    assert [(c.upper_picks, c.lower_picks) for c in miskeyed.choices] == [(0, 4), (5, 0),
                                                                          (0, 1), (0, 0)]
    easy = stats["k8s.q.easy"]
    assert (easy.posts, easy.answers, easy.correct, easy.difficulty) == (2, 26, 26, 1.0)
    assert easy.discrimination is None  # nobody got it wrong: nothing to correlate
    for anchor in ANCHORS:
        assert stats[anchor].discrimination is not None
        assert stats[anchor].discrimination > 0.8
    never = stats["k8s.q.never-asked"]
    assert (never.posts, never.answers, never.difficulty, never.discrimination) == (0, 0, None,
                                                                                   None)

    # Every figure of every question matches the definitions computed by plain loops.
    for question, want in reference(answers, catalog, "T1").items():
        got = stats[question]
        assert (got.answers, got.correct, got.ranked) == (want["answers"], want["correct"],
                                                         want["ranked"]), question
        assert got.discrimination == pytest.approx(want["discrimination"]), question
        assert got.upper_lower == pytest.approx(want["upper_lower"]), question
        assert [c.picks for c in got.choices] == want["picks"], question


async def test_scope_and_min_answers(items_service: StudyService, catalog: Catalog) -> None:
    answers = await build_history(items_service, catalog)
    everywhere = by_id((await items_service.item_report()).questions)
    slack = by_id((await items_service.item_report(platform="slack")).questions)
    other = by_id((await items_service.item_report("slack", "T2")).questions)
    nowhere = by_id((await items_service.item_report("discord", "T1")).questions)
    assert (everywhere["k8s.q.miskeyed"].posts, everywhere["k8s.q.miskeyed"].answers) == (2, 24)
    assert slack == everywhere
    assert (other["k8s.q.miskeyed"].posts, other["k8s.q.miskeyed"].answers) == (1, 3)
    assert other["k8s.q.miskeyed"].ranked == 0  # they answered nothing else: no rest score
    assert other["k8s.q.anchor-1"].posts == 0
    assert all(q.posts == 0 for q in nowhere.values())
    want = reference(answers, catalog, None)["k8s.q.miskeyed"]
    assert everywhere["k8s.q.miskeyed"].discrimination == pytest.approx(want["discrimination"])

    # Below min answers nothing is flagged, though the figures are still there.
    strict = await items_service.item_report("slack", "T1", min_answers=22)
    assert [(q.question_id, q.flags[0].kind) for q in strict.flagged] == [("k8s.q.easy",
                                                                           "too-easy")]
    assert by_id(strict.questions)["k8s.q.miskeyed"].discrimination is not None
    assert (await items_service.item_report("slack", "T1", min_answers=27)).flagged == ()


def run_cli(database: Database, *args: str, cwd: Path) -> str:
    env = {**os.environ, "DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
           "CONTENT_DIR": str(ITEMS)}
    done = subprocess.run([sys.executable, "-m", "bot", "content", "report", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_report_command_prints_json_csv_and_a_table(
    items_service: StudyService, catalog: Catalog, database: Database, tmp_path: Path
) -> None:
    await build_history(items_service, catalog)
    report = await items_service.item_report("slack", "T1")
    printed = json.loads(run_cli(database, "--platform", "slack", "--workspace", "T1", "--json",
                                 cwd=tmp_path))
    assert printed == json.loads(json.dumps(asdict(report)))
    assert printed["questions"][0]["flags"] == [{"kind": "negative-discrimination",
                                                 "choice": "B"}]

    everywhere = await items_service.item_report(min_answers=22)
    rows = list(csv.DictReader(io.StringIO(run_cli(database, "--csv", "--min-answers", "22",
                                                   cwd=tmp_path))))
    assert [r["question_id"] for r in rows] == [q.question_id for q in everywhere.questions]
    miskeyed = next(r for r in rows if r["question_id"] == "k8s.q.miskeyed")
    stats = by_id(everywhere.questions)["k8s.q.miskeyed"]
    assert miskeyed["flags"] == "negative-discrimination:B"  # 24 answers over both teams
    assert (miskeyed["key"], miskeyed["answers"], miskeyed["correct"]) == ("A", "24", "8")
    assert float(miskeyed["difficulty"]) == pytest.approx(8 / 24, abs=1e-4)
    assert stats.discrimination is not None
    assert float(miskeyed["discrimination"]) == pytest.approx(stats.discrimination, abs=1e-4)
    assert [miskeyed[f"pick_{x}"] for x in "ABCDE"] == [f"{8 / 24:.4f}", f"{10 / 24:.4f}",
                                                       f"{3 / 24:.4f}", f"{3 / 24:.4f}", ""]
    hard = next(r for r in rows if r["question_id"] == "k8s.q.hard")
    assert hard["flags"] == ""  # 21 answers: under --min-answers 22

    table = render_table(report).splitlines()
    assert table[0] == ("Item analysis of workspace T1 (slack): 8 questions, 7 asked, 4 flagged "
                        "(flags need 20 answers)")
    assert table[3].startswith("k8s.q.miskeyed")
    assert table[3].endswith("A 24%* B 48% C 14% D 14%  negative-discrimination:B")
    assert table[5].endswith("too-easy, dead-distractor:A,C,D")
    assert ("    negative-discrimination: strong answerers get it wrong more often than weak "
            "ones; check the key; they prefer B (ResourceQuota)") in table


async def test_the_picker_avoids_flagged_questions_while_others_remain(
    database: Database, catalog: Catalog, clock: FakeClock
) -> None:
    plain = StudyService(database, catalog, SearchIndex.build(catalog), clock)
    await build_history(plain, catalog)
    avoiding = StudyService(database, catalog, SearchIndex.build(catalog), clock,
                            Avoidance(refresh=timedelta(minutes=60)))
    flagged = {"k8s.q.miskeyed", "k8s.q.hard", "k8s.q.easy"}  # not for a dead distractor
    assert await avoiding.avoided_questions() == flagged
    assert await plain.avoided_questions() == frozenset()
    fresh = ChannelRef("slack", "T1", "C-new", "new")
    posted = [(await avoiding.post_now(admin(), fresh)).question_id for _ in range(10)]
    # The five unflagged questions, twice round, and never a flagged one.
    assert not set(posted) & flagged
    assert sorted(posted[:5]) == sorted(posted[5:]) == sorted(set(catalog.questions) - flagged)
    # Asked for by id, a flagged question is still posted.
    assert (await avoiding.post_now(admin(), fresh, "k8s.q.miskeyed")).question_id == (
        "k8s.q.miskeyed")


async def test_the_avoided_set_is_recomputed_only_after_the_refresh_time(
    database: Database, catalog: Catalog, clock: FakeClock
) -> None:
    service = StudyService(database, catalog, SearchIndex.build(catalog), clock,
                           Avoidance(refresh=timedelta(minutes=60), min_answers=25))
    await build_history(service, catalog)
    # Over every workspace the easy question has 26 answers, the miskeyed one 24.
    assert await service.avoided_questions() == {"k8s.q.easy"}
    card = await service.post_now(admin(), MAIN, "k8s.q.miskeyed")
    await service.answer(member("s01"), card.post_id, 1)
    clock.advance(minutes=59)
    assert await service.avoided_questions() == {"k8s.q.easy"}  # cached: the 25th is not seen
    clock.advance(minutes=2)
    assert await service.avoided_questions() == {"k8s.q.easy", "k8s.q.miskeyed"}


async def test_the_daily_schedule_avoids_flagged_questions(
    database: Database, catalog: Catalog, clock: FakeClock
) -> None:
    service = StudyService(database, catalog, SearchIndex.build(catalog), clock,
                           Avoidance(refresh=timedelta(minutes=60)))
    await build_history(service, catalog)
    daily = ChannelRef("slack", "T1", "C-daily", "daily")
    await service.configure_channel(admin(), daily, "09:00", "UTC", "daily")
    posted = []
    for _ in range(5):
        clock.advance(days=1)
        posted += [card.question_id for card in await claim_due(service, DailyPolicy(), ["slack"])]
    assert len(posted) == 5
    assert sorted(posted) == sorted(set(catalog.questions) - {"k8s.q.miskeyed", "k8s.q.hard",
                                                              "k8s.q.easy"})


async def test_avoidance_is_a_setting_off_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTENT_DIR", str(ITEMS))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    app = await open_app(load_settings(), migrate=False)
    await app.close()
    assert app.service.avoidance is None
    monkeypatch.setenv("AVOID_FLAGGED_QUESTIONS", "true")
    monkeypatch.setenv("FLAGGED_REFRESH_MINUTES", "15")
    app = await open_app(load_settings(), migrate=False)
    await app.close()
    assert app.service.avoidance == Avoidance(refresh=timedelta(minutes=15))
