"""Every studybot button is one persistent DynamicItem: its custom_id says what was clicked, so
it keeps working after a restart with nothing kept in memory."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.chat.interactions import PREFIX
from bot.platforms.discord.client import events_of


class StudyButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                  template=re.compile(re.escape(PREFIX) + r".{1,90}")):
    def __init__(self, button: discord.ui.Button[Any]) -> None:
        super().__init__(button)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any],
                             item: discord.ui.Item[Any], match: re.Match[str], /) -> StudyButton:
        assert isinstance(item, discord.ui.Button)
        return cls(discord.ui.Button(custom_id=item.custom_id, label=item.label))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await events_of(interaction.client).click(interaction, self.item.custom_id or "")
