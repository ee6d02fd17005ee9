"""The chat layer's router on a real service and a fake platform, for tests that talk to it as a
platform adapter would, and what a reply shows once its Markdown is gone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.bootstrap import registry_for
from bot.chat.markdown import to_plain
from bot.chat.reply import Reply
from bot.chat.router import Router
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.tally import Tally
from bot.service.study import StudyService
from tests.support.fake_platform import FakePlatform


@asynccontextmanager
async def router_on(service: StudyService, platform: FakePlatform) -> AsyncIterator[Router]:
    dispatcher = Dispatcher(service, {"slack": platform})
    tally = Tally(service, dispatcher.show_tally, interval_seconds=0.01)
    router = Router(service, dispatcher, tally, registry_for(service.catalog))
    yield router
    await tally.flush()  # before the database closes under a pending edit
    await router.settle()  # and any team placement after an answer


def shown(reply: Reply) -> str:
    """Every line of the reply as plain text: title, subtitle, lead and body, small print."""
    return "\n".join([reply.title, to_plain(reply.subtitle), reply.text(to_plain),
                      *(to_plain(c) for c in reply.context)])
