"""Outlet roles in the text: which outlet did the reporting, and which sources told another outlet.

``outlet_mentions`` finds every outlet the text names (or describes: "the Lebanese daily") with its role in
its sentence (``outlet_roles`` patterns of ``configs/sources.yaml``); ``reporting_outlet`` picks the outlet
that did the reporting; ``mark_outlet_roles`` marks its mentions as reporters and sources that told another
outlet as relayed (secondhand).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.schema import AnnotatedArticle
from annotator.sources.context import _context, _DocContext
from annotator.sources.lexicon import DOCUMENT, MEDIA_OUTLET, NAMED_PERSON, REFERENCE, SourceLexicon
from annotator.sources.mentions import Mention
from annotator.sources.outlet_names import _descriptor_match, _doc_outlet_at, _lexicon_outlet_at, described_outlets
from annotator.sources.tokens import Tok, _strip_determiner


@dataclass(slots=True)
class OutletMention:
    """One place where the text names a news outlet (a SOURCE span or not) and what the outlet does there."""

    start: int
    end: int
    name: str | None  # canonical name; None for an unnamed outlet ("a Lebanese daily") that resolves to nothing
    text: str
    recipient_at: int | None = None  # start of "told" in "sources told MEE": the outlet received the information
    interviewer: bool = False  # "Reuters talked to ...", "The New Region interviewed ..."
    reports: bool = False  # "Al-Akhbar reported", "according to Reuters", "Reuters' report"


_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)\]]*\s|\n")


def _sentence_bounds(text: str, start: int, end: int, max_chars: int) -> tuple[int, int]:
    """Rough sentence around ``[start, end)`` (punctuation or line break), at most ``max_chars`` either way."""
    lo = max(0, start - max_chars)
    left = lo
    for m in _SENTENCE_BREAK.finditer(text, lo, start):
        left = m.end()
    m = _SENTENCE_BREAK.search(text, end, min(len(text), end + max_chars))
    return left, (m.start() + 1 if m else min(len(text), end + max_chars))


def outlet_mentions(text: str, lexicon: SourceLexicon | None = None) -> list[OutletMention]:
    """Every outlet the text names (lexicon outlets, outlets it introduces with a descriptor noun, and
    descriptions such as "the Lebanese daily", resolved to the nearest outlet named before), with its role in
    its sentence, tested with the ``outlet_roles`` patterns of ``configs/sources.yaml``."""
    lex = lexicon or SourceLexicon.default()
    ctx = _context(text, lex)
    if ctx.outlets is None:  # the sources stage and the scorer both ask
        ctx.outlets = _outlet_mentions(text, ctx)
    return list(ctx.outlets)


def _outlet_mentions(text: str, ctx: _DocContext) -> list[OutletMention]:
    lex = ctx.lexicon
    toks = ctx.all_tokens
    n = len(toks)
    found: list[OutletMention] = []
    i = 0
    while i < n:
        t = toks[i]
        if t.cap or t.upper:
            # the longest outlet name starting here
            hits = [h for h in (_lexicon_outlet_at(toks, i, lex), _doc_outlet_at(toks, i, ctx)) if h is not None]
            hit = max(hits, key=lambda h: h[0]) if hits else None
            if hit is not None:
                end = hit[0]
                # with its descriptor: "the Iraqi newspaper Al-Mada", "the Northern Ledger newspaper"
                begin = _descriptor_np_start(toks, i, lex)
                after = _descriptor_match(toks, end, lex)
                if after and not _descriptor_continues(toks[after] if after < n else None, lex):
                    end = after
                stop = _end_without_period(toks[end - 1], lex)
                start = toks[begin].start
                found.append(OutletMention(start, stop, hit[1], text[start:stop]))
                i = end
                continue
        if t.low in ("the", "a", "an"):
            end = _descriptor_np_end(toks, i, lex)
            if end:
                # "the Lebanese daily", "the newspaper": the outlet named last before, if any
                earlier = next((f.name for f in reversed(found) if f.name and t.start - f.end <= lex.description_window), None)
                stop = _end_without_period(toks[end - 1], lex)
                found.append(OutletMention(t.start, stop, earlier, text[t.start : stop]))
                i = end
                continue
        i += 1
    roles = lex.outlet_roles
    for f in found:
        lo, hi = _sentence_bounds(text, f.start, f.end, lex.sentence_max_chars)
        before, after = text[lo : f.start], text[f.end : hi]
        for p in roles["recipient_before"]:
            m = p.search(before)
            if m:
                f.recipient_at = lo + m.start()
                break
        if f.recipient_at is None and any(p.search(after) for p in roles["event_after"]):
            m = next((m for p in roles["event_before"] if (m := p.search(before))), None)
            if m:  # "during a CNN town hall", "on Fox News Sunday": what is said there is the broadcast's
                f.recipient_at = lo + m.start()
        f.interviewer = any(p.search(after) for p in roles["interviewer_after"])
        f.reports = any(p.search(after) for p in roles["reports_after"]) or any(p.search(before) for p in roles["reports_before"])
    return found


def _end_without_period(tok: Tok, lex: SourceLexicon) -> int:
    """End offset of ``tok`` without a sentence-final period (kept on abbreviations: "Mr.", "U.S.")."""
    if tok.text.endswith(".") and tok.low not in lex.titles and not re.fullmatch(r"(?:\w\.)+", tok.low):
        return tok.end - 1
    return tok.end


def _descriptor_np_start(toks: list[Tok], i: int, lex: SourceLexicon) -> int:
    """Index where "the [modifiers] descriptor" right before ``toks[i]`` begins ("the Iraqi newspaper" before
    "Al-Mada"), or ``i`` when no descriptor precedes the name."""
    for k in (1, 2, 3):
        if i - k >= 0 and _descriptor_match(toks, i - k, lex) == i:
            j = i - k
            while j - 1 >= 0 and i - k - j < 3:
                prev = toks[j - 1]
                if prev.low in ("the", "a", "an"):
                    return j - 1
                modifier = prev.text.islower() or prev.text.lower() in lex.places or "-" in prev.text  # "pro-Hezbollah"
                if not prev.text[0].isalpha() or prev.poss or prev.low in lex.words["function_words"] or not modifier:
                    break
                j -= 1
            return i - k
    return i


def _descriptor_np_end(toks: list[Tok], i: int, lex: SourceLexicon) -> int:
    """End index of "the/a/an [modifiers] descriptor" at ``toks[i]`` when the descriptor is the head and no name
    follows it ("the Lebanese daily said"; not "the newspaper Al-Mada", "the newspaper's editor"), else 0."""
    n = len(toks)
    j = i + 1
    while j < n and j - i <= 4:
        end = _descriptor_match(toks, j, lex)
        if end:
            nxt = toks[end] if end < n else None
            if toks[end - 1].poss or _descriptor_continues(nxt, lex):
                return 0
            return end
        tok = toks[j]
        if not tok.text[0].isalpha() or tok.low in lex.words["function_words"] or tok.poss or not (tok.text.islower() or tok.text.lower() in lex.places):
            return 0
        j += 1
    return 0


def _descriptor_continues(nxt: Tok | None, lex: SourceLexicon) -> bool:
    """What follows a descriptor continues the phrase: a name or another noun ("newspaper editor")."""
    if nxt is None:
        return False
    if nxt.cap or nxt.upper:
        return True
    return nxt.text.islower() and any(nxt.low in lex.words[k] for k in ("person_nouns", "document_nouns", "organization_nouns"))


def reporting_outlet(outlets: Sequence[OutletMention], described: Iterable[str] = (), broadcasters: Iterable[str] = ()) -> str | None:
    """The outlet that did the reporting: it receives or asks for information ("sources told MEE", "Reuters
    talked to") more often than it is cited as reporting, and the article never introduces it with a descriptor
    (``described``, e.g. ``outlet_names.described_outlets(ctx)``: "the Lebanese newspaper Al-Akhbar" is another outlet). Several candidates: one never cited
    as reporting ("the AP article" marks another outlet), then the one with most such mentions, then the first
    named."""
    described = set(described)
    broadcast = {b.lower() for b in broadcasters}  # a broadcaster that only received information is being quoted
    interviews: dict[str, int] = {}
    asks: dict[str, int] = {}
    cited: dict[str, int] = {}
    first: dict[str, int] = {}
    for f in outlets:
        if f.name is None:
            continue
        first.setdefault(f.name, f.start)
        if f.recipient_at is not None or f.interviewer:
            asks[f.name] = asks.get(f.name, 0) + 1
            interviews[f.name] = interviews.get(f.name, 0) + f.interviewer
        elif f.reports:
            cited[f.name] = cited.get(f.name, 0) + 1
    candidates = [
        name for name, k in asks.items() if k > cited.get(name, 0) and name not in described and (name.lower() not in broadcast or interviews.get(name, 0) > 0)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda name: (cited.get(name, 0) > 0, -asks[name], first[name]))


def _dateline_outlet(doc: AnnotatedArticle, outlets: Sequence[OutletMention]) -> str | None:
    """The outlet a dateline or credit line names ("WASHINGTON (AP) —", "Reporting by ... ; Editing by ...
    (Reuters)"): the reporting outlet, whatever the body says."""
    for f in doc.article.meta.get("furniture") or []:
        if f.kind not in ("dateline", "credit"):
            continue
        named = [o.name for o in outlets if o.name and f.start <= o.start and o.end <= f.end]
        if named:
            return named[0]
    return None


def meta_publisher(doc: AnnotatedArticle, lex: SourceLexicon) -> str | None:
    """The publisher the input names (``article.meta["publisher"]``, e.g. a ``publisher`` column), as the outlet
    lexicon spells it; None when the input does not say."""
    name = str(doc.article.meta.get("publisher") or "").strip()
    if not name:
        return None
    low = name.lower()
    return lex.outlets.get(low) or lex.outlets.get(low.removeprefix("the ")) or name


def _staff_of(text: str, m: Mention, start: int, outlets: Sequence[OutletMention], publisher: str | None, lex: SourceLexicon) -> bool:
    """The reporting outlet opens the person's span, after at most "the", and no "former" (``words.left_post_words``)
    says they left: "The Ledger's Ana Roe", "Ledger Metro editor Ana Roe" in the Ledger are its own journalists."""
    start = min(start, m.start)
    opening = [f for f in outlets if start <= f.start < m.end and text[start : f.start].strip().lower() in ("", "the")]
    low = text[start : m.end].lower()  # words and hyphenated words: "ex" of "ex-editor", "one-time"
    left = any(w in lex.words["left_post_words"] for w in re.findall(r"\w+", low) + re.findall(r"\w+(?:-\w+)+", low))
    return bool(opening) and same_outlet(opening[0].name, publisher) and not left


def same_outlet(name: str | None, publisher: str | None) -> bool:
    """``name`` is the publisher, or a short form of it ("the Times" in The New York Times, "the Post")."""
    if not name or not publisher:
        return False
    words = set(name.lower().split()) - {"the"}
    return name == publisher or bool(words) and words <= set(publisher.lower().split())


def _name_described_outlets(text: str, mentions: Sequence[Mention], outlets: Sequence[OutletMention], lex: SourceLexicon) -> None:
    """ "The magazine said" after "Harbour Living magazine": a definite outlet noun the text named an outlet with
    before is that outlet (type, name and key), so it is typed and clustered as the outlet."""
    for m in mentions:
        if m.type != REFERENCE or not m.definite or m.pronoun or m.head not in lex.words["media_nouns"]:
            continue
        here = next((f for f in outlets if f.start == m.start and f.name), None)
        if here is None:
            continue
        earlier = [f for f in outlets if f.name == here.name and f.end <= m.start]
        if not any(m.head in re.findall(r"\w+", text[f.start : f.end + len(m.head) + 1].lower()) for f in earlier):
            continue  # named before, but not with this noun: "the newspaper" is not the magazine
        m.type, m.name, m.key = MEDIA_OUTLET, here.name, "outlet:" + here.name.lower()
        m.affiliation = m.affiliation or here.name


def mark_outlet_roles(doc: AnnotatedArticle, mentions: Sequence[Mention], ctx: _DocContext) -> str | None:
    """Mark mentions of the reporting outlet (``reporter``) and sources that told another outlet
    (``relayed_by``); return the reporting outlet's name (None when neither the input nor the text shows it).
    A publisher the input names wins over one read from the text."""
    text = doc.text
    outlets = outlet_mentions(text, ctx.lexicon)
    given = meta_publisher(doc, ctx.lexicon)
    if not outlets:
        return given
    publisher = given or _dateline_outlet(doc, outlets) or reporting_outlet(outlets, described_outlets(ctx), ctx.lexicon.words["broadcast_outlets"])
    _name_described_outlets(text, mentions, outlets, ctx.lexicon)
    by_span = {m.span_id: m for m in mentions}
    span_start = {s.id: s.start for s in doc.spans}  # a possessive may have been split off: "[The Ledger's] Ana Roe"
    spans = sorted(mentions, key=lambda m: m.start)
    for m in mentions:
        inside = [f for f in outlets if m.start <= f.start and f.end <= m.end]
        if m.type == MEDIA_OUTLET and publisher is not None and any(same_outlet(f.name, publisher) for f in inside):
            m.reporter = True
        elif m.type == DOCUMENT and inside and all(same_outlet(f.name, publisher) for f in inside) and m.head in ctx.lexicon.words["own_work_nouns"]:
            m.reporter = True  # "A Ledger analysis of the filings" in the Ledger: the outlet's own reporting, not a source
        elif m.type == NAMED_PERSON and _staff_of(text, m, span_start.get(m.span_id, m.start), outlets, publisher, ctx.lexicon):
            m.reporter = True  # "the Ledger's Ana Roe", "Ledger Metro editor Ana Roe" in the Ledger: its own journalist
        elif m.secondhand and publisher is not None:
            # the reporting outlet named inside a mention is not relaying: its own earlier report ("a Reuters
            # investigation last year"), someone who worked "at the Courier's request"
            if inside and all(same_outlet(f.name, publisher) for f in inside):
                m.secondhand = False
    cue_spans = {a.cue: a.source for a in doc.attributions if a.cue and a.source}
    cues = [(s.start, s.end, cue_spans[s.id]) for s in doc.spans if s.id in cue_spans]
    for f in outlets:
        if same_outlet(f.name, publisher):
            continue
        if f.recipient_at is None and not f.interviewer:
            continue
        label = f.name or _strip_determiner(f.text)
        lo, hi = _sentence_bounds(text, f.start, f.end, ctx.lexicon.sentence_max_chars)
        targets: list[Mention] = []
        if f.recipient_at is not None:
            # the source of the attribution whose cue is the verb ("told"), else the subject before the verb,
            # else the speaker after it ("In an interview with Al-Akhbar, the commander said ...")
            via_cue = [by_span.get(src) for s, e, src in cues if s < f.start and e > f.recipient_at]
            targets = [m for m in via_cue if m is not None and not m.reporter]
            if not targets:
                before = [m for m in spans if lo <= m.start and m.end <= f.recipient_at and m.type != MEDIA_OUTLET]
                after = [m for m in spans if f.end <= m.start and m.end <= hi and m.type != MEDIA_OUTLET]
                targets = before[-1:] or after[:1]
        else:
            targets = [m for m in spans if f.end <= m.start and m.end <= hi and m.type != MEDIA_OUTLET]
        for m in targets:
            if m.relayed_by is None:
                m.relayed_by = label
                m.secondhand = True
    return publisher
