"""`studybot dashboard link PLATFORM WORKSPACE_ID [--days N]`: an operator's dashboard link."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from bot.config import SettingsError, load_settings
from bot.dashboard.tokens import DEFAULT_DAYS, MAX_DAYS, DashboardLinks, WorkspaceKey


def _days(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_DAYS}")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dashboard = sub.add_parser("dashboard", help="the team dashboard on the web")
    actions = dashboard.add_subparsers(dest="dashboard_command", required=True)
    link = actions.add_parser(
        "link", help="print a signed link to one workspace's dashboard",
        description="Print a link to the dashboard of one workspace, signed with "
                    "DASHBOARD_SECRET under PUBLIC_URL. It opens that workspace only.")
    link.add_argument("platform", choices=["slack", "discord", "shell"])
    link.add_argument("workspace_id", help="the Slack team id, the Discord guild id, or 'local'")
    link.add_argument("--days", type=_days, default=DEFAULT_DAYS,
                      help=f"how long the link works (default {DEFAULT_DAYS})")
    link.set_defaults(func=run_link)


def run_link(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"studybot: invalid setting {exc}", file=sys.stderr)
        return 2
    if settings.dashboard_secret is None or settings.public_url is None:
        print("studybot: the dashboard is off; set DASHBOARD_SECRET (and PUBLIC_URL) first",
              file=sys.stderr)
        return 2
    links = DashboardLinks(settings.dashboard_secret.get_secret_value(), settings.public_url)
    made = links.link(WorkspaceKey(args.platform, args.workspace_id), datetime.now(UTC), args.days)
    print(made.url)
    print(f"works until {made.expires_at:%Y-%m-%d %H:%M} UTC", file=sys.stderr)
    return 0
