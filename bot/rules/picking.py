"""Which question a channel gets next: no repeat until its eligible bank is used up."""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence


def pick_question(
    eligible: Sequence[str], history: Sequence[str], seed: int, avoid: Collection[str] = ()
) -> str | None:
    """Pick from `eligible` (ids in the channel's topic filter) given the channel's posted ids,
    oldest first. A question comes back only once every eligible one has been posted since it
    was last posted; ids no longer in the bank are ignored, so content edits are harmless.
    Ids in `avoid` (questions the item analysis flags) are left out of the bank, unless that
    leaves nothing: a channel always gets its question. The choice is random but reproducible
    from `seed`."""
    if not eligible:
        return None
    pool = set(eligible).difference(avoid) or set(eligible)
    relevant = [q for q in history if q in pool]
    # Count complete passes over the bank; what is left to post is whatever the current,
    # unfinished pass has not shown yet.
    seen: set[str] = set()
    for question in relevant:
        if question in seen or len(seen) == len(pool):
            seen = set()
        seen.add(question)
    if len(seen) == len(pool):
        seen = set()
    candidates = sorted(pool - seen)
    if len(candidates) > 1 and relevant:
        # At the start of a new pass, do not repeat yesterday's question.
        candidates = [q for q in candidates if q != relevant[-1]] or candidates
    return random.Random(seed).choice(candidates)
