"""The servers the fake bot is in: guilds, their channels, roles and members, as Discord sends them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tests.support.discord import permissions
from tests.support.discord.snowflakes import Snowflakes, iso_timestamp

Json = dict[str, Any]

TEXT, DM, VOICE, CATEGORY, ANNOUNCEMENT = 0, 1, 2, 4, 5
GUILD_MEMBERS_INTENT = 1 << 1

# (event, data, intent the receiving session needs or None): how a change reaches the gateway.
Announce = Callable[[str, Json, int | None], None]


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> Json:
        data: Json = {
            "id": str(self.id), "username": self.username, "discriminator": "0",
            "global_name": self.global_name, "avatar": None, "public_flags": 0, "flags": 0,
            "banner": None, "accent_color": None, "avatar_decoration_data": None,
            "collectibles": None, "primary_guild": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class DirectChannel:
    """The bot's direct messages with one user (type 1, in no guild)."""

    id: int
    user: User
    guild_id: None = None

    def payload(self) -> Json:
        return {"id": str(self.id), "type": DM, "last_message_id": None, "flags": 0,
                "recipients": [self.user.payload()]}


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    bot_id: int | None = None  # set on the managed role Discord creates for a bot

    @property
    def mention(self) -> str:
        return "@everyone" if self.id == self.guild_id else f"<@&{self.id}>"

    def payload(self) -> Json:
        data: Json = {
            "id": str(self.id), "name": self.name, "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False, "icon": None, "unicode_emoji": None, "position": self.position,
            "permissions": str(self.permissions), "managed": self.bot_id is not None,
            "mentionable": self.mentionable, "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class Member:
    user: User
    guild_id: int
    roles: list[int] = field(default_factory=list)
    permissions: int = 0  # extra bits on top of @everyone and the roles, as if from an unnamed role
    joined_at: str = ""
    nick: str | None = None

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> Json:
        data: Json = {
            "roles": [str(r) for r in self.roles], "joined_at": self.joined_at, "nick": self.nick,
            "avatar": None, "banner": None, "premium_since": None, "deaf": False, "mute": False,
            "pending": False, "flags": 0, "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class Channel:
    id: int
    guild_id: int
    name: str
    type: int = TEXT
    position: int = 0
    topic: str | None = None
    parent_id: int | None = None
    bot_permissions: int | None = None  # overrides what the bot may do here (None: its guild permissions)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> Json:
        data: Json = {
            "id": str(self.id), "type": self.type, "guild_id": str(self.guild_id), "name": self.name,
            "position": self.position, "permission_overwrites": [], "topic": self.topic, "nsfw": False,
            "parent_id": None if self.parent_id is None else str(self.parent_id),
            "last_message_id": None, "rate_limit_per_user": 0, "flags": 0, "last_pin_timestamp": None,
        }
        if self.type == VOICE:
            data |= {"bitrate": 64000, "user_limit": 0, "rtc_region": None}
        return data


class Guild:
    """One server. Ids come from the fake's snowflakes; `@everyone`'s role id is the guild id."""

    def __init__(self, guild_id: int, name: str, *, bot: User, ids: Snowflakes, locale: str = "en-US",
                 bot_permissions: int = permissions.BOT_INVITE,
                 everyone_permissions: int = permissions.EVERYONE_DEFAULT) -> None:
        self.id = guild_id
        self.name = name
        self.locale = locale
        self.owner_id = ids.next()  # an owner who is not among the members the test adds
        self._ids = ids
        self.announce: Announce | None = None  # set once the guild is in the fake
        self.channels: dict[int, Channel] = {}
        self.roles: dict[int, Role] = {guild_id: Role(guild_id, guild_id, "@everyone", everyone_permissions)}
        self.members: dict[int, Member] = {}
        bot_role = self.add_role(bot.username, permissions=bot_permissions)
        bot_role.bot_id = bot.id
        self.bot_member = self._add(Member(bot, guild_id, [bot_role.id]))

    def __repr__(self) -> str:
        return f"<Guild {self.id} {self.name!r}>"

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def add_channel(self, name: str, *, type: int = TEXT, position: int | None = None,
                    topic: str | None = None, parent_id: int | None = None,
                    bot_permissions: int | None = None) -> Channel:
        channel = Channel(self._ids.next(), self.id, name, type,
                          len(self.channels) if position is None else position, topic, parent_id,
                          bot_permissions)
        self.channels[channel.id] = channel
        self._announce("CHANNEL_CREATE", channel.payload(), None)
        return channel

    def add_role(self, name: str, *, permissions: int = 0, mentionable: bool = False,
                 position: int | None = None) -> Role:
        role = Role(self._ids.next(), self.id, name, permissions,
                    len(self.roles) if position is None else position, mentionable)
        self.roles[role.id] = role
        self._announce("GUILD_ROLE_CREATE", {"guild_id": str(self.id), "role": role.payload()}, None)
        return role

    def add_member(self, username: str, *, global_name: str | None = None,
                   roles: Iterable[Role | int] = (), permissions: int = 0, user_id: int | None = None,
                   bot: bool = False) -> Member:
        role_ids = [r.id if isinstance(r, Role) else r for r in roles]
        unknown = [r for r in role_ids if r not in self.roles]
        if unknown:
            raise ValueError(f"roles {unknown} are not in {self}")
        user = User(user_id or self._ids.next(), username, global_name, bot)
        member = self._add(Member(user, self.id, role_ids, permissions))
        added = member.payload() | {"guild_id": str(self.id)}
        self._announce("GUILD_MEMBER_ADD", added, GUILD_MEMBERS_INTENT)
        return member

    def _add(self, member: Member) -> Member:
        member.joined_at = iso_timestamp(self._ids.next())
        self.members[member.id] = member
        return member

    def _announce(self, event: str, data: Json, intent: int | None) -> None:
        if self.announce is not None:
            self.announce(event, data, intent)

    def channel(self, name: str) -> Channel:
        return _named(self.channels.values(), name, "channel", self)

    def role(self, name: str) -> Role:
        return _named(self.roles.values(), name, "role", self)

    def member(self, username: str) -> Member:
        found = [m for m in self.members.values() if m.user.username == username]
        if not found:
            raise KeyError(f"no member {username!r} in {self}")
        return found[0]

    def permissions_of(self, member: Member) -> int:
        bits = self.everyone.permissions | member.permissions
        for role_id in member.roles:
            bits |= self.roles[role_id].permissions
        return permissions.effective(bits)

    def bot_permissions_in(self, channel: Channel) -> int:
        if channel.bot_permissions is not None:
            return permissions.effective(channel.bot_permissions)
        return self.permissions_of(self.bot_member)

    def payload(self) -> Json:
        return {
            "id": str(self.id), "name": self.name, "icon": None, "splash": None, "discovery_splash": None,
            "banner": None, "description": None, "owner_id": str(self.owner_id), "afk_channel_id": None,
            "afk_timeout": 300, "verification_level": 0, "default_message_notifications": 1,
            "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0,
            "premium_subscription_count": 0, "premium_progress_bar_enabled": False, "features": [],
            "emojis": [], "stickers": [], "roles": [r.payload() for r in self.roles.values()],
            "system_channel_id": None, "system_channel_flags": 0, "rules_channel_id": None,
            "public_updates_channel_id": None, "safety_alerts_channel_id": None, "vanity_url_code": None,
            "preferred_locale": self.locale, "max_members": 500000, "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50, "application_id": None, "widget_enabled": False,
            "incidents_data": None,
        }

    def create_payload(self, *, all_members: bool, joined: bool = False) -> Json:
        """GUILD_CREATE: the guild plus what the gateway adds (channels, members, counts).

        At start-up it fills in a guild READY listed as unavailable (`unavailable: false`); for a
        guild the bot has just joined the key is absent, which is how clients tell the two apart.
        """
        members = self.members.values() if all_members else [self.bot_member]
        availability = {} if joined else {"unavailable": False}
        return self.payload() | availability | {
            "joined_at": self.bot_member.joined_at, "large": False, "lazy": True,
            "member_count": len(self.members), "members": [m.payload() for m in members],
            "channels": [c.payload() for c in self.channels.values()], "threads": [], "presences": [],
            "voice_states": [], "stage_instances": [], "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


Named = TypeVar("Named", Channel, Role)


def _named(items: Iterable[Named], name: str, kind: str, guild: Guild) -> Named:
    for item in items:
        if item.name == name:
            return item
    raise KeyError(f"no {kind} {name!r} in {guild}")
