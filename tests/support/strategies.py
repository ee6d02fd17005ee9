"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

from datetime import time

from hypothesis import strategies as st

from bot.rules.schedule import ALL_DAYS, Schedule

ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
         "America/St_Johns", "Pacific/Chatham", "Europe/Berlin", "Asia/Tokyo"]


schedules = st.builds(
    Schedule,
    post_time=st.times().map(lambda t: t.replace(second=0, microsecond=0)) | st.sampled_from(
        [time(2, 30), time(1, 30), time(0, 0), time(23, 59)]),
    timezone=st.sampled_from(ZONES),
    weekdays=st.integers(min_value=1, max_value=ALL_DAYS),
)
