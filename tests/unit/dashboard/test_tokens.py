"""Signed dashboard links: only an untouched, unexpired token opens its own workspace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.dashboard.tokens import BadLink, DashboardLinks, ExpiredLink, Signer, WorkspaceKey

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
KEY = WorkspaceKey("slack", "T1")


def test_a_token_opens_its_workspace_until_it_expires() -> None:
    signer = Signer("s" * 40)
    token = signer.issue(KEY, NOW + timedelta(days=7))
    assert signer.verify(token, NOW).workspace == KEY
    assert signer.verify(token, NOW + timedelta(days=7, seconds=-1)).workspace == KEY
    with pytest.raises(ExpiredLink):
        signer.verify(token, NOW + timedelta(days=7))


def test_another_secret_refuses_it() -> None:
    token = Signer("s" * 40).issue(KEY, NOW + timedelta(days=1))
    with pytest.raises(BadLink):
        Signer("t" * 40).verify(token, NOW)


@given(st.integers(min_value=0), st.sampled_from("AQgw_-"))
def test_any_changed_character_is_refused(position: int, replacement: str) -> None:
    signer = Signer("s" * 40)
    token = signer.issue(KEY, NOW + timedelta(days=1))
    index = position % len(token)
    changed = token[:index] + replacement + token[index + 1:]
    if changed == token or token[index] == ".":
        return
    with pytest.raises(BadLink):
        signer.verify(changed, NOW)


def test_links_are_under_the_public_url_and_days_are_bounded() -> None:
    links = DashboardLinks("s" * 40, "https://bot.example/")
    link = links.link(KEY, NOW)
    assert link.url.startswith("https://bot.example/d/")
    assert link.expires_at == NOW + timedelta(days=7)
    with pytest.raises(ValueError, match="days"):
        links.link(KEY, NOW, days=0)
