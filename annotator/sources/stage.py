"""The sources stage itself: type every SOURCE span of an article, mark outlet roles, cluster, build records."""

from __future__ import annotations

import bisect
import re

from annotator.layout import in_furniture
from annotator.schema import AnnotatedArticle, Source, Span
from annotator.sources.clustering import cluster_mentions
from annotator.sources.context import _context
from annotator.sources.derived import (
    DerivedRange,
    _is_source_phrase,
    _pieces,
    according_ranges,
    antecedent_ranges,
    cited_ranges,
    finding_ranges,
    labelled_ranges,
    methodology_ranges,
    nested_ranges,
    passive_ranges,
    poll_frame_ranges,
    poll_ranges,
    signed_ranges,
    trailing_ranges,
    unmarked_name_candidates,
)
from annotator.sources.entities import Entity
from annotator.sources.lexicon import ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE, DOCUMENT, MEDIA_OUTLET, NAMED_ORGANIZATION, NAMED_PERSON, SourceLexicon
from annotator.sources.mentions import Mention, _analyse, name_in_apposition
from annotator.sources.outlets import mark_outlet_roles
from annotator.sources.records import _entity_record, names_nobody
from annotator.sources.selection import fraction_share, interviewer_label, object_of_preposition, passive_recipient, poll_share, refers


def information_spans(doc: AnnotatedArticle, lexicon: SourceLexicon) -> set[str]:
    """SOURCE span ids that cite information: the source of an information attribution that was not declined,
    outside page furniture (``article.meta["furniture"]``), and not the subject of a passive verb of telling
    ("Residents were promised ...": they were told, they did not tell)."""
    furniture = doc.article.meta.get("furniture") or []
    by_id = doc.span_by_id()
    linked: set[str] = set()
    informing: set[str] = set()
    for a in doc.attributions:
        if a.source is None:
            continue
        linked.add(a.source)
        if a.kind == "information" and not a.declined:
            source, cue = by_id.get(a.source), by_id.get(a.cue) if a.cue else None
            if source is not None and cue is not None and passive_recipient(doc.text, source.end, cue.start, cue.end, lexicon):
                continue
            informing.add(a.source)
    out: set[str] = set()
    for s in doc.spans:
        if s.label != "SOURCE" or in_furniture(s.start, s.end, furniture):
            continue
        if s.id in informing or (lexicon.keep_unlinked and s.id not in linked):
            out.add(s.id)
        elif s.id not in linked and _owns_a_finding(doc.text, s, lexicon):
            out.add(s.id)
    return out


_OWNER_OF = re.compile(r"[’']s?\s*$")
_NEXT_WORDS = re.compile(r"\s*((?:[a-z][\w-]*\s+){0,2}?)([a-z]+)\b")


def _owns_a_finding(text: str, span: Span, lex: SourceLexicon) -> bool:
    """ "Harbour Director Ana Roe's finding that ...", "the Coast Courier's tally": a possessive SOURCE span
    no attribution links, followed (within two modifiers) by a document noun, owns that document."""
    if not _OWNER_OF.search(span.text):
        return False
    m = _NEXT_WORDS.match(text, span.end)
    return bool(m) and lex.lemma(m.group(2))[0] in lex.words["document_nouns"]


def analyze_sources(doc: AnnotatedArticle, lexicon: SourceLexicon | None = None, select: bool = True) -> list[Source]:
    """The record's ``"sources"``: the information sources of the article, typed and clustered.

    Every SOURCE span is typed and clustered (a stance or headline mention still tells who a later "he" is), but
    only sources with at least one information mention (:func:`information_spans`) are returned, listing those
    mentions. Groups and documents named in a methodology statement, and whoever a cited report cites, are added
    as mentions of their own (``"span": null``, ``"derived"`` says how; ``annotator.sources.derived``). One dict
    per source (typed :class:`~annotator.schema.Source`), sorted by first mention; see docs/sources.md for the fields. With ``select=False`` every SOURCE
    span is listed (e.g. to pre-fill each region's type in Label Studio) and nothing is derived.
    """
    lexicon = lexicon or SourceLexicon.default()
    text = doc.text
    ctx = _context(text, lexicon)
    spans = sorted((s for s in doc.spans if s.label == "SOURCE"), key=lambda s: (s.start, s.end, s.id))
    mentions: list[Mention] = []
    part_of: dict[str, str] = {}  # id of a mention split from a span -> the span's id
    widened: dict[str, Span] = {}  # spans widened to a name in apposition
    for s in spans:
        m = _analyse(text, s.start, s.end, s.id, ctx)
        named_from = name_in_apposition(text, m, ctx) if select else None
        if named_from is not None:  # "Jane Roe, [the county's engineer,] said": the mention is the named person
            m = _analyse(text, named_from, s.end, s.id, ctx)
            widened[s.id] = Span(s.id, named_from, s.end, s.label, text[named_from : s.end])
        m.span_id = s.id
        parts = _counted_groups(m, text, ctx) if select else []
        for k, (a, b) in enumerate(parts, 1):
            sub = _analyse(text, a, b, f"{s.id}#{k}", ctx)
            sub.span_id = f"{s.id}#{k}"
            part_of[sub.span_id] = s.id
            mentions.append(sub)
        if not parts:
            mentions.append(m)
    publisher = mark_outlet_roles(doc, mentions, ctx)
    for m in mentions:
        if m.type == NAMED_PERSON and not m.pronoun:
            m.setting = _sentence_words(text, m.start, m.end)
    if select:
        for i, m in enumerate(mentions):
            studied = _studied_documents(m, text, ctx)
            if studied is not None:  # "a Ledger analysis of court filings" in the Ledger: the filings are the source
                a, b = studied
                mentions[i] = _analyse(text, a, b, m.span_id, ctx)
                mentions[i].span_id = m.span_id
                widened[m.span_id] = Span(m.span_id, a, b, "SOURCE", text[a:b])
    by_id = {s.id: s for s in spans} | widened
    keep = information_spans(doc, lexicon) if select else {s.id for s in spans}
    if select:
        # where a poll's respondents speak, as a source or opening a content ("In a survey for the Ledger, 31 percent of residents said")
        shares = [m.start for m in mentions if m.span_id in keep and poll_share(m, lexicon)]
        shares = sorted(shares + [s.start for s in doc.spans if s.label == "CONTENT" and lexicon.selection["poll_share_opening"].match(s.text)])
        # "a", "secretary of state": no referent; "among the groups": a topic, not a speaker
        keep -= {
            m.span_id
            for m in mentions
            if not refers(m, lexicon)
            or object_of_preposition(text, m.start, lexicon)
            or poll_share(m, lexicon)
            or fraction_share(text, m, lexicon)
            or interviewer_label(text, m, lexicon)
        }
    for m in mentions:
        whole = part_of.get(m.span_id)
        if whole is not None:  # a group split from a span: listed under the span's id, kept when the span is
            by_id[m.span_id] = Span(whole, m.start, m.end, "SOURCE", text[m.start : m.end])
            if whole in keep:
                keep.add(m.span_id)
    derived_how: dict[str, str] = {}
    if select:
        keep |= _relative_antecedents(mentions, keep, lexicon)
        _add_derived(doc, mentions, by_id, keep, derived_how, publisher, ctx, shares)
        mentions.sort(key=lambda m: (m.start, m.end, m.span_id))
    entities = cluster_mentions(mentions, doc, lexicon)
    if select and not lexicon.keep_unresolved_pronouns:
        entities = _name_unmarked_people(entities, doc, by_id, keep, derived_how, ctx)
    records: list[Source] = []
    for e in entities:
        if not any(m.span_id in keep for m in e.mentions):
            continue
        if select and not lexicon.keep_unresolved_pronouns and all(m.pronoun for m in e.mentions):
            continue  # "which", "he", "I" that nothing earlier resolves: it names nobody a reader could weigh
        record = _entity_record(len(records) + 1, e, text, by_id, lexicon)
        if select and not lexicon.keep_unresolved_descriptions and names_nobody(e, record.type, lexicon):
            continue  # "the outcome", "the new project": a description nothing resolves names no one who spoke
        record.mentions = [m for m in record.mentions if m.span in keep]
        for m in record.mentions:
            if m.span in derived_how:
                m.derived = derived_how[m.span]
                m.span = None
        records.append(record)
    return records


def _relative_antecedents(mentions: list[Mention], keep: set[str], lexicon: SourceLexicon) -> set[str]:
    """SOURCE spans right before a kept relative pronoun source ("Mayor Ruiz, who called the governor, told reporters"):
    when the linker tied the cue to "who", the antecedent it stands for is a mention of the same source."""
    out: set[str] = set()
    for i, m in enumerate(mentions):
        if m.pronoun != "relative" or m.span_id not in keep:
            continue
        # mentions are in text order: the span ending right before the pronoun is among the last few
        before = [p for p in mentions[max(0, i - 4) : i] if not p.pronoun and 0 <= m.start - p.end <= lexicon.relative_gap and refers(p, lexicon)]
        if before and before[-1].span_id not in keep:
            out.add(before[-1].span_id)
    return out


def _studied_documents(m: Mention, text: str, ctx) -> tuple[int, int] | None:
    """The range of the documents the reporting outlet's own work is of ("a Ledger analysis of [newly filed
    campaign reports]"), when the mention is that work and what it studied is a document."""
    if not (m.reporter and m.type == DOCUMENT):
        return None
    found = re.search(r"\bof\s+", text[m.start : m.end])
    if found is None:
        return None
    start = m.start + found.end()
    return (start, m.end) if _analyse(text, start, m.end, m.span_id, ctx).type == DOCUMENT else None


def _counted_groups(m: Mention, text: str, ctx) -> list[tuple[int, int]]:
    """Ranges of the counted groups an anonymous mention joins ("three union officials and two port managers"), or
    the documents a document mention joins ("a civil complaint by the regulator and a 15-count complaint by the
    state"), when it joins two or more; each is then a mention of its own."""
    if m.type not in (ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE, DOCUMENT) or " and " not in m.text:
        return []
    pieces = [(a, b) for a, b in _pieces(text, m.start, m.end, ctx.lexicon) if _is_source_phrase(text[a:b], ctx.lexicon)]
    return pieces if len(pieces) >= 2 else []


def _add_derived(
    doc: AnnotatedArticle,
    mentions: list[Mention],
    by_id: dict[str, Span],
    keep: set[str],
    derived_how: dict[str, str],
    publisher: str | None,
    ctx,
    shares: list[int],
) -> None:
    """Mentions for methodology groups, cited sources and the others of ``annotator.sources.derived`` (``shares``:
    where the poll-share sources start, whose polls are the sources); a range a SOURCE span already covers makes
    that span an information mention instead."""
    lexicon = ctx.lexicon
    text = doc.text
    furniture = doc.article.meta.get("furniture") or []
    of_span = {m.span_id: m for m in mentions}
    relaying = [sid for sid in keep if sid in of_span and (of_span[sid].secondhand or of_span[sid].type in (MEDIA_OUTLET, DOCUMENT))]
    anchors = [(by_id[sid].start, by_id[sid].end) for sid in relaying]
    span_of = doc.span_by_id()
    contents = sorted(
        (span_of[c].start, span_of[c].end) for a in doc.attributions if a.kind == "information" and not a.declined for c in a.content if c in span_of
    )
    # a relative pronoun source right after no SOURCE span: the tagger left its antecedent unmarked
    ends = sorted(s.end for s in by_id.values())
    gap = lexicon.relative_gap
    relatives = [
        (of_span[sid].start, of_span[sid].start)
        for sid in sorted(keep)
        if sid in of_span and of_span[sid].pronoun == "relative" and not _ends_near(ends, of_span[sid].start, gap)
    ]
    found = methodology_ranges(text, lexicon, publisher) + cited_ranges(text, sorted(anchors), lexicon) + nested_ranges(text, contents, lexicon)
    sourceless = [span_of[a.cue].end for a in doc.attributions if a.source is None and a.cue in span_of and _ACCORDING.fullmatch(span_of[a.cue].text.strip())]
    # "according to X" inside a quoted content ("... was 512 to 498, according to the county board," the paper reported): the
    # tagger gives each word one label, so the inner attribution is never marked
    sourceless += [m.end() for start, end in contents for m in _ACCORDING_INSIDE.finditer(text, start, end)]
    found += antecedent_ranges(text, relatives, lexicon) + labelled_ranges(text, lexicon) + according_ranges(text, sourceless, lexicon)
    found += signed_ranges(text, lexicon) + poll_ranges(text, shares, lexicon) + poll_frame_ranges(text, lexicon) + passive_ranges(text, lexicon)
    found += _unlinked_speakers(doc, ctx) + finding_ranges(text, lexicon)
    every_content = sorted((span_of[c].start, span_of[c].end) for a in doc.attributions for c in a.content if c in span_of)
    found += trailing_ranges(text, every_content, lexicon)
    anchor_names = {by_id[sid].start: of_span[sid].name for sid in keep if sid in of_span}
    unique: dict[tuple[int, int], DerivedRange] = {}  # two rules may find the same phrase ("In a poll ..., 28 percent said")
    for r in found:
        unique.setdefault((r.start, r.end), r)
    found = list(unique.values())
    for n, r in enumerate(found):
        if in_furniture(r.start, r.end, furniture):
            continue
        covering = [s for s in by_id.values() if s.start < r.end and r.start < s.end and not s.id.startswith("derived")]
        if covering and r.how in ("methodology", "labelled", "signed", "poll", "passive", "criticism"):
            keep.update(s.id for s in covering)
            continue
        if any(s.start <= r.start and r.end <= s.end for s in covering) and r.how == "cited":
            pass  # "a report citing an Iraqi official" inside one span: the official still gets a mention of its own
        elif covering:
            continue
        sid = f"derived{n + 1}"
        m = _analyse(text, r.start, r.end, sid, ctx)
        named_from = name_in_apposition(text, m, ctx) if r.how == "antecedent" else None
        if named_from is not None:  # "Jane Roe, a lobbyist in Ohio who has given ...": the antecedent is the named person
            r = DerivedRange(named_from, r.end, r.how, r.anchor)
            m = _analyse(text, r.start, r.end, sid, ctx)
        if poll_share(m, lexicon) or not refers(m, lexicon):
            continue  # "the 30 percent of voters who said ...": the poll's answers, not a source
        m.span_id = sid
        if r.how == "cited":
            m.secondhand = True
            m.relayed_by = anchor_names.get(r.anchor)
        by_id[sid] = Span(sid, r.start, r.end, "SOURCE", text[r.start : r.end])
        mentions.append(m)
        keep.add(sid)
        derived_how[sid] = r.how


def _name_unmarked_people(
    entities: list[Entity], doc: AnnotatedArticle, by_id: dict[str, Span], keep: set[str], derived_how: dict[str, str], ctx
) -> list[Entity]:
    """Each source made only of a "he" or "she" that clustering resolved to nothing stands for the nearest person
    the text names before it outside any source ("his guest, the actress Ana Ruiz, wept as she called for ..."):
    the name joins it as its antecedent, or the pronouns join that person's source when there is one."""
    people = [e for e in entities if e.type == NAMED_PERSON]
    surname_genders: dict[str, set[str]] | None = None  # built once, on the first unresolved pronoun
    out = []
    for e in entities:
        named = None
        if all(m.pronoun for m in e.mentions):
            if surname_genders is None:
                surname_genders = _surname_genders(doc.text, ctx.lexicon)
            named = _unmarked_name(e, doc, keep, surname_genders, ctx)
        if named is None:
            out.append(e)
            continue
        surname = named.name_tokens[-1]
        known = next((p for p in people if any(n and n[-1] == surname for n in p.names())), None)
        if known is not None:  # the name is a source's after all, further back than a pronoun looks
            known.mentions = sorted(known.mentions + e.mentions, key=lambda m: (m.start, m.end))
            continue
        by_id[named.span_id] = Span(named.span_id, named.start, named.end, "SOURCE", doc.text[named.start : named.end])
        keep.add(named.span_id)
        derived_how[named.span_id] = "antecedent"
        e.mentions.insert(0, named)
        out.append(e)
    return out


def _surname_genders(text: str, lex: SourceLexicon) -> dict[str, set[str]]:
    """Capitalised word -> genders of the known first names the text puts right before it ("Tomas Vidal": Vidal -> m)."""
    out: dict[str, set[str]] = {}
    for m in re.finditer(r"\b(?=([A-Z][a-z]+)\s+([A-Z][\w’'-]*))", text):  # overlapping: "President Donald Trump"
        gender = lex.first_names.get(m.group(1).lower())
        if gender is not None:
            out.setdefault(re.sub(r"[’']s?$", "", m.group(2)), set()).add(gender)  # "Ana Ruiz’s plan": Ruiz
    return out


def _unmarked_name(e: Entity, doc: AnnotatedArticle, keep: set[str], surname_genders: dict[str, set[str]], ctx) -> Mention | None:
    """The person an unresolved "he"/"she" source stands for (``_name_unmarked_people``): the nearest capitalised
    run before it that reads as one person's name of a gender the pronoun allows, and is a name: its first word a
    known first name or a title, or a surname the text gives elsewhere after a known first name."""
    first = e.mentions[0]
    if first.pronoun != "person" or first.number != "sg" or first.span_id not in keep:
        return None
    text, furniture, lex = doc.text, doc.article.meta.get("furniture") or [], ctx.lexicon
    for a, b in unmarked_name_candidates(text, first.start, lex):
        second = re.search(r"\s+", text[a:b])
        for start in [a] + ([a + second.end()] if second else []):  # "On Monday Ana Ruiz": then without its first word
            if in_furniture(start, b, furniture):
                continue
            m = _analyse(text, start, b, f"unmarked{first.start}", ctx)
            if m.type != NAMED_PERSON or m.plural or not m.name_tokens or m.pronoun:
                continue
            if first.gender in ("m", "f") and m.gender in ("m", "f") and m.gender != first.gender:
                continue
            words = text[start:b].split()
            known_first = words[0].lower().strip(".") in lex.first_names or words[0].lower() in lex.titles
            if len(words) == 1:  # a surname alone: known when the text gives it after a first name, of that gender
                genders = surname_genders.get(words[0], set())
                known_first = bool(genders) and (first.gender not in ("m", "f") or bool(genders & {first.gender, "x"}))
            if known_first:
                m.span_id = f"unmarked{first.start}"
                return m
    return None


def _unlinked_speakers(doc: AnnotatedArticle, ctx) -> list[DerivedRange]:
    """An attribution the linker gave no source but two content spans, one before its cue and one after ("[Hillary
    Clinton] chimed in on Twitter, saying [that ...]"): the one before, when it names someone, is the speaker."""
    text, span_of, out = doc.text, doc.span_by_id(), []
    for a in doc.attributions:
        if a.source is not None or a.kind != "information" or a.declined or a.cue not in span_of:
            continue
        cue = span_of[a.cue]
        parts = [span_of[c] for c in a.content if c in span_of]
        before = [p for p in parts if p.end <= cue.start]
        if not before or not any(p.start >= cue.end for p in parts):
            continue
        who = max(before, key=lambda p: p.end)
        if re.search(r"[.!?;:]\s", text[who.end : cue.start]) or len(text[who.start : who.end].split()) > ctx.lexicon.derived["max_phrase_words"]:
            continue
        first = text[who.start : who.end].split()[0]
        if not (first[:1].isupper() or first.lower() in ctx.lexicon.words["definite_determiners"] | ctx.lexicon.words["singular_determiners"]):
            continue  # "meddling the California congressman": the span opens inside another phrase
        m = _analyse(text, who.start, who.end, "probe", ctx)
        if m.type in (NAMED_PERSON, NAMED_ORGANIZATION, MEDIA_OUTLET, ANONYMOUS_DESCRIBED) and not m.pronoun:
            out.append(DerivedRange(m.start, m.end, "nested", who.start))
    return out


_ACCORDING = re.compile(r"according\s+to", re.IGNORECASE)
_ACCORDING_INSIDE = re.compile(r"\baccording\s+to\s+", re.IGNORECASE)


def _ends_near(ends: list[int], start: int, gap: int) -> bool:
    """A span ends within ``gap`` characters before ``start`` (``ends`` sorted)."""
    i = bisect.bisect_right(ends, start)
    return i > 0 and start - ends[i - 1] <= gap


_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]*[A-Z])|\n")


def _sentence_words(text: str, start: int, end: int) -> frozenset[str]:
    """Lower-case words of the sentence around ``[start, end)``."""
    a = max((m.end() for m in _SENTENCE_BREAK.finditer(text, max(0, start - 400), start)), default=max(0, start - 400))
    b = next((m.start() for m in _SENTENCE_BREAK.finditer(text, end, end + 400)), min(len(text), end + 400))
    return frozenset(re.sub(r"[’']s$", "", w.lower()) for w in re.findall(r"[A-Za-z][\w’'-]*", text[a:b]))  # "mayor’s" is "mayor"
