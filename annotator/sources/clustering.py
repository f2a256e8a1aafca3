"""Clustering mentions into sources: which mentions are the same person, body or document.

Mentions arrive in text order; each joins the latest compatible source within the configured windows
(``clustering`` in ``configs/sources.yaml``): names by surname, organisations by key or acronym, documents and
anonymous descriptions by head and descriptors, definite descriptions and pronouns by the nearest compatible
source. "I"/"we" inside a quote go to the quote's source.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from annotator.schema import AnnotatedArticle
from annotator.sources.context import _context
from annotator.sources.entities import Entity, as_owner
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
    agent_noun,
)
from annotator.sources.mentions import Mention, _copy
from annotator.sources.people import join_announced_titles, join_lede_description, nearest_anonymous_person, nearest_named_person, placed_elsewhere


def cluster_mentions(mentions: Sequence[Mention], doc: AnnotatedArticle | None, lexicon: SourceLexicon) -> list[Entity]:
    """Group mentions (in text order) into source entities; speaker pronouns ("I" in a quote) go last."""
    entities: list[Entity] = []
    speaker_pending: list[Mention] = []
    of_mention: dict[str, Entity] = {}
    # Entities by their last mention, latest first, kept in order as mentions arrive (in text order) and cut at
    # ``entity_window`` characters: resolution looks back that far at most, so a long document costs linear time.
    recent: list[Entity] = []
    bearers = FirstBearers(doc.text, lexicon) if doc is not None else None
    for m in mentions:
        if m.pronoun in ("speaker", "addressee"):
            speaker_pending.append(m)
            continue
        while recent and m.start - recent[-1].last.end > lexicon.entity_window:
            recent.pop()
        target = _resolve(m, recent, lexicon, bearers)
        if target is None and doc is not None:
            target = _issuer(m, recent, doc.text, lexicon)
        if target is None:
            target = Entity()
            entities.append(target)
        else:
            recent.remove(target)
        target.add(m)
        recent.insert(0, target)
        of_mention[m.span_id] = target
    if speaker_pending:
        _attach_speakers(speaker_pending, entities, of_mention, doc)
    join_lede_description(entities, doc, lexicon)
    join_announced_titles(entities, lexicon)
    _fold_known_groups(entities, lexicon)
    entities.sort(key=lambda e: min(x.start for x in e.mentions))
    for e in entities:
        e.mentions.sort(key=lambda x: (x.start, x.end))
    return entities


_ONE = re.compile(r"\W*one\s", re.IGNORECASE)
_FIRST_MEMBER = re.compile(r",\s*|\s+and\s+|\s*&\s*")  # what ends the first person a named group names


def _issuer(m: Mention, recent: list[Entity], text: str, lex: SourceLexicon) -> Entity | None:
    """The source that issued the document ``m`` names again ("The trust issued a statement of protest ... the
    statement asked ..."): the subject of the last issuing verb before ``m`` whose object has ``m``'s head
    (``clustering.issuing_verbs``), when a mention of that source ends at most ``issuer_chars`` before the verb in
    its sentence. Such a document is its issuer's words, as a named owner's is ("the trust's statement")."""
    if not lex.issuer_chars or m.type != DOCUMENT or not m.definite or m.owner is not None:
        return None
    lo = max(0, m.start - lex.description_window)
    head = lex.lemma(m.head)[0]
    verb_at = -1
    for found in lex.issuing.finditer(text, lo, m.start):
        issued = re.findall(r"[\w’'-]+", text[found.end() : found.end() + 60])[:4]
        if any(lex.lemma(w.lower())[0] == head for w in issued):
            verb_at = found.start()
    if verb_at < 0:
        return None
    lo = max(0, verb_at - lex.sentence_max_chars)
    sentence_start = max(lo, max(text.rfind(c, lo, verb_at) for c in ".!?\n") + 1)
    for e in recent:
        if e.type != DOCUMENT and any(sentence_start <= x.start and x.end <= verb_at <= x.end + lex.issuer_chars for x in e.mentions):
            return e
    return None


def _resolve(m: Mention, recent: list[Entity], lex: SourceLexicon, bearers: FirstBearers | None = None) -> Entity | None:
    """The entity ``m`` joins among ``recent`` (latest last mention first), or None for a new one."""
    if m.type == DOCUMENT and m.owner is not None:
        return _resolve(m.owner, recent, lex, bearers)  # "Ivana Trump's brief" joins Ivana Trump, else starts her source
    if m.type == NAMED_PERSON:
        if m.plural:
            # "Mr. King and Mr. Schultz" is a group of its own, unless the same people were named together before
            return next((e for e in recent if e.type == NAMED_PERSON and e.plural and _same_named_group(m, e)), None)
        for e in recent:
            if e.type in (NAMED_PERSON, DOCUMENT) and not e.plural and _names_match(m, e, lex) and not _another_bearer(m, e, recent, lex, bearers):
                return e
        return _misspelt_surname(m, recent, lex)
    if m.type == NAMED_ORGANIZATION and len(m.name.split()) == 1:
        # "Jordan" after "Rep. Jim Jordan": a surname that is also a country's name is the person named before
        word = m.name.lower()
        person = next((e for e in recent if e.type == NAMED_PERSON and not e.plural and any(n and n[-1] == word for n in e.names())), None)
        if person is not None:
            return person
    if m.type in (NAMED_ORGANIZATION, MEDIA_OUTLET):
        for e in recent:
            if e.type in (NAMED_ORGANIZATION, MEDIA_OUTLET, DOCUMENT) and _orgs_match(m, e, lex):
                return e
        return None
    if m.type == DOCUMENT:
        if not m.definite:
            return None
        for e in recent:
            if m.start - e.last.end > lex.description_window:
                break
            if e.type == DOCUMENT and _same_doc_kind(m.head, e.informative[0].head, lex):
                named = set().union(*(_proper_words(x) for x in e.mentions))
                if named and _proper_words(m) - named - _spelled_out(m, e):
                    continue  # "the USC Dornsife poll" after "the Reuters/Ipsos poll": another named document
                return e
        if m.head in lex.words["ruling_nouns"]:
            # "the ruling" after "a federal appeals court": the court's own words
            for e in recent:
                if m.start - e.last.end > lex.description_window:
                    break
                if any(x.head in lex.words["court_heads"] or set(x.name.lower().split()) & lex.words["court_heads"] for x in e.mentions if x.type != DOCUMENT):
                    return e
        if m.head in lex.words["outlet_work_nouns"]:
            # "The article closes with ...": a piece no earlier document matches is the outlet's named before it
            return next((e for e in recent if e.type == MEDIA_OUTLET and m.start - e.last.end <= lex.description_window), None)
        return None
    counted = _counted_reference(m, recent, lex)
    if counted is not None:
        return counted
    if m.type in ANONYMOUS_TYPES:
        if m.new_marker:
            return None
        if _ONE.match(m.text) and m.count == 1 and not (m.plural or m.partitive):
            # "one intelligence source" after "three intelligence sources": a member of that counted group
            for e in recent:
                first = e.informative[0]
                if e.type in ANONYMOUS_TYPES and first.plural and (first.count or 0) >= 2 and first.head == m.head and m.descriptors <= first.descriptors:
                    return e
        if m.partitive:
            # "one of the union officials": the group with that very head (and its words) first, a synonym after
            for e in recent:
                first = e.informative[0]
                if e.type in ANONYMOUS_TYPES and first.plural and first.head == m.head and m.descriptors <= first.descriptors | {"the"}:
                    return e
        for e in recent:
            if e.type not in ANONYMOUS_TYPES:
                continue
            first = e.informative[0]
            if m.partitive:
                if first.plural and (first.head == m.head or {first.head, m.head} <= lex.words["anonymous_synonyms"]):
                    return e
                continue
            if first.head == m.head and first.plural == m.plural and _same_description(m, first) and first.type == m.type:
                if m.count is not None and _other_count(m.count, e):
                    continue  # "five people" ... "nine people": two counted groups
                return e
        if not m.plural and m.count in (None, 1) and (m.head in lex.words["person_nouns"] or m.head in lex.titles) and _POSSESSIVE.search(m.text):
            # "Obama's former campaign strategist", "the county's tax commissioner": a possessive names one
            # particular person, who may be the one just named
            named = nearest_named_person(m, recent, lex)
            if named is not None:
                return named
        return _repeated_group(m, recent, lex)
    # REFERENCE
    if m.pronoun is None:
        return _resolve_description(m, recent, lex)
    return _resolve_pronoun(m, recent, lex)


_POSSESSIVE = re.compile(r"\w[’']s\s|^(?:his|her|their|its)\s", re.IGNORECASE)


def _counted_reference(m: Mention, recent: list[Entity], lex: SourceLexicon) -> Entity | None:
    """ "the two", "the two lawmakers", "the three senators": a definite group of a given size is the nearest group
    of that size cited before it ("Mr. King and Mr. Schultz" ... "the two"), within the description window."""
    if not (m.definite and m.plural and m.count and m.count > 1) or m.type not in ANONYMOUS_TYPES | {REFERENCE}:
        return None
    for e in recent:
        if m.start - e.last.end > lex.description_window:
            break
        if e.plural and _group_size(e) == m.count:
            return e
    return None


def _same_description(m: Mention, first: Mention) -> bool:
    """A repeated description: the same words, or a shorter repeat of the first ("A Democratic source" after "one
    Democratic source on the panel"); nothing new marks another group."""
    mine, theirs = m.descriptors - {"the", "a", "an", "one"}, first.descriptors - {"the", "a", "an", "one"}
    return mine == theirs or (bool(mine) and mine < theirs)


def _group_size(e: Entity) -> int | None:
    """The size of the entity's group: the largest number its plural mentions give, or None when none gives one."""
    return max((x.count for x in e.mentions if x.count is not None and x.plural), default=None)


def _other_count(count: int, e: Entity) -> bool:
    """The entity's group has another size than ``count``."""
    size = _group_size(e)
    return size is not None and size != count


def _repeated_group(m: Mention, recent: list[Entity], lex: SourceLexicon) -> Entity | None:
    """A group named again with fewer words ("multiple Iranian and Iraqi sources" ... "sources"; "two shipping agents
    who use the port" ... "two shipping agents"): the nearest group with the same head whose description includes
    this one's and whose number is the same. A repeated description with no sign of a new group is that group."""
    if not m.plural or m.partitive:
        return None
    for e in recent:
        if m.start - e.last.end > lex.description_window:
            break
        if e.type not in ANONYMOUS_TYPES or not e.plural:
            continue
        first = e.informative[0]
        if first.head != m.head or not m.descriptors <= e.descriptors(lex):
            continue
        if first.count != m.count or m.count is not None and _other_count(m.count, e):
            continue  # "officials" after "four officials from the militias" may be others
        return e
    return None


def _fold_known_groups(entities: list[Entity], lex: SourceLexicon) -> None:
    """ "Both Mr. King and Mr. Schultz say ..." where the first of them is a source of his own, before or after: the
    group adds no source, so its mentions join the first member, as a mention of that one person."""
    people = [e for e in entities if e.type == NAMED_PERSON and not e.plural]
    for group in [e for e in entities if e.type == NAMED_PERSON and e.plural]:
        # every mention names the pair (or repeats it: "the two" after "Mr. King and Mr. Schultz")
        if any(m.type not in (NAMED_PERSON, REFERENCE) or not m.plural for m in group.mentions):
            continue
        target = _first_known_member(group.informative[0], people, lex)
        if target is None:
            continue
        person = next(x for x in target.mentions if x.type == NAMED_PERSON and not x.plural)
        for m in group.mentions:
            target.add(_copy(m, plural=False, count=1, name=person.name, name_tokens=person.name_tokens))
        target.mentions.sort(key=lambda x: (x.start, x.end))
        entities.remove(group)


def _first_known_member(m: Mention, people: list[Entity], lex: SourceLexicon) -> Entity | None:
    """The entity of the first person a named group names, when that person is also cited alone: the joint mention
    belongs to the first of them (the sources guideline), whether or not the others are cited alone too."""
    mine = _name_words(m.name_tokens, lex)
    if len(mine) < 2:
        return None
    if len(mine) > 2 and mine[0] in lex.first_names and len(_FIRST_MEMBER.split(m.name, 1)[0].split()) == 1:
        # "Maria and Ruth Lindqvist": a given name alone shares the last surname, so "Maria Sorensen" is not her
        surname = mine[-1]
        return next((e for e in people for n in e.names() if (w := _name_words(n, lex)) and w[-1] == surname and mine[0] in w), None)
    found = next((e for e in people for n in e.names() if mine[0] in _name_words(n, lex)), None)
    if found is not None:
        return found
    # "Jeb Bush and Hillary Clinton" with "Bush" cited alone: the person whose surname comes first in the group,
    # when it comes among the first member's words (at most three, and not the group's last word)
    best, best_at = None, len(mine)
    for e in people:
        for n in e.names():
            words = _name_words(n, lex)
            if words and words[-1] in mine and mine.index(words[-1]) < best_at:
                best, best_at = e, mine.index(words[-1])
    return best if best_at <= 2 and best_at < len(mine) - 1 else None


def _same_named_group(m: Mention, e: Entity) -> bool:
    """ "Mr. Grassley and Mr. Leahy" after "Senators Charles E. Grassley and Patrick J. Leahy": every name word of
    the shorter group is among the other's (two or more words each side)."""
    mine = set(m.name_tokens)
    for x in e.mentions:
        other = set(x.name_tokens)
        if x.type == NAMED_PERSON and x.plural and len(mine) >= 2 and len(other) >= 2 and (mine <= other or other <= mine):
            return True
    return False


def _name_words(tokens: tuple[str, ...], lex: SourceLexicon) -> tuple[str, ...]:
    """Name words compared across spellings: one apostrophe ("O’Neill" = "O'Neill") and no particle opening the
    name ("De Blasio" is the surname of "Bill de Blasio", not a given name)."""
    words = tuple(w.replace("’", "'") for w in tokens)
    particles = lex.words["name_particles"]
    while len(words) > 1 and words[0] in particles:
        words = words[1:]
    return words


def _names_match(m: Mention, e: Entity, lex: SourceLexicon) -> bool:
    mine = _name_words(m.name_tokens, lex)
    if not mine:
        return False
    if m.gender in ("m", "f") and e.gender in ("m", "f") and m.gender != e.gender:
        return False
    names = [_name_words(n, lex) for n in e.names()]
    if any(_other_given_name(mine, other) for other in names):
        return False  # "Marta Ostrova" is not the person "Lena Ostrova ... Ostrova" stands for
    for other in names:
        if mine == other:
            return True
        if mine[-1] == other[-1]:
            return True
        if len(mine) == 1 and mine[0] in other:
            return True
        if len(other) == 1 and other[0] in mine:
            return True
    return False


class FirstBearers:
    """The first full name ("Given [Middle] Surname", capitalised, no title or common word among the given names)
    the text gives each surname, and where: a surname alone stands for that person by newspaper convention.
    Headline lines are skipped, and a word with a lowercase part after a hyphen is no name: "Prize-winning
    Lindqvist" gives no given name."""

    _WORD = r"[A-Z][\w'’.]*(?:-[A-Z][\w'’.]*)*"
    _RUN = re.compile(rf"(?<![\w-]){_WORD}(?: {_WORD})+(?![\w-])")

    def __init__(self, text: str, lex: SourceLexicon) -> None:
        self._first: dict[str, tuple[int, tuple[str, ...]]] = {}
        ctx = _context(text, lex)
        for run in self._RUN.finditer(text):
            if ctx.line_is_caseless(run.start()):
                continue
            words = [w.lower() for w in run.group().split()]
            # a sentence ends inside the run ("in July. Guccifer ..."): only the words after its last full stop
            ends = [i + 1 for i, w in enumerate(words[:-1]) if w.endswith(".") and len(w) > 2 and w not in lex.titles]
            words = words[ends[-1] if ends else 0 :]
            words[-1] = re.sub(r"(['’]s|\W+)$", "", words[-1])
            cut = max((i + 1 for i, w in enumerate(words[:-1]) if w in lex.titles or lex.is_common_word(w.rstrip("."))), default=0)
            name = tuple(words[cut:])
            if len(name) >= 2 and len(name[-1]) > 2 and not lex.is_common_word(name[-1]):
                self._first.setdefault(name[-1], (run.start(), name))

    def before(self, surname: str, offset: int) -> tuple[str, ...] | None:
        found = self._first.get(surname)
        return found[1] if found is not None and found[0] < offset else None


def _another_bearer(m: Mention, e: Entity, recent: list[Entity], lex: SourceLexicon, bearers: FirstBearers | None) -> bool:
    """``m`` and ``e`` share a surname, but one of them is known only by it, the text gave that surname first to
    someone with other given names, and that someone is cited: "Ostrova" after the text named "Lena Ostrova" is not
    "Marta Ostrova". (With nobody cited as the first bearer, "Bush" stays with the "Jeb Bush" who is.)"""
    if bearers is None:
        return False
    mine = _name_words(m.name_tokens, lex)
    names = [_name_words(n, lex) for n in e.names()]
    if len(mine) >= 2 and names and all(len(n) == 1 for n in names):
        bearer = bearers.before(mine[-1], e.mentions[0].start)
        return bearer is not None and _other_given_name(mine, bearer)
    if len(mine) == 1 and (bearer := bearers.before(mine[0], m.start)) is not None and any(_other_given_name(bearer, n) for n in names):
        return any(o is not e and _bears(o, bearer, lex) for o in recent)
    return False


def _bears(e: Entity, bearer: tuple[str, ...], lex: SourceLexicon) -> bool:
    """``e`` is a person cited by ``bearer``'s surname alone, or by a name that fits ``bearer``'s."""
    names = [_name_words(n, lex) for n in e.names()]
    return bool(names) and all(n[-1] == bearer[-1] and not _other_given_name(n, bearer) for n in names)


def _other_given_name(mine: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Same surname, words before it on both sides, and none of them shared: another person of the family ("Lena
    Ostrova", "Marta Ostrova"). A shared word ("Rival Lena Ostrova", "Lena Maria Ostrova") or an initial that
    fits ("J. Roe", "Jane Roe") is the same person, and so is a short form that begins the full one ("Sam Roe",
    "Samuel Roe")."""
    if len(mine) < 2 or len(other) < 2 or mine[-1] != other[-1]:
        return False
    given, others = set(mine[:-1]), set(other[:-1])
    if given & others or any(_short_form(a, b) or _short_form(b, a) for a in given for b in others):
        return False
    initials = {w[0] for w in given | others if len(w.rstrip(".")) == 1}
    return not initials & {w[0] for w in given | others if len(w.rstrip(".")) > 1}


def _short_form(short: str, full: str) -> bool:
    """``short`` is a given name's short form that begins ``full`` ("sam" of "samuel"); three letters at least."""
    return len(short) >= 3 and len(full) > len(short) and full.startswith(short)


def _misspelt_surname(m: Mention, recent: list[Entity], lex: SourceLexicon) -> Entity | None:
    """A surname alone one letter off the surname of a person named before ("Wines" after "Leslie Wimes",
    "Qani" after "Qaani"): a typo, when nobody else's name is that close."""
    mine = _name_words(m.name_tokens, lex)
    if len(mine) != 1 or len(mine[0]) < 4:
        return None
    close: dict[int, Entity] = {}
    for e in recent:
        if e.type == NAMED_PERSON and not e.plural:
            for n in e.names():
                other = _name_words(n, lex)
                if len(other) > 1 and _one_letter_off(mine[0], other[-1]):
                    close[id(e)] = e
    return next(iter(close.values())) if len(close) == 1 else None


def _one_letter_off(a: str, b: str) -> bool:
    """One letter inserted, dropped or changed, or two neighbours swapped ("Keidis" for "Kiedis"), never the first, on
    words of four letters or more."""
    if a == b or a[:1] != b[:1] or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _orgs_match(m: Mention, e: Entity, lex: SourceLexicon) -> bool:
    for other in map(as_owner, e.mentions):
        if other.type not in (NAMED_ORGANIZATION, MEDIA_OUTLET):
            continue
        if m.key and m.key == other.key:
            return True
        a, b = _org_words(m, lex), _org_words(other, lex)
        skipped = lex.words["acronym_skipped_words"]
        if a and b and (a == b or _is_acronym_of(m.name, b, skipped) or _is_acronym_of(other.name, a, skipped)):
            return True
        if (m.acronym or other.acronym) and {m.acronym, m.name.replace(".", "")} & {other.acronym, other.name.replace(".", "")} - {""}:
            return True  # "the Alliance to Protect Our Rivers (APOR)" ... "APOR"
        if a and b and _without_generic_head(a, lex) == _without_generic_head(b, lex):
            return True  # "the BLM group" ... "BLM": the name without a generic head
        short, long = sorted((a, b), key=len)
        if len(short) >= 2 and long[-len(short) :] == short and other.type == m.type == NAMED_ORGANIZATION:
            return True  # "the United Nations Security Council" ... "the Security Council"
        country = _country_of(a, lex)
        if country is not None and country == _country_of(b, lex):
            return True  # "Washington" ... "the United States", "Tehran" ... "Iran": a country's government by any name
        if m.type == MEDIA_OUTLET and other.type == MEDIA_OUTLET and a and b and (set(a) < set(b) or set(b) < set(a)):
            return True  # "the Times" ... "The New York Times"; "the Ledger" ... "the Northern Ledger newspaper"
    return False


def _without_generic_head(words: tuple[str, ...], lex: SourceLexicon) -> tuple[str, ...]:
    return words[:-1] if len(words) > 1 and words[-1] in lex.words["generic_organization_heads"] else words


def _country_of(words: tuple[str, ...], lex: SourceLexicon) -> str | None:
    """The country label (``places`` lexicon) when the whole name is a country, its capital or its short form."""
    return lex.places.get(" ".join(words)) if words else None


def _org_words(m: Mention, lex: SourceLexicon) -> tuple[str, ...]:
    """Name words without articles and, for outlets, without descriptor nouns ("newspaper", "news agency")."""
    words = [re.sub(r"[’']s$", "", w) for w in re.split(r"[\s]+", m.name.lower())]  # "Trump’s campaign" is "the Trump campaign"
    words = [w for w in words if w and w not in ("the", "of", "for", "and", "&", "a")]
    words = [lex.organization_synonym.get(w, w) for w in words]  # "the Trump team" is "the Trump campaign"
    if m.type == MEDIA_OUTLET:
        descriptors = {w for d in lex.words["outlet_descriptors"] | lex.words["outlet_descriptors_after"] for w in d.split()}
        words = [w for w in words if w not in descriptors] or words
    return tuple(words)


def _is_acronym_of(short: str, words: tuple[str, ...], skipped: frozenset[str] = frozenset()) -> bool:
    """ "ACLU" of "American Civil Liberties Union"; small words may be skipped ("AROS" of "Alliance to Reclaim
    Our Schools"; ``skipped``: ``words.acronym_skipped_words``) or not ("NAACP")."""
    letters = short.replace(".", "").replace(" ", "")
    if len(letters) < 2 or not letters.isupper():
        return False
    initials = "".join(w[0] for w in words if w)
    content = "".join(w[0] for w in words if w and w not in skipped)
    return letters.lower() in (initials, content)


def _same_doc_kind(a: str, b: str, lex: SourceLexicon) -> bool:
    return a == b or any(a in s and b in s for s in lex.document_synonyms)


def _resolve_description(m: Mention, recent: list[Entity], lex: SourceLexicon) -> Entity | None:
    """ "the official", "the senior Iraqi security source", "the president", "the agency", "the newspaper"."""
    if (m.secondhand or m.type == REFERENCE and m.definite) and (m.head in lex.words["media_nouns"] or m.head in lex.words["outlet_descriptors"]):
        # "the newspaper", "the Lebanese daily", "the network": the nearest outlet named before
        for e in recent:
            if m.start - e.last.end > lex.description_window:
                break
            if e.type == MEDIA_OUTLET:
                return e
    person = (
        m.head in lex.words["person_nouns"]
        or m.head in lex.words["group_nouns"]
        or agent_noun(m.head, lex)  # "the retired neurosurgeon", "the documentarian": a role the lists lack
        or any(m.head in e.roles() for e in recent if e.type in ANONYMOUS_TYPES)
    )
    org = m.head in lex.words["organization_nouns"]
    for e in recent:
        if m.start - e.last.end > lex.description_window:
            break
        et = e.type
        if person and et in (NAMED_PERSON, ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE, REFERENCE):
            if et == REFERENCE and all(x.pronoun for x in e.mentions):
                continue
            if m.plural != e.plural and not (m.count and m.count > 1 and e.type == NAMED_PERSON):
                continue
            roles = e.roles()
            anonymous = lex.words["anonymous_synonyms"]
            same_head = m.head in roles or (m.head in anonymous and bool(roles & anonymous))
            if not same_head:
                continue
            if et != NAMED_PERSON and not (m.descriptors - {"the"} - _spelled_out(m, e)) <= e.descriptors(lex) | lex.words["soft_descriptors"]:
                continue
            if et == NAMED_PERSON and m.affiliation and e.informative[0].affiliation and m.affiliation != e.informative[0].affiliation:
                continue
            if et == NAMED_PERSON and placed_elsewhere(m, e, lex):
                continue
            return e
        if org and et in (NAMED_ORGANIZATION, MEDIA_OUTLET, REFERENCE):
            if et == REFERENCE and all(x.pronoun for x in e.mentions):
                continue
            words = set(_org_words(e.informative[0], lex)) | {x.head for x in e.mentions}
            if m.head in words or lex.lemma(m.head)[0] in words or (m.head in lex.words["generic_organization_heads"] and et == NAMED_ORGANIZATION):
                return e
    if person and not m.plural:
        return nearest_anonymous_person(m, recent, lex) or nearest_named_person(m, recent, lex)
    return None


def _spelled_out(m: Mention, e: Entity) -> set[str]:
    """Descriptors of ``m`` written as an acronym that ``e`` spells out ("the RNC member" after "a Republican National
    Committee member", "the IG report" after "a report from the inspector general"): they describe the same body or
    office, so they do not mark another person or document."""
    out = set()
    for short in re.findall(r"\b[A-Z]{2,6}\b", m.text):
        n = len(short)
        for x in e.mentions:
            words = tuple(w.lower() for w in re.findall(r"\b[A-Za-z][\w’'-]*", x.text))
            if any(_is_acronym_of(short, words[i : i + n]) for i in range(len(words) - n + 1)):
                out.add(short.lower())
                break
    return out


def _proper_words(m: Mention) -> set[str]:
    """Descriptors the text capitalises after the first word: the names that tell one document from another."""
    caps = {w.lower() for w in re.findall(r"[A-Z][\w.’'-]*", m.text.split(" ", 1)[1] if " " in m.text else "")}
    return set(m.descriptors) & caps


def _resolve_pronoun(m: Mention, recent: list[Entity], lex: SourceLexicon) -> Entity | None:
    kind = m.pronoun
    if kind == "relative" or m.partitive:
        for e in recent:
            gap = m.start - e.last.end
            if 0 <= gap <= lex.relative_gap:
                return e
        return None
    for e in recent:
        if m.start - e.last.end > lex.pronoun_window:
            break
        t = e.type
        if kind == "person":
            if t in (NAMED_ORGANIZATION, MEDIA_OUTLET, DOCUMENT) or e.plural:
                continue
            if all(x.text.strip().lower() in lex.words["nobody_in_particular"] for x in e.mentions):
                continue  # "no one knows ... she said": "no one" is nobody a "she" can point back to
            if t == REFERENCE and (e.informative[0].pronoun in ("thing", "demonstrative") or e.informative[0].gender == "n"):
                continue  # "which", "it": not a person
            if m.gender in ("m", "f") and e.gender in ("m", "f") and m.gender != e.gender:
                continue
            return e
        if kind == "thing" or kind == "demonstrative":
            if t in (NAMED_ORGANIZATION, MEDIA_OUTLET, DOCUMENT):
                if kind == "demonstrative" and m.number == "pl" and not e.plural:
                    continue
                return e
            continue
        if kind == "any":  # they / them / their
            if e.plural or t == NAMED_ORGANIZATION and not all(_country_of(_org_words(x, lex), lex) for x in e.informative):
                return e  # a body may be "they"; a country is "it" ("Norway plans ... they say" points past Norway)
    return None


def _attach_speakers(pending: list[Mention], entities: list[Entity], of_mention: dict[str, Entity], doc: AnnotatedArticle | None) -> None:
    """ "I"/"we" inside a quote belong to the quote's source; others to one narrator (or addressee) source."""
    spans = doc.span_by_id() if doc is not None else {}
    source_of_content: dict[str, str] = {}  # content span -> source of the first attribution listing it
    if doc is not None:
        for a in doc.attributions:
            if a.source is None or a.source not in of_mention:
                continue
            for cid in a.content:
                if cid in spans:
                    source_of_content.setdefault(cid, a.source)
    containing = sorted((spans[cid].start, spans[cid].end, sid) for cid, sid in source_of_content.items())
    starts = [c[0] for c in containing]
    narrator: dict[str, Entity] = {}
    for m in pending:
        owner = None
        i = bisect.bisect_right(starts, m.start) - 1  # content spans never overlap: only the last one starting before can hold m
        if i >= 0 and m.end <= containing[i][1]:
            owner = of_mention[containing[i][2]]
        if owner is None:
            key = "we" if m.number == "pl" else ("you" if m.pronoun == "addressee" else "i")
            owner = narrator.get(key)
            if owner is None:
                owner = Entity()
                entities.append(owner)
                narrator[key] = owner
        owner.add(m)
