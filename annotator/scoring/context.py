"""What every component reads, computed once per article: the sources that count (with the attributions
each carries), which attributions are relayed from other outlets (``annotator.scoring.relay``), the claims, the
reporting signals found in the text, and helpers to cite spans.

Why one object: components are small functions of it, so a component can be added or dropped in config without
any of them re-deciding what the sources stage decided (who is a source, secondhand, the reporting outlet).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotator.schema import ANONYMOUS_TYPES, AnnotatedArticle, Attribution, Claim, Source
from annotator.scoring.config import ScoringConfig
from annotator.scoring.relay import Outlets, find_outlets, norm_name, outlet_material, own_outlet_material, relay_sentences, relayed_attributions

Range = tuple[int, int]


@dataclass
class ScoredSource:
    """One source as the score sees it: type, how many people it stands for, how many attributions rest on it."""

    id: str
    type: str
    specificity: float
    people: int
    weight: int
    span_ids: list[str]
    affiliation: str | None
    name: str | None
    secondhand: bool
    relayed_by: str | None
    ranges: list[Range]
    raw: Source
    relayed_interview: bool = False  # words from an interview or broadcast given to another outlet
    leaked: bool = False  # documents leaked, hacked or released by others

    @property
    def anonymous(self) -> bool:
        return self.type in ANONYMOUS_TYPES

    @property
    def known(self) -> bool:
        return self.type != "REFERENCE"  # an unresolved pronoun says nothing about type


@dataclass
class ScoreContext:
    """The article, its information attributions, the sources that count, its claims and reporting signals."""

    doc: AnnotatedArticle
    cfg: ScoringConfig
    sentence_ranges: list[Range]
    signals: dict[str, list[Range]]
    attributions: list[Attribution]
    sources: list[ScoredSource]
    source_of_span: dict[str, ScoredSource]
    claims: list[Claim]
    attributed_claims: list[Claim]
    relayed: dict[str, bool] = field(default_factory=dict)  # information attribution id -> rests on another outlet
    relays: list[Range] = field(default_factory=list)  # sentences that credit another outlet with their material
    order: dict[str, Range] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.doc.text

    @property
    def known(self) -> list[ScoredSource]:
        return [s for s in self.sources if s.known]

    @property
    def own(self) -> list[ScoredSource]:
        """Known sources the story reached itself, not through another outlet's reporting."""
        return [s for s in self.known if not s.secondhand]

    @property
    def own_attributed_claims(self) -> list[Claim]:
        """Attributed claims whose attribution is the story's own, not relayed from another outlet."""
        return [c for c in self.attributed_claims if not self.relayed.get(c.attribution or "")]

    def attribution_source(self, attribution: Attribution) -> ScoredSource | None:
        return self.source_of_span.get(attribution.source) if attribution.source else None

    def sort_ids(self, ids: Iterable[str]) -> list[str]:
        return sorted({i for i in ids if i in self.order}, key=lambda i: self.order[i])

    def spans_in(self, ranges: Sequence[Range]) -> list[str]:
        return [s.id for s in self.doc.spans if any(_overlaps((s.start, s.end), r) for r in ranges)]

    def sentence_of(self, start: int) -> str:
        for a, b in self.sentence_ranges:
            if a <= start < b:
                return self.text[a:b]
        return ""


def _overlaps(a: Range, b: Range) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _inside_any(start: int, end: int, ranges: Sequence[Range]) -> bool:
    return any(lo <= start and end <= hi for lo, hi in ranges)


def _signal_sentences(text: str, ranges: Sequence[Range], cfg: ScoringConfig) -> dict[str, list[Range]]:
    found: dict[str, list[Range]] = {k: [] for k in cfg.signal_patterns}
    for start, end in ranges:
        sentence = text[start:end]
        for name, patterns in cfg.signal_patterns.items():
            if any(p.search(sentence) for p in patterns):
                found[name].append((start, end))
    return found


_COUNT_WORD = re.compile(r"[A-Za-z][\w’'\-.]*|\d+")


def methodology_people(text: str, ranges: Sequence[Range], cfg: ScoringConfig) -> int:
    """People counted in methodology sentences: "three union officials, a senior port manager" -> 4.

    A number (digits, a number word, or a singular determiner such as "a") followed within
    ``methodology_counts.max_words_between`` words by a people noun; both vocabularies are the sources lexicon's.
    """
    from annotator.sources.lexicon import SourceLexicon

    lex = SourceLexicon.default()
    people, singular = lex.words["person_nouns"], lex.words["singular_determiners"]
    reach = cfg.methodology_counts.max_words_between + 1
    total = 0
    for start, end in ranges:
        tokens = [t.lower() for t in _COUNT_WORD.findall(text[start:end])]
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            value = int(tok) if tok.isdigit() else lex.number_words.get(tok, 1 if tok in singular else 0)
            head = next((j for j in range(i + 1, min(len(tokens), i + 1 + reach)) if lex.lemma(tokens[j])[0] in people), None)
            if value and head is not None:
                total += min(value, cfg.breadth.max_methodology_count)
                i = head + 1
            else:
                i += 1
    return total


def _information(doc: AnnotatedArticle, cfg: ScoringConfig) -> list[Attribution]:
    """Attributions of information that carry it: stance ones (wish, belief, action) and refusals make no
    source; with ``sources.skip_non_answers`` a cue and content matching a sought_comment pattern is a refusal too."""
    spans = doc.span_by_id()
    out = []
    for a in doc.attributions:
        if a.kind != "information" or a.declined:
            continue
        if cfg.sources.skip_non_answers:
            parts = [doc.text[spans[i].start : spans[i].end] for i in [a.cue, *a.content] if i and i in spans]
            if parts and any(p.search(" ".join(parts)) for p in cfg.signal_patterns["sought_comment"]):
                continue
        out.append(a)
    return out


def _sentence(text: str, ranges: Sequence[Range], start: int) -> str:
    for a, b in ranges:
        if a <= start < b:
            return text[a:b]
    return ""


def _mark_relayed(text: str, sentence_ranges: Sequence[Range], sources: list[ScoredSource], outlets: Outlets, cfg: ScoringConfig) -> None:
    """The flags' view of relayed material, source by source: words given in an interview or broadcast to another
    outlet ("told MSNBC", "in an interview with Fox News"; ``relayed_interview``) and documents leaked or released
    by others ("emails released by WikiLeaks"; ``leaked``). A match naming the reporting outlet itself ("told
    Reuters" in a Reuters story) is the outlet's own interview."""

    def relays(patterns: list[re.Pattern[str]], sentence: str) -> bool:
        return any(not any(name in m.group().lower() for name in outlets.own) for p in patterns for m in p.finditer(sentence))

    for s in sources:
        if s.type == "MEDIA_OUTLET":
            continue
        sentences = [_sentence(text, sentence_ranges, a) for a, _ in s.ranges]
        relayed_by = norm_name(s.relayed_by)
        s.relayed_interview = (relayed_by is not None and relayed_by not in outlets.own) or any(
            relays(cfg.signal_patterns["relayed_interview"], x) for x in sentences
        )
        s.leaked = any(relays(cfg.signal_patterns["leaked_documents"], x) for x in sentences) and (s.type == "DOCUMENT" or s.secondhand or bool(s.relayed_by))


def _mark_secondhand(sources: list[ScoredSource], info: Sequence[Attribution], relayed: dict[str, bool], source_of_span: dict[str, ScoredSource]) -> None:
    """A source is secondhand when it is another outlet's material (set already) or every information attribution
    it carries is relayed (annotator.scoring.relay); a source no attribution uses keeps the sources stage's
    relaying outlet. The flags' ``relayed_interview`` and ``leaked`` hold only for secondhand sources."""
    flags: dict[str, list[bool]] = {}
    for a in info:
        src = source_of_span.get(a.source) if a.source else None
        if src is not None:
            flags.setdefault(src.id, []).append(relayed[a.id])
    for s in sources:
        own_flags = flags.get(s.id)
        s.secondhand = s.secondhand or (all(own_flags) if own_flags else bool(s.relayed_by))
        # one interview with the story's own reporter: not a write-up of words given to others
        s.relayed_interview = s.relayed_interview and s.secondhand
        s.leaked = s.leaked and s.secondhand


def build_context(doc: AnnotatedArticle, cfg: ScoringConfig) -> ScoreContext:
    """Everything the components share, decided once (see the module docstring)."""
    from annotator.sources import distinct_source_count

    text = doc.text
    spans = doc.span_by_id()
    sentence_ranges = doc.sentences
    signals = _signal_sentences(text, sentence_ranges, cfg)
    outlets = find_outlets(doc, cfg)
    own_documents = cfg.own_documents_pattern(outlets.own)
    if own_documents is not None:
        found = [r for r in sentence_ranges if r not in signals["documents_obtained"] and own_documents.search(text[r[0] : r[1]])]
        signals["documents_obtained"] = sorted(signals["documents_obtained"] + found)
    info = _information(doc, cfg)
    carried: dict[str, int] = {}
    for a in info:
        if a.source is not None:
            carried[a.source] = carried.get(a.source, 0) + 1
    sources: list[ScoredSource] = []
    source_of_span: dict[str, ScoredSource] = {}
    max_spec = cfg.transparency.max_specificity
    for raw in doc.sources or []:
        ranges = [(m.start, m.end) for m in raw.mentions]
        span_ids = [m.span for m in raw.mentions if m.span in spans]
        own_material = own_outlet_material(raw, outlets)
        if raw.reporter or (own_material and raw.type == "MEDIA_OUTLET") or (span_ids and all(_inside_any(s, e, signals["methodology"]) for s, e in ranges)):
            continue  # the reporting outlet itself ("Reuters talked to ...", "told MEE"), not a source
        n_attr = sum(carried.get(sid, 0) for sid in span_ids)
        derived = bool(ranges) and not span_ids  # named in a methodology or a citing sentence, not a tagged span
        if n_attr == 0 and not derived and not cfg.sources.count_unlinked:
            continue  # a SOURCE span that no information attribution uses
        src = ScoredSource(
            id=raw.id,
            type=raw.type,
            specificity=max(0.0, min(1.0, raw.specificity / max_spec)),
            people=distinct_source_count([raw]),
            weight=max(1, n_attr),
            span_ids=span_ids,
            affiliation=norm_name(raw.affiliation),
            name=norm_name(raw.name),
            secondhand=outlet_material(raw, cfg) and not own_material,
            relayed_by=None if own_material else raw.relayed_by,
            ranges=ranges,
            raw=raw,
        )
        sources.append(src)
        for sid in span_ids:
            source_of_span[sid] = src
    relays = relay_sentences(doc, sentence_ranges, outlets, cfg)
    material = [sid for s in sources if s.secondhand for sid in s.span_ids]
    relayed_by = {sid: s.relayed_by for s in sources if s.relayed_by for sid in s.span_ids}
    relayed = relayed_attributions(doc, info, relays, material, relayed_by, sentence_ranges)
    _mark_relayed(text, sentence_ranges, sources, outlets, cfg)
    _mark_secondhand(sources, info, relayed, source_of_span)
    reporting = signals["methodology"] + signals["sought_comment"]
    min_cw = cfg.coverage.min_checkworthy
    claims = [c for c in (doc.claims or []) if c.checkworthy >= min_cw and not any(_overlaps((c.start, c.end), r) for r in reporting)]
    info_ids = {a.id for a in info}
    attributed = [c for c in claims if c.attribution in info_ids]
    return ScoreContext(
        doc=doc,
        cfg=cfg,
        sentence_ranges=sentence_ranges,
        signals=signals,
        attributions=info,
        sources=sources,
        source_of_span=source_of_span,
        claims=claims,
        attributed_claims=attributed,
        relayed=relayed,
        relays=relays,
        order={s.id: (s.start, s.end) for s in doc.spans},
    )
