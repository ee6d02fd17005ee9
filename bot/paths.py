"""Where the bundled content/ and db/ folders are, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # An installed wheel carries them as package data; a checkout has them beside bot/.
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def content_dir() -> Path:
    return _bundled("content")


def migrations_dir() -> Path:
    return _bundled("db")
