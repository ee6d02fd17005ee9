"""Discord snowflake ids: increasing, time-ordered, and placeable on a chosen gateway shard.

A snowflake is `(milliseconds since 2015-01-01) << 22 | worker/process/increment bits`, and a guild
lives on shard `(guild_id >> 22) % shard_count`, so a guild id is chosen by its millisecond part.
"""

from __future__ import annotations

import datetime as dt
import time

DISCORD_EPOCH_MS = 1_420_070_400_000
_INCREMENT_BITS = 12  # the low 12 bits; workers/process bits stay 0


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


def created_at(snowflake: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, dt.UTC)


def iso_timestamp(snowflake: int) -> str:
    return created_at(snowflake).isoformat(timespec="microseconds")


class Snowflakes:
    """Hands out unique ids that never go backwards, as Discord's would."""

    def __init__(self) -> None:
        self._ms = 0
        self._increment = 0

    def next(self) -> int:
        now_ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        if now_ms > self._ms:
            self._ms, self._increment = now_ms, 0
        else:
            self._increment += 1
            if self._increment >> _INCREMENT_BITS:
                self._ms, self._increment = self._ms + 1, 0
        return self._ms << 22 | self._increment

    def next_on_shard(self, shard_id: int, shard_count: int) -> int:
        """An id whose millisecond part puts it on `shard_id` of `shard_count`."""
        if not 0 <= shard_id < shard_count:
            raise ValueError(f"shard {shard_id} is not one of {shard_count} shards")
        candidate = self.next()
        ms = candidate >> 22
        if ms % shard_count != shard_id:
            self._ms, self._increment = ms + (shard_id - ms) % shard_count, 0
            candidate = self._ms << 22
        return candidate
