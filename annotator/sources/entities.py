"""A source being built by clustering: its mentions and what they say together (type, names, roles, gender).

Shared by the clustering passes (``clustering``, ``people``) and the record builder (``records``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.schema import SOURCE_TYPES
from annotator.sources.lexicon import ANONYMOUS_TYPES, DOCUMENT, NAMED_PERSON, REFERENCE, SourceLexicon
from annotator.sources.mentions import Mention

# When mentions of one source have different types, the source takes the most informative one.
_TYPE_PRIORITY = {t: i for i, t in enumerate(SOURCE_TYPES)}


@dataclass
class Entity:
    """One source: its mentions (in text order once clustering is done) and the gender they reveal."""

    mentions: list[Mention] = field(default_factory=list)
    gender: str = "x"

    @property
    def last(self) -> Mention:
        return self.mentions[-1]

    @property
    def informative(self) -> list[Mention]:
        return [m for m in self.mentions if m.type != REFERENCE] or self.mentions

    @property
    def type(self) -> str:
        return min((m.type for m in self.mentions), key=lambda t: _TYPE_PRIORITY[t])

    @property
    def plural(self) -> bool:
        info = self.informative
        return any(m.plural for m in info) if info else False

    def names(self) -> list[tuple[str, ...]]:
        return [x.name_tokens for x in map(as_owner, self.mentions) if x.type == NAMED_PERSON and x.name_tokens]

    def roles(self) -> set[str]:
        out: set[str] = set()
        for m in self.mentions:
            out |= m.roles
            if m.type in ANONYMOUS_TYPES or m.type == REFERENCE and not m.pronoun:
                out.add(m.head)
        return out

    def descriptors(self, lex: SourceLexicon) -> set[str]:
        out: set[str] = set()
        for m in self.mentions:
            out |= with_bare_names(m.descriptors, lex)
        return out

    def add(self, m: Mention) -> None:
        self.mentions.append(m)
        if m.gender in ("m", "f") and self.gender == "x":
            self.gender = m.gender


def as_owner(m: Mention) -> Mention:
    """A document with a named owner stands for its owner when sources are matched by name."""
    return m.owner if m.type == DOCUMENT and m.owner is not None else m


def with_bare_names(words: Iterable[str], lex: SourceLexicon) -> set[str]:
    """Descriptor words plus names without their article prefix ("al-kadhimi" also as "kadhimi")."""
    out = set(words)
    prefix = lex.name_prefix
    out.update(prefix.sub("", w) for w in list(out) if prefix.match(w))
    return out
