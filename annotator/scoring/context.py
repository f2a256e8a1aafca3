"""What every component reads, computed once per article: the sources that count (with the attributions
each carries), the claims, the reporting signals found in the text, and helpers to cite spans.

Why one object: components are small functions of it, so a component can be added or dropped in config without
any of them re-deciding what the sources stage decided (who is a source, secondhand, the reporting outlet).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotator.schema import ANONYMOUS_TYPES, AnnotatedArticle, Attribution, Claim, Source
from annotator.scoring.config import ScoringConfig

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


def _norm(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"^(the)\s+", "", text.strip().lower())
    text = re.sub(r"[’'`]s\b", "", text)
    return re.sub(r"\s+", " ", text) or None


def is_secondhand(source: Source, cfg: ScoringConfig) -> bool:
    """Another outlet's reporting: marked so by the sources stage, of a secondhand type, or named with a media
    word in any mention ("the Iraqi newspaper Al-Mada", "the regional broadcaster Valley One")."""
    if source.secondhand or source.relayed_by or source.type in cfg.primary.secondhand_types:
        return True
    return any(p.search(m.text) for p in cfg.media_patterns for m in source.mentions)


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


def _mark_relayed(text: str, sentence_ranges: Sequence[Range], sources: list[ScoredSource], doc: AnnotatedArticle, cfg: ScoringConfig) -> None:
    """Relayed material is secondhand: words given in an interview or broadcast to another outlet ("told MSNBC",
    "in an interview with Fox News") and documents leaked or released by others ("emails released by WikiLeaks").
    A match naming the reporting outlet itself ("told Reuters" in a Reuters story) is the outlet's own interview."""
    own = {n for n in (_norm(s.name or "") for s in doc.sources or [] if s.reporter) if n}
    publisher = _norm(str(doc.article.meta.get("publisher") or ""))
    if publisher:
        own.add(publisher)

    def relays(patterns: list[re.Pattern[str]], sentence: str) -> bool:
        for p in patterns:
            for m in p.finditer(sentence):
                if not any(name in m.group().lower() for name in own):
                    return True
        return False

    for s in sources:
        if s.type == "MEDIA_OUTLET":
            continue
        sentences = [_sentence(text, sentence_ranges, a) for a, _ in s.ranges]
        s.relayed_interview = bool(s.relayed_by) or any(relays(cfg.signal_patterns["relayed_interview"], x) for x in sentences)
        s.leaked = any(relays(cfg.signal_patterns["leaked_documents"], x) for x in sentences) and (s.type == "DOCUMENT" or s.secondhand)
        s.secondhand = s.secondhand or s.relayed_interview or s.leaked


def build_context(doc: AnnotatedArticle, cfg: ScoringConfig) -> ScoreContext:
    """Everything the components share, decided once (see the module docstring)."""
    from annotator.sources import distinct_source_count

    text = doc.text
    spans = doc.span_by_id()
    sentence_ranges = doc.sentences
    signals = _signal_sentences(text, sentence_ranges, cfg)
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
        if raw.reporter or (span_ids and all(_inside_any(s, e, signals["methodology"]) for s, e in ranges)):
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
            affiliation=_norm(raw.affiliation),
            name=_norm(raw.name),
            secondhand=is_secondhand(raw, cfg),
            relayed_by=raw.relayed_by,
            ranges=ranges,
            raw=raw,
        )
        sources.append(src)
        for sid in span_ids:
            source_of_span[sid] = src
    _mark_relayed(text, sentence_ranges, sources, doc, cfg)
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
        order={s.id: (s.start, s.end) for s in doc.spans},
    )
