"""Words of the raw text: the token pattern, the ``Tok`` record and small text helpers.

The lowest layer of the sources stage: no word lists here (those are in ``configs/sources.yaml``, read by
``lexicon``), only the grammar of tokens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words keep internal apostrophes, hyphens, dots and ampersands ("O'Neill", "al-Sudani", "U.S.", "AT&T");
# a final dot stays on abbreviations ("Mr.", "Sen.").
_TOKEN_RE = re.compile(r"[^\W_](?:[\w]|[.'’\-&](?=\w))*\.?|[^\w\s]", re.UNICODE)
_POSSESSIVE_SUFFIXES = ("'s", "’s")
_POSTMOD_PARTICIPLE = re.compile(r"^[a-z]+(?:ing|ed)$")


def _split_words(text: str) -> list[str]:
    """The tokens of ``text`` as strings."""
    return [m.group() for m in _TOKEN_RE.finditer(text)]


@dataclass(slots=True)
class Tok:
    """One word of a mention; ``low`` drops case, a possessive ending and a final non-abbreviation dot."""

    text: str
    start: int
    end: int
    low: str
    cap: bool  # first letter upper-case in the raw text
    upper: bool  # all letters upper-case (acronym or shouted text)
    poss: bool  # carried a possessive ending ("Trump's", "Davis'")
    proper: bool = False  # decided per document: a name part


def _strip_possessive(word: str) -> tuple[str, bool]:
    """(word without a possessive ending, had one)."""
    for suffix in _POSSESSIVE_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)], True
    return word, False


def _strip_determiner(text: str) -> str:
    """A mention's text without a leading article or demonstrative ("the Lebanese daily" -> "Lebanese daily")."""
    words = text.split()
    if len(words) > 1 and words[0].lower() in ("a", "an", "the", "this", "that", "these", "those"):
        words = words[1:]
    return " ".join(words).strip(" ,;:")
