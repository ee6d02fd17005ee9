"""Who is asking, where, and what only their platform can tell us (admins, mention syntax)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from bot.chat.reply import Reply
from bot.service.views import Actor, ChannelRef

if TYPE_CHECKING:
    from bot.chat.commands import Command, Registry
    from bot.delivery.dispatcher import Dispatcher
    from bot.service.study import StudyService

# What a command's option holds once parsed: text, words, or what a mention resolved to.
Arg = str | tuple[str, ...] | ChannelRef | Actor | None


class PlatformHooks(Protocol):
    """What only the platform knows; each adapter provides these."""

    async def is_admin(self, actor: Actor) -> bool:
        """May this person change the study setup (workspace admins, Manage Server, ...)?"""

    def looks_like_channel(self, word: str) -> bool:
        """Is this word a channel mention in the platform's syntax?"""

    async def find_channel(self, here: ChannelRef, text: str) -> ChannelRef | None:
        """The channel a mention names; None when there is no such channel."""

    async def find_user(self, actor: Actor, text: str) -> Actor | None:
        """The person a mention names, with no name of their own from the mention text."""

    async def tell(self, person: Actor, reply: Reply) -> bool:
        """Say something privately to someone other than the one acting (a direct message);
        False when the platform could not deliver it."""

    # -- teams in competitions ---------------------------------------------------------------
    def parse_group(self, word: str) -> tuple[str, str] | None:
        """A group mention (a Discord role, a Slack user group) as (its id, a label to show);
        None when the word is not one (then it names a team people join)."""

    async def groups_of(self, actor: Actor, candidates: set[str]) -> set[str]:
        """Which of the `candidates` (group ids) the person is in."""


@dataclass(frozen=True)
class Context:
    actor: Actor
    channel: ChannelRef
    hooks: PlatformHooks
    # The terminal: several people take turns at one screen, so private replies name them.
    shared_screen: bool = False

    def as_admin(self, admin: bool) -> Context:
        return replace(self, actor=replace(self.actor, is_admin=admin))

    @property
    def addressee(self) -> str | None:
        return self.actor.display_name if self.shared_screen else None


@dataclass(frozen=True)
class Call:
    """One command being carried out: what the handler of a command receives."""

    command: Command
    args: Mapping[str, Arg]
    context: Context
    service: StudyService
    dispatcher: Dispatcher
    registry: Registry

    def text(self, name: str, default: str = "") -> str:
        value = self.args.get(name)
        return value if isinstance(value, str) and value else default

    def words(self, name: str) -> tuple[str, ...]:
        value = self.args.get(name)
        if isinstance(value, str):  # a list typed into one option (Discord)
            return tuple(value.split())
        return value if isinstance(value, tuple) else ()
