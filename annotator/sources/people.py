"""People described before or after they are named: a lede's title ("A former party chairman says ...") that the
story names soon after, and epithets ("the Florida senator", "the retired neurosurgeon", "the official") that
re-describe a person already named or described. Used by ``clustering``."""

from __future__ import annotations

import re

from annotator.layout import in_furniture
from annotator.schema import AnnotatedArticle
from annotator.sources.entities import Entity
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
from annotator.sources.mentions import Mention


def join_lede_description(entities: list[Entity], doc: AnnotatedArticle | None, lex: SourceLexicon) -> None:
    """A story that opens on a person described by a title ("A former party chairman says ...", "The Democratic
    nominee attacked ...") names that person soon after: news ledes introduce the person before the name. Such a
    description, when it is the first person outside page furniture (only bodies and documents before it), joins the
    first named person whose first mention follows within ``lede_window`` characters. Each entry of a live page (after
    an entry marker such as "2:45 p.m.", ``layout``) opens like a story of its own, so it is read as one. Titles of
    people who speak for someone else and often stay unnamed (a spokesman, a lawyer, an aide:
    ``words.proxy_voice_heads``) stay anonymous, as do "official", "source" and the like, which are not titles."""
    if not lex.lede_window or not entities:
        return
    furniture = (doc.article.meta.get("furniture") or []) if doc is not None else []
    firsts: list[tuple[Mention, Entity]] = []
    for e in entities:
        body = [x for x in e.mentions if not in_furniture(x.start, x.end, furniture)]
        if body:
            firsts.append((min(body, key=lambda x: x.start), e))
    firsts.sort(key=lambda pair: pair[0].start)
    bounds = [0, *sorted(f.end for f in furniture if f.kind == "entry")]
    for lo, hi in zip(bounds, [*bounds[1:], len(doc.text) + 1 if doc is not None else 10**12], strict=True):
        _join_in_lede([(m, e) for m, e in firsts if lo <= m.start < hi], entities, lex)


def join_announced_titles(entities: list[Entity], lex: SourceLexicon) -> None:
    """ "The league's secretary general called for calm" then "... League Secretary General Ana Roe said": a title
    with its owner named ("the league's", "the union's") that the story then gives with a name, same title and same
    owner, within ``lede_window`` characters, is that named person, wherever in the story it comes."""
    if not lex.lede_window:
        return
    for e in list(entities):
        if e.type not in (ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE, REFERENCE) or e.plural:
            continue
        first = e.informative[0]
        own = set(first.descriptors) - {"the"} - lex.words["soft_descriptors"]
        if first.pronoun or first.plural or not (first.affiliation or own) or first.head not in lex.titles:
            continue
        for other in entities:
            if other is e or other.type != NAMED_PERSON or other.plural:
                continue
            if any(x.type == NAMED_PERSON and 0 < x.start - first.end <= lex.lede_window and _same_office(first, own, x) for x in other.mentions):
                for x in e.mentions:
                    other.add(x)
                other.mentions.sort(key=lambda x: (x.start, x.end))
                entities.remove(e)
                break


def _same_office(description: Mention, own: set[str], named: Mention) -> bool:
    """The named mention gives the description's title and every word of its own ("League Secretary General X" for
    "the league's secretary general"), or the same owner."""
    if description.head not in named.roles:
        return False
    if description.affiliation and named.affiliation:
        return description.affiliation == named.affiliation
    return own <= set(re.findall(r"[\w-]+", named.text.lower()))


def _join_in_lede(firsts: list[tuple[Mention, Entity]], entities: list[Entity], lex: SourceLexicon) -> None:
    """Within one story or entry (entities by first mention, in order): the lede title joins the first named person."""
    lede: tuple[Mention, Entity] | None = None
    for m, e in firsts:
        if e.type == NAMED_PERSON:
            if lede is None or m.start - lede[0].end > lex.lede_window or e.plural:
                return
            if lede[1].gender in ("m", "f") and e.gender in ("m", "f") and lede[1].gender != e.gender:
                return
            for x in lede[1].mentions:
                e.add(x)
            entities.remove(lede[1])
            return
        if lede is None:
            if _lede_title(m, e, lex):
                lede = (m, e)
            elif e.type not in (NAMED_ORGANIZATION, MEDIA_OUTLET, DOCUMENT):
                return  # the story opened on other people ("sources", "one of the attendees"): not a lede title


def _lede_title(m: Mention, e: Entity, lex: SourceLexicon) -> bool:
    """One unnamed person described by a title noun ("a New York judge", "the Democratic nominee")."""
    if e.type not in (ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE, REFERENCE) or e.plural:
        return False
    if m.pronoun or m.plural or m.type not in (ANONYMOUS_DESCRIBED, ANONYMOUS_VAGUE, REFERENCE):
        return False
    return m.head in lex.titles and m.head not in lex.words["proxy_voice_heads"] and m.head not in lex.words["anonymous_synonyms"]


def nearest_named_person(m: Mention, recent: list[Entity], lex: SourceLexicon) -> Entity | None:
    """A re-description of a person just named ("council leader Sandra Hollis said ..." ... "the official said";
    "David Axelrod" ... "Obama's former campaign strategist"): the nearest named individual within the pronoun
    window, unless the head usually denotes somebody else (a spokesman, a lawyer, a wife: ``words.other_person_heads``)."""
    party_member = m.head in lex.party_words and not m.plural  # "the Utah Republican": one person, not a group
    if m.head in lex.words["group_nouns"] and not party_member:
        return None
    own = m.descriptors - {"the"} - lex.words["soft_descriptors"]
    if m.head in lex.words["other_person_heads"]:
        return _named_proxy(m, own, recent, lex)
    placed = _placed_here(m, recent, lex)
    if placed is not None:
        return placed
    office_taken = False
    for e in recent:
        if m.start - e.last.end > lex.pronoun_window:
            break
        if e.type == NAMED_PERSON and not e.plural:
            if m.gender in ("m", "f") and e.gender in ("m", "f") and m.gender != e.gender:
                return None
            titled = {r for x in e.mentions if x.type == NAMED_PERSON for r in x.roles if r in lex.titles}  # "Justice X"
            setting = {w for x in e.mentions for w in x.setting}
            if placed_elsewhere(m, e, lex):
                continue  # "the Florida senator" is not the senator from Vermont just named
            if party_member and _party_clash(m, e, lex):
                continue  # "the Utah Republican" is not the Democrat just named
            if m.head in lex.titles and not party_member and m.head not in titled | setting and (titled or office_taken):
                # "the presidential nominee" is not the judge just named: another office; only someone named
                # with this office further back can be meant
                office_taken = True
                continue
            known = e.descriptors(lex) | {w.lower() for x in e.mentions if x.affiliation for w in x.affiliation.split()} | e.roles()
            known |= setting  # words the article introduced them with: "David Axelrod, Obama's chief strategist ..."
            # "the militia leader" is not the lawmaker just named: a description must not say anything new, except
            # proper words, titles and ranks ("the Vermont senator", "the Republican nominee" after Sanders, Trump)
            new = own - known - _epithet_words(m, lex)
            if not new:
                return e
            # a bare title description the lexicon could not type ("the billionaire property mogul") is news shorthand
            # for the person just named: a few words of its own are allowed, none naming a side ("the militia leader")
            bare = m.type == REFERENCE and m.definite and not m.plural and not new & lex.words["affiliation_words"]
            return e if bare and len(new) <= lex.epithet_new_words else None
    return None


def placed_elsewhere(m: Mention, e: Entity, lex: SourceLexicon) -> bool:
    """A description naming a state (``words.region_names``: "the Florida senator") and a person the article
    placed only in other states ("Sen. X of Vermont", "Rep. X (R-Utah)")."""
    mine = _regions([m.text], lex)
    if not mine:
        return False
    theirs = _regions([x.text for x in e.mentions], lex)
    return bool(theirs) and not mine & theirs


def _regions(texts: list[str], lex: SourceLexicon) -> set[str]:
    """The states (``words.region_names``) some mention texts name, lowercase."""
    return {r.lower() for t in texts for r in lex.region_pattern.findall(t)}


def _placed_here(m: Mention, recent: list[Entity], lex: SourceLexicon) -> Entity | None:
    """ "The Florida senator" after "Florida Sen. X" and "Sen. Y of Vermont": the nearest named person the article
    placed in the state the description names with the same role (or party: "the Utah Republican"), within the
    description window, whoever came between."""
    mine = _regions([m.text], lex)
    if not mine:
        return None
    party = lex.party_words.get(m.head)
    for e in recent:
        if m.start - e.last.end > lex.description_window:
            break
        if e.type != NAMED_PERSON or e.plural or not mine & _regions([x.text for x in e.mentions], lex):
            continue
        if m.head in e.roles() or (party and party in {x.affiliation for x in e.mentions}):
            return e
    return None


def _party_clash(m: Mention, e: Entity, lex: SourceLexicon) -> bool:
    """The party a description names ("the Utah Republican") is not the one the person was named with."""
    mine = lex.party_words.get(m.head)
    theirs = {x.affiliation for x in e.mentions if x.affiliation in lex.party_words.values()}
    return bool(mine and theirs and mine not in theirs)


def _named_proxy(m: Mention, own: set[str], recent: list[Entity], lex: SourceLexicon) -> Entity | None:
    """ "Ruiz's lawyer" after "An attorney for Ruiz, Tomas Berg": a description whose head usually
    denotes somebody else (a spokesman, a lawyer) is the nearest named person only when the article introduced that
    person with the same role (or a synonym, ``words.role_synonyms``) and every word of its own, such as the person
    spoken for, and that person is not the one spoken for."""
    roles = {m.head} | {w for group in lex.role_synonyms if m.head in group for w in group}
    for e in recent:
        if m.start - e.last.end > lex.pronoun_window:
            break
        if e.type != NAMED_PERSON or e.plural:
            continue
        if m.gender in ("m", "f") and e.gender in ("m", "f") and m.gender != e.gender:
            return None
        known = {w for x in e.mentions for w in x.setting} | e.roles()
        names = {w for n in e.names() for w in n}
        if roles & known and own and own <= known and not own & names:
            return e
        return None
    return None


def _epithet_words(m: Mention, lex: SourceLexicon) -> set[str]:
    """Description words a news epithet adds to a person already named: words the text capitalises (places,
    parties, nationalities), titles, rank words and words of an office (``words.epithet_words``)."""
    capitalised = {w.lower() for w in re.findall(r"[A-Z][\w.’'-]*", m.text)} | {w.lower().replace(".", "") for w in re.findall(r"[A-Z][\w.’'-]*", m.text)}
    capitalised |= {w.upper() for w in capitalised}  # "US" is kept in capitals among the descriptors
    return capitalised | set(lex.titles) | lex.words["rank_words"] | lex.words["epithet_words"]


def nearest_anonymous_person(m: Mention, recent: list[Entity], lex: SourceLexicon) -> Entity | None:
    """A definite description with another head than the nearest unnamed person's: "the source" (a word that
    only says "someone") or one whose descriptors that person shares ("the militia leader" after "a member of
    the al-Nujaba militia") joins the nearest earlier anonymous individual."""
    own = m.descriptors - {"the"} - lex.words["soft_descriptors"]
    generic = m.head in lex.words["generic_person_heads"] and not own
    if not generic and not own:
        return None
    for e in recent:
        if m.start - e.last.end > lex.description_window:
            break
        if e.type not in ANONYMOUS_TYPES or e.plural:
            continue
        return e if generic or own <= e.descriptors(lex) else None
    return None
