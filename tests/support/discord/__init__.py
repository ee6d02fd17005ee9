"""A wire-level fake Discord (REST + gateway) on 127.0.0.1 for end-to-end tests. See README.md."""

from tests.support.discord.errors import DiscordError
from tests.support.discord.gateway import Frame, Session
from tests.support.discord.guilds import Channel, Guild, Member, Role, User
from tests.support.discord.interactions import ImpossibleInteraction
from tests.support.discord.mentions import Pings
from tests.support.discord.messages import Edit, StoredMessage
from tests.support.discord.recording import Call
from tests.support.discord.responses import Callback, InteractionHandle
from tests.support.discord.server import FakeDiscord

__all__ = [
    "Call", "Callback", "Channel", "DiscordError", "Edit", "FakeDiscord", "Frame", "Guild",
    "ImpossibleInteraction", "InteractionHandle", "Member", "Pings", "Role", "Session", "StoredMessage",
    "User",
]
