"""The set-based statements of a group-committed batch of answers (PostgreSQL only).

One batch is one transaction of three statements, each taking whole columns as arrays:

1. `lock_and_read`: lock the posts (FOR SHARE) and the running competitions of the batch, so that
   a close or an end waits for this batch to commit (its tally then includes it) or, when it
   committed first, this batch sees it; insert the new users and rename the renamed ones; read
   the users' ids and their streaks in the channels of the batch.
2. `insert_answers`: `INSERT ... ON CONFLICT DO NOTHING RETURNING` the answers the service scored.
3. `write_aggregates`: upsert streaks (compare-and-set over the row read in 1), scores and topic
   scores, each sorted by key, then read back the all-time totals and the earlier answers of
   repeated clicks.

Every writer takes its row locks in one global order (users, answers, streaks, scores,
topic_scores; by key within a table), so two batches, in one process or in two, never deadlock.
The rules that decide points and streaks are not here: the service applies bot/rules in Python
between statements 1 and 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.rules.answer_batch import ScoreKey, StreakKey, Tally, TopicKey
from bot.rules.periods import ALL_TIME
from bot.rules.streaks import StreakState

UserKey = tuple[int, str]  # workspace id, the platform's user id
AnswerKey = tuple[int, int]  # post id, user id


@dataclass(frozen=True)
class PostFacts:
    """What never changes about a post once it is claimed."""

    post_id: int
    channel_id: int
    workspace_id: int
    platform: str
    workspace_external_id: str
    question_id: str
    local_date: date
    counted: bool
    prev_post_id: int | None
    closes_at: datetime


_FACTS = text("""
    SELECT p.id, p.channel_id, c.workspace_id, w.platform, w.external_id, p.question_id,
           p.local_date, p.day IS NOT NULL, p.prev_post_id, p.closes_at
    FROM posts p
    JOIN channels c ON c.id = p.channel_id
    JOIN workspaces w ON w.id = c.workspace_id
    WHERE p.id = ANY(CAST(:ids AS bigint[]))
""")


async def post_facts(conn: AsyncConnection, post_ids: Sequence[int]) -> list[PostFacts]:
    rows = await conn.execute(_FACTS, {"ids": list(post_ids)})
    return [PostFacts(*row) for row in rows]


@dataclass(frozen=True)
class Click:
    """A user's click as statement 1 needs it."""

    workspace_id: int
    external_id: str
    display_name: str
    post_id: int
    channel_id: int


@dataclass(frozen=True)
class Competition:
    id: int
    workspace_id: int
    starts_at: datetime
    ends_at: datetime


@dataclass
class Standing:
    """What statement 1 found."""

    post_status: dict[int, str]  # missing: the post no longer exists
    competitions: list[Competition]
    user_ids: dict[UserKey, int]  # users of the clicks on posts not closed (and any known user)
    streaks: dict[StreakKey, StreakState]


# Columns of the one result set: kind, then a..e and s, t1, t2 by kind (see the SELECT list).
_LOCK_AND_READ = text("""
WITH
asked AS (
    SELECT id, status FROM posts
    WHERE id = ANY(CAST(:post_ids AS bigint[]))
    ORDER BY id
    FOR SHARE
),
running AS (
    SELECT id, workspace_id, starts_at, ends_at FROM competitions
    WHERE workspace_id = ANY(CAST(:workspace_ids AS bigint[])) AND NOT ended
      AND starts_at <= CAST(:latest AS timestamptz) AND ends_at > CAST(:earliest AS timestamptz)
    ORDER BY id
    FOR SHARE
),
clicks AS (
    SELECT * FROM unnest(CAST(:workspace AS bigint[]), CAST(:external AS text[]),
                         CAST(:name AS text[]), CAST(:post AS bigint[]),
                         CAST(:channel AS bigint[]))
        WITH ORDINALITY AS c(workspace_id, external_id, display_name, post_id, channel_id, ord)
),
known AS (
    SELECT u.id, u.workspace_id, u.external_id, u.display_name
    FROM users u
    JOIN (SELECT DISTINCT workspace_id, external_id FROM clicks) k
      ON u.workspace_id = k.workspace_id AND u.external_id = k.external_id
),
-- A user's name is the last non-empty one among the batch's clicks on posts not closed,
-- as if they had been recorded one by one.
chosen AS (
    SELECT DISTINCT ON (c.workspace_id, c.external_id)
           c.workspace_id, c.external_id, c.display_name
    FROM clicks c JOIN asked p ON p.id = c.post_id AND p.status <> 'closed'
    ORDER BY c.workspace_id, c.external_id, c.display_name <> '' DESC, c.ord DESC
),
-- Only new and renamed users are written: an unchanged user is not even locked.
added AS (
    INSERT INTO users (workspace_id, external_id, display_name)
    SELECT ch.workspace_id, ch.external_id, ch.display_name FROM chosen ch
    WHERE NOT EXISTS (
        SELECT 1 FROM known k
        WHERE k.workspace_id = ch.workspace_id AND k.external_id = ch.external_id
          AND (k.display_name = ch.display_name OR ch.display_name = ''))
    ORDER BY ch.workspace_id, ch.external_id
    ON CONFLICT (workspace_id, external_id) DO UPDATE SET display_name = EXCLUDED.display_name
    WHERE users.display_name <> EXCLUDED.display_name AND EXCLUDED.display_name <> ''
    RETURNING id, workspace_id, external_id
)
SELECT 'post' AS kind, id AS a, CAST(NULL AS bigint) AS b, CAST(NULL AS bigint) AS c,
       CAST(NULL AS int) AS d, CAST(NULL AS int) AS e, CAST(status AS text) AS s,
       CAST(NULL AS timestamptz) AS t1, CAST(NULL AS timestamptz) AS t2
FROM asked
UNION ALL
SELECT 'competition', id, workspace_id, NULL, NULL, NULL, NULL, starts_at, ends_at FROM running
UNION ALL
SELECT 'user', id, workspace_id, NULL, NULL, NULL, external_id, NULL, NULL FROM added
UNION ALL
SELECT 'user', id, workspace_id, NULL, NULL, NULL, external_id, NULL, NULL FROM known
UNION ALL
SELECT 'streak', s.user_id, s.channel_id, s.last_post_id, s.current, s.best, NULL, NULL, NULL
FROM streaks s
JOIN known k ON k.id = s.user_id
JOIN (SELECT DISTINCT workspace_id, external_id, channel_id FROM clicks) pair
  ON pair.workspace_id = k.workspace_id AND pair.external_id = k.external_id
 AND pair.channel_id = s.channel_id
""")


async def lock_and_read(
    conn: AsyncConnection, *, post_ids: Sequence[int], clicks: Sequence[Click],
    earliest: datetime, latest: datetime,
) -> Standing:
    """Statement 1. `post_ids`: every post of the batch; `clicks`: those that may record, in
    arrival order; competitions running at any instant in [earliest, latest] are returned."""
    rows = await conn.execute(_LOCK_AND_READ, {
        "post_ids": sorted(set(post_ids)),
        "workspace_ids": sorted({c.workspace_id for c in clicks}),
        "earliest": earliest, "latest": latest,
        "workspace": [c.workspace_id for c in clicks],
        "external": [c.external_id for c in clicks],
        "name": [c.display_name for c in clicks],
        "post": [c.post_id for c in clicks],
        "channel": [c.channel_id for c in clicks],
    })
    standing = Standing({}, [], {}, {})
    for kind, a, b, c, d, e, s, t1, t2 in rows:
        if kind == "post":
            standing.post_status[a] = s
        elif kind == "competition":
            standing.competitions.append(Competition(a, b, t1, t2))
        elif kind == "user":
            standing.user_ids[(b, s)] = a
        else:
            standing.streaks[(b, a)] = StreakState(d, e, c)
    return standing


_USER_IDS = text("""
    SELECT u.id, u.workspace_id, u.external_id
    FROM users u
    JOIN unnest(CAST(:workspace AS bigint[]), CAST(:external AS text[])) AS k(workspace_id, external_id)
      ON u.workspace_id = k.workspace_id AND u.external_id = k.external_id
""")


async def user_ids(conn: AsyncConnection, keys: Sequence[UserKey]) -> dict[UserKey, int]:
    """Ids of users that statement 1 could not see: added by another transaction that
    committed after its snapshot was taken (rare; a new statement sees them)."""
    rows = await conn.execute(_USER_IDS, {"workspace": [k[0] for k in keys],
                                          "external": [k[1] for k in keys]})
    return {(workspace_id, external_id): user_id for user_id, workspace_id, external_id in rows}


@dataclass(frozen=True)
class NewAnswer:
    post_id: int
    user_id: int
    choice: int
    correct: bool
    points: int
    answered_at: datetime


_INSERT_ANSWERS = text("""
    INSERT INTO answers (post_id, user_id, choice, correct, points, answered_at)
    SELECT * FROM unnest(CAST(:post AS bigint[]), CAST(:user AS bigint[]), CAST(:choice AS int[]),
                         CAST(:correct AS boolean[]), CAST(:points AS int[]),
                         CAST(:at AS timestamptz[]))
    ORDER BY 1, 2
    ON CONFLICT (post_id, user_id) DO NOTHING
    RETURNING post_id, user_id
""")


async def insert_answers(conn: AsyncConnection, answers: Sequence[NewAnswer]) -> set[AnswerKey]:
    """Statement 2: the (post, user) pairs actually inserted; the others were answered before."""
    if not answers:
        return set()
    rows = await conn.execute(_INSERT_ANSWERS, {
        "post": [a.post_id for a in answers], "user": [a.user_id for a in answers],
        "choice": [a.choice for a in answers], "correct": [a.correct for a in answers],
        "points": [a.points for a in answers], "at": [a.answered_at for a in answers],
    })
    return {(post_id, user_id) for post_id, user_id in rows}


@dataclass(frozen=True)
class StreakWrite:
    key: StreakKey
    state: StreakState
    expected: StreakState | None  # the row as this batch read it; None when there was none


@dataclass
class Written:
    streaks: set[StreakKey]  # a key missing here was changed by someone else since it was read
    totals: dict[tuple[int, int], int]  # (workspace id, user id) -> all-time points, after
    previous: dict[AnswerKey, tuple[int, int]]  # (post id, user id) -> (choice, points)


_WRITE_AGGREGATES = text("""
WITH
moved AS (
    SELECT * FROM unnest(CAST(:s_channel AS bigint[]), CAST(:s_user AS bigint[]),
                         CAST(:s_current AS int[]), CAST(:s_best AS int[]),
                         CAST(:s_last AS bigint[]), CAST(:e_current AS int[]),
                         CAST(:e_best AS int[]), CAST(:e_last AS bigint[]))
        AS m(channel_id, user_id, current, best, last_post_id, e_current, e_best, e_last)
),
streaks_written AS (
    INSERT INTO streaks (channel_id, user_id, current, best, last_post_id)
    SELECT channel_id, user_id, current, best, last_post_id FROM moved
    ORDER BY channel_id, user_id
    ON CONFLICT (channel_id, user_id) DO UPDATE
    SET current = EXCLUDED.current, best = EXCLUDED.best, last_post_id = EXCLUDED.last_post_id
    -- Compare-and-set: overwrite only the row as this batch read it (a row it did not see is
    -- left alone too); the service runs the batch again when a key is missing from RETURNING.
    WHERE (streaks.channel_id, streaks.user_id, streaks.current, streaks.best,
           streaks.last_post_id) IN (
        SELECT channel_id, user_id, e_current, e_best, e_last FROM moved
        WHERE e_last IS NOT NULL)
    RETURNING channel_id, user_id
),
scores_written AS (
    INSERT INTO scores (workspace_id, period, user_id, points, answered, correct)
    SELECT * FROM unnest(CAST(:b_workspace AS bigint[]), CAST(:b_period AS text[]),
                         CAST(:b_user AS bigint[]), CAST(:b_points AS int[]),
                         CAST(:b_answered AS int[]), CAST(:b_correct AS int[]))
    ORDER BY 1, 2, 3
    ON CONFLICT (workspace_id, period, user_id) DO UPDATE
    SET points = scores.points + EXCLUDED.points,
        answered = scores.answered + EXCLUDED.answered,
        correct = scores.correct + EXCLUDED.correct
    RETURNING workspace_id, period, user_id, points
),
topics_written AS (
    INSERT INTO topic_scores (workspace_id, user_id, topic, answered, correct)
    SELECT * FROM unnest(CAST(:t_workspace AS bigint[]), CAST(:t_user AS bigint[]),
                         CAST(:t_topic AS text[]), CAST(:t_answered AS int[]),
                         CAST(:t_correct AS int[]))
    ORDER BY 1, 2, 3
    ON CONFLICT (workspace_id, user_id, topic) DO UPDATE
    SET answered = topic_scores.answered + EXCLUDED.answered,
        correct = topic_scores.correct + EXCLUDED.correct
    RETURNING 1
)
SELECT 'streak' AS kind, channel_id AS a, user_id AS b, CAST(NULL AS int) AS c,
       CAST(NULL AS int) AS d
FROM streaks_written
UNION ALL
SELECT 'total', workspace_id, user_id, points, NULL FROM scores_written
WHERE period = CAST(:all AS text)
UNION ALL
SELECT 'topics', count(*), NULL, NULL, NULL FROM topics_written
UNION ALL
SELECT 'total', s.workspace_id, s.user_id, s.points, NULL
FROM scores s
JOIN unnest(CAST(:r_workspace AS bigint[]), CAST(:r_user AS bigint[])) AS r(workspace_id, user_id)
  ON s.workspace_id = r.workspace_id AND s.user_id = r.user_id
WHERE s.period = CAST(:all AS text)
UNION ALL
SELECT 'previous', a.post_id, a.user_id, a.choice, a.points
FROM answers a
JOIN unnest(CAST(:p_post AS bigint[]), CAST(:p_user AS bigint[])) AS p(post_id, user_id)
  ON a.post_id = p.post_id AND a.user_id = p.user_id
""")


async def write_aggregates(
    conn: AsyncConnection, *, streaks: Sequence[StreakWrite],
    scores: Sequence[tuple[ScoreKey, Tally]], topics: Sequence[tuple[TopicKey, Tally]],
    totals_of: Sequence[tuple[int, int]], previous_of: Sequence[AnswerKey],
) -> Written:
    """Statement 3. `totals_of`: (workspace, user) pairs whose total is wanted although this
    batch adds nothing to it; `previous_of`: repeated clicks whose earlier answer is wanted."""
    streaks = sorted(streaks, key=lambda w: w.key)
    rows = await conn.execute(_WRITE_AGGREGATES, {
        "s_channel": [w.key[0] for w in streaks], "s_user": [w.key[1] for w in streaks],
        "s_current": [w.state.current for w in streaks],
        "s_best": [w.state.best for w in streaks],
        "s_last": [w.state.last_post_id for w in streaks],
        "e_current": [w.expected.current if w.expected else None for w in streaks],
        "e_best": [w.expected.best if w.expected else None for w in streaks],
        "e_last": [w.expected.last_post_id if w.expected else None for w in streaks],
        "b_workspace": [k[0] for k, _ in scores], "b_period": [k[1] for k, _ in scores],
        "b_user": [k[2] for k, _ in scores], "b_points": [t.points for _, t in scores],
        "b_answered": [t.answered for _, t in scores], "b_correct": [t.correct for _, t in scores],
        "t_workspace": [k[0] for k, _ in topics], "t_user": [k[1] for k, _ in topics],
        "t_topic": [k[2] for k, _ in topics], "t_answered": [t.answered for _, t in topics],
        "t_correct": [t.correct for _, t in topics],
        "all": ALL_TIME,
        "r_workspace": [k[0] for k in totals_of], "r_user": [k[1] for k in totals_of],
        "p_post": [k[0] for k in previous_of], "p_user": [k[1] for k in previous_of],
    })
    written = Written(set(), {}, {})
    for kind, a, b, c, d in rows:
        if kind == "streak":
            written.streaks.add((a, b))
        elif kind == "total":
            written.totals[(a, b)] = c
        elif kind == "previous":
            written.previous[(a, b)] = (c, d)
    return written
