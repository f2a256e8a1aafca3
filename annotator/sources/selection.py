"""Which SOURCE mentions can be the source of information at all, whatever attribution the linker made.

A source is the agent of an act of communication, named by a noun phrase that refers to a person, group,
organisation, outlet or document. The tagger also marks spans that are none of these, and the linker attaches
them to cues:

* a span with no word that can refer (a lone article: "a claim also echoed in ...") or that opens with a
  negative ("cited no evidence", "none of the officials", "no one"): it names nothing that spoke;
* a bare singular common noun, which in English does not refer on its own but names a role or property
  ("her tenure as secretary of state");
* the subject of a passive verb of telling, which is the one told, not the teller ("Residents were promised
  faster journeys", "the mayor was asked about ...");
* the line label of a transcript's questions ("Q: ..."), which stands for the outlet's own interviewer;
* a share of poll respondents ("Twelve percent said they were not sure"): the poll is the source, its answers
  are its data;
* the object of a preposition that never introduces a speaker ("has been among the groups most insistent",
  "a dispute with the union", "angry about the mayor"): the phrase is the topic or the company, not the agent.

The word lists are in ``configs/sources.yaml`` (``selection``).
"""

from __future__ import annotations

import re

from annotator.sources.lexicon import ANONYMOUS_TYPES, REFERENCE, SourceLexicon
from annotator.sources.mentions import Mention
from annotator.sources.tokens import _split_words


def object_of_preposition(text: str, start: int, lex: SourceLexicon) -> bool:
    """The word right before the mention is a preposition that takes a topic or company, never a speaker."""
    before = text[max(0, start - 30) : start]
    words = _split_words(before)
    return bool(words) and words[-1].lower() in lex.selection["object_prepositions"] and not before.rstrip().endswith((",", ".", ";", ":"))


def refers(m: Mention, lex: SourceLexicon) -> bool:
    """False for a mention that cannot denote a source: no referring word, a negative ("no evidence", "none of
    the officials": ``selection.negated_opening``), only a day, or a bare singular common noun."""
    words = [w for w in _split_words(m.text) if w[0].isalnum()]
    if not words or lex.selection["negated_opening"].match(m.text):
        return False
    lows = [w.lower() for w in words]
    if m.pronoun or any(w in lex.pronouns or w in lex.quantifier_pronouns for w in lows):
        return True
    fw = lex.words["function_words"] | lex.words["singular_determiners"] | lex.words["definite_determiners"]
    if all(w in fw for w in lows):
        return False  # "a", "the": the tagger stopped at the determiner
    if all(w in fw or w in lex.words["trailing_time_words"] for w in lows):
        return False  # "Wednesday", "on Monday": a day the tagger took for a name (months can be names: "May")
    return not _bare_singular_noun(m, words, lex)


def _bare_singular_noun(m: Mention, words: list[str], lex: SourceLexicon) -> bool:
    """ "secretary of state" in "tenure as secretary of state": no determiner, quantifier, possessive or name."""
    if m.type not in ANONYMOUS_TYPES and m.type != REFERENCE:
        return False
    if m.plural or m.partitive or m.definite or m.name_tokens:
        return False
    first = words[0]
    if not first[0].islower() or first.isdigit():
        return False
    low = first.lower()
    w = lex.words
    determiners = w["singular_determiners"] | w["plural_quantifiers"] | w["definite_determiners"] | w["possessive_determiners"] | w["approximators"]
    if low in determiners or low in lex.number_words or low in w["new_markers"]:
        return False
    if m.head in w["plural_only"] or lex.lemma(m.head)[0] in w["plural_only"]:
        return False  # "staff", "police": no article needed
    return m.head in w["person_nouns"] or lex.lemma(m.head)[0] in w["person_nouns"]


_ASIDE = re.compile(r"\s*[,—–][^,.;!?—–]{1,200}[,—–]")  # a comma- or dash-delimited aside after the source


def passive_recipient(text: str, source_end: int, cue_start: int, cue_end: int, lex: SourceLexicon) -> bool:
    """The source span is the subject of a passive verb of telling ("were promised", "was told", "has been
    asked"): that subject received the information, so the attribution does not make it a source."""
    aside = _ASIDE.match(text, source_end, cue_start)
    if aside is not None:
        source_end = aside.end()  # "Officer X, who shot a man last week, was charged with ...": the aside is skipped
    if cue_start < source_end or cue_start - source_end > lex.selection["passive_gap_chars"]:
        return False
    words = [w.lower() for w in _split_words(text[source_end:cue_end]) if w[0].isalpha()]
    auxiliaries = lex.selection["passive_auxiliaries"]
    participles = lex.selection["recipient_participles"]
    fillers = lex.selection["passive_fillers"]
    seen_aux = False
    for w in words:
        if w in auxiliaries:
            seen_aux = True
        elif seen_aux and w in participles:
            return True
        elif not (w in fillers or w.endswith("ly")):
            return False
    return False


def interviewer_label(text: str, m: Mention, lex: SourceLexicon) -> bool:
    """ "Q: Did anyone help you?": the label of a transcript's questions opens its line and stands for the
    interviewer, the reporting outlet's own journalist (``selection.interviewer_labels``)."""
    if m.text.strip().lower() not in lex.selection["interviewer_labels"]:
        return False
    line_start = text.rfind("\n", 0, m.start) + 1
    return not text[line_start : m.start].strip(' \t"“*-') and text[m.end : m.end + 3].lstrip(" *").startswith(":")


_SMALL_NUMBER = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)"
_SHARE_OF_TEN = re.compile(rf"\b{_SMALL_NUMBER}\s+(?:out\s+of|of|in)\s+{_SMALL_NUMBER}\b(?!\s+of\b)", re.IGNORECASE)


def poll_share(m: Mention, lex: SourceLexicon) -> bool:
    """ "46 percent said", "another 19 percent", "nearly eight of 10 renters", "about one in five", "42% of Ohioans", "a
    majority of likely voters", "some of those surveyed": a share of a poll's respondents (``words.share_heads``,
    ``words.respondent_participles``, "N of/in M", or a share opening the phrase:
    ``selection.poll_share_opening``) is the poll's data, not a source of its own."""
    if m.pronoun:
        return False
    words = _split_words(m.text)
    unnamed = m.type in ANONYMOUS_TYPES or m.type == REFERENCE  # "Ana Roe, a renter polled" is named
    if m.head in lex.words["share_heads"] or (unnamed and words and words[-1].lower() in lex.words["respondent_participles"]):
        return True  # "46 percent", "some of those surveyed", "voters polled"
    return bool(_SHARE_OF_TEN.search(m.text) or lex.selection["poll_share_opening"].match(m.text))


def fraction_share(text: str, m: Mention, lex: SourceLexicon) -> bool:
    """ "Nearly a third", "just shy of half": a fraction of a poll's respondents when a poll or survey was named just
    before (``selection.fraction_share_opening``, ``fraction_poll_chars``, ``fraction_poll_words``); elsewhere a
    fraction of a group speaks."""
    if m.pronoun or not lex.selection["fraction_share_opening"].match(m.text):
        return False
    before = _split_words(text[max(0, m.start - lex.selection["fraction_poll_chars"]) : m.start])
    return any(w.lower() in lex.selection["fraction_poll_words"] for w in before)
