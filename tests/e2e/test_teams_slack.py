"""A team competition of Slack user groups end to end: the real `studybot run --platform slack`
process, signed requests as Slack sends them, and the local fake of Slack's Web API, which
answers `usergroups.users.list` with each group's members."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.eventually import eventually
from tests.support.slack.bot import BotProcess, start_bot
from tests.support.slack.driving import click, command
from tests.support.slack.fake import FakeSlack
from tests.support.slack.reading import letter_of, text_of

CHANNEL = "C1"  # where tests.support.slack.driving sends commands and clicks
QUESTION = "k8s.q.crashloop-first-step"


@pytest.fixture(scope="module")
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user("UADMIN", name="ada", is_admin=True)
        for user, name in [("U1", "bea"), ("U2", "cid"), ("U3", "dee"), ("U4", "eve")]:
            fake.add_user(user, name=name)
        fake.usergroups["S0SRE"] = ["U1", "U2"]
        fake.usergroups["S0DEV"] = ["U2", "U3"]  # cid is in both: he counts for the first listed
        yield fake


@pytest.fixture(scope="module")
async def bot(slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory
              ) -> AsyncIterator[BotProcess]:
    process = await start_bot(tmp_path_factory.mktemp("slack-teams"), slack.api_url)
    yield process
    await process.stop()
    assert "Traceback" not in process.log()


async def test_user_groups_compete_best_two_count_and_the_winner_is_announced(bot, slack) -> None:
    started = await command(bot, slack, "study", "competition start cup 3 teams: "
                            "<!subteam^S0SRE|@sre> <!subteam^S0DEV|@dev> best: 2")
    assert "Teams: @sre, @dev (the best 2 of each count)." in text_of(started)
    await command(bot, slack, "study", f"post-now {QUESTION}")
    message = slack.messages(CHANNEL)[-1]
    right = letter_of(QUESTION, True)
    for user in ("U1", "U2", "U3", "U4"):
        assert "+" in text_of(await click(bot, slack, message, right, user))

    async def board() -> str:
        return text_of(await command(bot, slack, "leaderboard", "cup", user="U4"))

    shown = await eventually(board, "@dev")
    # cid (in both groups) counts for @sre, listed first; eve is in no group.
    assert "1. *@sre* — " in shown
    assert "(2 counted · bea " in shown
    assert "2. *@dev* — " in shown
    assert "(1 counted · dee " in shown
    assert "eve" in shown  # she is on the people's board
    # One usergroups.users.list per group, however many people answered (cached 5 minutes).
    asked = [c["usergroup"] for c in slack.calls_to("usergroups.users.list")]
    assert sorted(asked) == ["S0DEV", "S0SRE"]

    sre = text_of(await command(bot, slack, "leaderboard", "cup team: @sre", user="U1"))
    assert "*@sre*:" in sre
    assert "bea" in sre
    assert "cid" in sre
    assert "dee" not in sre

    # eve joins @dev herself: a choice wins where no group placed her.
    joined = await command(bot, slack, "study", "team join dev", user="U4")
    assert "You are in team *@dev* for *cup*." in text_of(joined)
    shown = await board()
    assert "(2 counted · " in shown.split("2. *@dev*")[1].splitlines()[0]

    ended = await command(bot, slack, "study", "competition end cup")
    assert "(final)" in text_of(ended)
    [announced] = [m for m in slack.messages(CHANNEL) if "is over!" in text_of(m)]
    assert "Team *@sre* wins with" in text_of(announced)
