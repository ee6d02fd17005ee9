"""Text to search terms: words, compound and camel-case parts, light stemming, stop words.

The same functions read the entries and the queries, so whatever they do to a word is done on
both sides and only has to be consistent, not linguistically right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A word keeps `_` inside it (for_each, use_lockfile) and is split on everything else, so `:80`,
# `755` and `k8s` survive as words of their own.
_WORD = re.compile(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*")
_APOSTROPHE = re.compile(r"(?<=[A-Za-z])['’](?=[A-Za-z])")
_CAMEL_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
_HAS_DIGIT = re.compile(r"[0-9]")

# Besides the usual English ones, the words that frame a question without saying what it is about
# ("how do you handle ...", "walk me through ..."): rare in entries, so they would weigh a lot.
_STOP_WORDS_TEXT = """
    a about after again all also am an and any are as at be because been before being between
    both but by can could did difference differences do does doing done each else explain for
    from had has have having he her here hers him his how i if in into is it its itself just
    me mine more most my no nor not of on once only or other our ours please same she should so
    some such tell than that the their them then there these they this those through to too
    use used uses using versus very via vs was way ways we were what whats when where which
    while who whom whose why will with would you your yours
    describe handle handles handling happen happens implement implementing know need walk want
    work works
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@dataclass(frozen=True)
class Word:
    """One position in the text: its surface form, its term, and extra terms it also stands for."""

    surface: str
    term: str
    extras: tuple[str, ...] = ()

    @property
    def stop(self) -> bool:
        # Single letters are flags (-c, -f) or the start of a word still being typed.
        return self.surface in STOP_WORDS or (len(self.surface) == 1 and self.surface.isalpha())


def stem(word: str) -> str:
    """A light suffix stripper: enough for pods/pod, restarting/restart, policies/policy to meet."""
    if len(word) <= 3 or _HAS_DIGIT.search(word) or "_" in word:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            # running -> runn -> run, but keep fill/pass/buzz whole.
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if word.endswith("ment") and len(word) >= 9:
        word = word[:-4]
    if word.endswith("e") and len(word) >= 5:
        word = word[:-1]
    return word


def words(text: str) -> list[Word]:
    """The words of text in order, lower-cased, with the parts of compounds as extra terms."""
    result: list[Word] = []
    for match in _WORD.finditer(_APOSTROPHE.sub("", text)):
        raw = match.group()
        surface = raw.lower()
        extras: list[str] = []
        if "_" in surface:
            parts = [p for p in surface.split("_") if p]
            extras.append("".join(parts))
            extras.extend(stem(p) for p in parts if p not in STOP_WORDS)
        elif _is_camel(raw):
            # CrashLoopBackOff, initialDelaySeconds: let "crash loop" or "delay" find them.
            parts = _CAMEL_PART.findall(raw)
            if len(parts) > 1:
                extras.extend(stem(p.lower()) for p in parts if p.lower() not in STOP_WORDS)
        result.append(Word(surface, stem(surface), tuple(extras)))
    return result


def _is_camel(raw: str) -> bool:
    # Plural acronyms (NACLs, ALBs) are not compounds.
    plain = raw.isupper() or raw.islower() or raw[:-1].isupper()
    return not plain and _HAS_DIGIT.search(raw) is None
