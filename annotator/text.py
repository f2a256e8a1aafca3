"""Word and sentence segmentation with character offsets.

Words are the unit the tagger labels and the unit of the word-token metrics: ``\\w+`` runs and single
non-space symbols. This matches the BERT pre-tokenizer closely, so each word maps to whole subword pieces,
and it splits "Kerry’s" into "Kerry", "’", "s", which PolNeAR span boundaries need.
"""

from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from functools import lru_cache
from typing import NamedTuple

WORD_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)


class Word(NamedTuple):
    start: int
    end: int
    text: str


def words(text: str) -> list[Word]:
    """All word tokens of ``text`` with their character offsets (built with ``tuple.__new__``: a NamedTuple's own
    constructor is a Python function, and calling it for every word cost a third of tokenizing)."""
    new = tuple.__new__
    return [new(Word, (m.start(), m.end(), m.group())) for m in WORD_RE.finditer(text)]


@lru_cache(maxsize=1)
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 50_000_000
    return nlp


_BLOCK_RE = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")
_CACHE_CHARS = 4_000_000  # texts kept by the sentence cache, in characters: ten default chunks (400k characters each)
_cache: OrderedDict[str, tuple[tuple[int, int], ...]] = OrderedDict()
_cached_chars = 0


def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence character ranges (trimmed of surrounding whitespace), paragraphs never joined.

    spaCy's rule-based sentencizer knows abbreviations such as "Jan." and "U.S."; blank lines always end
    a sentence because headlines and list items carry no final punctuation. Split once per text: the linker,
    the claims stage and the scorer all ask for the same article's sentences, each stage for a whole chunk of
    articles in turn, so the cache holds texts up to a character budget (a cache of 16 texts was emptied by a
    chunk of 17 before the next stage came back, and every article was split three times).
    """
    global _cached_chars
    found = _cache.get(text)
    if found is not None:
        _cache.move_to_end(text)
        return found
    found = _split(text)
    _cache[text] = found
    _cached_chars += len(text)
    while _cached_chars > _CACHE_CHARS and len(_cache) > 1:
        old, _ = _cache.popitem(last=False)
        _cached_chars -= len(old)
    return found


def _one_sentence(block: str, punct_chars: frozenset[str]) -> bool:
    """True when spaCy's sentencizer cannot split ``block``: it starts a sentence only at a token that is not
    punctuation after a token that is one of its sentence-final characters, so a block with none of them, or
    with nothing but punctuation after the first one, is one sentence; spaCy's tokenizer (most of the cost) is
    then skipped. Exactly the sentencizer's rule, not an approximation of it."""
    for i, ch in enumerate(block):
        if ch in punct_chars:
            return all(unicodedata.category(c).startswith("P") for c in block[i + 1 :])
    return True


def _split(text: str) -> tuple[tuple[int, int], ...]:
    nlp = _sentencizer()
    sentencizer = nlp.get_pipe("sentencizer")
    punct_chars = _punct_chars()
    out: list[tuple[int, int]] = []
    for block in _BLOCK_RE.finditer(text):
        base = block.start()
        piece = block.group()
        if _one_sentence(piece, punct_chars):
            ranges: list[tuple[int, int]] = [(0, len(piece))]
        else:
            ranges = [(s.start_char, s.end_char) for s in sentencizer(nlp.make_doc(piece)).sents]
        for s, e in ranges:
            start, end = base + s, base + e
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                out.append((start, end))
    return tuple(out)


@lru_cache(maxsize=1)
def _punct_chars() -> frozenset[str]:
    return frozenset(_sentencizer().get_pipe("sentencizer").punct_chars)
