"""Start the platforms the settings enable and run until stopped."""

from __future__ import annotations

import logging
import sys

from bot.app import open_app
from bot.catalog.loader import ContentError
from bot.config import Settings

log = logging.getLogger("studybot")


def choose_platforms(settings: Settings, requested: str) -> list[str]:
    if requested != "all":
        return [requested]
    enabled = [name for name, on in (("discord", settings.discord_enabled),
                                     ("slack", settings.slack_enabled)) if on]
    return enabled or ["shell"]


async def run(settings: Settings, requested: str, user: str) -> int:
    platforms = choose_platforms(settings, requested)
    try:
        app = await open_app(settings)
    except ContentError as exc:
        print("studybot: the content is invalid; fix these and start again:", file=sys.stderr)
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    try:
        if platforms == ["shell"]:
            from bot.platforms.shell.adapter import ShellAdapter

            await ShellAdapter(app.service, user).run()
            return 0
        print(f"studybot: platform(s) {', '.join(platforms)} are not available yet",
              file=sys.stderr)
        return 2
    finally:
        await app.close()
