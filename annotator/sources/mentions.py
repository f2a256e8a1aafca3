"""Typing one SOURCE mention: the ``Mention`` record, ``type_span`` / ``describe_span`` and its specificity.

A mention is trimmed, split at top-level commas and dashes (apposition or list) and at "and"/"or"
(coordination); each part is typed by ``phrases._analyse_np`` and the parts are combined (a name wins an
apposition, named list items add up). Bare and partitive pronouns are handled here; ``_finish`` fills in the
specificity (``anonymous_base`` plus one ``cue_weight`` per kind of cue, capped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from annotator.schema import Span
from annotator.sources.context import _context, _DocContext, _tokens
from annotator.sources.lexicon import (
    ANONYMOUS_DESCRIBED,
    ANONYMOUS_TYPES,
    ANONYMOUS_VAGUE,
    DOCUMENT,
    MEDIA_OUTLET,
    NAMED_ORGANIZATION,
    NAMED_PERSON,
    REFERENCE,
    SourceLexicon,
)
from annotator.sources.phrases import (
    _analyse_np,
    _is_modifier,
    _is_noun,
    _Part,
    _party_from_parenthetical,
    _quantity,
    _role_word,
    _run_has_org_keyword,
    _run_has_person_cue,
)
from annotator.sources.tokens import Tok


class SpanTyping(NamedTuple):
    """What ``type_span`` returns: unpacks as ``type, specificity, count, plural``."""

    type: str
    specificity: float
    count: int | None
    plural: bool


@dataclass(slots=True)
class Mention:
    """Everything the typing found in one SOURCE span; clustering and the record use it."""

    span_id: str
    start: int
    end: int
    text: str
    type: str
    specificity: float
    count: int | None
    plural: bool
    name: str
    affiliation: str | None = None
    secondhand: bool = False
    head: str = ""  # lemma of the head noun, or the pronoun
    pronoun: str | None = None  # pronoun kind (person, thing, speaker, relative, ...)
    number: str = "sg"  # sg | pl | x (pronouns)
    gender: str = "x"
    definite: bool = False
    partitive: bool = False  # "10 of the sources"
    new_marker: bool = False  # "another official"
    name_tokens: tuple[str, ...] = ()  # person/organisation name words, lowercase
    roles: frozenset[str] = frozenset()  # role nouns attached to a name ("spokesman", "senator")
    descriptors: frozenset[str] = frozenset()  # description words of an anonymous source
    cues: frozenset[str] = frozenset()  # specificity cue kinds found
    key: str = ""  # identity key for organisations, outlets and documents
    relayed_by: str | None = None  # told another outlet ("the militia leader told al-Akhbar"): that outlet
    reporter: bool = False  # a mention of the outlet that did the reporting ("Reuters talked to ...")
    owner: Mention | None = None  # a document's named author or issuer ("Ivana Trump's brief"): joins that source
    acronym: str = ""  # an organisation's acronym given in brackets after its name ("... Our Rivers (APOR)")
    setting: frozenset[str] = frozenset()  # words of the sentence that names a person: how the article presents them


def type_span(text: str, span: Span, lexicon: SourceLexicon | None = None) -> SpanTyping:
    """Type one SOURCE span of ``text`` (e.g. a Label Studio region): ``(type, specificity, count, plural)``."""
    m = describe_span(text, span, lexicon)
    return SpanTyping(m.type, m.specificity, m.count, m.plural)


def describe_span(text: str, span: Span, lexicon: SourceLexicon | None = None) -> Mention:
    """Full analysis of one SOURCE span (type, count, name, affiliation, cues ...)."""
    lexicon = lexicon or SourceLexicon.default()
    return _analyse(text, span.start, span.end, span.id, _context(text, lexicon))


_RELATIVE_CLAUSE = re.compile(r"(who|which)\s+(?:has|have|had|is|was|were|are)\s+\w")  # a whole relative clause as the span
_RELATIVE_TAIL = re.compile(r"(?<!\bof),?\s+(?:who|whom|which|that)\s*$")  # not "many of whom"
_ACRONYM = re.compile(r"(?:[A-Z]\.?){2,8}")
_TRAILING_TIME = re.compile(r",?\s+(?:(?:on|late|early|earlier|last)\s+)?(?P<word>[A-Za-z]+)\s*$")
_TRAILING_WORD = re.compile(r",?\s+(?P<word>[A-Za-z]+),?\s*$")
_TRAILING_PERIOD = re.compile(r",?\s+(?:(?:earlier|later|late|early)\s+)?(?:this|last|next)\s+(?P<word>[A-Za-z]+)\s*$")
_PARTY_STATE = re.compile(r"[RDI]-[A-Z][A-Za-z.]{1,5}")
_AMONG_OTHERS = re.compile(r",?\s+(?:among|and|with)\s+(?:many\s+|several\s+|some\s+)?others\s*$")


def _analyse(text: str, start: int, end: int, span_id: str, ctx: _DocContext) -> Mention:
    lex = ctx.lexicon
    # Trim quotes, brackets and separators the tagger may have included.
    while start < end and (text[start].isspace() or text[start] in "\"“”‘’'«»,;:([{—–-―"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in '"“”‘’«»,;:)]}—–-―'):
        if text[end - 1] == ")" and "(" in text[start:end]:
            break
        end -= 1
    tail = _RELATIVE_TAIL.search(text, start, end)
    if tail and tail.start() > start:
        end = tail.start()  # "A US State Department spokesperson, who": the relative pronoun starts another clause
    clause = _RELATIVE_CLAUSE.match(text, start, end)
    if clause:
        end = clause.end(1)  # "[who has given $120,000,] described ...": the pronoun stands for the one described
    words = text[start:end].split()
    if len(words) == 2 and words[0].lower() in lex.pronouns and words[1].lower() in lex.words["floating_quantifiers"]:
        end = start + len(words[0])  # "which together vowed": the pronoun is the source
    time = _TRAILING_TIME.search(text, start, end)
    if time and time.start() > start and time.group("word").lower() in lex.words["trailing_time_words"]:
        end = time.start()  # "The Security Council on Friday": the time is not part of the name
    period = _TRAILING_PERIOD.search(text, start, end)
    if period and period.start() > start and period.group("word").lower() in lex.words["trailing_period_words"]:
        end = period.start()  # "the regional council last week": the period is not part of the name either
    adverb = _TRAILING_WORD.search(text, start, end)
    if adverb and adverb.start() > start and adverb.group("word").lower() in lex.words["trailing_adverbs"]:
        end = adverb.start()  # "Roe, however," / "Roe too": a sentence adverb the tagger kept is not part of the name
    others = _AMONG_OTHERS.search(text, start, end)
    if others and others.start() > start and " and " in text[start : others.start()]:
        end = others.start()  # "Jeb Bush and Hillary Clinton, among others": the people named are who is cited
    surface = text[start:end]
    base = Mention(span_id=span_id, start=start, end=end, text=surface, type=ANONYMOUS_VAGUE, specificity=0.0, count=None, plural=False, name=surface)
    toks = _tokens(text, start, end, ctx)
    if not toks:
        return _finish(base, lex)
    # Parentheticals carry party/state ("(D-S.C.)") but are not part of the noun phrase.
    paren_words: list[Tok] = []
    kept: list[Tok] = []
    depth = 0
    for i, t in enumerate(toks):
        if _PARTY_STATE.fullmatch(t.text) and i > 0:
            paren_words.append(t)  # "McConnell, R-Ky.,": party and state, as in "(R-Ky.)"
            if kept and kept[-1].text == ",":
                kept.pop()
            continue
        if t.text == "," and paren_words and kept and toks[i - 1] is paren_words[-1]:
            continue
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth = max(0, depth - 1)
        elif depth:
            paren_words.append(t)
        else:
            kept.append(t)
    toks = kept or toks

    pron = _pronoun_mention(toks, base, lex)
    if pron is not None:
        return _finish(pron, lex)

    parts = _merge_comma_modifiers(_split_top(toks), lex)
    analyses = [_analyse_part(p, base, ctx) for p in parts]
    result = _combine_parts(analyses, parts, lex)
    result.span_id, result.start, result.end, result.text = span_id, start, end, surface
    if paren_words and result.affiliation is None:
        result.affiliation = _party_from_parenthetical(paren_words, lex)
    if len(paren_words) == 1 and result.type == NAMED_ORGANIZATION and _ACRONYM.fullmatch(paren_words[0].text):
        result.acronym = paren_words[0].text.replace(".", "")
    if result.type != DOCUMENT and toks[-1].low in lex.words["platform_names"] and any(t.poss for t in toks[:-1]):
        result.type = DOCUMENT  # "Roe's Facebook": the person's own page, as "Roe's Facebook page" is
    if result.type == DOCUMENT and _time_possessive(toks, lex):
        result.definite = True  # "Monday’s poll", "last week’s report": the one the story named before, no owner
    elif result.type == DOCUMENT:
        owner = _document_owner(toks, base, ctx)
        if owner is not None and owner.type == MEDIA_OUTLET:
            return owner  # another outlet's report is that outlet's (secondhand) reporting
        result.owner = owner
    return _finish(result, lex)


_NAME_BEFORE_APPOSITION = re.compile(r"((?:[A-Z][\w.'’-]*\s+){1,4}[A-Z][\w.'’-]*),\s*$")


def name_in_apposition(text: str, m: Mention, ctx: _DocContext) -> int | None:
    """Where the name starts when a singular description stands in apposition right after one ("Odile Marchetti,
    [the regional transport secretary,] came to the depot"): the tagger marked only the description, but the source
    is the named person. None when no person's name stands there."""
    if m.pronoun or m.plural or m.type not in (ANONYMOUS_DESCRIBED, REFERENCE) or not _DETERMINER_START.match(m.text):
        return None
    lex = ctx.lexicon
    before = text[max(0, m.start - lex.selection["apposition_name_chars"]) : m.start]
    found = _NAME_BEFORE_APPOSITION.search(before)
    if found is None:
        return None
    base = m.start - len(before)
    words = list(re.finditer(r"\S+", found.group(1)))
    while words and (words[0].group().lower() in lex.words["function_words"] or lex.is_common_word(words[0].group().lower())):
        if lex.derived["nested_np_prepositions"].search(words[0].group().lower()):
            return None  # "In Port Alden, the mayor said": a place, not a name
        words.pop(0)  # "When Jane Roe, ...": the capitalised opening word is not part of the name
    if not words:
        return None
    start, end = base + found.start(1) + words[0].start(), base + found.end(1)
    name = _analyse(text, start, end, m.span_id, ctx)
    return start if name.type == NAMED_PERSON and name.name_tokens else None


_DETERMINER_START = re.compile(r"(?:the|a|an)\s", re.IGNORECASE)


def _time_possessive(toks: list[Tok], lex: SourceLexicon) -> bool:
    """The words up to a possessive name a time ("Monday’s", "last week’s"), not an owner."""
    poss = next((i for i, t in enumerate(toks) if t.poss), None)
    if poss is None:
        return False
    words = [t.low for t in toks[: poss + 1] if t.low not in ("a", "an", "the")]
    return bool(words) and all(w in lex.words["time_words"] or w in lex.words["time_possessive_words"] for w in words)


def _document_owner(toks: list[Tok], base: Mention, ctx: _DocContext) -> Mention | None:
    """The named owner of a document: "Ivana Trump's brief", "a study by Loyola Law School professor Justin
    Levitt", "A similar report by Reuters". An outlet's report is the outlet; a person's or organisation's document
    stays a document but joins that person's or organisation's source when it is cited too. An unnamed owner
    ("a statement from the ministry", "her submission") gives None."""
    lex = ctx.lexicon
    owner: list[Tok] = []
    poss = next((i for i, t in enumerate(toks) if t.poss), None)
    if poss is not None:
        owner = toks[: poss + 1]
        if owner and owner[0].low in ("a", "an", "the"):
            owner = owner[1:]
    else:
        by = next((i for i, t in enumerate(toks) if t.low in lex.words["document_owner_markers"] and i > 0), None)
        if by is not None:
            rest = toks[by + 1 :]
            stop = next((i for i, t in enumerate(rest) if t.low in (",", "which", "that", "who", "citing", "published", "released")), len(rest))
            owner = rest[:stop]
    if not owner:
        return None
    found = _analyse(ctx.text, owner[0].start, owner[-1].end, base.span_id, ctx)
    if found.type not in (NAMED_PERSON, NAMED_ORGANIZATION, MEDIA_OUTLET):
        return None
    found.start, found.end, found.text = base.start, base.end, base.text
    return found


def _pronoun_mention(toks: list[Tok], base: Mention, lex: SourceLexicon) -> Mention | None:
    """Bare pronouns and partitive pronouns ("many of whom", "two of them")."""
    words = [t.low for t in toks if t.text[0].isalnum()]
    if len(words) == 1 and words[0] in lex.pronouns and not (toks[0].upper and toks[0].text.lower() in lex.places):
        number, gender, kind = lex.pronouns[words[0]]
        m = _copy(base, type=REFERENCE, head=words[0], pronoun=kind, number=number, gender=gender)
        if kind == "speaker" and words[0] in ("we", "us", "our") or number == "pl":
            m.count, m.plural = None, True
        elif kind in ("relative",):
            m.count, m.plural = 1, False
        else:
            m.count, m.plural = 1, False
        return m
    if len(words) == 1 and words[0] in lex.quantifier_pronouns:
        anaphoric = lex.quantifier_pronouns[words[0]]
        count = lex.number_words.get(words[0], 1 if words[0] in lex.words["singular_quantifier_pronouns"] else None)
        m = _copy(base, type=REFERENCE if anaphoric else ANONYMOUS_VAGUE, head=words[0], count=count, plural=count is None or count > 1)
        if anaphoric:
            m.pronoun, m.number = ("any", "pl") if m.plural else ("person", "sg")
        return m
    if len(words) >= 3 and words[-2] == "of" and words[-1] in ("whom", "them", "which", "us", "those", "these"):
        q = " ".join(words[:-2])
        count, plural = _quantity(q, lex)
        m = _copy(base, type=REFERENCE, head=words[-1], pronoun="relative" if words[-1] in ("whom", "which") else "any", number="pl", partitive=True)
        m.count, m.plural = count, plural if count is None else count > 1
        if count is None:
            m.plural = True
        return m
    return None


def _copy(base: Mention, **changes: Any) -> Mention:
    m = Mention(**{f: getattr(base, f) for f in base.__dataclass_fields__})  # type: ignore[attr-defined]
    for k, v in changes.items():
        setattr(m, k, v)
    return m


def _split_top(toks: list[Tok]) -> list[list[Tok]]:
    """Split on commas and dashes: appositions ("Scott Pruitt, the attorney general") or lists."""
    parts: list[list[Tok]] = [[]]
    for t in toks:
        if t.text in (",", "—", "–", "―", ";") or t.text == "-" and parts[-1]:
            if parts[-1]:
                parts.append([])
            continue
        parts[-1].append(t)
    return [p for p in parts if p]


def _merge_comma_modifiers(parts: list[list[Tok]], lex: SourceLexicon) -> list[list[Tok]]:
    """Rejoin adjectives a comma separated from their noun ("a separate, senior, US official"): a short part
    that ends in a lower-case word no list knows as a noun, followed by a part that is not an apposition."""
    out: list[list[Tok]] = []
    for part in parts:
        prev = out[-1] if out else None
        if (
            prev is not None
            and len(prev) <= 3
            and prev[-1].text.isalpha()
            and prev[-1].text.islower()
            and not _is_noun(prev[-1], lex)
            and prev[-1].low not in lex.words["function_words"]
            and not prev[-1].low.endswith("s")
            and part[0].low not in lex.words["appositive_starts"]
            and part[0].low not in lex.words["function_words"]
            and part[0].low not in lex.words["adverbial_starts"]
        ):
            out[-1] = prev + part
            continue
        out.append(list(part))
    return out


def _analyse_part(toks: list[Tok], base: Mention, ctx: _DocContext) -> _Part:
    markers = ctx.lexicon.words["example_markers"]
    examples = False
    if len(toks) > 1 and (toks[0].low in markers or f"{toks[0].low} {toks[1].low}" in markers):
        examples = True  # "unions, including the AFT and the AFL-CIO": the named examples
        toks = toks[2:] if f"{toks[0].low} {toks[1].low}" in markers else toks[1:]
        if not toks:
            return _Part(type=ANONYMOUS_VAGUE, count=None, plural=True, name="", starts_appositive=True)
    part = _analyse_conjunction(toks, ctx)
    part.starts_appositive = part.starts_appositive or examples or toks[0].low in ctx.lexicon.words["appositive_starts"]
    part.examples = examples
    return part


def _analyse_conjunction(toks: list[Tok], ctx: _DocContext) -> _Part:
    conj = _split_conjuncts(toks, ctx.lexicon)
    if len(conj) > 1:
        subs = [_analyse_np(c, ctx) for c in conj]
        first = subs[0]
        if _title_chain(conj, subs, ctx.lexicon):
            # "senior dockworkers union official and strike committee chair Mara Delgado-Reyes": one person
            last = subs[-1]
            last.roles = last.roles | {s.head for s in subs[:-1] if s.head}
            last.affiliation = last.affiliation or next((s.affiliation for s in subs[:-1] if s.affiliation), None)
            return last
        if first.type == DOCUMENT and any(s.type != DOCUMENT for s in subs[1:]):
            return first  # "a study by Harvard and the University of California": one document, two authors
        if all(s.named for s in subs):
            counts = [s.count for s in subs]
            total = sum(c for c in counts if c is not None) if all(c is not None for c in counts) else None
            first.count, first.plural = total, True
            first.name = " and ".join(s.name for s in subs)
            first.name_tokens = tuple(w for s in subs for w in s.name_tokens)
            return first
        if _one_person_described_twice(conj, subs, ctx.lexicon):
            # "the former first lady and U.S. senator": one determiner, two singular roles of one person
            first.descriptors = frozenset().union(*(s.descriptors | ({s.head} if s.head else set()) for s in subs)) - {first.head}
            first.roles = frozenset().union(*(s.roles for s in subs))
            first.count, first.plural = 1, False
            return first
        if _person_and_entourage(conj, subs, ctx.lexicon):
            # "Cruz and his aides", "the Republican nominee and his aides": the person's camp speaks; the source
            # is the person (who is already, or will be, a source of their own), not a new group
            first.count, first.plural = 1, False
            return first
        # Mixed or anonymous coordination ("Republicans and Democrats on the committee"): the first conjunct's
        # head with the whole phrase's descriptors (a shared post-modifier belongs to every conjunct).
        whole = _analyse_np(toks, ctx)
        head_part = first if first.type != REFERENCE or whole.type == REFERENCE else whole
        if first.named:
            head_part = first
        elif first.type in ANONYMOUS_TYPES or first.type == REFERENCE:
            cues = first.cues | whole.cues
            descriptors = first.descriptors | whole.descriptors
            t = first.type
            if t == ANONYMOUS_VAGUE and (cues & ctx.lexicon.describing_cues):
                t = ANONYMOUS_DESCRIBED
            head_part = _Part(
                type=t,
                count=None,
                plural=True,
                name=" ".join(x.text for x in toks),
                head=first.head,
                definite=first.definite,
                possessive=first.possessive,
                affiliation=first.affiliation or whole.affiliation,
                secondhand=first.secondhand or whole.secondhand,
                descriptors=descriptors,
                cues=cues,
            )
        counts = [s.count for s in subs]
        head_part.count = sum(c for c in counts if c is not None) if all(c is not None for c in counts) else None
        head_part.plural = True
        return head_part
    return _analyse_np(toks, ctx)


def _relative_clause_start(toks: list[list[Tok]], lex: SourceLexicon) -> int:
    """Index of the first comma part that opens a relative clause ("Don Fowler, who helmed the DNC ..."): that part
    and the ones after it say what the person did, not what the mention is, so they never make it an organisation."""
    for i, part in enumerate(toks):
        if i > 0 and part and lex.pronouns.get(part[0].low, ("", "", ""))[2] == "relative":
            return i
    return len(toks)


def _one_person_described_twice(conj: list[list[Tok]], subs: list[_Part], lex: SourceLexicon) -> bool:
    """ "the former secretary of state and current Democratic nominee": a singular description opened by an article,
    joined by "and" to singular role nouns that have no determiner, number or name of their own, is one person (two
    people would each take an article: "the senator and the governor")."""
    w = lex.words
    if conj[0][0].low not in w["definite_determiners"] | w["singular_determiners"] or conj[0][0].low in lex.number_words:
        return False
    for sub in subs:
        if sub.named or sub.plural or (sub.type not in ANONYMOUS_TYPES and sub.type != REFERENCE) or sub.partitive:
            return False
    for toks in conj[1:]:
        low = toks[0].low
        if low in w["definite_determiners"] | w["singular_determiners"] | w["possessive_determiners"] or low in lex.number_words or low.isdigit():
            return False
    return all(sub.head in w["person_nouns"] or sub.head in lex.titles for sub in subs)


def _person_and_entourage(conj: list[list[Tok]], subs: list[_Part], lex: SourceLexicon) -> bool:
    """One person (named, or a singular description) joined by "and" to unnamed people of their own, opened by a
    possessive or "other" ("his aides", "her staff", "other parents"): the first conjunct is who speaks."""
    first = subs[0]
    if first.plural or not (first.type == NAMED_PERSON or (first.type == REFERENCE and first.head in lex.words["person_nouns"])):
        return False
    openers = lex.words["possessive_determiners"] | lex.words["companion_openers"]
    return all(not s.named and toks[0].low in openers for toks, s in zip(conj[1:], subs[1:], strict=True))


def _title_chain(conj: list[list[Tok]], subs: list[_Part], lex: SourceLexicon) -> bool:
    """Roles joined by "and" before one name: the earlier conjuncts are bare singular role descriptions (no
    determiner, no number) and the last one is a named person. A role may carry its employer's name ("Harbour FM
    Vice President and Managing Editor Ana Roe"): its head is still a role word, not a surname."""
    if subs[-1].type != NAMED_PERSON or subs[-1].plural:
        return False
    for toks, sub in zip(conj[:-1], subs[:-1], strict=True):
        first = toks[0].low
        if sub.plural or not _role_words(toks, sub.head, lex) or sub.type in (DOCUMENT, REFERENCE):
            return False
        if first in lex.words["definite_determiners"] or first in lex.words["possessive_determiners"] or first in lex.words["singular_determiners"]:
            return False
        if first in lex.words["plural_quantifiers"] or first in lex.number_words or first.isdigit():
            return False
    return True


def _role_words(toks: list[Tok], head: str, lex: SourceLexicon) -> bool:
    """A capitalised role with no name: its head is a title or role word ("Harbour FM Vice President"), or the
    object of a title's "of" closing it ("Former Minister of Ports"). "Senator Smith" and "Minister of Ports Ed
    Moe" end on a name."""
    roles = lex.words["role_words"]
    if head in roles:
        return True
    return len(toks) >= 3 and toks[-2].low == "of" and toks[-3].low in roles


def _split_conjuncts(toks: list[Tok], lex: SourceLexicon) -> list[list[Tok]]:
    """Split on "and"/"&" unless it sits inside one organisation name ("Citizens for Tax Justice and ...")."""
    out: list[list[Tok]] = [[]]
    starts = lex.words["definite_determiners"] | lex.words["singular_determiners"] | lex.words["possessive_determiners"]
    in_clause = False
    for i, t in enumerate(toks):
        in_clause = in_clause or t.low in ("who", "whom", "whose") and bool(out[-1])
        if in_clause and t.low in ("and", "or") and i + 1 < len(toks):
            nxt = toks[i + 1]
            if not (nxt.low in starts or nxt.proper or nxt.low in lex.number_words or nxt.low.isdigit()):
                out[-1].append(t)  # "a worshipper who prays here and who asked not to be named": one person
                continue
        if t.low in ("and", "&", "or") and out[-1] and i + 1 < len(toks):
            nxt = toks[i + 1]
            lone_adjective = len(out[-1]) == 1 and not out[-1][0].proper and not _is_noun(out[-1][0], lex)
            if (_is_modifier(out[-1][-1], lex) and _is_modifier(nxt, lex) or lone_adjective) and i + 2 < len(toks):
                out[-1].append(t)  # "Iranian and Iraqi sources", "senior and junior officials"
                continue
            inside_name = t.low == "&" or (
                toks[i - 1].proper and nxt.proper and _run_has_org_keyword(toks[i + 1 :], lex) and not _run_has_person_cue(toks[i + 1 :], lex)
            )
            if not inside_name:
                out.append([])
                continue
        out[-1].append(t)
    return [c for c in out if c]


def _combine_parts(parts: list[_Part], toks: list[list[Tok]], lex: SourceLexicon) -> Mention:
    """Apposition ("X, a Y"): a name wins. List ("A, B and C"): named items are summed."""
    first = parts[0]
    if len(parts) == 1:
        chosen = first
    elif all(_list_item(p, ptoks, first, lex) for p, ptoks in zip(parts[1:], toks[1:], strict=False)) and first.named:
        chosen = first
        counts = [p.count for p in parts]
        chosen.count = sum(c for c in counts if c is not None) if all(c is not None for c in counts) else None
        chosen.plural = True
        chosen.name = ", ".join(p.name for p in parts)
    else:
        clause = _relative_clause_start(toks, lex)  # "The councillor, who serves Kelso": the clause names nobody cited,
        if clause < len(toks) and len(toks[clause]) > 1 and toks[clause][1].low in lex.words["member_list_verbs"]:
            clause = len(toks)  # unless it lists the members ("The authors, which include the Harbour Fund")
        named = [p for p in parts[:clause] if p.named and p.type == NAMED_PERSON and (p is first or p.strong)]
        named = named or [p for p in parts[:clause] if p.named and (p is first or p.strong)]
        others = [p for p in parts[1:] if p.head in ("other", "others") or (p.name.lower() in ("others", "other"))]
        if first.type == ANONYMOUS_DESCRIBED and named and named[0].type != NAMED_PERSON and not named[0].examples:
            named = []  # "officials at Homeland Security Investigations, a division of ICE": still the officials
        if named and (first.named or first.type in (REFERENCE, ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE)) and not (first.type == DOCUMENT):
            chosen = named[0]
            if (
                chosen.type == NAMED_PERSON
                and not chosen.strong_person
                and any(p is not chosen and p.head in lex.words["organization_nouns"] and p.head not in lex.words["person_nouns"] for p in parts[:clause])
                and not any(p is not chosen and (p.head in lex.words["person_nouns"] or p.head in lex.titles) for p in parts[:clause])
            ):  # ... but "Lena Ostrova, director of Harbour Workers United, a union": the union is the director's
                chosen.type = NAMED_ORGANIZATION  # "The water company, Corby Water": the name of the company
            if first.type in (ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE) and first.plural and chosen is not first:
                # "Other major unions, including X and Y"
                chosen.count, chosen.plural = None, True
            roles = set(chosen.roles)
            for p in parts:
                if p is not chosen:
                    roles.update(_role_word(h, lex) for h in (p.head,) if h in lex.words["person_nouns"] or h in lex.titles)
                    if chosen.gender == "x" and lex.titles.get(p.head) in ("m", "f"):
                        chosen.gender = lex.titles[p.head] or "x"  # "Hope Hicks, a campaign spokeswoman": she
                    if chosen.affiliation is None and p.affiliation:
                        chosen.affiliation = p.affiliation
            chosen.roles = frozenset(r for r in roles if r)
        else:
            chosen = first
            for p, ptoks in zip(parts[1:], toks[1:], strict=False):
                if not p.starts_appositive or ptoks[0].low in lex.words["adverbial_starts"] or p.examples:
                    continue
                chosen.cues = chosen.cues | (p.cues - {"singular"})
                if chosen.type == ANONYMOUS_VAGUE and chosen.cues & lex.describing_cues:
                    chosen.type = ANONYMOUS_DESCRIBED
                if chosen.affiliation is None:
                    chosen.affiliation = p.affiliation
        if others or any(p.name.lower().startswith("other") for p in parts[1:]):
            chosen.count, chosen.plural = None, True
    m = Mention(
        span_id="",
        start=0,
        end=0,
        text="",
        type=chosen.type,
        specificity=0.0,
        count=chosen.count,
        plural=chosen.plural,
        name=chosen.name,
        affiliation=chosen.affiliation,
        secondhand=chosen.secondhand or any(p.secondhand for p in parts),
        head=chosen.head,
        number="pl" if chosen.plural else "sg",
        gender=chosen.gender,
        definite=chosen.definite,
        partitive=chosen.partitive,
        new_marker=chosen.new_marker,
        name_tokens=chosen.name_tokens,
        roles=chosen.roles,
        descriptors=chosen.descriptors,
        cues=chosen.cues,
        key=chosen.key,
    )
    return m


def _list_item(p: _Part, ptoks: list[Tok], first: _Part, lex: SourceLexicon) -> bool:
    """A comma part that continues a list of names ("France, Spain and Italy", "Jane Roe, Ann Poe"): a name of the
    first one's type, opening on a capital or a determiner. "of Springfield", "Va." after a person, or "dedicating
    the National Museum" say where the person is from or what they did, and a part whose head is a role ("Harbour
    Watch's executive director", "Director of Harbour Watch") says what the person does."""
    lead = ptoks[0]
    determiners = lex.words["definite_determiners"] | lex.words["singular_determiners"]
    roles = lex.words["role_words"]
    opens_role = len(ptoks) > 1 and ptoks[0].low in roles and ptoks[1].low in ("of", "for", "at")  # "President of X"
    role = first.type == NAMED_PERSON and (p.head in lex.words["person_nouns"] or ptoks[-1].low in lex.words["person_nouns"] or opens_role)
    return p.named and not p.starts_appositive and not role and p.type == first.type and (lead.cap or lead.low in determiners)


def _finish(m: Mention, lex: SourceLexicon) -> Mention:
    """Fill in specificity and the fields copied from the span."""
    if m.head in lex.words["body_heads"] and (m.type in ANONYMOUS_TYPES or m.type == REFERENCE) and not (m.pronoun or m.partitive or m.count):
        m.type, m.plural = NAMED_ORGANIZATION, False  # "police said": the police department, one body
    if m.type == ANONYMOUS_VAGUE and _specific_role(m, lex):
        m.type = ANONYMOUS_DESCRIBED  # "a spokesman", "two port managers", "farmers downstream": a role identifies
    if m.type in ANONYMOUS_TYPES:
        m.cues = _specificity_cues(m, lex)
        m.specificity = _anonymous_specificity(m, m.type, lex)
    else:
        m.specificity = lex.type_value[m.type]
    if m.type in (NAMED_ORGANIZATION, NAMED_PERSON, DOCUMENT, MEDIA_OUTLET) and m.count is None and not m.plural:
        m.count = 1
    if m.count is not None and m.count > 1:
        m.plural = True
    if m.type == MEDIA_OUTLET:
        m.secondhand = True
    return m


def _specific_role(m: Mention, lex: SourceLexicon) -> bool:
    """Unnamed people described by what they do ("a commander", "six residents", "one of the attendees") or by the
    party, faith or nation they belong to ("Republicans", "Mexicans"), unlike words that identify nobody ("sources",
    "an official", "critics", "experts": ``words.generic_role_heads``)."""
    if m.pronoun or m.secondhand or not m.head:
        return False
    words = lex.words
    if m.head in words["affiliation_groups"] or (m.plural and m.head in lex.places):
        return True  # "Republicans", "Muslims", "Mexicans": people described by party, faith or nationality
    if m.head not in words["person_nouns"] or m.head in words["vague_heads"] or m.head in words["generic_role_heads"] or m.head in words["group_nouns"]:
        return False
    return not (m.cues & {"vague_relation"}) and m.head not in words["anonymous_synonyms"]


def _specificity_cues(m: Mention, lex: SourceLexicon) -> frozenset[str]:
    """The mention's description cues plus the ones its form gives: one person, a specific role, a number."""
    cues = set(m.cues)
    if m.count == 1 and not m.plural:
        cues.add("singular")
    if m.head and m.head in lex.words["person_nouns"] and m.head not in lex.words["vague_heads"] and m.head not in lex.words["group_nouns"]:
        cues.add("role")
    if m.count is not None and m.count > 1:
        cues.add("count")
    return frozenset(cues)


def _anonymous_specificity(m: Mention, kind: str, lex: SourceLexicon) -> float:
    """``anonymous_base[kind]`` plus one weight per kind of cue, capped (docs/sources.md, Specificity)."""
    cues = _specificity_cues(m, lex)
    return round(min(lex.cap, lex.anonymous_base[kind] + sum(lex.cue_weight[c] for c in cues if c in lex.cue_weight)), 4)
