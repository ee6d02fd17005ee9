"""Study channels and their schedules: set up, pause, resume, show."""

from __future__ import annotations

from bot import errors
from bot.rules import schedule
from bot.service.banks import BANK_CHOICES
from bot.service.base import ServiceBase, require_admin, schedule_of
from bot.service.views import (
    Actor,
    ChannelRef,
    ScheduleView,
)


class Schedules(ServiceBase):
    async def configure_channel(
        self, actor: Actor, channel: ChannelRef, time: str, timezone: str, days: str = "mon-fri",
        topics: list[str] | None = None, bank: str = "both",
    ) -> ScheduleView:
        """`bank`: the questions the channel draws from, `bundled`, `own` (the workspace's own)
        or `both`; topics may be bundled ones or the workspace's own."""
        require_admin(actor, "change the study schedule")
        if bank not in BANK_CHOICES:
            raise errors.InvalidInput("bank", bank, f"choose {', '.join(BANK_CHOICES)}")
        try:
            sched = schedule.Schedule(
                post_time=schedule.parse_time(time),
                timezone=schedule.parse_timezone(timezone),
                weekdays=schedule.parse_days(days),
            )
        except schedule.ScheduleInputError as exc:
            raise errors.InvalidInput(exc.field, exc.value, exc.reason) from None
        now = self.clock()
        async with self.db.transaction() as session:
            row = await self.ensure_channel(session, channel, now)
            slugs = (await self.banks.of(session, row.workspace_id)).resolve_topics(topics or [],
                                                                                   bank)
            row.post_time, row.timezone, row.weekdays = sched.post_time, sched.timezone, sched.weekdays
            row.topics, row.scheduled, row.bank = slugs, True, bank
            row.next_due_at = None if row.paused else schedule.next_due(now, sched)
            return self.schedule_view(row)

    async def set_paused(self, actor: Actor, channel: ChannelRef, paused: bool) -> ScheduleView:
        require_admin(actor, "pause or resume the daily question")
        now = self.clock()
        async with self.db.transaction() as session:
            row = await self.existing_channel(session, channel, for_update=True)
            if not row.scheduled:
                raise errors.ChannelNotSetUp()
            row.paused = paused
            row.next_due_at = None if paused else schedule.next_due(now, schedule_of(row))
            return self.schedule_view(row)

    async def schedule(self, channel: ChannelRef) -> ScheduleView:
        async with self.db.transaction() as session:
            return self.schedule_view(await self.existing_channel(session, channel))

