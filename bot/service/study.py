"""The study service: every use case, each one transaction, taking and returning plain cards.

The use cases live in one module per idea; this class puts them behind one name for the
adapters, the scheduler and the composition root.
"""

from __future__ import annotations

from bot.service.answering import Answering
from bot.service.base import Clock, utc_now
from bot.service.competitions import Competitions
from bot.service.dashboard import Dashboard
from bot.service.item_analysis import ItemAnalysis
from bot.service.lookups import Lookups
from bot.service.own_questions import OwnQuestions
from bot.service.posting import Posting
from bot.service.practice import Practice
from bot.service.requests import Requests
from bot.service.schedules import Schedules
from bot.service.sending import Sending
from bot.service.standings import Standings


class StudyService(Lookups, Schedules, Posting, Answering, Practice, Competitions, Standings,
                   ItemAnalysis, Sending, Dashboard, Requests, OwnQuestions):
    pass


__all__ = ["Clock", "StudyService", "utc_now"]
