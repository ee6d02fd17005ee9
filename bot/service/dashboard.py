"""The team dashboard and the personal home: read-only views of one workspace.

Everything here reads maintained rows (scores, streaks, topic scores, the activity rollups of
bot/store/activity.py) through indexes; nothing scans the answers. Each view is one transaction,
so its figures agree with each other.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta

from bot import errors
from bot.dashboard.tokens import DashboardLink, DashboardLinks, WorkspaceKey
from bot.rules import periods
from bot.service.base import ServiceBase, require_admin
from bot.service.teams import TOP_CONTRIBUTORS, team_rows
from bot.service.views import (
    Actor,
    Board,
    BoardRow,
    ChannelStreak,
    CompetitionView,
    DayActivity,
    HomeView,
    PersonRow,
    PersonView,
    PracticeTopic,
    Standing,
    StreakHolder,
    TeamOverview,
    TeamPeople,
    TeamTopics,
    TopicAccuracy,
    TopicTrend,
    WeekAccuracy,
)
from bot.store import activity, boards, competition_teams, competitions, directory, team
from bot.store.database import Session
from bot.store.tables import Score

PARTICIPATION_DAYS = 90
CALENDAR_DAYS = 182  # about six months, whole weeks shown
TOPIC_WEEKS = 12
WEAKEST_MIN_ANSWERS = 10
STREAK_BANDS = (1, 2, 5, 10, 20)
LONGEST = 10
PEOPLE_PER_PAGE = 50


def _band_labels(bounds: tuple[int, ...]) -> list[str]:
    labels = []
    for low, high in zip(bounds, (*bounds[1:], None), strict=True):
        if high is None:
            labels.append(f"{low}+")
        elif high - low == 1:
            labels.append(str(low))
        else:
            labels.append(f"{low}-{high - 1}")
    return labels


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Dashboard(ServiceBase):
    # Set by the composition root when DASHBOARD_SECRET is set; None: the dashboard is off.
    dashboard_links: DashboardLinks | None = None

    def dashboard_link(self, actor: Actor, days: int = 7) -> DashboardLink:
        """A signed link to the actor's workspace dashboard (admins only)."""
        require_admin(actor, "get the dashboard link")
        if self.dashboard_links is None:
            raise errors.DashboardOff()
        return self.dashboard_links.link(WorkspaceKey(actor.platform, actor.workspace_id),
                                         self.clock(), days)

    def _today(self) -> date:
        return self.clock().date()

    async def team_overview(self, platform: str, workspace_id: str) -> TeamOverview:
        today = self._today()
        since = today - timedelta(days=PARTICIPATION_DAYS - 1)
        labels = _band_labels(STREAK_BANDS)
        async with self.db.transaction() as session:
            found = await team.workspace(session, platform, workspace_id)
            if found is None:
                return TeamOverview("", today, _fill(since, today, []), 0,
                                    tuple((label, 0) for label in labels), (),
                                    Board("week", "This week", ()), ())
            rows = await activity.days(session, found.id, since)
            channel_ids = [c.id for c in await team.channels(session, found.id)]
            alive = await activity.alive_post_ids(session, channel_ids)
            bands = await activity.alive_lengths(session, alive, STREAK_BANDS)
            longest = await activity.longest_alive(session, alive, LONGEST)
            week = await self._board(session, found.id, periods.week_key(today), "This week")
            standings = []
            now = self.clock()
            for row in await team.competitions(
                    session, await competitions.running(session, found.id, now)):
                view = CompetitionView(row.name, row.starts_at, row.ends_at, row.ended, platform,
                                       workspace_id, "")
                board = await self._board(session, found.id, periods.competition_key(row.id),
                                          f"Competition {row.name}")
                totals = await competition_teams.team_totals(session, row.id, row.best,
                                                             TOP_CONTRIBUTORS)
                if totals:
                    board = replace(board, teams=await team_rows(session, row, totals, None),
                                    best=row.best)
                standings.append(Standing(view, board))
            return TeamOverview(
                workspace_name=found.name or workspace_id, today=today,
                days=_fill(since, today, [DayActivity(r.day, r.answers, r.correct, r.people)
                                          for r in rows]),
                on_streak=await activity.alive_people(session, alive),
                streak_bands=tuple(zip(labels, bands, strict=True)),
                longest_streaks=tuple(StreakHolder(s.user_id, s.name, s.current) for s in longest),
                week=week, competitions=tuple(standings),
            )

    async def _board(self, session: Session, workspace_id: int, key: str, label: str) -> Board:
        top = await boards.top(session, workspace_id, key, 10)
        return Board(key, label, tuple(
            BoardRow(rank, name, pts, correct, answered)
            for rank, (_uid, name, pts, correct, answered) in enumerate(top, start=1)))

    async def team_topics(self, platform: str, workspace_id: str,
                          weeks: int = TOPIC_WEEKS) -> TeamTopics:
        this_week = monday_of(self._today())
        mondays = tuple(this_week - timedelta(weeks=n) for n in range(weeks - 1, -1, -1))
        async with self.db.transaction() as session:
            found = await team.workspace(session, platform, workspace_id)
            if found is None:
                return TeamTopics("", mondays, (), (), WEAKEST_MIN_ANSWERS)
            recent = await activity.topic_days(session, found.id, mondays[0])
            totals = await activity.topic_totals(session, found.id)
            bank = await self.banks.of(session, found.id)
        per_week: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for row in recent:
            cell = per_week[row.topic][monday_of(row.day)]
            cell[0] += row.answers
            cell[1] += row.correct
        trends = []
        for topic in sorted(set(totals) | set(per_week), key=bank.topic_title):
            cells = per_week.get(topic, {})
            series = tuple(WeekAccuracy(m, *cells.get(m, (0, 0))) for m in mondays)
            answers, correct = totals.get(topic, (0, 0))
            trends.append(TopicTrend(
                topic, bank.topic_title(topic), answers, correct,
                sum(w.answers for w in series), sum(w.correct for w in series), series))
        enough = [t for t in trends if t.recent_answers >= WEAKEST_MIN_ANSWERS]
        weakest = sorted(enough, key=lambda t: (t.recent_accuracy or 0.0, -t.recent_answers))[:3]
        return TeamTopics(found.name or workspace_id, mondays, tuple(trends), tuple(weakest),
                          WEAKEST_MIN_ANSWERS)

    async def team_people(self, platform: str, workspace_id: str, page: int = 1) -> TeamPeople:
        page = max(1, page)
        offset = (page - 1) * PEOPLE_PER_PAGE
        async with self.db.transaction() as session:
            found = await team.workspace(session, platform, workspace_id)
            if found is None:
                return TeamPeople("", (), page, False)
            ranked = await team.ranked(session, found.id, periods.ALL_TIME, offset,
                                       PEOPLE_PER_PAGE + 1)
            shown = ranked[:PEOPLE_PER_PAGE]
            # Streaks stay on each person's own page: per person and channel they are a lookup
            # of 50 x channels rows here, the slowest part of this page on a big team.
            last = await activity.last_days(session, found.id, [r[0] for r in shown])
        rows = tuple(
            PersonRow(uid, offset + i, name, pts, answered, correct, last.get(uid))
            for i, (uid, name, pts, correct, answered) in enumerate(shown, start=1))
        return TeamPeople(found.name or workspace_id, rows, page, len(ranked) > PEOPLE_PER_PAGE)

    async def person(self, platform: str, workspace_id: str, person_id: int) -> PersonView | None:
        """One person of the workspace; None when the id is not a member of it."""
        today = self._today()
        since = monday_of(today - timedelta(days=CALENDAR_DAYS))
        now = self.clock()
        async with self.db.transaction() as session:
            found = await team.workspace(session, platform, workspace_id)
            user = None if found is None else await team.member(session, found.id, person_id)
            if found is None or user is None:
                return None
            total = await boards.score_of(session, found.id, periods.ALL_TIME, user.id)
            rank = await _rank(session, total)
            channels = {c.id: c for c in await team.channels(session, found.id)}
            # A streak is alive when it ends at one of its channel's latest posts (the rule of
            # rules.streaks.visible, for every channel in one read).
            alive = await activity.alive_post_ids(session, list(channels))
            shown = [ChannelStreak(channels[row.channel_id].name
                                   or channels[row.channel_id].external_id,
                                   row.current if alive.keeps(row) else 0, row.best)
                     for row in await activity.streaks_of(session, list(channels), [user.id])]
            days = await activity.calendar(session, found.id, user.id, since)
            topic_rows = await team.topic_scores(session, found.id, user.id)
            cards = await team.practice_cards(session, found.id, user.id)
            bank = await self.banks.of(session, found.id)
        practice: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for card in cards:
            cell = practice[bank.catalog.topic_of.get(card.question_id, card.question_id.split(".")[0])]
            cell[0] += 1
            cell[1] += card.seen
            cell[2] += card.correct
            cell[3] += int(card.due_at <= now)
        return PersonView(
            workspace_name=found.name or workspace_id, person_id=user.id,
            name=user.display_name or user.external_id, rank=rank,
            points=total.points if total else 0, answered=total.answered if total else 0,
            correct=total.correct if total else 0,
            streaks=tuple(sorted(shown, key=lambda s: (-s.current, -s.best, s.channel))),
            since=since, today=today,
            calendar=tuple(DayActivity(d.day, d.answers, d.correct, 1) for d in days),
            topics=tuple(sorted((TopicAccuracy(t.topic, bank.topic_title(t.topic), t.answered,
                                               t.correct) for t in topic_rows),
                                key=lambda t: t.title)),
            practice=tuple(sorted((PracticeTopic(topic, bank.topic_title(topic), *cell)
                                   for topic, cell in practice.items()), key=lambda p: p.title)),
            practised_last=max((c.last_seen_at for c in cards), default=None),
        )

    async def home(self, actor: Actor) -> HomeView:
        """The person's own figures, the channels' next questions, and for admins the link."""
        today = self._today()
        link = None
        if actor.is_admin and self.dashboard_links is not None:
            link = self.dashboard_link(actor)
        async with self.db.transaction() as session:
            found = await team.workspace(session, actor.platform, actor.workspace_id)
            if found is None:
                return HomeView(actor.display_name, 0, 0, 0, None, None, (),
                                link.url if link else None, link.expires_at if link else None)
            channels = await team.channels(session, found.id)
            user_id = await directory.find_user(session, found.id, actor.user_id)
            current = best = 0
            alive = await activity.alive_post_ids(session, [c.id for c in channels])
            week = None
            topics: tuple[TopicAccuracy, ...] = ()
            if user_id is not None:
                for row in await activity.streaks_of(session, [c.id for c in channels], [user_id]):
                    best = max(best, row.best)
                    if alive.keeps(row):
                        current = max(current, row.current)
                week = await boards.score_of(session, found.id, periods.week_key(today), user_id)
                bank = await self.banks.of(session, found.id)
                topics = tuple(TopicAccuracy(t.topic, bank.topic_title(t.topic), t.answered,
                                             t.correct)
                               for t in await team.topic_scores(session, found.id, user_id))
            rank = await _rank(session, week)
        tried = [t for t in topics if t.answered]
        weakest = min(tried, key=lambda t: (t.accuracy, -t.answered), default=None)
        schedules = tuple(self.schedule_view(c) for c in channels if c.scheduled)
        return HomeView(actor.display_name, current, best, week.points if week else 0, rank,
                        weakest, schedules, link.url if link else None,
                        link.expires_at if link else None)


def _fill(since: date, until: date, rows: list[DayActivity]) -> tuple[DayActivity, ...]:
    """Every day from `since` to `until`, with zeros where nothing was rolled up."""
    by_day = {r.day: r for r in rows}
    span = (until - since).days + 1
    return tuple(by_day.get(d, DayActivity(d, 0, 0, 0))
                 for d in (since + timedelta(days=n) for n in range(span)))


async def _rank(session: Session, score: Score | None) -> int | None:
    """The rank of a score on its board (the boards' own ranking: one indexed statement)."""
    if score is None:
        return None
    found = await boards.standing(session, score.workspace_id, score.period, score.user_id)
    return found.rank if found is not None else None
