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

Every batch takes its row locks in one order (posts and competitions shared; then users,
answers, streaks, scores, topic_scores, each table by key), so two batches, in one process or in
two, never deadlock. The rules that decide points and streaks are not here: the service applies
bot/rules in Python between statements 1 and 2.

The statements run on the driver's connection (`Database.driver_transaction`) as plain SQL with
$n parameters, prepared once per connection by asyncpg: through SQLAlchemy, building and
processing each execution cost more Python time than the statement cost PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from asyncpg import Connection

from bot.rules.answer_batch import ScoreKey, StreakKey, Tally, TopicKey
from bot.rules.periods import ALL_TIME
from bot.rules.streaks import StreakState

UserKey = tuple[int, str]  # workspace id, the platform's user id
AnswerKey = tuple[int, int]  # post id, user id


@dataclass(frozen=True)
class OwnQuestion:
    """A question of the workspace's own (bot/service/banks.py `QuestionFields`), read with the
    post: kept with the post's facts, it costs the answer path no further read."""

    id: str
    topic: str
    prompt: str
    choices: list[str]
    correct: int
    explanation: str
    difficulty: int
    entry: str | None
    status: str


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
    own: OwnQuestion | None = None  # None: a question of the bundled bank
    # The predecessor's predecessor: a held streak freeze forgives exactly one missed post.
    prev_prev_post_id: int | None = None


_FACTS = """
    SELECT p.id, p.channel_id, c.workspace_id, w.platform, w.external_id, p.question_id,
           p.local_date, p.day IS NOT NULL, p.prev_post_id, p.closes_at,
           q.id, q.topic, q.prompt, q.choices, q.correct, q.explanation, q.difficulty, q.entry,
           q.status, pp.prev_post_id
    FROM posts p
    JOIN channels c ON c.id = p.channel_id
    JOIN workspaces w ON w.id = c.workspace_id
    LEFT JOIN posts pp ON pp.id = p.prev_post_id
    LEFT JOIN workspace_questions q ON q.workspace_id = c.workspace_id AND q.id = p.question_id
                                   AND q.status IN ('approved', 'retired')
    WHERE p.id = ANY($1::bigint[])
"""


async def post_facts(conn: Connection, post_ids: Sequence[int]) -> list[PostFacts]:
    found = []
    for row in await conn.fetch(_FACTS, list(post_ids)):
        own = None
        if row[10] is not None:
            # SQLAlchemy gives its pooled connections a json codec; a bare one returns text.
            choices = json.loads(row[13]) if isinstance(row[13], str) else list(row[13])
            own = OwnQuestion(row[10], row[11], row[12], choices, *row[14:19])
        found.append(PostFacts(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                               row[8], row[9], own, row[19]))
    return found


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
    topics: tuple[str, ...] = ()  # only answers to these topics count; empty: all


@dataclass
class Standing:
    """What statement 1 found."""

    post_status: dict[int, str]  # missing: the post no longer exists
    competitions: list[Competition]
    user_ids: dict[UserKey, int]  # users of the clicks on posts not closed (and any known user)
    streaks: dict[StreakKey, StreakState]


# One result set; the columns after `kind` mean, by kind:
#   post:        a = id, s = status
#   competition: a = id, b = workspace id, t1 = starts_at, t2 = ends_at, s = topics (JSON)
#   user:        a = id, b = workspace id, s = external id
#   streak:      a = user id, b = channel id, c = last_post_id, d = current, e = best, f = freeze_held
_LOCK_AND_READ = """
WITH
asked AS (
    SELECT id, status FROM posts
    WHERE id = ANY($1::bigint[])
    ORDER BY id
    FOR SHARE
),
running AS (
    SELECT id, workspace_id, starts_at, ends_at, topics FROM competitions
    WHERE workspace_id = ANY($2::bigint[]) AND NOT ended
      AND starts_at <= $4::timestamptz AND ends_at > $3::timestamptz
    ORDER BY id
    FOR SHARE
),
clicks AS (
    SELECT * FROM unnest($5::bigint[], $6::text[], $7::text[], $8::bigint[], $9::bigint[])
        WITH ORDINALITY AS c(workspace_id, external_id, display_name, post_id, channel_id, ord)
),
-- One index lookup per user of the batch, however large the table: a plain join let the
-- planner scan every user (LIMIT 1, true of a unique key, keeps the subquery from being
-- flattened into such a join).
known AS (
    SELECT u.id, u.workspace_id, u.external_id, u.display_name
    FROM (SELECT DISTINCT workspace_id, external_id FROM clicks) k
    CROSS JOIN LATERAL (
        SELECT id, workspace_id, external_id, display_name FROM users
        WHERE workspace_id = k.workspace_id AND external_id = k.external_id LIMIT 1) u
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
SELECT 'post' AS kind, id AS a, NULL::bigint AS b, NULL::bigint AS c, NULL::int AS d,
       NULL::int AS e, status::text AS s, NULL::timestamptz AS t1, NULL::timestamptz AS t2,
       NULL::boolean AS f
FROM asked
UNION ALL
SELECT 'competition', id, workspace_id, NULL, NULL, NULL, topics::text, starts_at, ends_at, NULL
FROM running
UNION ALL
SELECT 'user', id, workspace_id, NULL, NULL, NULL, external_id, NULL, NULL, NULL FROM added
UNION ALL
SELECT 'user', id, workspace_id, NULL, NULL, NULL, external_id, NULL, NULL, NULL FROM known
UNION ALL
SELECT 'streak', s.user_id, s.channel_id, s.last_post_id, s.current, s.best, NULL, NULL, NULL,
       s.freeze_held
FROM (SELECT DISTINCT workspace_id, external_id, channel_id FROM clicks) pair
JOIN known k ON k.workspace_id = pair.workspace_id AND k.external_id = pair.external_id
CROSS JOIN LATERAL (
    SELECT user_id, channel_id, last_post_id, current, best, freeze_held FROM streaks
    WHERE channel_id = pair.channel_id AND user_id = k.id LIMIT 1) s
"""


async def lock_and_read(
    conn: Connection, *, post_ids: Sequence[int], clicks: Sequence[Click],
    earliest: datetime, latest: datetime,
) -> Standing:
    """Statement 1. `post_ids`: every post of the batch; `clicks`: those that may record, in
    arrival order; competitions running at any instant in [earliest, latest] are returned."""
    rows = await conn.fetch(
        _LOCK_AND_READ, sorted(set(post_ids)), sorted({c.workspace_id for c in clicks}),
        earliest, latest, [c.workspace_id for c in clicks], [c.external_id for c in clicks],
        [c.display_name for c in clicks], [c.post_id for c in clicks],
        [c.channel_id for c in clicks])
    standing = Standing({}, [], {}, {})
    for kind, a, b, c, d, e, s, t1, t2, f in rows:
        if kind == "post":
            standing.post_status[a] = s
        elif kind == "competition":
            standing.competitions.append(Competition(a, b, t1, t2, tuple(json.loads(s or "[]"))))
        elif kind == "user":
            standing.user_ids[(b, s)] = a
        else:
            standing.streaks[(b, a)] = StreakState(d, e, c, f)
    return standing


_USER_IDS = """
    SELECT u.id, u.workspace_id, u.external_id
    FROM users u
    JOIN unnest($1::bigint[], $2::text[]) AS k(workspace_id, external_id)
      ON u.workspace_id = k.workspace_id AND u.external_id = k.external_id
"""


async def user_ids(conn: Connection, keys: Sequence[UserKey]) -> dict[UserKey, int]:
    """Ids of users that statement 1 could not see: added by another transaction that
    committed after its snapshot was taken (rare; a new statement sees them)."""
    rows = await conn.fetch(_USER_IDS, [k[0] for k in keys], [k[1] for k in keys])
    return {(workspace_id, external_id): user_id for user_id, workspace_id, external_id in rows}


@dataclass(frozen=True)
class NewAnswer:
    post_id: int
    user_id: int
    choice: int
    correct: bool
    points: int
    answered_at: datetime


_INSERT_ANSWERS = """
    INSERT INTO answers (post_id, user_id, choice, correct, points, answered_at)
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::boolean[], $5::int[],
                         $6::timestamptz[])
    ORDER BY 1, 2
    ON CONFLICT (post_id, user_id) DO NOTHING
    RETURNING post_id, user_id
"""


async def insert_answers(conn: Connection, answers: Sequence[NewAnswer]) -> set[AnswerKey]:
    """Statement 2: the (post, user) pairs actually inserted; the others were answered before."""
    if not answers:
        return set()
    rows = await conn.fetch(
        _INSERT_ANSWERS, [a.post_id for a in answers], [a.user_id for a in answers],
        [a.choice for a in answers], [a.correct for a in answers], [a.points for a in answers],
        [a.answered_at for a in answers])
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


_WRITE_AGGREGATES = """
WITH
moved AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::bigint[],
                         $6::int[], $7::int[], $8::bigint[], $25::boolean[], $26::boolean[])
        AS m(channel_id, user_id, current, best, last_post_id, e_current, e_best, e_last,
             freeze_held, e_freeze)
),
streaks_written AS (
    INSERT INTO streaks (channel_id, user_id, current, best, last_post_id, freeze_held)
    SELECT channel_id, user_id, current, best, last_post_id, freeze_held FROM moved
    ORDER BY channel_id, user_id
    ON CONFLICT (channel_id, user_id) DO UPDATE
    SET current = EXCLUDED.current, best = EXCLUDED.best, last_post_id = EXCLUDED.last_post_id,
        freeze_held = EXCLUDED.freeze_held
    -- Compare-and-set: overwrite only the row as this batch read it (a row it did not see is
    -- left alone too); the service runs the batch again when a key is missing from RETURNING.
    WHERE (streaks.channel_id, streaks.user_id, streaks.current, streaks.best,
           streaks.last_post_id, streaks.freeze_held) IN (
        SELECT channel_id, user_id, e_current, e_best, e_last, e_freeze FROM moved
        WHERE e_last IS NOT NULL)
    RETURNING channel_id, user_id
),
scores_written AS (
    INSERT INTO scores (workspace_id, period, user_id, points, answered, correct)
    SELECT * FROM unnest($9::bigint[], $10::text[], $11::bigint[], $12::int[], $13::int[],
                         $14::int[])
    ORDER BY 1, 2, 3
    ON CONFLICT (workspace_id, period, user_id) DO UPDATE
    SET points = scores.points + EXCLUDED.points,
        answered = scores.answered + EXCLUDED.answered,
        correct = scores.correct + EXCLUDED.correct
    RETURNING workspace_id, period, user_id, points
),
topics_written AS (
    INSERT INTO topic_scores (workspace_id, user_id, topic, answered, correct)
    SELECT * FROM unnest($15::bigint[], $16::bigint[], $17::text[], $18::int[], $19::int[])
    ORDER BY 1, 2, 3
    ON CONFLICT (workspace_id, user_id, topic) DO UPDATE
    SET answered = topic_scores.answered + EXCLUDED.answered,
        correct = topic_scores.correct + EXCLUDED.correct
    RETURNING 1
)
SELECT 'streak' AS kind, channel_id AS a, user_id AS b, NULL::int AS c, NULL::int AS d
FROM streaks_written
UNION ALL
SELECT 'total', workspace_id, user_id, points, NULL FROM scores_written
WHERE period = $20::text
UNION ALL
SELECT 'topics', count(*), NULL, NULL, NULL FROM topics_written
UNION ALL
SELECT 'total', s.workspace_id, s.user_id, s.points, NULL
FROM scores s
JOIN unnest($21::bigint[], $22::bigint[]) AS r(workspace_id, user_id)
  ON s.workspace_id = r.workspace_id AND s.user_id = r.user_id
WHERE s.period = $20::text
UNION ALL
SELECT 'previous', a.post_id, a.user_id, a.choice, a.points
FROM answers a
JOIN unnest($23::bigint[], $24::bigint[]) AS p(post_id, user_id)
  ON a.post_id = p.post_id AND a.user_id = p.user_id
"""


async def write_aggregates(
    conn: Connection, *, streaks: Sequence[StreakWrite],
    scores: Sequence[tuple[ScoreKey, Tally]], topics: Sequence[tuple[TopicKey, Tally]],
    totals_of: Sequence[tuple[int, int]], previous_of: Sequence[AnswerKey],
) -> Written:
    """Statement 3. `totals_of`: (workspace, user) pairs whose total is wanted although this
    batch adds nothing to it; `previous_of`: repeated clicks whose earlier answer is wanted."""
    streaks = sorted(streaks, key=lambda w: w.key)
    rows = await conn.fetch(
        _WRITE_AGGREGATES,
        [w.key[0] for w in streaks], [w.key[1] for w in streaks],
        [w.state.current for w in streaks], [w.state.best for w in streaks],
        [w.state.last_post_id for w in streaks],
        [w.expected.current if w.expected else None for w in streaks],
        [w.expected.best if w.expected else None for w in streaks],
        [w.expected.last_post_id if w.expected else None for w in streaks],
        [k[0] for k, _ in scores], [k[1] for k, _ in scores], [k[2] for k, _ in scores],
        [t.points for _, t in scores], [t.answered for _, t in scores],
        [t.correct for _, t in scores],
        [k[0] for k, _ in topics], [k[1] for k, _ in topics], [k[2] for k, _ in topics],
        [t.answered for _, t in topics], [t.correct for _, t in topics],
        ALL_TIME,
        [k[0] for k in totals_of], [k[1] for k in totals_of],
        [k[0] for k in previous_of], [k[1] for k in previous_of],
        [w.state.freeze for w in streaks],
        [w.expected.freeze if w.expected else None for w in streaks])
    written = Written(set(), {}, {})
    for kind, a, b, c, d in rows:
        if kind == "streak":
            written.streaks.add((a, b))
        elif kind == "total":
            written.totals[(a, b)] = c
        elif kind == "previous":
            written.previous[(a, b)] = (c, d)
    return written
