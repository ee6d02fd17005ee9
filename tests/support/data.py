"""Where the tests' fixed data lives (a small content bank, the cheat sheet, lookup queries)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
