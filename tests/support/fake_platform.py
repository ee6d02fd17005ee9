"""An in-memory stand-in for a chat platform's message API, for scheduler tests.

It fakes the remote side only (what a platform stores and how it fails); the scheduler, service
and database under test are the real ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.delivery.dispatcher import RateLimited
from bot.service.views import Board, CompetitionView, PostResult, QuestionCard


@dataclass
class FakePlatform:
    messages: dict[str, QuestionCard] = field(default_factory=dict)
    results: list[PostResult] = field(default_factory=list)
    final_boards: list[tuple[CompetitionView, Board]] = field(default_factory=list)
    fail_sends: int = 0  # the next N sends fail before reaching the platform
    lose_replies: int = 0  # the next N sends reach the platform, then the caller dies
    sends: int = 0
    tallies: list[tuple[int, int]] = field(default_factory=list)  # (post id, answered)
    rate_per_second: float = 10_000.0
    one_sender: bool = False  # True: like Discord, one process at a time may send
    waits: list[float] = field(default_factory=list)  # the next sends are told to wait this long

    async def send_question(self, card: QuestionCard) -> str:
        self.sends += 1
        if self.waits:
            raise RateLimited(self.waits.pop(0))
        if self.fail_sends:
            self.fail_sends -= 1
            raise ConnectionError("platform unavailable")
        reference = f"m{len(self.messages) + 1}"
        self.messages[reference] = card
        if self.lose_replies:
            self.lose_replies -= 1
            raise ConnectionError("connection reset after the message was stored")
        return reference

    async def find_sent(self, card: QuestionCard) -> str | None:
        for reference, sent in self.messages.items():
            if sent.post_id == card.post_id:
                return reference
        return None

    async def show_result(self, result: PostResult) -> None:
        self.results.append(result)

    async def show_final_board(self, competition: CompetitionView, board: Board) -> None:
        self.final_boards.append((competition, board))

    async def show_tally(self, card: QuestionCard, answered: int) -> None:
        self.tallies.append((card.post_id, answered))

    def posts_for(self, channel_id: str) -> list[QuestionCard]:
        return [card for card in self.messages.values() if card.channel_id == channel_id]
