"""What the fake received over REST: every request with the answer it got."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

API_PREFIX = "/api/v10"


@dataclass
class Call:
    method: str
    route: str  # the template, e.g. "/channels/{channel_id}/messages"; the path for unknown routes
    path: str  # the concrete path without /api/v10, e.g. "/channels/123/messages"
    query: dict[str, str]
    json: Any  # the decoded JSON body (or the multipart payload_json), None without a body
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival
    status: int = 0
    response: Any = None
    response_headers: dict[str, str] = field(default_factory=dict)
    limited: str | None = None  # "global", "route" (bucket exhausted) or "injected" for a 429
    known_route: bool = True
    params: dict[str, str] = field(default_factory=dict)  # the route's path parameters

    def __repr__(self) -> str:
        limited = f" ({self.limited})" if self.limited else ""
        return f"<Call {self.method} {self.path} -> {self.status}{limited}>"

    @property
    def authorization(self) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == "authorization"), None)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def matches(self, method: str, route: str) -> bool:
        route = route.removeprefix(API_PREFIX)
        return self.method == method.upper() and route in (self.route, self.path)


Spec = str | Callable[[Call], bool]


def matcher(spec: Spec) -> Callable[[Call], bool]:
    """A predicate over calls from a predicate or from "METHOD /route-or-path"."""
    if callable(spec):
        return spec
    method, _, route = spec.partition(" ")
    if not route:
        raise ValueError(f"expected 'METHOD /route', got {spec!r}")
    return lambda call: call.matches(method, route)
