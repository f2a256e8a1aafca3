"""One noun phrase of a mention: determiners and numbers, the head, and what kind of source it names.

``_analyse_np`` types a phrase without top-level commas or conjunctions (``mentions`` splits those): a media
outlet, a name (``_named_part``: person, organisation, state or document), or a common noun (document,
organisation, unnamed people with their description words and specificity cues, ``_describe``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.sources.context import _DocContext
from annotator.sources.lexicon import (
    ANONYMOUS_DESCRIBED,
    ANONYMOUS_VAGUE,
    DOCUMENT,
    MEDIA_OUTLET,
    NAMED_ORGANIZATION,
    NAMED_PERSON,
    REFERENCE,
    SourceLexicon,
)
from annotator.sources.outlet_names import _find_outlet, _outlet_descriptor_at
from annotator.sources.tokens import _POSTMOD_PARTICIPLE, Tok


@dataclass(slots=True)
class _Part:
    """Analysis of one comma-separated part of a mention."""

    type: str
    count: int | None
    plural: bool
    name: str
    name_tokens: tuple[str, ...] = ()
    head: str = ""
    definite: bool = False
    possessive: bool = False
    partitive: bool = False
    new_marker: bool = False
    affiliation: str | None = None
    secondhand: bool = False
    gender: str = "x"
    roles: frozenset[str] = frozenset()
    descriptors: frozenset[str] = frozenset()
    cues: frozenset[str] = frozenset()
    key: str = ""
    named: bool = False  # denotes a named entity (name-like part)
    examples: bool = False  # introduced by "including" / "such as"
    adverbial: bool = False  # "in particular", "especially ...": adds nothing to the description
    strong: bool = False  # the name has a person cue (title, first name, two+ words) or an organisation cue
    strong_person: bool = False  # a title, a known given name or a speaker label says it is a person
    starts_appositive: bool = False  # begins with a determiner / relative word: an apposition, not a list item


def _is_noun(t: Tok, lex: SourceLexicon) -> bool:
    lem = lex.lemma(t.low)[0]
    return (
        any(t.low in lex.words[k] or lem in lex.words[k] for k in ("person_nouns", "organization_nouns", "document_nouns", "media_nouns", "group_nouns"))
        or t.low in lex.pronouns
    )


def _is_modifier(t: Tok, lex: SourceLexicon) -> bool:
    """An adjective-like word: nationality, rank or affiliation (coordinated modifiers share one head)."""
    low = t.low
    if (t.cap or t.upper) and t.text.lower() in lex.places and lex.places[t.text.lower()].lower() == low:
        return True  # "Iraqi" (the label itself is the adjective), not "Iraq"
    return low in lex.words["rank_words"] or (low in lex.words["affiliation_words"] and low not in lex.words["organization_nouns"])


def _capitalised_group(head: Tok, chunk: list[Tok], lex: SourceLexicon) -> bool:
    """A capitalised head that is a group of people rather than a name ("Many Democrats", "Many Mexicans")."""
    lem = lex.lemma(head.low)[0]
    if lem in lex.words["capitalised_groups"]:
        return True
    if head.low.endswith("s") and (lex.places.get(head.low[:-1]) or "").lower() == head.low[:-1]:
        return True  # "Mexicans", "Iraqis": the plural of a nationality adjective
    if lex.places.get(head.low) and head.low.endswith("s") and lex.places[head.low].lower() != head.low:
        return True  # "Iraqis" listed as a name of the place
    index = chunk.index(head) if head in chunk else len(chunk) - 1
    name_before = index > 0 and chunk[index - 1].proper
    return lem in lex.words["group_nouns"] and not name_before  # "Critics" at sentence start, not "the Charlotte Observer"


def _capitalised_job(head: Tok, chunk: list[Tok], lex: SourceLexicon) -> bool:
    """A job written in capitals with no name ("Assistant Managing Editor", "Chief Financial Officer"): a role noun or
    title ending the chunk after capitalised words that are all job words (``words.job_title_words``, ranks, role
    nouns). A bare title ("the President", "Foreign Minister") stays as it was: it often stands for a person named."""
    if not (head.low in lex.titles or _is_role_noun(head.low, lex)):
        return False
    index = chunk.index(head) if head in chunk else len(chunk) - 1
    words = [t.low for t in chunk[:index] if t.cap or t.upper]
    known = lex.words["job_title_words"] | lex.words["rank_words"]
    return bool(words) and all(w in known or _is_role_noun(w, lex) for w in words)


def _is_place_adjective(t: Tok, lex: SourceLexicon) -> bool:
    label = lex.places.get(t.text.lower())
    return label is not None and label.lower() == t.low


def _run_has_org_keyword(toks: Sequence[Tok], lex: SourceLexicon) -> bool:
    for t in toks:
        if not t.proper:
            break
        if t.low in lex.words["organization_keywords"]:
            return True
    return False


def _run_has_person_cue(toks: Sequence[Tok], lex: SourceLexicon) -> bool:
    return any(t.low in lex.titles or t.low in lex.first_names for t in toks[:2])


def _quantity(phrase: str, lex: SourceLexicon) -> tuple[int | None, bool]:
    """Count from a quantifier phrase: ("ten" -> 10), ("a" -> 1), ("several" -> None, plural)."""
    phrase = phrase.strip().lower()
    if not phrase:
        return None, False
    words = phrase.split()
    # strip approximators ("at least ten", "more than 20")
    changed = True
    while changed and words:
        changed = False
        for n in (2, 1):
            if len(words) > n and " ".join(words[:n]) in lex.words["approximators"]:
                words = words[n:]
                changed = True
                break
    total = _number(words, lex)
    if total is not None:
        return total, total != 1
    if words and words[0].isdigit() and len(words[0]) == 4:
        return None, False  # a year ("his 1995 tax return"): no quantity at all
    joined = " ".join(words)
    if joined in lex.words["singular_determiners"] or words[0] in lex.words["singular_first_words"]:
        return 1, False
    return None, True


def _number(words: list[str], lex: SourceLexicon) -> int | None:
    """Digits or number words at the start of ``words`` ("10", "two dozen", "twenty-five", "a dozen")."""
    if not words:
        return None
    w = words[0].replace(",", "")
    if w.isdigit():
        value = int(w)
        lo, hi = lex.year_range
        return None if len(w) == 4 and lo <= value <= hi else value  # "his 1995 tax return": a year
    if w == "a" and len(words) > 1 and words[1] in lex.words["number_nouns"]:
        return lex.number_words[words[1]]
    parts = w.split("-")
    if all(p in lex.number_words for p in parts):
        value = sum(lex.number_words[p] for p in parts)
        if len(words) > 1 and words[1] in lex.words["number_multipliers"] and words[1] in lex.number_words:
            value *= lex.number_words[words[1]]
        return value
    return None


def _analyse_np(toks: list[Tok], ctx: _DocContext) -> _Part:
    """Type one noun phrase (no top-level commas or conjunctions)."""
    lex = ctx.lexicon
    name_text = " ".join(t.text for t in toks)
    i = 0
    definite = possessive = partitive = new_marker = False
    count: int | None = None
    plural = False
    quant_words: list[str] = []
    possessor: list[Tok] = []

    # -- determiners and quantifiers ----------------------------------------------------------------------------
    def at(j: int) -> str:
        return toks[j].low if j < len(toks) else ""

    while i < len(toks):
        low = at(i)
        two = f"{low} {at(i + 1)}"
        three = f"{two} {at(i + 2)}"
        if i == 0 and low in ("both",) and len(toks) > 1:
            quant_words.append(low)
            definite = True  # "both men" points back like "the two men"
            i += 1
            continue
        if three in lex.words["plural_quantifiers"] or three in lex.words["new_markers"]:
            quant_words += three.split()
            new_marker |= three in lex.words["new_markers"]
            i += 3
            continue
        if two in lex.words["plural_quantifiers"] or two in lex.words["new_markers"] or two in lex.words["approximators"]:
            quant_words += two.split()
            new_marker |= two in lex.words["new_markers"]
            i += 2
            continue
        if low in lex.words["definite_determiners"] and not toks[i].poss:
            definite = True
            i += 1
            continue
        if low in lex.words["possessive_determiners"]:
            possessive = True
            possessor = [toks[i]]
            i += 1
            continue
        if low in lex.words["new_markers"]:
            new_marker = True
            quant_words.append(low)
            i += 1
            continue
        if low.isdigit() and i + 1 < len(toks) and toks[i + 1].start == toks[i].end and toks[i + 1].text in "/:":
            break  # "9/11 widow", "24/7": part of a modifier, not a number of people
        if (
            low in lex.words["singular_determiners"]
            or low in lex.words["plural_quantifiers"]
            or low in lex.words["approximators"]
            or low in lex.number_words
            or low.replace(",", "").isdigit()
            or ("-" in low and all(p in lex.number_words for p in low.split("-") if p))
        ):
            quant_words.append(low)
            i += 1
            continue
        if low == "of" and quant_words:  # "10 of the sources", "one of the officials", "a number of"
            partitive = True
            i += 1
            continue
        break
    if quant_words:
        count, plural = _quantity(" ".join(quant_words), lex)
    if partitive and at(i) in lex.words["definite_determiners"]:
        i += 1
    # possessor phrase: "Keith Lamont Scott's wife", "the ad's narrator", "Clinton's campaign"
    for j in range(i, len(toks)):
        if toks[j].poss and j + 1 < len(toks):
            possessive = True
            possessor = toks[i : j + 1]
            i = j + 1
            break
        if toks[j].low in lex.words["relation_markers"] and j > i:
            break
    core = toks[i:] if i < len(toks) else toks[-1:]
    where = core[1:]
    if (
        quant_words
        and not possessive
        and where
        and core[0].low in ("on", "in", "at", "across")
        and all(not t.proper or t.low in lex.words["platform_names"] for t in where)
    ):
        # "some on Twitter", "many in the crowd": the quantifier stands for the people, the rest says where they are
        return _Part(type=ANONYMOUS_VAGUE, count=count, plural=count != 1, name=name_text, head=quant_words[-1])
    if possessive and count is None:
        # a number after the possessor counts the people: "the mayor's three aides", "the chair's first two callers"
        k = 1 if core and core[0].low in lex.words["count_ordinals"] else 0
        if len(core) > k + 1 and (core[k].low in lex.number_words or core[k].low.isdigit() and len(core[k].low) < 4):
            count, plural = _quantity(core[k].low, lex)

    # collective nouns hand the head on: "a small group of super-wealthy contributors"
    for j, t in enumerate(core[:-2]):
        if lex.lemma(t.low)[0] in lex.words["collective_nouns"] and core[j + 1].low == "of" and not t.proper:
            core = core[j + 2 :]
            if core and core[0].low in lex.words["definite_determiners"]:
                core = core[1:]
            if count is None or count == 1:  # "a group of", "one group of": an unknown number of people
                count, plural = None, True
            quant_words = quant_words or ["several"]
            break
        if not (t.low in lex.words["rank_words"] or t.low in lex.words["size_adjectives"]):
            break
    # -- head: end of the pre-modifier chunk ---------------------------------------------------------------------
    head_end = _head_end(core, lex)
    chunk = core[:head_end]
    post = core[head_end:]
    head_tok = chunk[-1] if chunk else core[-1]
    if (not head_tok.text[0].isalnum() or head_tok.text[0].isdigit()) and len(chunk) > 1:
        head_tok = chunk[-2]  # "Article 21", "Resolution 2231"
    head_lemma, head_plural = lex.lemma(head_tok.low)
    whole_low = " " + " ".join(t.low for t in toks) + " "

    part = _Part(
        type=ANONYMOUS_VAGUE,
        count=count,
        plural=plural,
        name=name_text,
        head=head_lemma,
        definite=definite,
        possessive=possessive,
        partitive=partitive,
        new_marker=new_marker,
    )

    # -- media outlets anywhere in the phrase ---------------------------------------------------------------------
    outlet = _find_outlet(toks, lex, ctx)
    if outlet is not None:
        o_start, o_end, canonical = outlet
        head_index = toks.index(head_tok) if head_tok in toks else -1
        ends_at_head = o_start <= head_index < o_end
        # "the Northern Ledger newspaper", "the Mada news agency": the name, then a descriptor noun as the head
        descriptor_head = 0 <= o_end <= head_index and _outlet_descriptor_at(toks, o_end, head_index + 1, lex)
        # A lexicon outlet anywhere relays it ("a reporter for USA Today"). A name only this article makes an
        # outlet ("New York" after "New York magazine") must be the head, the owner ("the Ledger's report") or
        # the object of by/for/from/in ("a report by the business website Orebody"), not "the mayor of New York".
        before = [t for t in toks[max(0, o_start - 4) : o_start] if t.low != "the"]
        introduced = bool(before) and (
            before[-1].low in ("by", "for", "from", "in", "on", "to") or any(_outlet_descriptor_at(before, len(before) - k, len(before), lex) for k in (1, 2))
        )
        part.secondhand = canonical in lex.outlets.values() or ends_at_head or descriptor_head or toks[o_end - 1].poss or introduced
        # "a Ledger article", "a new column in the Courier": a piece of the outlet's journalism is the outlet (its poll
        # or survey stays a document: data it commissioned); not "the Vox Populi column" (an outlet's name opening a
        # longer name), nor "reports reviewed by the Courier"
        outlet_first = 0 <= o_end <= head_index and not (o_end < head_index and toks[o_end].proper)
        outlet_after_in = o_start > head_index and bool(before) and before[-1].low == "in"
        piece = head_lemma in lex.words["outlet_piece_nouns"] and (outlet_first or outlet_after_in)
        if (ends_at_head or descriptor_head or piece) and not (head_tok.low in lex.titles and not head_tok.proper):
            part.type, part.named, part.strong, part.key = MEDIA_OUTLET, True, True, "outlet:" + canonical.lower()
            part.name, part.affiliation = canonical, canonical
            part.count, part.plural = (1, False) if count is None else (count, count != 1)
            return part

    # -- names ---------------------------------------------------------------------------------------------------
    if head_tok.proper and not _capitalised_group(head_tok, chunk, lex) and not _capitalised_job(head_tok, chunk, lex):
        return _named_part(part, chunk, head_tok, possessor, post, ctx)

    # The head is a common noun: a document, outlet, organisation or unnamed people.
    descriptors, cues, affiliation = _describe(chunk[:-1] if chunk else [], post, possessor, ctx)
    part.descriptors, part.cues = descriptors, cues
    part.affiliation = affiliation

    is_doc = head_lemma in lex.words["document_nouns"] or head_tok.low in lex.words["document_nouns"]
    is_media = head_lemma in lex.words["media_nouns"] or head_tok.low in lex.words["media_nouns"]
    is_org = head_lemma in lex.words["organization_nouns"] or head_tok.low in lex.words["organization_nouns"]
    is_person = head_lemma in lex.words["person_nouns"] or head_tok.low in lex.words["person_nouns"] or head_lemma in lex.words["group_nouns"]
    # an outlet's name as a modifier relays that outlet ("a Times reporter"); a media noun only when the head is
    # not a person ("media reports", but not "the Pentagon press secretary")
    if any(t.low in lex.outlets for t in chunk[:-1]) or (not is_person and any(t.low in lex.words["media_nouns"] for t in chunk[:-1])):
        part.secondhand = True
    if head_tok.low in lex.words["share_heads"] or (head_tok.low in lex.words["majority_heads"] and not count):
        part.count, part.plural = None, True
        part.type = ANONYMOUS_VAGUE
        return part
    if count is None:
        if head_plural or head_tok.low in lex.words["plural_only"]:
            part.plural = True
        elif not quant_words:
            part.count, part.plural = 1, False
    elif quant_words and count == 1 and head_plural and not partitive:
        part.count, part.plural = None, True  # "a few early supporters" parsed as "a"

    # media reports / media as a source: anonymous, secondhand
    if head_lemma in lex.words["media_report_nouns"] and any(
        t.low in lex.words["media_nouns"] or t.low in lex.words["media_report_modifiers"] for t in chunk[:-1]
    ):
        part.type, part.secondhand = ANONYMOUS_VAGUE, True
        return part
    if is_media and not is_person:
        part.secondhand = True
        named_mod = any(t.proper and t.text.lower() not in lex.places for t in chunk[:-1])
        part.type = MEDIA_OUTLET if named_mod else ANONYMOUS_VAGUE
        if not named_mod and definite and not possessive and not part.plural and head_lemma not in lex.words["mass_media_heads"]:
            part.type = REFERENCE  # "the newspaper", "the network"
        if part.type == MEDIA_OUTLET:
            part.named, part.key = True, "outlet:" + " ".join(t.low for t in chunk)
        return part
    describing = lex.describing_cues
    if is_doc and not (is_person and cues & describing and head_lemma not in lex.words["document_heads_always"]):
        part.type = DOCUMENT
        part.key = "doc:" + head_lemma
        if possessor and any(t.proper for t in possessor):
            part.affiliation = part.affiliation or _name_affiliation(possessor, lex)
        return part
    # "group" names people or a body: with a name before it ("the BLM group", "the Sierra Club group") a body
    named_body = (
        is_person
        and head_lemma in lex.words["generic_organization_heads"]
        and any(t.proper and not _is_place_adjective(t, lex) and lex.lemma(t.low)[0] not in lex.words["capitalised_groups"] for t in chunk[:-1])
    )
    if is_org and (not is_person or named_body):
        owner_named = (
            any(t.proper and not _is_place_adjective(t, lex) for t in chunk[:-1])
            or any(t.proper for t in possessor)
            or any(t.low in ("his", "her", "their", "its") for t in possessor)
        )
        nationality = "nationality" in cues
        identified = nationality or "affiliation" in cues  # "the Israeli military", "the interior ministry"
        if definite and not possessive and not owner_named and not identified:
            part.type = REFERENCE
        elif possessive and not owner_named and (definite or possessor and possessor[0].low in lex.words["definite_determiners"]):
            part.type = REFERENCE  # "the agency's bureaucracy"
        elif part.plural and not owner_named and not definite:
            part.type = ANONYMOUS_VAGUE  # unnamed institutions: "some environmental groups", "many European countries"
        else:
            part.type = NAMED_ORGANIZATION
            part.named = True
            part.strong = owner_named or identified
        owner = [t for t in chunk[:-1] if t.proper] or [t for t in possessor if t.proper]
        part.name = ctx.text[toks[0].start : toks[-1].end]
        part.key = "org:" + head_lemma + ":" + " ".join(t.low for t in owner)
        if owner and part.affiliation is None:
            part.affiliation = " ".join(t.text for t in owner)
        part.name_tokens = tuple(t.low for t in owner)
        if part.type == NAMED_ORGANIZATION and part.count is None and not part.plural:
            part.count = 1
        return part

    # people without a name
    if partitive:
        part.type = ANONYMOUS_DESCRIBED if cues & describing else ANONYMOUS_VAGUE
        return part
    if definite and not possessive:
        part.type = REFERENCE
        if count is None and not part.plural:
            part.count = 1
        return part
    if possessive:
        part.type = ANONYMOUS_DESCRIBED
        part.cues = part.cues | {"relation"}
        return part
    if not is_person and chunk and not any(t.text[0].isalpha() for t in chunk):
        part.type = ANONYMOUS_VAGUE
        return part
    group_only = head_lemma in lex.words["group_nouns"] and not (cues & (describing - {"rank"}))
    if cues & describing and not group_only:
        part.type = ANONYMOUS_DESCRIBED
    else:
        part.type = ANONYMOUS_VAGUE
    if " i " in whole_low or " we " in whole_low:
        part.cues = part.cues | {"vague_relation"}
    return part


def _head_end(core: list[Tok], lex: SourceLexicon) -> int:
    """Index just after the head noun: the chunk stops at a preposition, relative word or participle."""
    for j, t in enumerate(core):
        if j == 0:
            continue
        low = t.low
        prev = core[j - 1]
        if low in ("of", "for", "&", "and") and (prev.proper or prev.cap and prev.low in lex.titles) and j + 1 < len(core):
            nxt = core[j + 1] if core[j + 1].low not in ("the", "a") or j + 2 >= len(core) else core[j + 2]
            if (
                prev.proper
                and nxt.proper
                and (_run_has_org_keyword(core[:j], lex) or nxt.low in lex.words["organization_keywords"] or prev.low in lex.words["organization_keywords"])
                and not _person_name_before(core[:j], lex)
            ):
                continue  # "University of Michigan", "Citizens for Tax Justice"; not "Ana F. Ruiz of the Weekly Courier"
            if prev.low in lex.titles and nxt.proper and (prev.proper or _first_name_after(core, j + 1, lex)):
                continue  # "Secretary of State John Kerry" (a capitalised title then a person's name)
        if low in lex.words["relation_markers"] or low in lex.words["head_end_words"]:
            return j
        if low in lex.words["reflexives"] or (low.endswith("ly") and not t.proper and len(low) > 4 and not lex.is_common_word(low)):
            return j  # "the ad itself", "guidelines recently issued by ..."
        if (
            (_POSTMOD_PARTICIPLE.match(low) or low in lex.words["irregular_participles"])
            and not t.proper
            and (
                prev.low in lex.words["person_nouns"]
                or prev.low in lex.words["document_nouns"]
                or lex.lemma(prev.low)[0] in lex.words["person_nouns"]
                or lex.lemma(prev.low)[0] in lex.words["document_nouns"]
                or lex.lemma(prev.low)[0] in lex.words["organization_nouns"]
            )
        ):
            return j
    return len(core)


def _person_name_before(run: list[Tok], lex: SourceLexicon) -> bool:
    """The capitalised words before an "of" are a person's name: a known first name, then capitalised words, none of
    them an organisation's keyword ("Ana F. Ruiz", not "Georgia Institute")."""
    return len(run) >= 2 and run[0].low in lex.first_names and all(t.cap for t in run) and not _run_has_org_keyword(run, lex)


def _first_name_after(toks: list[Tok], start: int, lex: SourceLexicon) -> bool:
    """A capitalised first name among the capitalised words from ``start`` on ("... of State John Kerry")."""
    for t in toks[start:]:
        if not t.cap:
            return False
        if t.low in lex.first_names:
            return True
    return False


def _named_part(part: _Part, chunk: list[Tok], head_tok: Tok, possessor: list[Tok], post: list[Tok], ctx: _DocContext) -> _Part:
    """The head is a name: person, organisation or state."""
    lex = ctx.lexicon
    end = chunk.index(head_tok) + 1 if head_tok in chunk else len(chunk)
    j = end - 1
    while j - 1 >= 0:
        prev = chunk[j - 1]
        if prev.proper or prev.low in lex.words["name_particles"] or prev.low in lex.titles and prev.cap:
            j -= 1
            continue
        if prev.low == "of" and j - 2 >= 0 and chunk[j - 2].cap and chunk[j - 2].low in lex.titles and _first_name_after(chunk, j, lex):
            j -= 2  # "Secretary of State John Kerry", "Minister of Finance Ann Roe": the title stays with the name
            continue
        # connectors inside an organisation name (the head chunk kept them only for such names)
        if (
            prev.low in ("of", "for", "a", "an", "the", "and", "&", "on")
            and j - 2 >= 0
            and (chunk[j - 2].proper or chunk[j - 2].low in ("of", "for", "a", "an", "the"))
        ):
            k = j - 2
            while k >= 0 and chunk[k].low in ("of", "for", "a", "an", "the", "and", "&", "on"):
                k -= 1
            if k >= 0 and chunk[k].proper and _run_has_org_keyword(chunk[: k + 1][::-1], lex):
                j = k
                continue
        break
    run = chunk[j:end]
    before = chunk[:j]
    part.named = True
    run_low = [t.low for t in run]
    run_text = " ".join(t.text for t in run)

    # titles inside the run: the name is what follows the last title ("Homeland Security Secretary Jeh Johnson")
    last_title = -1
    k = 0
    roles: set[str] = set()
    gender = "x"
    while k < len(run):
        matched = 0
        for n in range(min(lex.max_title_tokens, len(run) - k), 0, -1):
            phrase = " ".join(run_low[k : k + n])
            if phrase in lex.titles and (n > 1 or run[k].low not in lex.first_names or k + 1 < len(run)):
                matched = n
                g = lex.titles[phrase]
                if g:
                    gender = g
                roles.add(_role_word(phrase, lex))
                break
        if matched and k + matched < len(run) and run_low[k + matched] in lex.words["organization_keywords"]:
            matched = 0  # "the Republican Party of Kelso": a party word before an organisation's keyword is its name
        if matched and k + matched < len(run):
            last_title = k + matched - 1
            k += matched
        else:
            k += 1
    name_toks = run[last_title + 1 :] if last_title >= 0 else run
    # role nouns before the run ("Clinton spokesman Nick Merrill", "the state's campaign chairman, Phil Lovas")
    for t in before:
        if t.low in lex.words["person_nouns"] or t.low in lex.titles:
            roles.add(_role_word(t.low, lex))
    name_low = [t.low for t in name_toks]
    name_str = " ".join(t.text for t in name_toks)
    full_text_low = run_text.lower()
    org_keyword = any(w in lex.words["organization_keywords"] for w in name_low)
    place = lex.places.get(full_text_low) or lex.places.get(" ".join(t.text.lower() for t in name_toks))
    org_alias = lex.organizations.get(full_text_low) or lex.organizations.get(" ".join(name_low)) or _suffix_alias(name_low, lex.organizations)
    acronym = len(name_toks) == 1 and (
        re.fullmatch(r"(?:[A-Z]\.){2,}", name_toks[0].text) is not None
        or (name_toks[0].upper and lex.acronym_min_chars <= len(name_toks[0].text) <= lex.acronym_max_chars and not ctx.line_is_caseless(name_toks[0].start))
    )
    speaker_label = name_toks and name_toks[-1].upper and ctx.text[name_toks[-1].end : name_toks[-1].end + 2].lstrip().startswith(":")
    person_cue = last_title >= 0 or (name_low and name_low[0] in lex.first_names) or bool(roles & lex.words["person_role_words"])
    if not (person_cue or org_keyword or place or org_alias) and len(name_toks) == 1:
        org_keyword = ctx.org_elsewhere(name_toks[0].text)  # "Peabody" ... "Peabody Energy" elsewhere
    the_before = bool(before) and before[-1].low == "the" or part.definite and not before
    # "consumer group Fair Water", "the charity Open Doors": an organisation noun introduces the name
    # ("city council member Tomasz Wilk" is a person: the word right before the name decides)
    org_noun_before = bool(before) and before[-1].low in lex.words["organization_nouns"] and not before[-1].cap
    role_before = bool(before) and not before[-1].proper and _is_role_noun(before[-1].low, lex)
    person_cue = person_cue or role_before

    affiliation = _name_affiliation(before + run[: last_title + 1] + post + possessor, lex)
    if name_low and name_low[-1] in lex.words["document_keywords"] and last_title < 0 and not speaker_label:
        part.type, part.named, part.key = DOCUMENT, False, "doc:" + " ".join(name_low)
        part.name = run_text
        part.count, part.plural = (1, False) if part.count is None else (part.count, part.count != 1)
        return part
    if the_before and len(name_toks) == 1 and name_low[0] in lex.words["outlet_title_words"] and not person_cue:
        # "the Herald", "the Courier": a paper called by its title word (the story's own, or one it cites)
        part.type, part.named, part.secondhand = MEDIA_OUTLET, True, True
        part.name = "the " + name_toks[0].text
        part.key = "outlet:" + name_low[0]
        part.name_tokens = (name_low[0],)
        part.count, part.plural = 1, False
        return part
    # a name ending in an organisation keyword is a body, whatever title-like word opens it ("Republican National
    # Committee", "the House Armed Services Committee"); "Committee Chairman Jane Roe" ends in a name
    org_head = bool(name_low) and name_low[-1] in lex.words["organization_keywords"]
    if speaker_label or (person_cue and not ((org_keyword and last_title < 0) or org_head)):
        kind = NAMED_PERSON
    elif org_alias or org_keyword or place or acronym or the_before or org_noun_before:
        kind = NAMED_ORGANIZATION
    elif head_tok.low in lex.words["person_nouns"] and not head_tok.proper:
        kind = ANONYMOUS_VAGUE
    else:
        kind = NAMED_PERSON
    part.type = kind
    part.strong = bool(speaker_label or person_cue or org_alias or org_keyword or acronym or (kind == NAMED_PERSON and len(name_toks) > 1)) and not (
        place and len(run) == len(name_toks)
    )
    part.gender = gender
    part.strong_person = bool(speaker_label or person_cue)
    part.roles = frozenset(r for r in roles if r)
    if kind == NAMED_PERSON:
        clean = [t for t in name_toks if t.text[0].isalpha()]
        part.name = " ".join(t.text for t in clean) or name_str
        part.name_tokens = tuple(t.low for t in clean)
        # the side a named person speaks for: nationality/party/organisation, else the owner of the role
        # ("Clinton spokesman Nick Merrill" -> "Clinton", "Sudani's foreign affairs adviser" -> "Sudani")
        owner = [t for t in before + possessor if t.proper and t.low not in lex.titles]
        part.affiliation = affiliation or (" ".join(t.text for t in owner) if owner else None)
        if name_low and gender == "x":
            part.gender = lex.first_names.get(name_low[0], "x")
    else:
        canonical = org_alias or (lex.places.get(full_text_low) and run_text) or run_text
        if place and not org_alias:
            canonical = run_text
            part.affiliation = place
        else:
            part.affiliation = affiliation or canonical
        part.name = canonical
        part.name_tokens = tuple(t.low for t in run if t.low not in ("the",))
        part.key = "org:" + canonical.lower()
    if part.count is None and not part.plural:
        part.count = 1
    if run and run[0].low in lex.words["plural_titles"]:
        part.plural = True
    return part


def _is_role_noun(low: str, lex: SourceLexicon) -> bool:
    """A noun for a person's role ("member", "economist"), not a body ("group", "council")."""
    lemma = lex.lemma(low)[0]
    words = lex.words
    return (low in words["person_nouns"] or lemma in words["person_nouns"]) and not (low in words["organization_nouns"] or lemma in words["organization_nouns"])


def _role_word(phrase: str, lex: SourceLexicon) -> str:
    """The role a title gives ("sen." -> "senator", "mr." -> none): ``words.title_roles``, else its last word."""
    if phrase in lex.title_roles:
        return lex.title_roles[phrase]
    return phrase.split()[-1].rstrip(".")


def _suffix_alias(name_low: list[str], table: dict[str, str]) -> str | None:
    for k in range(len(name_low)):
        hit = table.get(" ".join(name_low[k:]))
        if hit:
            return hit
    return None


def _name_affiliation(toks: Iterable[Tok], lex: SourceLexicon) -> str | None:
    """Nationality, party or organisation named in a description (rightmost wins: "Iran-backed Iraqi groups")."""
    found: str | None = None
    toks = list(toks)
    for idx, t in enumerate(toks):
        word = t.text
        for piece in [word] + word.split("-")[:1]:
            label = lex.places.get(piece.lower()) if (t.cap or t.upper) else None
            if label:
                found = label
                break
        else:
            low = t.low
            if low in lex.party_words:
                found = lex.party_words[low]
            elif t.proper and (low in lex.organizations):
                found = lex.organizations[low]
            elif t.proper and idx + 1 < len(toks) and f"{low} {toks[idx + 1].low}" in lex.organizations:
                found = lex.organizations[f"{low} {toks[idx + 1].low}"]
    return found


def _party_from_parenthetical(toks: list[Tok], lex: SourceLexicon) -> str | None:
    first = toks[0].text.split("-")[0].upper() if toks else ""
    return lex.party_initials.get(first)


def _describe(pre: list[Tok], post: list[Tok], possessor: list[Tok], ctx: _DocContext) -> tuple[frozenset[str], frozenset[str], str | None]:
    """Descriptor words and specificity cue kinds of an anonymous description."""
    lex = ctx.lexicon
    cues: set[str] = set()
    descriptors: set[str] = set()
    for t in pre:
        low = t.low
        pieces = low.split("-")
        if low in lex.words["rank_words"]:
            cues.add("rank")
            descriptors.add(low)
        elif (t.cap or t.upper) and (t.text.lower() in lex.places or t.text.split("-")[0].lower() in lex.places):
            cues.add("nationality")
            descriptors.add(lex.places.get(t.text.lower()) or lex.places[t.text.split("-")[0].lower()])
            if len(pieces) > 1:
                cues.add("affiliation")
        elif low in lex.words["affiliation_words"] or any(p in lex.words["affiliation_words"] for p in pieces if len(pieces) > 1):
            cues.add("affiliation")
            descriptors.add(low)
        elif t.proper:
            cues.add("named_modifier")
            cues.add("affiliation")
            descriptors.add(low)
        elif t.text[0].isalpha() and low not in lex.words["function_words"]:
            descriptors.add(low)
            saying_nothing = low in lex.words["vague_modifiers"] or low in lex.words["plural_quantifiers"] or low in lex.number_words
            saying_nothing = saying_nothing or lex.lemma(low)[0] in lex.words["person_nouns"]  # "six women and six men"
            if not saying_nothing and not low.endswith("est"):  # "the biggest" says nothing of who either
                cues.add("field")  # "environmental groups", "restructuring experts": described by what they work on
    post_low = " ".join(t.low for t in post)
    if post:
        vague = any(post_low.startswith(p) or f" {p}" in f" {post_low}" for p in lex.words["vague_relation_phrases"])
        if vague:
            cues.add("vague_relation")
        else:
            content = [t for t in post[1:] if t.text[0].isalnum() and t.low not in lex.words["function_words"]]
            if _POSTMOD_PARTICIPLE.match(post[0].low) and any(t.proper for t in content):
                cues.update({"relation", "named_modifier"})
                descriptors.update(t.low for t in content)
            elif post[0].low in lex.words["relation_markers"] and content:
                if any(t.proper for t in content):
                    cues.add("named_modifier")
                if any((t.cap or t.upper) and t.text.lower() in lex.places for t in content):
                    cues.add("nationality")
                if post[0].low in lex.words["relation_words"]:
                    cues.add("relation")
                else:
                    cues.add("affiliation")
                descriptors.update(t.low for t in content)
    if possessor:
        cues.add("relation")
        if any(t.proper for t in possessor):
            cues.add("named_modifier")
        descriptors.update(t.low for t in possessor if t.text[0].isalpha())
    affiliation = _name_affiliation(pre + post + possessor, lex)
    return frozenset(descriptors), frozenset(cues), affiliation
