"""Any reply fits one Slack message: per-block limits, 50 blocks, and the total text Slack takes
(about 13,200 characters of block text, refused beyond with msg_blocks_too_long)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.chat import replies
from bot.chat.reply import Reply
from bot.platforms.slack import blocks
from bot.service.views import LookupResult

ENTITY_OR_TOKEN_CUT = re.compile(r"&[a-z]{0,4}$|<[^>]*$|^[a-z]{0,4};|^[^<]*>")


def texts(rendered: blocks.Blocks) -> list[str]:
    found = []
    for block in rendered:
        if block["type"] == "section":
            found.append(block["text"]["text"])
        for element in block.get("elements", []):
            found.append(element["text"]["text"] if element["type"] == "button" else element["text"])
    return found


def fits(reply: Reply) -> None:
    rendered = blocks.render(reply)
    assert len(rendered) <= blocks.MAX_BLOCKS
    assert sum(map(len, texts(rendered))) <= blocks.BLOCKS_TEXT
    assert all(0 < len(b["text"]["text"]) <= blocks.SECTION_LIMIT
               for b in rendered if b["type"] == "section")


def test_a_100000_character_lookup_fits_and_still_says_what_happened() -> None:
    reply = replies.lookup(LookupResult("k" * 100_000, None, ()))
    fits(reply)
    assert "No entry matches" in blocks.render(reply)[0]["text"]["text"]


def test_a_huge_body_is_cut_between_escapes_and_marked() -> None:
    reply = Reply(title="Big", body="a&b <c> " * 20_000)
    fits(reply)
    sections = [t for t in texts(blocks.render(reply))]
    assert sections[-1].endswith("…")
    for text in sections:
        assert not ENTITY_OR_TOKEN_CUT.search(text.rstrip("…")), text[-20:]


def test_a_long_line_is_split_between_sections_at_whole_escapes() -> None:
    rendered = blocks.render(Reply(body="&" * 5_000))  # one line of 25,000 escaped characters
    for text in texts(rendered):
        assert re.fullmatch(r"(&amp;)+…?", text), text[-20:]


@settings(max_examples=50)
@given(st.text(alphabet="ab&<>*_\n ", max_size=60_000), st.lists(st.text(max_size=3_000),
                                                                   max_size=5))
def test_any_reply_fits(body: str, context: list[str]) -> None:
    fits(Reply(title="t", body=body, context=tuple(context)))
