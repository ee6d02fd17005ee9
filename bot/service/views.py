"""Plain data that the service takes and returns; adapters render these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.rules.items import DEFAULT_MIN_ANSWERS

LETTERS = "ABCDE"


@dataclass(frozen=True)
class ChannelRef:
    platform: str
    workspace_id: str
    channel_id: str
    channel_name: str = ""
    workspace_name: str = ""


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the platform vouches for them."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str
    is_admin: bool = False


@dataclass(frozen=True)
class QuestionCard:
    post_id: int
    question_id: str
    topic: str
    topic_title: str
    prompt: str
    choices: tuple[str, ...]
    difficulty: int
    counted: bool
    local_date: date
    closes_at: datetime
    channel_id: str
    platform: str
    workspace_id: str
    message_ref: str | None = None
    send_attempts: int = 0

    @property
    def letters(self) -> str:
        return LETTERS[: len(self.choices)]


@dataclass(frozen=True)
class AnswerKey:
    """The right choice of a question and why."""

    letter: str
    text: str
    explanation: str
    entry_id: str | None


@dataclass(frozen=True)
class Verdict:
    chosen: str
    key: AnswerKey

    @property
    def correct(self) -> bool:
        return self.chosen == self.key.letter


@dataclass(frozen=True)
class AnswerResult:
    post_id: int
    verdict: Verdict
    points: int
    total_points: int
    streak: int
    already_answered: bool = False


@dataclass(frozen=True)
class PostResult:
    card: QuestionCard
    key: AnswerKey
    distribution: tuple[int, ...]
    correct_users: tuple[str, ...]
    answered: int

    @property
    def percent_correct(self) -> int:
        return round(100 * len(self.correct_users) / self.answered) if self.answered else 0


@dataclass(frozen=True)
class BoardRow:
    rank: int
    name: str
    points: int
    correct: int
    answered: int
    is_caller: bool = False


@dataclass(frozen=True)
class TeamMember:
    name: str
    points: int


@dataclass(frozen=True)
class TeamRow:
    """A team on a competition's board: the sum of its best members' points."""

    rank: int
    name: str
    points: int
    counted: int  # members whose points make the score (at most the competition's `best`)
    top: tuple[TeamMember, ...]  # its top contributors, best first
    is_callers: bool = False


@dataclass(frozen=True)
class Board:
    period: str
    label: str
    rows: tuple[BoardRow, ...]
    caller: BoardRow | None = None
    # A competition with teams: its teams in board order, and how many members count per team.
    teams: tuple[TeamRow, ...] = ()
    best: int = 0
    # The board of one team's members (`/leaderboard NAME team:X`): that team.
    team: TeamRow | None = None


@dataclass(frozen=True)
class TopicAccuracy:
    topic: str
    title: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class UserStats:
    name: str
    points: int
    answered: int
    correct: int
    streak: int
    best_streak: int
    best_elsewhere: int
    topics: tuple[TopicAccuracy, ...] = field(default_factory=tuple)
    reviews_due: int = 0  # practice questions due for review now
    freeze: bool = False  # a streak freeze held in this channel (bot/rules/streaks.py)
    to_freeze: int = 0  # posts in a row still needed to earn one; 0 when none can be earned now

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    @property
    def weakest(self) -> TopicAccuracy | None:
        tried = [t for t in self.topics if t.answered]
        return min(tried, key=lambda t: (t.accuracy, -t.answered), default=None)


@dataclass(frozen=True)
class ScheduleView:
    channel_name: str
    scheduled: bool
    paused: bool
    post_time: str
    timezone: str
    days: str
    topics: tuple[str, ...]
    next_post_local: datetime | None
    bank: str = "both"  # bundled, own (the workspace's own questions) or both


@dataclass(frozen=True)
class EntryView:
    id: str
    topic: str
    title: str
    body: str
    score: float


@dataclass(frozen=True)
class LookupResult:
    query: str
    topic: str | None
    hits: tuple[EntryView, ...]
    suggestions: tuple[EntryView, ...] = ()

    @property
    def best(self) -> EntryView | None:
        return self.hits[0] if self.hits else None


@dataclass(frozen=True)
class PracticeQuestion:
    """A private practice question: nothing is posted, nothing scores."""

    question_id: str
    topic: str
    topic_title: str
    prompt: str
    choices: tuple[str, ...]
    due_at: datetime | None  # when this review fell due; None: a question never practiced
    reviews: int  # times practiced before

    @property
    def letters(self) -> str:
        return LETTERS[: len(self.choices)]


@dataclass(frozen=True)
class PracticeResult:
    """One practice answer and when FSRS brings the question back."""

    question_id: str
    topic: str
    verdict: Verdict
    next_due: datetime
    interval: timedelta  # from this answer to next_due: minutes after a miss, days after a hit
    state: str  # FSRS: "learning" (never right yet), "review", "relearning" (missed lately)
    reviews: int  # times practiced, this answer included
    right_in_a_row: int


@dataclass(frozen=True)
class CompetitionView:
    name: str
    starts_at: datetime
    ends_at: datetime
    ended: bool
    platform: str
    workspace_id: str
    channel_id: str
    teams: tuple[str, ...] = ()  # in the order listed
    topics: tuple[str, ...] = ()  # empty: every topic counts
    best: int = 5


@dataclass(frozen=True)
class TeamSpec:
    """A team as an admin lists it: a platform group (its id, and a label such as `@sre`), or a
    name people join (`group_id` None)."""

    name: str
    group_id: str | None = None


@dataclass(frozen=True)
class TeamJoin:
    """What `/study team join` did in one competition."""

    competition: str
    team: str  # the team the person is in now
    outcome: str  # "joined", "already" (in that team by their own choice), "kept" (chose another)


# -- the team dashboard and the personal home ------------------------------------------------

@dataclass(frozen=True)
class DayActivity:
    day: date
    answers: int
    correct: int
    people: int


@dataclass(frozen=True)
class StreakHolder:
    person_id: int
    name: str
    current: int


@dataclass(frozen=True)
class Standing:
    """A running competition and its board."""

    competition: CompetitionView
    board: Board


@dataclass(frozen=True)
class TeamOverview:
    workspace_name: str
    today: date
    days: tuple[DayActivity, ...]  # every day of the window, oldest first, zeros included
    on_streak: int  # people with a streak still alive
    streak_bands: tuple[tuple[str, int], ...]  # ("2-4", how many alive streaks of that length)
    longest_streaks: tuple[StreakHolder, ...]
    week: Board
    competitions: tuple[Standing, ...]


@dataclass(frozen=True)
class WeekAccuracy:
    week: date  # the Monday
    answers: int
    correct: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None


@dataclass(frozen=True)
class TopicTrend:
    topic: str
    title: str
    answers: int  # all time
    correct: int
    recent_answers: int  # in the window of `weeks`
    recent_correct: int
    weeks: tuple[WeekAccuracy, ...]

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answers if self.answers else None

    @property
    def recent_accuracy(self) -> float | None:
        return self.recent_correct / self.recent_answers if self.recent_answers else None


@dataclass(frozen=True)
class TeamTopics:
    workspace_name: str
    weeks: tuple[date, ...]  # Mondays, oldest first
    topics: tuple[TopicTrend, ...]  # by title
    weakest: tuple[TopicTrend, ...]  # lowest recent accuracy first, enough answers only
    min_answers: int


@dataclass(frozen=True)
class PersonRow:
    person_id: int
    rank: int
    name: str
    points: int
    answered: int
    correct: int
    last_day: date | None

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class TeamPeople:
    workspace_name: str
    rows: tuple[PersonRow, ...]
    page: int
    has_next: bool


@dataclass(frozen=True)
class ChannelStreak:
    channel: str
    current: int
    best: int


@dataclass(frozen=True)
class PracticeTopic:
    topic: str
    title: str
    cards: int  # questions practised
    reviews: int
    correct: int
    due: int


@dataclass(frozen=True)
class PersonView:
    workspace_name: str
    person_id: int
    name: str
    rank: int | None
    points: int
    answered: int
    correct: int
    streaks: tuple[ChannelStreak, ...]
    since: date  # the calendar's first day
    today: date
    calendar: tuple[DayActivity, ...]  # days answered (people = 1), oldest first
    topics: tuple[TopicAccuracy, ...]
    practice: tuple[PracticeTopic, ...]
    practised_last: datetime | None

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class HomeView:
    """What the Slack App Home shows one person."""

    name: str
    streak: int  # the longest alive over channels
    best_streak: int
    week_points: int
    week_rank: int | None
    weakest: TopicAccuracy | None
    schedules: tuple[ScheduleView, ...]
    dashboard_url: str | None = None
    dashboard_expires: datetime | None = None


@dataclass(frozen=True)
class ChoiceStats:
    """How often one choice of a question was picked, overall and by the 27% groups."""

    letter: str
    text: str
    is_key: bool
    picks: int
    pick_rate: float
    upper_picks: int
    lower_picks: int


@dataclass(frozen=True)
class ItemFlag:
    """One problem the item analysis found. `kind`: negative-discrimination (strong answerers
    prefer `choice`, a distractor: a likely wrong key), too-hard, too-easy, dead-distractor
    (`choice` is almost never picked)."""

    kind: str
    choice: str | None = None


@dataclass(frozen=True)
class QuestionStats:
    """A question measured from its answers; figures are None where the data cannot say."""

    question_id: str
    topic: str
    prompt: str  # shortened to one line
    level: int  # the authored difficulty, 1-3
    posts: int  # times asked
    answers: int
    correct: int
    ranked: int  # answerers with a rest score (answered something else too)
    difficulty: float | None  # share of answers that were right
    discrimination: float | None  # point-biserial r with the rest score
    upper_lower: float | None  # upper 27% minus lower 27%, share right
    choices: tuple[ChoiceStats, ...]
    flags: tuple[ItemFlag, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class ItemReport:
    platform: str | None  # None: every platform
    workspace_id: str | None  # None: every workspace
    min_answers: int
    questions: tuple[QuestionStats, ...]  # flagged first, worst first; then by id

    @property
    def flagged(self) -> tuple[QuestionStats, ...]:
        return tuple(q for q in self.questions if q.flagged)


@dataclass(frozen=True)
class Avoidance:
    """The daily picker leaves out questions the item analysis flags as misleading or useless
    (bot.rules.items.AVOIDED), over every workspace, recomputed at most every `refresh`."""

    refresh: timedelta = timedelta(minutes=60)
    min_answers: int = DEFAULT_MIN_ANSWERS


# -- the team's own questions ----------------------------------------------------------------

@dataclass(frozen=True)
class OwnQuestionView:
    """A question of the workspace's own, as its author and its reviewers see it."""

    id: str
    topic: str
    topic_title: str
    prompt: str
    choices: tuple[str, ...]
    key: int  # the right choice's index
    explanation: str
    difficulty: int
    status: str  # proposed, approved, retired or rejected
    author: str | None  # None: imported
    proposed_at: datetime
    reviewer: str | None = None
    warnings: tuple[str, ...] = ()  # what a reviewer would flag (content warnings)
    new_topic: bool = False  # proposing it started its topic

    @property
    def letters(self) -> str:
        return LETTERS[: len(self.choices)]


@dataclass(frozen=True)
class ReviewQueue:
    """The proposal to review now (None: none is waiting) and how many wait, it included."""

    question: OwnQuestionView | None
    waiting: int
    position: int = 1


@dataclass(frozen=True)
class Reviewed:
    question: OwnQuestionView
    author: Actor | None  # whom to tell (None: imported, or the reviewer's own question)
    origin: ChannelRef | None  # where it was proposed
    queue: ReviewQueue  # what is left to review


@dataclass(frozen=True)
class FormDraftView:
    form: str  # the form's id (bot/chat/interactions.py)
    fields: dict[str, str]


@dataclass(frozen=True)
class ImportReport:
    added: tuple[str, ...]  # question ids
    updated: tuple[str, ...]
    topics: int  # of the workspace's own, created or updated
    entries: int
    approved: bool  # new and updated questions were approved
    warnings: tuple[str, ...] = ()  # file:line: warning: ...
