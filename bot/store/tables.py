"""The schema. Changed only through Alembic migrations in db/ (a test checks they agree)."""

from __future__ import annotations

from datetime import date, datetime, time

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.store.types import UTCDateTime

# Named constraints so migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; BigInteger elsewhere.
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Workspace(Base):
    """A Discord guild, a Slack team, or the local terminal."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Channel(Base):
    """A study channel and its schedule; next_due_at is the schedule turned into a UTC instant."""

    __tablename__ = "channels"
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        Index("ix_channels_due", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    post_time: Mapped[time] = mapped_column(Time(), default=time(9, 0))
    weekdays: Mapped[int] = mapped_column(Integer, default=0b0011111)  # bit 0 = Monday
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    scheduled: Mapped[bool] = mapped_column(Boolean, default=False)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Which questions the channel draws from: bundled, the workspace's own, or both (0011).
    bank: Mapped[str] = mapped_column(String(8), default="both", server_default="both")

    # Loaded with the channel (inner join): cards need to know the platform they go to.
    workspace: Mapped[Workspace] = relationship(lazy="joined", innerjoin=True)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")


class Post(Base):
    """A question posted to a channel.

    `day` is set for the day's counted post and is unique per channel: that row is the claim that
    makes posting exactly-once. Extra manual posts leave it NULL and do not count toward streaks.
    """

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("channel_id", "day"),
        Index("ix_posts_channel_status", "channel_id", "status"),
        Index("ix_posts_closing", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(120))
    local_date: Mapped[date] = mapped_column(Date)
    day: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The channel's previous counted post when this one was claimed: a streak continues only
    # from it, so days without a post (weekends, pauses) never break a streak.
    prev_post_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="claimed")  # claimed|open|closed
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # How many times a send was started: the claimer's first, then one per lease after a crash.
    send_attempts: Mapped[int] = mapped_column(Integer, default=1)
    message_ref: Mapped[str | None] = mapped_column(String(200), nullable=True)


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    choice: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)
    points: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Score(Base):
    """Points per workspace, user and period ('all', 'w2026-48', 'm2026-11'), kept up to date
    by the answering transaction so a leaderboard is one indexed read."""

    __tablename__ = "scores"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    points: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    # A competition's rows (period `c<id>`) only: the person's team in that competition (one per
    # person and competition, as the row is), and whether they chose it with `/study team join`
    # (then it stays) rather than getting it from their group. See bot/store/teams.py.
    team_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    team_chosen: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


# In exactly the board's order (bot/store/boards.py): the top 10 are the first ten entries of a
# (workspace, period), and those tied with someone on points are one contiguous range of it.
Index("ix_scores_rank", Score.workspace_id, Score.period, Score.points.desc(), Score.correct.desc(),
      Score.answered, Score.user_id)
# A team's members in board order: its best N are the first N entries, so a team board reads
# N entries per team whatever the teams' sizes. Partial: only team rows pay for it on a write.
Index("ix_scores_team", Score.team_id, Score.points.desc(), Score.correct.desc(), Score.answered,
      Score.user_id, postgresql_where=Score.team_id.is_not(None),
      sqlite_where=Score.team_id.is_not(None))


class BoardCount(Base):
    """How many users of a board hold each points value, so a rank sums a few thousand of these
    rows instead of counting every user ahead. Kept by triggers on `scores` (migration 0007), in
    the transaction that changes a score, whatever code path writes it. Each count is spread
    over 8 rows (`shard` = user id % 8) so that concurrent writers seldom wait on one row."""

    __tablename__ = "board_counts"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    points: Mapped[int] = mapped_column(Integer, primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    users: Mapped[int] = mapped_column(Integer, default=0)


class Streak(Base):
    """Per (channel, user): consecutive counted posts answered."""

    __tablename__ = "streaks"
    # Streaks still alive end at a channel's latest posts (or the one before, with a freeze):
    # the dashboard reads them by these ids, from the index alone.
    __table_args__ = (Index("ix_streaks_alive", "last_post_id", "current", "user_id",
                            "freeze_held"),)

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    current: Mapped[int] = mapped_column(Integer, default=0)
    best: Mapped[int] = mapped_column(Integer, default=0)
    last_post_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # A streak freeze held (bot/rules/streaks.py): the next missed post is forgiven.
    freeze_held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class TopicScore(Base):
    """Per (workspace, user, topic) accuracy, for 'weakest topic'."""

    __tablename__ = "topic_scores"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)



class ActivityDay(Base):
    """Per workspace and local day: answers, right answers and distinct people. Rolled up from a
    post's answers when it closes (they are final then), so the dashboard reads one row a day."""

    __tablename__ = "activity_days"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    people: Mapped[int] = mapped_column(Integer, default=0)


class TopicDay(Base):
    """Per workspace, topic and local day: answers and right answers of closed posts."""

    __tablename__ = "topic_days"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)


class MemberDay(Base):
    """Per workspace, user and local day they answered (closed posts): a person's calendar."""

    __tablename__ = "member_days"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)


class PracticeCard(Base):
    """One question in one user's private practice: its FSRS memory state (bot/rules/spacing.py)
    and its history. `last_seen_at` is FSRS's last review."""

    __tablename__ = "practice_cards"
    __table_args__ = (Index("ix_practice_cards_due", "workspace_id", "user_id", "due_at"),)

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    question_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="learning")
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    right_in_a_row: Mapped[int] = mapped_column(Integer, default=0)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Competition(Base):
    """A named window with its own board; answers inside it also score under `c<id>`."""

    __tablename__ = "competitions"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        Index("ix_competitions_ending", "ended", "ends_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended: Mapped[bool] = mapped_column(Boolean, default=False)
    # Only answers to questions of these topics score on its board; empty: every topic.
    topics: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    # A team's score is the sum of its best `best` members' points (bot/rules/teams.py).
    best: Mapped[int] = mapped_column(Integer, default=5, server_default=text("5"))


class CompetitionTeam(Base):
    """A team of a competition: a platform group (`group_id`: a Discord role, a Slack user group)
    whose members count for it, or a name people join (`group_id` NULL). `position` is the order
    the admin listed them in: a person in two groups counts for the first."""

    __tablename__ = "competition_teams"
    __table_args__ = (UniqueConstraint("competition_id", "position"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    group_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class RequestSignature(Base):
    """A signed platform request already served, kept while its signature is still fresh enough
    to be accepted: a second use inside that window is a replay. Shared by every instance."""

    __tablename__ = "request_signatures"
    __table_args__ = (Index("ix_request_signatures_expires_at", "expires_at"),)

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

# -- the workspace's own questions (migration 0011) --------------------------------------------

class WorkspaceBank(Base):
    """A workspace's own content changes: `version` grows with every change of its topics, entries
    or questions, so every instance can tell in one read whether its cached copy is current."""

    __tablename__ = "workspace_banks"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, default=0)


class WorkspaceTopic(Base):
    """A topic of one workspace's own (`deploy`: "Our deploy"), beside the bundled ones."""

    __tablename__ = "workspace_topics"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    slug: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WorkspaceEntry(Base):
    """A lookup entry of one workspace ("our deploy runbook"), in one of its topics."""

    __tablename__ = "workspace_entries"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    topic: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(100))
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text)
    see_also: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WorkspaceQuestion(Base):
    """A question of one workspace: proposed, approved (in rotation), retired (kept for the posts
    and answers that used it) or rejected. Its id is never reused within the workspace."""

    __tablename__ = "workspace_questions"
    __table_args__ = (Index("ix_workspace_questions_status", "workspace_id", "status",
                            "proposed_at"),)

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    topic: Mapped[str] = mapped_column(String(32))
    prompt: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[str]] = mapped_column(JSON)
    correct: Mapped[int] = mapped_column(Integer)  # the key's index in `choices`
    explanation: Mapped[str] = mapped_column(Text)
    difficulty: Mapped[int] = mapped_column(Integer, default=2)
    entry: Mapped[str | None] = mapped_column(String(120), nullable=True)
    status: Mapped[str] = mapped_column(String(16))  # proposed|approved|retired|rejected
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    # Where it was proposed (the platform's channel id): where the author is told of a review.
    origin_channel: Mapped[str | None] = mapped_column(String(64), nullable=True)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FormDraft(Base):
    """What someone typed into a form that was refused, kept so that a platform whose forms cannot
    show errors (Discord) can open the form again filled in. Kept a day."""

    __tablename__ = "form_drafts"
    __table_args__ = (Index("ix_form_drafts_created", "created_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_external_id: Mapped[str] = mapped_column(String(64))
    form: Mapped[str] = mapped_column(String(200))
    fields: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# Slack OAuth installs, in slack_sdk's own table layout, created by our migrations (not by
# slack_sdk's create_tables) so every schema change goes through Alembic.
SLACK_INSTALLATIONS = "slack_installations"
SLACK_BOTS = "slack_bots"
SLACK_OAUTH_STATES = "slack_oauth_states"
SQLAlchemyInstallationStore.build_installations_table(Base.metadata, SLACK_INSTALLATIONS)
SQLAlchemyInstallationStore.build_bots_table(Base.metadata, SLACK_BOTS)
SQLAlchemyOAuthStateStore.build_oauth_states_table(Base.metadata, SLACK_OAUTH_STATES)
