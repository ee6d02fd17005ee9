"""Signed dashboard links: an HMAC-SHA256 over the workspace and the expiry, nothing stored.

A token is `<payload>.<signature>`, both base64url: the payload names the platform, the
workspace and the expiry (Unix seconds); the signature is the HMAC of the payload with
DASHBOARD_SECRET. Changing any byte of either part fails the check, and a token can only ever
open the workspace it names, so one team's link never shows another team's data. Rotating the
secret revokes every link at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

VERSION = "1"
DEFAULT_DAYS = 7
MAX_DAYS = 366


class BadLink(Exception):
    """The link cannot be trusted: tampered, malformed or expired."""


class ExpiredLink(BadLink):
    pass


@dataclass(frozen=True)
class WorkspaceKey:
    platform: str
    workspace_id: str


@dataclass(frozen=True)
class Grant:
    """What a valid token opens, and until when."""

    workspace: WorkspaceKey
    expires_at: datetime


@dataclass(frozen=True)
class DashboardLink:
    url: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    def __init__(self, secret: str) -> None:
        self._key = secret.encode()

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def issue(self, workspace: WorkspaceKey, expires_at: datetime) -> str:
        body = "\n".join((VERSION, workspace.platform, workspace.workspace_id,
                          str(int(expires_at.timestamp()))))
        payload = _b64(body.encode())
        return f"{payload}.{self._mac(payload)}"

    def verify(self, token: str, now: datetime) -> Grant:
        """The workspace a token opens; BadLink (ExpiredLink) when it must not open anything."""
        payload, _, signature = token.partition(".")
        if not payload or not signature or not hmac.compare_digest(signature, self._mac(payload)):
            raise BadLink("signature")
        try:
            version, platform, workspace, expires = _unb64(payload).decode().split("\n")
            expires_at = datetime.fromtimestamp(int(expires), UTC)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise BadLink("payload") from None
        if version != VERSION:
            raise BadLink("version")
        if now >= expires_at:
            raise ExpiredLink(expires_at.isoformat())
        return Grant(WorkspaceKey(platform, workspace), expires_at)


class DashboardLinks:
    """Makes the links that `/study dashboard` and `studybot dashboard link` hand out."""

    def __init__(self, secret: str, public_url: str) -> None:
        self.signer = Signer(secret)
        self.public_url = public_url.rstrip("/")

    def link(self, workspace: WorkspaceKey, now: datetime, days: int = DEFAULT_DAYS) -> DashboardLink:
        if not 1 <= days <= MAX_DAYS:
            raise ValueError(f"days must be between 1 and {MAX_DAYS}")
        expires_at = (now + timedelta(days=days)).replace(microsecond=0)
        token = self.signer.issue(workspace, expires_at)
        return DashboardLink(f"{self.public_url}/d/{token}", expires_at)
