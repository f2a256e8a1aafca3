"""Word and sentence segmentation with character offsets.

Words are the unit the tagger labels and the unit of the word-token metrics: ``\\w+`` runs and single
non-space symbols. This matches the BERT pre-tokenizer closely, so each word maps to whole subword pieces,
and it splits "Kerry’s" into "Kerry", "’", "s", which PolNeAR span boundaries need.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

WORD_RE = re.compile(r"\w+|[^\w\s]", re.UNICODE)


class Word(NamedTuple):
    start: int
    end: int
    text: str


def words(text: str) -> list[Word]:
    """All word tokens of ``text`` with their character offsets."""
    return [Word(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(text)]


@lru_cache(maxsize=1)
def _sentencizer():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 50_000_000
    return nlp


def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence character ranges (trimmed of surrounding whitespace), paragraphs never joined.

    spaCy's rule-based sentencizer knows abbreviations such as "Jan." and "U.S."; blank lines always end
    a sentence because headlines and list items carry no final punctuation. Split once per text: the linker,
    the claims stage and the scorer all ask for the same article's sentences (a small cache keyed on the text).
    """
    return _sentences(text)


@lru_cache(maxsize=16)
def _sentences(text: str) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for block in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        base = block.start()
        doc = _sentencizer()(block.group())
        for sent in doc.sents:
            start = base + sent.start_char
            end = base + sent.end_char
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                out.append((start, end))
    return tuple(out)
