"""Item analysis: every question measured from the answers it got, and the set the daily picker
may avoid."""

from __future__ import annotations

import logging

from bot.catalog.catalog import Catalog
from bot.catalog.model import Question
from bot.rules import items
from bot.service.base import ServiceBase
from bot.service.views import LETTERS, ChoiceStats, ItemFlag, ItemReport, QuestionStats
from bot.store import directory, item_tallies

log = logging.getLogger("studybot.items")

PROMPT_WIDTH = 80
_WORST_FIRST = {flag: rank for rank, flag in enumerate(items.Flag)}


class ItemAnalysis(ServiceBase):
    async def item_report(
        self, platform: str | None = None, workspace_id: str | None = None,
        min_answers: int = items.DEFAULT_MIN_ANSWERS,
    ) -> ItemReport:
        """Every question of the bank (asked or not) in one workspace (platform + its id: the
        bundled bank and the workspace's own questions), one platform, or everywhere (the bundled
        bank: a workspace's own questions are its own business); flags need at least
        `min_answers` answers."""
        async with self.db.transaction() as session:
            tallies = await item_tallies.tallies(session, platform, workspace_id)
            found = None
            if platform is not None and workspace_id is not None:
                found = await directory.find_workspace(session, platform, workspace_id)
            bank = await self.banks.of(session, found)
        empty = items.ItemTally()
        measured = [self._stats(q, tallies.get(q.id, empty), min_answers, bank.catalog)
                    for q in bank.catalog.questions.values()]
        measured.sort(key=lambda q: (
            min((_WORST_FIRST[items.Flag(f.kind)] for f in q.flags), default=len(_WORST_FIRST)),
            q.question_id,
        ))
        return ItemReport(platform, workspace_id, min_answers, tuple(measured))

    async def avoided_questions(self) -> frozenset[str]:
        """Question ids the daily picker leaves out: empty unless avoidance is on. Recomputed
        over every workspace at most once per `Avoidance.refresh`, and kept in memory."""
        if self.avoidance is None:
            return frozenset()
        now = self.clock()
        if self._avoided is not None and now - self._avoided[0] < self.avoidance.refresh:
            return self._avoided[1]
        previous = self._avoided[1] if self._avoided is not None else frozenset()
        try:
            report = await self.item_report(min_answers=self.avoidance.min_answers)
        except Exception:
            # A report must never stop the daily question: keep the last set, try again later.
            log.exception("item analysis failed; the picker keeps its previous avoided set")
            self._avoided = (now, previous)
            return previous
        avoided = frozenset(
            q.question_id for q in report.questions
            if any(items.Flag(f.kind) in items.AVOIDED for f in q.flags)
        )
        if avoided != previous:
            log.info("the daily picker avoids %d flagged question(s): %s", len(avoided),
                     ", ".join(sorted(avoided)) or "none")
        self._avoided = (now, avoided)
        return avoided

    def _stats(self, question: Question, tally: items.ItemTally, min_answers: int,
               catalog: Catalog) -> QuestionStats:
        key = question.correct_index
        figures = items.analyse(tally, len(question.choices), key, min_answers)
        choices = tuple(
            ChoiceStats(LETTERS[i], choice.text, i == key, tally.picks.get(i, items.Picks()).total,
                        figures.pick_rates[i], tally.picks.get(i, items.Picks()).upper,
                        tally.picks.get(i, items.Picks()).lower)
            for i, choice in enumerate(question.choices)
        )
        flags = tuple(
            ItemFlag(str(f.flag), LETTERS[f.choice] if f.choice is not None else None)
            for f in figures.findings
        )
        return QuestionStats(
            question_id=question.id, topic=catalog.topic_of[question.id],
            prompt=_one_line(question.prompt), level=question.difficulty, posts=tally.posts,
            answers=tally.answers, correct=tally.correct, ranked=tally.moments.n,
            difficulty=figures.difficulty, discrimination=figures.point_biserial,
            upper_lower=figures.upper_lower, choices=choices, flags=flags,
        )


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PROMPT_WIDTH else flat[: PROMPT_WIDTH - 1].rstrip() + "…"
