"""From clustered mentions to the record's sources, and counting them.

``_entity_record`` turns one clustered source into its typed :class:`~annotator.schema.Source` (type, specificity, count, name, affiliation,
secondhand/relayed/reporter flags, mentions; docs/sources.md, Record fields); ``distinct_source_count`` and
``source_type_counts`` count the sources of a record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.schema import SOURCE_TYPES, Mention, Source, Span
from annotator.sources.entities import Entity
from annotator.sources.lexicon import (
    ANONYMOUS_DESCRIBED,
    ANONYMOUS_VAGUE,
    MEDIA_OUTLET,
    NAMED_ORGANIZATION,
    NAMED_PERSON,
    NAMED_TYPES,
    REFERENCE,
    SourceLexicon,
    agent_noun,
)
from annotator.sources.mentions import _anonymous_specificity
from annotator.sources.tokens import _strip_determiner


def _unresolved_description_type(e: Entity, lex: SourceLexicon) -> str | None:
    """An anonymous type for a source made only of definite descriptions that nothing earlier resolves ("the
    senior Iraqi security source" whose first mention was not tagged): the description still describes an
    unnamed person; one whose head is an institution ("the bank") is an organisation. Titles and bare roles ("the
    president", "the official") stay references: they may point at someone the article names without the tagger
    marking the name as a source."""
    if e.type != REFERENCE or any(m.pronoun for m in e.mentions):
        return None
    m = e.mentions[0]
    if m.head in lex.words["organization_nouns"] and m.head not in lex.words["media_nouns"]:
        return NAMED_ORGANIZATION  # "the regional water regulator", "the bank": a body acting as one (GUIDELINES.md)
    if m.plural:
        head = lex.lemma(m.head)[0]
        if head in lex.words["generic_role_heads"]:
            return ANONYMOUS_VAGUE  # "the experts", "the officials": nobody in particular (GUIDELINES.md)
        if head in (lex.words["person_nouns"] | lex.words["group_nouns"]) - lex.words["generic_person_heads"]:
            return ANONYMOUS_DESCRIBED  # "the researchers", "the activists": people described by their job or side
    # only the words journalists use for unnamed people, with a description: "the official" alone may be the
    # council leader named just before
    if m.head not in lex.words["anonymous_synonyms"] or not m.cues & lex.describing_cues:
        return None
    return ANONYMOUS_DESCRIBED


def names_nobody(e: Entity, record_type: str, lex: SourceLexicon) -> bool:
    """A source left a REFERENCE whose mentions are descriptions of no person, group or news medium ("the outcome",
    "the conversation"), no number and no personal pronoun: nothing in the article tells a reader who spoke."""
    if record_type != REFERENCE:
        return False
    lists = lex.words
    people = lists["person_nouns"] | lists["group_nouns"] | lists["anonymous_synonyms"] | lists["media_nouns"]
    people |= lists["outlet_descriptors"] | lists["outlet_title_words"]
    for m in e.mentions:
        words = m.text.split() or [""]
        if m.pronoun == "person" or m.gender in ("m", "f") or m.head in lex.number_words or words[0].lower() in ("those", "these"):
            return False  # "he", "the two", "those close to him"
        agent = agent_noun(m.head, lex)
        proper = any(word[:1].isupper() and lex.lemma(word.lower().strip(".,’'"))[0] == m.head for word in words[1:])  # "the Europeans"
        if not m.pronoun and (m.head in people or lex.lemma(m.head)[0] in people or agent or proper):
            return False
    return True


def _entity_record(n: int, e: Entity, text: str, spans: dict[str, Span], lex: SourceLexicon) -> Source:
    info = e.informative
    etype = e.type
    typed = [m for m in info if m.type == etype] or info
    if etype == NAMED_PERSON:
        best = max(typed, key=lambda m: (len(m.name_tokens), -m.start))
        name = best.name
    else:
        name = _strip_determiner(typed[0].name if etype in (NAMED_ORGANIZATION, MEDIA_OUTLET) else typed[0].text)
    counts = [m.count for m in info if m.count is not None]
    plural = any(m.plural for m in info)
    count: int | None
    if any(c > 1 for c in counts):
        count = max(counts)
    elif plural:
        count = None
    else:
        count = 1 if counts else None
    specificity = max(m.specificity for m in typed)
    affiliation = next((m.affiliation for m in info if m.affiliation), None)
    described = _unresolved_description_type(e, lex)
    if described is not None:
        etype = described
        if described == NAMED_ORGANIZATION:
            specificity = lex.type_value[NAMED_ORGANIZATION]
        else:
            specificity = max(_anonymous_specificity(m, etype, lex) for m in e.mentions)
    relayed_by = next((m.relayed_by for m in e.mentions if m.relayed_by), None)
    # the reporting outlet itself (every mention is one of its names or a pronoun standing for it), or one of its
    # journalists, who stays one when later named by surname alone ("O'Keefe")
    reporter = any(m.reporter for m in e.mentions) and (etype == NAMED_PERSON or all(m.reporter or m.pronoun for m in e.mentions))
    return Source(
        id=f"src{n}",
        type=etype,
        specificity=round(specificity, 4),
        count=count,
        plural=bool(plural or (count is not None and count > 1)),
        name=name,
        affiliation=affiliation,
        secondhand=any(m.secondhand for m in e.mentions) and not reporter,
        relayed_by=relayed_by,
        reporter=reporter,
        mentions=[Mention(s.start, s.end, text[s.start : s.end], s.id, m.type) for m in e.mentions for s in [spans[m.span_id]]],
    )


def _field(s: Source | dict[str, Any], key: str) -> Any:
    return s.get(key) if isinstance(s, dict) else getattr(s, key)


def distinct_source_count(sources: Sequence[Source | dict[str, Any]], lexicon: SourceLexicon | None = None, overlap: str | None = None) -> int:
    """Number of distinct people/bodies the article cites, counted groups included (docs/sources.md).

    Each source counts once; a source with a number ("ten sources") counts that number; a plural without one
    counts ``counting.plural_without_count``. Named groups ("Tester and Vitter") always add up. Counted
    anonymous groups often restate one pool of people ("multiple sources" ... "10 of the sources" ... "three
    Iranian officials" in the methodology line), so with ``overlap: max`` only the largest of them adds its
    number and the others add one each; ``overlap: sum`` adds them all (an upper bound).
    """
    lexicon = lexicon or SourceLexicon.default()
    policy = overlap or lexicon.overlap
    if policy not in ("max", "sum"):
        raise ValueError(f"overlap must be 'max' or 'sum', got {overlap!r}")
    total = 0
    groups: list[int] = []
    for s in sources:
        count = _field(s, "count")
        plural = bool(_field(s, "plural"))
        n = count if isinstance(count, int) and count > 0 else (lexicon.plural_without_count if plural else 1)
        if n > 1 and _field(s, "type") not in NAMED_TYPES:
            groups.append(n)
        else:
            total += n
    if not groups:
        return total
    if policy == "sum":
        return total + sum(groups)
    return total + max(groups) + (len(groups) - 1)


def source_type_counts(sources: Sequence[Source | dict[str, Any]]) -> dict[str, int]:
    """Sources per type (each distinct source once), every type present as a key."""
    out = dict.fromkeys(SOURCE_TYPES, 0)
    for s in sources:
        kind = _field(s, "type")
        out[kind] = out.get(kind, 0) + 1
    return out
