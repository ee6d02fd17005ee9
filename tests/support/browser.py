"""Headless Chromium for the dashboard tests: Debian's chromium through Playwright's
`executable_path` (never a browser Playwright downloads), with the flags a closed network needs."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def require_chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            raise RuntimeError(f"{CHROMIUM} is missing; .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    executable = require_chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(executable), headless=True,
                                                   args=FLAGS)
        try:
            yield browser
        finally:
            await browser.close()
