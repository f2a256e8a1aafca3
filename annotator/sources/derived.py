"""Sources the tagger does not mark as SOURCE spans but the text names plainly.

* **Methodology statements**: "For this story, the Gazette spoke to three union officials, a senior port manager
  and two shipping agents", "the Courier ... reviewed more than 300 pages of inspection records":
  each counted group or document the reporting outlet says it used is a source.
* **Cited sources**: "Reuters' report, which cited ten sources", "a Washington Post report ... citing an Iraqi
  official": whoever another report cites is a (secondhand) source too.

Both give character ranges of noun phrases; the stage analyses them like SOURCE spans. Patterns and limits live in
``configs/sources.yaml`` (``derived``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.sources.lexicon import SourceLexicon

_NEW_PHRASE = re.compile(r"\band\s+(?=(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+|more|several|dozens?)\b)")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?](?!\s+[A-Z\"“])[^.!?\n]*)*[.!?]?")


@dataclass(frozen=True, slots=True)
class DerivedRange:
    """A noun phrase naming a source, and how it was found (``methodology`` or ``cited``)."""

    start: int
    end: int
    how: str
    anchor: int = -1  # for ``cited``: offset of the citing mention's span start


def _pieces(text: str, start: int, end: int, lex: SourceLexicon) -> list[tuple[int, int]]:
    """Noun phrases of a list ("three union officials, two port managers and two shipping agents"): split at commas,
    and at "and" when a new counted or determined phrase follows; each cut at a relative clause or a verb form
    from ``derived.phrase_stops``."""
    cfg = lex.derived
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"[^,;]+", text[start:end]):
        a, b = start + m.start(), start + m.end()
        chunk = text[a:b]
        cuts = [0] + [k.start() for k in _NEW_PHRASE.finditer(chunk)]
        cuts.append(len(chunk))
        for x, y in zip(cuts, cuts[1:], strict=False):
            piece = chunk[x:y]
            piece = re.sub(r"^\s*(?:and|to|with)\s+", lambda mm: " " * len(mm.group()), piece)
            stop = cfg["phrase_stops"].search(piece)
            if stop:
                piece = piece[: stop.start()]
            stripped = piece.strip(" \t.:")
            if not stripped or len(stripped.split()) > cfg["max_phrase_words"]:
                continue
            lead = piece.index(stripped)
            out.append((a + x + lead, a + x + lead + len(stripped)))
    return out


def _is_source_phrase(phrase: str, lex: SourceLexicon) -> bool:
    """A counted group or a document: a number or quantity, and a person, group or document noun."""
    words = [w.lower().strip(".,") for w in phrase.split()]
    nouns = lex.words["person_nouns"] | lex.words["document_nouns"] | lex.words["group_nouns"]
    has_noun = any(lex.lemma(w)[0] in nouns or w in nouns for w in words)
    counted = any(w.isdigit() or w in lex.number_words or w in ("a", "an", "one", "several", "more", "dozens", "many") for w in words)
    return has_noun and counted


def methodology_ranges(text: str, lex: SourceLexicon, publisher: str | None) -> list[DerivedRange]:
    """Sources named in methodology statements (see the module docstring)."""
    cfg = lex.derived
    out: list[DerivedRange] = []
    for sent in _SENTENCE.finditer(text):
        s = sent.group()
        verbs = list(cfg["methodology_verbs"].finditer(s))
        if not verbs:
            continue
        subject = s[: verbs[0].start()]
        own = cfg["methodology_lead"].search(subject) or cfg["reporter_subjects"].search(subject)
        if not own and not (publisher and publisher.lower() in subject.lower()):
            continue
        for k, verb in enumerate(verbs):
            stop = verbs[k + 1].start() if k + 1 < len(verbs) else len(s)
            for a, b in _pieces(s, verb.end(), stop, lex):
                if _is_source_phrase(s[a:b], lex):
                    out.append(DerivedRange(sent.start() + a, sent.start() + b, "methodology"))
    return out


def cited_ranges(text: str, anchors: list[tuple[int, int]], lex: SourceLexicon) -> list[DerivedRange]:
    """Whoever a cited report cites: inside a source mention or right after it ("..., which cited ten sources")."""
    cfg = lex.derived
    out: list[DerivedRange] = []
    for start, end in anchors:
        window = text[start : min(len(text), end + cfg["cited_window_chars"])]
        sentence_end = re.search(r"[.!?](?:\s|$)|\n", window[end - start :])
        if sentence_end:
            window = window[: end - start + sentence_end.start()]
        for m in cfg["cited_markers"].finditer(window):
            pieces = _pieces(window, m.end(), len(window), lex)
            if pieces:
                a, b = pieces[0]
                phrase = window[a:b]
                words = [w.lower() for w in phrase.split()]
                nouns = lex.words["person_nouns"] | lex.words["document_nouns"] | lex.words["group_nouns"]
                if any(lex.lemma(w)[0] in nouns for w in words):
                    out.append(DerivedRange(start + a, start + b, "cited", start))
    return out
