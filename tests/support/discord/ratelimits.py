"""Discord's rate limits and injected faults, answered the way discord.py expects them.

- Global: at most N accepted requests per bot token in any sliding window (default one second),
  across every connection and process; interaction endpoints are exempt, as Discord documents.
- Per route: a bucket per route template and top-level resource (channel, guild, webhook), with
  `X-RateLimit-*` headers on every answer, generous by default so the client's bucket code runs.
- Injected: the next `times` matching requests get a 429 (or a 5xx) whatever the counters say.
"""

from __future__ import annotations

import hashlib
import time
from collections import deque
from dataclasses import dataclass


@dataclass
class Fault:
    method: str
    route: str  # template or concrete path
    times: int
    status: int = 429
    retry_after: float = 1.0
    scope: str = "user"

    def matches(self, method: str, route: str, path: str) -> bool:
        return self.times > 0 and self.method == method and self.route in (route, path)


@dataclass(frozen=True)
class Refusal:
    """A 429 to send: how long to wait, whether it is global, and its scope."""

    retry_after: float
    is_global: bool
    scope: str
    kind: str  # "global", "route" or "injected"


@dataclass
class _Bucket:
    resets_at: float = 0.0
    used: int = 0


class RateLimits:
    def __init__(self, *, global_limit: int | None, global_window: float, bucket_limit: int,
                 bucket_window: float) -> None:
        self.global_limit = global_limit
        self.global_window = global_window
        self.bucket_limit = bucket_limit
        self.bucket_window = bucket_window
        self.faults: list[Fault] = []
        self.served_429: int = 0
        self.served_global_429: int = 0
        self._accepted: dict[str, deque[float]] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def admit_global(self, token: str, now: float) -> Refusal | None:
        """Count the request against the token's window, or refuse it (refusals are not counted)."""
        if self.global_limit is None:
            return None
        window = self._accepted.setdefault(token, deque())
        while window and window[0] <= now - self.global_window:
            window.popleft()
        if len(window) >= self.global_limit:
            self.served_429 += 1
            self.served_global_429 += 1
            return Refusal(window[0] + self.global_window - now, True, "global", "global")
        window.append(now)
        return None

    def injected(self, method: str, route: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, route, path):
                fault.times -= 1
                if fault.status == 429:
                    self.served_429 += 1
                return fault
        return None

    def take(self, method: str, route: str, major: str, now: float) -> tuple[dict[str, str], Refusal | None]:
        """Use one request of the route's bucket: the headers to send, and a refusal if it is empty."""
        bucket_hash = hashlib.sha1(f"{method} {route}".encode()).hexdigest()[:16]
        bucket = self._buckets.setdefault((bucket_hash, major), _Bucket())
        if now >= bucket.resets_at:
            bucket.resets_at, bucket.used = now + self.bucket_window, 0
        reset_after = bucket.resets_at - now
        refusal = None
        if bucket.used >= self.bucket_limit:
            self.served_429 += 1
            refusal = Refusal(reset_after, False, "user", "route")
        else:
            bucket.used += 1
        remaining = self.bucket_limit - bucket.used
        return self.headers(bucket_hash, self.bucket_limit, remaining, reset_after), refusal

    @staticmethod
    def headers(bucket_hash: str, limit: int, remaining: int, reset_after: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(max(remaining, 0)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}", "X-RateLimit-Bucket": bucket_hash,
        }
