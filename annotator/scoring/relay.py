"""Relayed material, attribution by attribution: which information attributions rest on another outlet's
reporting rather than on the story's own.

Why per attribution: a source is often both reached by the story and quoted from elsewhere ("Carson told
CNN ...", then "Carson said in an interview"), and a story built on another outlet's report usually names that
outlet once or twice and then quotes the people in it. Marking a whole source secondhand because one sentence
relays it loses the first case; marking only the outlet loses the second. So each attribution is relayed when

* its source is another outlet's material whatever the sentence says (a ``primary.secondhand_types`` source such
  as a MEDIA_OUTLET, a source named with a media word, or one the sources stage marks secondhand without a
  relaying outlet: "media reports", "a Washington Post report"), or
* its attribution clause (cue or source) lies in a *relay sentence*: a sentence that credits another outlet with the material ("the
  Northern Ledger reported", "according to Politico", "told MSNBC", "in an interview with Fox News"), or that
  matches the ``relayed_interview``, ``leaked_documents`` or ``relayed_report`` patterns ("said on Meet the
  Press", "emails released by WikiLeaks", "reportedly").

Which outlet is "another" outlet is the sources stage's decision, read from the record: outlets it marks as
relaying someone (``relayed_by``), MEDIA_OUTLET sources that are not the reporting outlet, and outlets the text
cites as reporting. An outlet that only *receives* information ("the mayor told the Tarn Courier" in a Courier story) and that the
sources stage never marked as relaying anyone is the reporting outlet's own interview, as is an outlet marked
``reporter`` or named as the record's ``publisher``.

A source counts as relayed (``ScoredSource.secondhand``) when it is another outlet's material or when every
information attribution it carries is relayed: one own interview makes it the story's own source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from annotator.schema import AnnotatedArticle, Attribution, Source
from annotator.scoring.config import ScoringConfig

Range = tuple[int, int]
RELAY_PATTERNS = ("relayed_interview", "leaked_documents", "relayed_report")


def norm_name(text: str | None) -> str | None:
    """An outlet or source name compared case-insensitively, without a leading article or a possessive."""
    if not text:
        return None
    text = re.sub(r"^(the|a|an)\s+", "", text.strip().lower())
    text = re.sub(r"[’'`]s\b", "", text)
    return re.sub(r"\s+", " ", text) or None


def outlet_material(source: Source, cfg: ScoringConfig) -> bool:
    """Another outlet's material whatever the sentence: a secondhand type (MEDIA_OUTLET), a name with a media word
    ("the Iraqi newspaper Al-Mada", "media reports"), or secondhand per the sources stage without a relaying
    outlet ("a Washington Post report citing an Iraqi official")."""
    if source.reporter:
        return False
    if source.type in cfg.primary.secondhand_types or (source.secondhand and not source.relayed_by):
        return True
    if source.type in cfg.primary.media_word_exempt:
        return False  # a named person is a person speaking ("radio host Hugh Hewitt"), whatever their trade
    return any(_media_word(p, m.text) for p in cfg.media_patterns for m in source.mentions)


def _media_word(pattern: re.Pattern[str], text: str) -> bool:
    """A media word describing the source ("the Iraqi newspaper", "media reports"), not part of another name ("the
    watchdog group Media Matters", "the Women's Media Center") or of a compound ("anti-media activists"): inside the
    mention a capitalised media word is a name unless it opens the mention ("Media reports said")."""
    for hit in pattern.finditer(text):
        word, at = hit.group(), hit.start()
        if at > 0 and text[at - 1] == "-":
            continue
        if at > 0 and word != word.lower():
            continue
        return True
    return False


@dataclass
class Outlets:
    """The outlets a story names, split by whose reporting they stand for (see the module docstring)."""

    own: set[str]  # the reporting outlet: ``reporter`` sources, the ``publisher``, outlets only receiving information
    other: set[str]  # other outlets: relaying someone, MEDIA_OUTLET sources, cited as reporting
    mentions: list  # annotator.sources.OutletMention: where the text names an outlet and its role there


def find_outlets(doc: AnnotatedArticle, cfg: ScoringConfig | None = None) -> Outlets:
    from annotator.sources import outlet_mentions

    mentions = outlet_mentions(doc.text)
    sources = doc.sources or []
    own = {n for n in (norm_name(s.name) for s in sources if s.reporter) if n}
    publisher = doc.article.meta.get("publisher")
    names = cfg.publisher_names(publisher) if cfg is not None else ([str(publisher)] if publisher else [])
    own |= {n for n in map(norm_name, names) if n}
    other = {n for n in (norm_name(s.relayed_by) for s in sources) if n}
    other |= {n for n in (norm_name(s.name) for s in sources if s.type == "MEDIA_OUTLET" and not s.reporter) if n}
    other |= {n for n in (norm_name(f.name) for f in mentions if f.reports) if n}
    other -= own
    own |= {n for n in (norm_name(f.name) for f in mentions if f.recipient_at is not None or f.interviewer) if n} - other
    return Outlets(own, other, mentions)


def own_outlet_material(source: Source, outlets: Outlets) -> bool:
    """The reporting outlet's own material named with its name: the outlet itself as a source ("after The Times
    reported ..." in a Times story), its poll ("a New York Times/CBS News poll"), its review or interview; named
    with no other outlet and relayed by none."""
    if not outlets.own:
        return False
    relayed_by = norm_name(source.relayed_by)
    if relayed_by is not None and relayed_by not in outlets.own:
        return False
    if norm_name(source.name) in outlets.own:
        return True
    named = [norm_name(f.name or f.text) for f in outlets.mentions if any(m.start <= f.start and f.end <= m.end for m in source.mentions)]
    return bool(named) and all(n in outlets.own or n not in outlets.other for n in named) and any(n in outlets.own for n in named)


def _names_own(match: str, own: Iterable[str]) -> bool:
    low = match.lower()
    return any(name in low for name in own)


def relay_sentences(doc: AnnotatedArticle, sentence_ranges: Sequence[Range], outlets: Outlets, cfg: ScoringConfig) -> list[Range]:
    """Sentences that credit another outlet with what they carry (see the module docstring); a pattern match naming
    the reporting outlet ("told Reuters" in a Reuters story) is the outlet's own interview, not a relay."""
    text = doc.text
    patterns = [p for kind in RELAY_PATTERNS for p in cfg.signal_patterns[kind]]
    out: list[Range] = []
    for start, end in sentence_ranges:
        relayed = False
        for f in outlets.mentions:
            name = norm_name(f.name or f.text)  # an unnamed outlet by its description ("the Lebanese daily")
            if not (start <= f.start < end) or name is None or name in outlets.own:
                continue
            if f.reports or (f.recipient_at is not None and name in outlets.other):
                relayed = True
                break
        if not relayed:
            sentence = text[start:end]
            relayed = any(not _names_own(m.group(), outlets.own) for p in patterns for m in p.finditer(sentence))
        if relayed:
            out.append((start, end))
    return out


def relayed_attributions(
    doc: AnnotatedArticle,
    attributions: Sequence[Attribution],
    relays: Sequence[Range],
    material: Iterable[str],
    relayed_by: Mapping[str, str],
    sentence_ranges: Sequence[Range],
) -> dict[str, bool]:
    """Attribution id -> relayed: its source is another outlet's material (``material``: source span ids), one of
    its cue or source lies in a relay sentence, or its sentence names the outlet the sources stage says relays its source
    (``relayed_by``: source span id -> outlet)."""
    spans = doc.span_by_id()
    material = set(material)
    text = doc.text.lower()
    out: dict[str, bool] = {}
    for a in attributions:
        # where the attribution clause is: its cue and source ("X told CNN", "according to Politico"); the content
        # only without either (a quote's opening mark may sit at the end of the previous sentence)
        parts = [spans[i] for i in (a.source, a.cue) if i and i in spans] or [spans[i] for i in a.content if i in spans]
        relayed = any(lo <= (p.start + p.end) // 2 < hi for p in parts for lo, hi in relays) or (a.source is not None and a.source in material)
        outlet = norm_name(relayed_by.get(a.source or ""))
        if not relayed and outlet:
            around = [(lo, hi) for lo, hi in sentence_ranges if any(lo <= (p.start + p.end) // 2 < hi for p in parts)]
            relayed = any(outlet in text[lo:hi] for lo, hi in around)
        out[a.id] = relayed
    return out


__all__ = ["RELAY_PATTERNS", "Outlets", "find_outlets", "norm_name", "outlet_material", "own_outlet_material", "relay_sentences", "relayed_attributions"]
