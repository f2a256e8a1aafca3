"""Outlet names: inside a mention (``_find_outlet``) and in the whole text (``doc_outlet_names``).

An outlet is named either as the media lexicon knows it ("Reuters", "the Times") or as the article
introduces it with a descriptor noun ("the Iraqi newspaper Al-Mada", "the Northern Ledger newspaper",
"Orebody, a business website"); such names are outlets wherever the article uses them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from annotator.sources.context import _DocContext
from annotator.sources.lexicon import SourceLexicon
from annotator.sources.tokens import _POSTMOD_PARTICIPLE, Tok


def doc_outlet_names(ctx: _DocContext) -> dict[tuple[str, ...], str]:
    """Outlets this article names with a descriptor noun ("the Iraqi newspaper Al-Mada", "the Northern Ledger
    newspaper", "Orebody, a business website"): lowercase name words -> name. Unknown to the lexicon, they
    are outlets in this article wherever they appear, and so are shorter forms ("the Ledger")."""
    return _doc_outlets(ctx)[0]


def described_outlets(ctx: _DocContext) -> frozenset[str]:
    """Outlets the article introduces with a descriptor noun ("the Lebanese newspaper Al-Akhbar"): it
    describes them to the reader, so they are other outlets, not the one reporting."""
    return _doc_outlets(ctx)[1]


def _doc_outlets(ctx: _DocContext) -> tuple[dict[tuple[str, ...], str], frozenset[str]]:
    """(names, described) of ``_scan_doc_outlets``, scanned once per text on first use and kept on the context."""
    if ctx.introduced_outlets is None:
        ctx.introduced_outlets = _scan_doc_outlets(ctx)
    return ctx.introduced_outlets


def _find_outlet(toks: list[Tok], lex: SourceLexicon, ctx: _DocContext | None = None) -> tuple[int, int, str] | None:
    """Longest outlet name in the phrase (a leading "the" optional), as (start index, end index, canonical):
    from the lexicon, or one the article introduces with a descriptor noun (``doc_outlet_names``)."""
    best = _find_lexicon_outlet(toks, lex)
    if ctx is not None and doc_outlet_names(ctx):
        found = _find_doc_outlet(toks, ctx)
        if found is not None and (best is None or found[1] - found[0] > best[1] - best[0]):
            best = found
    return best


def _find_lexicon_outlet(toks: list[Tok], lex: SourceLexicon) -> tuple[int, int, str] | None:
    best: tuple[int, int, str] | None = None
    for i in range(len(toks)):
        hit = _lexicon_outlet_at(toks, i, lex)
        if hit is not None and (best is None or hit[0] - i > best[1] - best[0]):
            best = (i, hit[0], hit[1])
    return best


def _lexicon_outlet_at(toks: list[Tok], i: int, lex: SourceLexicon) -> tuple[int, str] | None:
    """(end index, canonical) of the longest lexicon outlet name starting at ``toks[i]``."""
    if not toks[i].cap and not toks[i].upper:
        return None
    n = len(toks)
    for k in range(min(lex.max_outlet_tokens, n - i), 0, -1):
        words = toks[i : i + k]
        if not all(w.cap or w.upper or not w.text[0].isalpha() or w.low in ("of", "the", "and", "&") for w in words):
            continue
        phrase = " ".join(w.text for w in words).lower().replace(" .", ".")
        canonical = lex.outlets.get(phrase) or lex.outlets.get("the " + phrase)
        if canonical is None:
            continue
        if (
            k == 1
            and words[0].low in lex.words["outlet_words_needing_the"]
            and not (i > 0 and toks[i - 1].low == "the")
            and canonical.lower() not in lex.words["outlets_named_by_bare_word"]
        ):
            # single common words are outlets only as "the Times" / "the Hill"
            if not (words[0].upper and len(words[0].text) > 2):
                continue
        if canonical.lower() in lex.words["outlets_only_with_magazine"] and not (i + k < n and toks[i + k].low == "magazine"):
            return None  # "Time" only as "Time magazine"
        if k == 1 and words[0].low in lex.words["outlet_words_needing_the"] and i + k < n and toks[i + k].cap and toks[i + k].text[0].isalpha():
            continue  # "the National Museum", "the Post Office": the common word opens a longer name
        return i + k, canonical
    return None


def _find_doc_outlet(toks: list[Tok], ctx: _DocContext) -> tuple[int, int, str] | None:
    """Longest run of capitalised words that is an outlet the article introduced, or the end of one's name
    ("the Ledger" after "the Northern Ledger newspaper")."""
    best: tuple[int, int, str] | None = None
    for i in range(len(toks)):
        hit = _doc_outlet_at(toks, i, ctx)
        if hit is not None and (best is None or hit[0] - i > best[1] - best[0]):
            best = (i, hit[0], hit[1])
    return best


def _doc_outlet_at(toks: list[Tok], i: int, ctx: _DocContext) -> tuple[int, str] | None:
    """(end index, name) of the longest outlet name of ``doc_outlet_names(ctx)`` (or end of one) at ``toks[i]``."""
    names = doc_outlet_names(ctx)
    if not (toks[i].cap or toks[i].upper):
        return None
    longest = max((len(k) for k in names), default=1)
    n = len(toks)
    for k in range(min(longest, n - i), 0, -1):
        words = toks[i : i + k]
        if not (words[-1].cap or words[-1].upper) or not all(w.cap or w.upper or w.low in ctx.lexicon.words["connectors"] for w in words):
            continue
        key = tuple(w.low for w in words)
        canonical = names.get(key) or _outlet_name_suffix(key, names, ctx.lexicon)
        if canonical is None and k == 1 and i > 0 and toks[i - 1].low == "the" and key[0] in ctx.lexicon.words["outlet_title_words"]:
            # "the Gazette" after "the Harbour Gazette": the title word alone, as papers are called for short
            canonical = next((name for words_, name in names.items() if len(words_) > 1 and words_[-1] == key[0]), None)
            canonical = canonical or "the " + words[0].text  # "the Herald" with no longer name: the paper by its title word
        if canonical is not None:
            return i + k, canonical
    return None


def _outlet_name_suffix(key: tuple[str, ...], names: dict[tuple[str, ...], str], lex: SourceLexicon) -> str | None:
    """The name ``key`` ends (a short form: "Ledger" of "Northern Ledger"), if it holds a distinctive word."""
    if not any(not lex.is_common_word(w) and w not in lex.words["organization_keywords"] for w in key):
        return None
    for name, canonical in names.items():
        if len(key) < len(name) and name[-len(key) :] == key:
            return canonical
    return None


def _outlet_descriptor_at(toks: Sequence[Tok], start: int, end: int, lex: SourceLexicon) -> bool:
    """``toks[start:end]`` is an outlet descriptor noun phrase ("newspaper", "news agency")."""
    phrase = tuple(t.low for t in toks[start:end])
    return bool(phrase) and phrase in lex.descriptor_tuples["any"]


def _descriptor_match(toks: list[Tok], i: int, lex: SourceLexicon, which: str = "any") -> int:
    """End index of the longest outlet descriptor (``which``: "before", "after" or "any" list) starting at
    ``toks[i]``, written in lower case or as "TV"; 0 if none."""
    if i >= len(toks) or toks[i].low not in lex.descriptor_first_words:
        return 0
    tuples = lex.descriptor_tuples[which]
    for k in (3, 2, 1):
        words = toks[i : i + k]
        if len(words) == k and tuple(t.low for t in words) in tuples and all(t.text.islower() or t.text == "TV" for t in words):
            return i + k
    return 0


def _outlet_name_from_run(run: list[Tok], ctx: _DocContext) -> str | None:
    """The outlet name a run of capitalised words gives, or None when it cannot be one (a place, a day, an
    organisation noun such as "White House", only common words)."""
    lex = ctx.lexicon
    words = [t for t in run if t.text[0].isalnum()]
    while words and words[0].low == "the":
        words = words[1:]
    while words and words[-1].low in lex.words["connectors"]:
        words = words[:-1]
    if not words:
        return None
    low = " ".join(t.low for t in words)
    known = lex.outlets.get(low) or lex.outlets.get("the " + low)
    if known:
        return known
    if any(t.low in lex.words["time_words"] for t in words) or low in lex.places or low in lex.organizations or low in lex.pronouns:
        return None
    if len(words) == 1 and words[0].low in ctx.lower_words:
        return None  # "Time", "Current": the article also writes the word in lower case
    if any(re.search(r"\w-[a-z]", t.text) and not lex.particle_name.match(t.text) for t in words):
        return None  # "New York-based"
    last = lex.lemma(words[-1].low)[0]
    if last in lex.words["document_keywords"] or last in lex.words["document_nouns"]:
        return None  # "the weekly Hurun Report": a document's name
    if all(t.text.lower() in lex.places or t.text.split("-")[0].lower() in lex.places for t in words):
        return None
    if any(t.low in lex.words["organization_nouns"] for t in words):
        return None
    if all(lex.is_common_word(t.low) or t.low in lex.words["function_words"] for t in words):
        return None
    return " ".join(t.text for t in words).rstrip(".")


def _same_line(toks: list[Tok], a: int, b: int, text: str) -> bool:
    return "\n" not in text[toks[a].start : toks[b].end]


def _scan_doc_outlets(ctx: _DocContext) -> tuple[dict[tuple[str, ...], str], frozenset[str]]:
    """Outlets named with a descriptor noun: "the newspaper X" (X after a descriptor), "the X newspaper" (X
    before a descriptor that can follow a name), "X, a Lebanese daily" (apposition)."""
    lex = ctx.lexicon
    text = ctx.text
    toks = ctx.all_tokens
    noun_lists = ("person_nouns", "document_nouns", "organization_nouns")
    function_words = lex.words["function_words"]
    connectors = lex.words["connectors"]
    names: dict[tuple[str, ...], str] = {}
    described: set[str] = set()

    def add(run: list[Tok], with_descriptor: bool = True) -> None:
        name = _outlet_name_from_run(run, ctx)
        if name is not None:
            if with_descriptor:
                described.add(name)
            key = tuple(t.low for t in run if t.text[0].isalnum() and t.low != "the")
            while key and key[-1] in connectors:
                key = key[:-1]
            if key:
                names.setdefault(key, name)

    def head_ends(j: int) -> bool:
        """The descriptor is the head of its phrase: what follows is punctuation, a function word or a verb
        form, not another noun ("newspaper editor", "radio talk-show host")."""
        if toks[j - 1].text.endswith(".") or toks[j - 1].poss:
            return True  # a sentence ends, or the descriptor owns what follows ("the Harbour Living magazine's poll")
        if j >= len(toks) or not toks[j].text[0].isalpha():
            return True
        nxt = toks[j]
        if nxt.cap or nxt.low in ("and", "or", "&") or any(nxt.low in lex.words[k] or lex.lemma(nxt.low)[0] in lex.words[k] for k in noun_lists):
            return False
        return nxt.low in function_words or nxt.low in lex.words["relation_markers"] or bool(_POSTMOD_PARTICIPLE.match(nxt.low)) or nxt.low.endswith("s")

    def ends_sentence(t: Tok) -> bool:
        return t.text.endswith(".") and t.low not in lex.titles and not re.fullmatch(r"(?:\w\.)+", t.low)

    n = len(toks)
    for i in range(n):
        if ctx.line_is_caseless(toks[i].start):
            continue
        if toks[i].cap and toks[i].low in lex.words["outlet_title_words"] and not (i + 1 < n and toks[i + 1].cap and _same_line(toks, i, i + 1, text)):
            # "The Charlotte Observer": capitalised words ending in a newspaper title word
            run = [toks[i]]
            k = i - 1
            while k >= 0 and _same_line(toks, k, i, text) and not toks[k].poss and not ends_sentence(toks[k]) and (toks[k].cap or toks[k].upper):
                if toks[k].low == "the":
                    break
                run.insert(0, toks[k])
                k -= 1
            first = run[0]
            initial_only = ctx.sentence_initial(first.start) and lex.is_common_word(first.low)
            if len(run) >= 2 and first.low not in lex.first_names and first.low not in lex.titles and not initial_only:
                add(run, with_descriptor=False)
        for where in ("before", "after"):
            j = _descriptor_match(toks, i, lex, where)
            if not j:
                continue
            if where == "before" and j < n and not toks[j - 1].poss and not ends_sentence(toks[j - 1]):
                # "the Iraqi newspaper Al-Mada": the capitalised run right after the descriptor
                run: list[Tok] = []
                k = j
                while k < n and _same_line(toks, j - 1, k, text):
                    t = toks[k]
                    if t.cap or t.upper or (run and t.low in connectors and k + 1 < n and toks[k + 1].cap):
                        run.append(t)
                        k += 1
                        if t.poss or ends_sentence(t):
                            break
                        continue
                    break
                if run:
                    add(run)
            if where == "after" and i > 0 and head_ends(j):
                # "the Northern Ledger newspaper": the capitalised run right before the descriptor
                run = []
                k = i - 1
                while k >= 0 and _same_line(toks, k, i, text) and not toks[k].poss and not ends_sentence(toks[k]):
                    t = toks[k]
                    if t.low in ("a", "an", "the"):
                        break
                    if t.cap or t.upper or (run and t.low in ("of", "&", "and") and k > 0 and toks[k - 1].cap):
                        run.insert(0, t)
                        k -= 1
                        continue
                    break
                prev = toks[k] if k >= 0 and run else None
                # "the Northern Ledger newspaper", "in Kayhan daily"; not "a Baton Rouge newspaper" (a paper from
                # Baton Rouge) nor "an influential X newspaper"
                prev_ok = prev is None or not prev.text[0].isalpha() or prev.low == "the" or (prev.low in function_words and prev.low not in ("a", "an"))
                if run and prev_ok and not (len(run) == 1 and ctx.sentence_initial(run[0].start) and lex.is_common_word(run[0].low)):
                    add(run)
            if head_ends(j):
                # "Orebody, a business website": name, comma, determiner, up to three words, descriptor
                k = i - 1
                while (
                    k >= 0
                    and i - k <= 4
                    and toks[k].low not in ("a", "an", "the")
                    and toks[k].text[0].isalpha()
                    and not toks[k].poss
                    and toks[k].low not in function_words
                    and (toks[k].text.islower() or toks[k].text.lower() in lex.places)  # not "a Baton Rouge newspaper"
                ):
                    k -= 1
                if k >= 2 and toks[k].low in ("a", "an", "the") and toks[k - 1].text == ",":
                    run = []
                    m = k - 2
                    while m >= 0 and (toks[m].cap or toks[m].upper) and _same_line(toks, m, k, text):
                        run.insert(0, toks[m])
                        m -= 1
                    if run:
                        add(run)
    return names, frozenset(described)
