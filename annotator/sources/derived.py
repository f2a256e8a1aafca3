"""Sources the tagger does not mark as SOURCE spans but the text names plainly.

* **Methodology statements**: "For this story, the Gazette spoke to three union officials, a senior port manager
  and two shipping agents", "the Courier ... reviewed more than 300 pages of inspection records":
  each counted group or document the reporting outlet says it used is a source.
* **Cited sources**: "Reuters' report, which cited ten sources", "a Washington Post report ... citing an Iraqi
  official": whoever another report cites is a (secondhand) source too.
* **Signed quotes**: a quote whose line ends with a dash and a name ("“...” ― Ana Ruiz").
* **Unlinked "according to"**: the phrase after an "according to" cue the tagger linked to no source.
* **Agents of passive reporting and criticism**: "The toll plan was first reported by Coast Courier", "the levy has
  drawn criticism from harbour towns": the phrase after "by" or "from" is the source.
* **Polls behind their respondents**: "In a survey for the Ledger, 31 percent of residents said": the poll is the source.
* **Nested speakers, antecedents and labellers**: a speaker inside another attribution's content, the unmarked noun
  phrase a relative pronoun source stands for, and the subject of "what X called" / "as X described".

Both give character ranges of noun phrases; the stage analyses them like SOURCE spans. Patterns and limits live in
``configs/sources.yaml`` (``derived``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.sources.lexicon import SourceLexicon

_NEW_PHRASE = re.compile(r"\band\s+(?=(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+|more|several|dozens?)\b)")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?](?!\s+[A-Z\"“])[^.!?\n]*)*[.!?]?")


@dataclass(frozen=True, slots=True)
class DerivedRange:
    """A noun phrase naming a source, and how it was found (``methodology`` or ``cited``)."""

    start: int
    end: int
    how: str
    anchor: int = -1  # for ``cited``: offset of the citing mention's span start


def _pieces(text: str, start: int, end: int, lex: SourceLexicon) -> list[tuple[int, int]]:
    """Noun phrases of a list ("three union officials, two port managers and two shipping agents"): split at commas,
    and at "and" when a new counted or determined phrase follows; each cut at a relative clause or a verb form
    from ``derived.phrase_stops``."""
    cfg = lex.derived
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"[^,;]+", text[start:end]):
        a, b = start + m.start(), start + m.end()
        chunk = text[a:b]
        cuts = [0] + [k.start() for k in _NEW_PHRASE.finditer(chunk)]
        cuts.append(len(chunk))
        for x, y in zip(cuts, cuts[1:], strict=False):
            piece = chunk[x:y]
            piece = re.sub(r"^\s*(?:and|to|with)\s+", lambda mm: " " * len(mm.group()), piece)
            stop = cfg["phrase_stops"].search(piece)
            if stop:
                piece = piece[: stop.start()]
            stripped = piece.strip(" \t.:")
            if not stripped or len(stripped.split()) > cfg["max_phrase_words"]:
                continue
            lead = piece.index(stripped)
            out.append((a + x + lead, a + x + lead + len(stripped)))
    return out


def _is_source_phrase(phrase: str, lex: SourceLexicon) -> bool:
    """A counted group or a document: a number or quantity, and a person, group or document noun."""
    words = [w.lower().strip(".,") for w in phrase.split()]
    nouns = lex.words["person_nouns"] | lex.words["document_nouns"] | lex.words["group_nouns"]
    has_noun = any(lex.lemma(w)[0] in nouns or w in nouns for w in words)
    counted = any(w.isdigit() or w in lex.number_words or w in ("a", "an", "one", "several", "more", "dozens", "many") for w in words)
    return has_noun and counted


def methodology_ranges(text: str, lex: SourceLexicon, publisher: str | None) -> list[DerivedRange]:
    """Sources named in methodology statements (see the module docstring)."""
    cfg = lex.derived
    out: list[DerivedRange] = []
    for sent in _SENTENCE.finditer(text):
        s = sent.group()
        verbs = list(cfg["methodology_verbs"].finditer(s))
        if not verbs:
            continue
        subject = s[: verbs[0].start()]
        own = cfg["methodology_lead"].search(subject) or cfg["reporter_subjects"].search(subject)
        if not own and not (publisher and publisher.lower() in subject.lower()):
            continue
        for k, verb in enumerate(verbs):
            stop = verbs[k + 1].start() if k + 1 < len(verbs) else len(s)
            for a, b in _pieces(s, verb.end(), stop, lex):
                if _is_source_phrase(s[a:b], lex):
                    out.append(DerivedRange(sent.start() + a, sent.start() + b, "methodology"))
    return out


_LEADING_CITING = re.compile(r"(?:^|\n|[.!?][\"”’]?\s+)(?:Citing|Quoting)\s+")


def cited_ranges(text: str, anchors: list[tuple[int, int]], lex: SourceLexicon) -> list[DerivedRange]:
    """Whoever a cited report cites: inside a source mention or right after it ("..., which cited ten sources")."""
    cfg = lex.derived
    out: list[DerivedRange] = []
    for start, end in anchors:
        window = text[start : min(len(text), end + cfg["cited_window_chars"])]
        sentence_end = re.search(r"[.!?](?:\s|$)|\n", window[end - start :])
        if sentence_end:
            window = window[: end - start + sentence_end.start()]
        lead = _LEADING_CITING.search(text, max(0, start - cfg["cited_window_chars"]), start)
        if lead is not None and not re.search(r"[.!?]\s", text[lead.end() : start]):
            # "Citing two people who attended the meeting, the Ledger said ...": the citation opens the sentence
            pieces = _pieces(text, lead.end(), start, lex)
            if pieces:
                out.append(DerivedRange(*pieces[0], "cited", start))
        for m in cfg["cited_markers"].finditer(window):
            pieces = _pieces(window, m.end(), len(window), lex)
            if pieces:
                a, b = pieces[0]
                phrase = window[a:b]
                words = [w.lower() for w in phrase.split()]
                nouns = lex.words["person_nouns"] | lex.words["document_nouns"] | lex.words["group_nouns"]
                if any(lex.lemma(w)[0] in nouns for w in words):
                    out.append(DerivedRange(start + a, start + b, "cited", start))
    return out


def nested_ranges(text: str, contents: list[tuple[int, int]], lex: SourceLexicon) -> list[DerivedRange]:
    """Speakers inside another attribution's content ("Halvorsen, whose deputy resigned, told the board that ...,
    two directors said"; "a meeting with a senior mine inspector, who told them to wait"): the tagger gives each word one
    label, so a speaker nested in content is never a SOURCE span."""
    cfg = lex.derived
    out: list[DerivedRange] = []
    for start, _end in contents:
        content = text[start : start + 400]  # the verb may run past a content span the tagger cut short
        m = cfg["nested_speaker"].match(content)
        if m:
            a, b = start + m.start("name"), start + m.end("name")
            if not _common_opening(text[a:b], lex):
                out.append(DerivedRange(a, b, "nested", start))
            continue
        if cfg["nested_relative"].match(content):
            found = _antecedent(text, start, lex)
            if found is not None:
                out.append(DerivedRange(*found, "nested", start))
    return out


def according_ranges(text: str, cue_ends: list[int], lex: SourceLexicon) -> list[DerivedRange]:
    """The noun phrase after an "according to" cue the tagger linked to no source ("According to the Courier,
    the mayor said ..." with the outlet left unmarked): up to the first comma or sentence end."""
    out: list[DerivedRange] = []
    for end in cue_ends:
        phrase = _phrase_after(text, end, lex, _CLAUSE_STRETCH)
        if phrase is not None:
            out.append(DerivedRange(*phrase, "according", end))
    return out


_CLAUSE_STRETCH = re.compile(r"[^,;:.!?\n—–()]{2,120}")  # up to the first comma or sentence end
_PHRASE_STRETCH = re.compile(r"[^,;:.!?\n—–()“”\"]{2,120}")  # ... or quote


def _phrase_after(text: str, start: int, lex: SourceLexicon, stretch: re.Pattern, stop: re.Pattern | None = None) -> tuple[int, int] | None:
    """The first noun phrase right after ``start`` (within two characters), in the stretch ``stretch`` matches there
    and before ``stop``; matched in place, so each call costs the phrase, not the rest of the text."""
    found = stretch.match(text, start)
    if found is None:
        return None
    end = found.end()
    cut = stop.search(text, start, end) if stop is not None else None
    pieces = _pieces(text, start, cut.start() if cut else end, lex)
    return pieces[0] if pieces and pieces[0][0] - start <= 2 else None


def signed_ranges(text: str, lex: SourceLexicon) -> list[DerivedRange]:
    """The name signing a quote at the end of its line ("“... for our young people.” ― Ana Ruiz"): the way
    collections of readers' or voters' comments name who said each one, and the author line of an embedded post;
    the tagger marks no attribution there."""
    out: list[DerivedRange] = []
    for m in lex.derived["signed_quote"].finditer(text):
        name, end = m.group("name"), m.end("name")
        if name.endswith(".") and len(name.split()[-1]) > 2:
            end -= 1  # "― Carla Ruiz." ends the line with a full stop, "― Edwin G." is an initial
        if not _common_opening(name, lex):
            out.append(DerivedRange(m.start("name"), end, "signed"))
    # an embedded post ends with its author and handle ("— Ana Ruiz (@anaruiz) June 28, 2016"): its words are theirs
    for m in lex.derived["post_signature"].finditer(text):
        if not _common_opening(m.group("name"), lex):
            out.append(DerivedRange(m.start("name"), m.end("name"), "signed"))
    # a hat tip ("(h/t Coast Courier)") or a line introducing a block quote ("From Ana Ruiz writing at the Ledger:")
    for m in lex.derived["credit_line"].finditer(text):
        group = "tip" if m.group("tip") else "intro"
        start, end = m.start(group), m.end(group)
        writing = re.search(r"\s+writing\s+(?:at|for|in)\s+", text[start:end])
        if writing:
            end = start + writing.start()  # "Ana Ruiz writing at the Ledger": the writer speaks
        while end > start and text[end - 1] == "." and len(text[start:end].split()[-1]) > 2:
            end -= 1  # "(h/t Coast Courier.)": the full stop ends the sentence
        if not _common_opening(text[start:end], lex):
            out.append(DerivedRange(start, end, "signed"))
    return out


def finding_ranges(text: str, lex: SourceLexicon) -> list[DerivedRange]:
    """A document that shows or found something ("harbour records show", "the board says an audit of its own
    found"): the noun phrase right before the verb (``derived.document_finding``), when its last word is a document
    noun that is no picture (``finding_excluded_heads``), over at most ``finding_max_words`` words of its line.
    Inside someone's words it is still listed, as annotators do."""
    out: list[DerivedRange] = []
    stops, prepositions = lex.derived["nested_np_stops"], lex.derived["nested_np_prepositions"]
    longest = lex.derived["finding_max_words"]
    for m in lex.derived["document_finding"].finditer(text):
        # the noun phrase is on the verb's line, and 30 characters a word is room enough for it
        offset = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 30 * longest)
        words = list(re.finditer(r"[\w’'.&/-]+", text[offset : m.start()]))
        if not words or offset + words[-1].end() != m.start():
            continue  # the verb must follow the noun phrase directly
        head = lex.lemma(words[-1].group().lower())[0]
        if head not in lex.words["document_nouns"] or head in lex.derived["finding_excluded_heads"]:
            continue
        first = len(words) - 1
        for i in range(len(words) - 2, max(-1, len(words) - longest - 1), -1):
            between = text[offset + words[i].end() : offset + words[i + 1].start()]
            low = words[i].group().lower()
            ends_sentence = low[-1] in ".,;:!?" and not re.fullmatch(r"(?:[a-z]\.)+", low)  # "U.S." is a word
            if between.strip() or ends_sentence or stops.search(low) or prepositions.search(low) or low == "what":
                break
            first = i
        out.append(DerivedRange(offset + words[first].start(), m.start(), "finding"))
    return out


def trailing_ranges(text: str, contents: list[tuple[int, int]], lex: SourceLexicon) -> list[DerivedRange]:
    """A speaker closing another attribution's content ("Republicans were incensed that the deals ..., sources who
    reviewed them told the Courier"): the tagger gives each word one label, so the inner attribution at the end of
    the content is never marked. The phrase between the last comma and a verb of telling must name people."""
    out: list[DerivedRange] = []
    nouns = lex.words["person_nouns"] | lex.words["group_nouns"] | lex.words["vague_heads"] | lex.words["organization_nouns"]
    for start, end in contents:
        stop = re.search(r"[.!?](?=\s|$)|\n", text[end : end + 80])  # the tagger may cut the content short
        m = lex.derived["trailing_speaker"].search(text, start, end + stop.end() if stop else end)
        if m is None:
            continue
        words = m.group("np").split()
        if words[0].lower().endswith("ing") or {"what", "whatever", "as"} & {w.lower() for w in words}:
            continue  # ", amounting to what the senators said": a clause of its own, not a speaker
        named = any(w[:1].isupper() for w in words) and not _common_opening(m.group("np"), lex)
        if named or any(lex.lemma(w.lower().strip("’'"))[0] in nouns for w in words):
            out.append(DerivedRange(m.start("np"), m.end("np"), "nested", start))
    return out


def labelled_ranges(text: str, lex: SourceLexicon) -> list[DerivedRange]:
    """The subject of a verb of naming after "what" or "as" ("denounce what Prime Minister Jane Roe called reckless
    acts", "in what analysts described as old tactics"): it is credited with the words, though the tagger usually
    marks it as content. Only a phrase naming someone (``_np_before``) and covering the whole gap counts."""
    out: list[DerivedRange] = []
    for m in lex.derived["labelling"].finditer(text):
        gap = m.group("np")
        phrase = _np_before(gap, lex)
        if phrase and phrase == gap.strip():
            end = m.start("np") + len(gap.rstrip())
            out.append(DerivedRange(end - len(phrase), end, "labelled"))
    return out


def passive_ranges(text: str, lex: SourceLexicon) -> list[DerivedRange]:
    """The agent of a passive verb of reporting ("The toll plan was first reported by Coast Courier", "the result, which was
    projected by broadcasters and the wire services"; ``derived.passive_reporting``) and whoever criticism is drawn
    from ("The levy has drawn criticism from harbour towns", ``derived.criticism_from``): the noun phrase
    after "by" or "from", up to a word that starts an adverbial (``derived.passive_reporting_stop``)."""
    out: list[DerivedRange] = []
    for key, how in (("passive_reporting", "passive"), ("criticism_from", "criticism")):
        for m in lex.derived[key].finditer(text):
            phrase = _phrase_after(text, m.end(), lex, _PHRASE_STRETCH, lex.derived["passive_reporting_stop"])
            if phrase is not None:
                out.append(DerivedRange(*phrase, how, m.end()))
    return out


def poll_ranges(text: str, share_starts: list[int], lex: SourceLexicon) -> list[DerivedRange]:
    """The poll a share of its respondents speaks for ("In a survey run for the Ledger, only 31 percent of
    residents said ..."): the last poll or survey phrase before the share in its sentence (``derived.poll_phrase``)."""
    out: list[DerivedRange] = []
    for start in share_starts:
        lo = max(0, start - lex.sentence_max_chars)  # bounded: a text without "?" must not be searched back to its start
        opening = max(lo, max(text.rfind(c, lo, start) for c in ".!?\n") + 1)
        found = list(lex.derived["poll_phrase"].finditer(text, opening, start))
        if not found:
            continue
        begin, end = found[-1].start(), found[-1].end()
        for word in re.finditer(r"\S+", text[begin:end]):  # "In a poll": the preposition opening the sentence is no part
            low = word.group().lower()
            if not (word.group()[0].isupper() and lex.is_common_word(low) and low not in lex.words["singular_determiners"] | lex.words["definite_determiners"]):
                break
            begin = found[-1].start() + word.end() + 1
        out.append(DerivedRange(begin, end, "poll", start))
    return out


def poll_frame_ranges(text: str, lex: SourceLexicon) -> list[DerivedRange]:
    """A poll framing a sentence ("In the latest Ledger poll, Ruiz led ...") or the poll a standing is measured in
    ("Ruiz led Moss 2-1 in a Harbour College poll"; ``derived.poll_frames``): the poll is the source of the figures."""
    return [DerivedRange(m.start("np"), m.end("np"), "poll") for pattern in lex.derived["poll_frames"] for m in pattern.finditer(text)]


def _common_opening(name: str, lex: SourceLexicon) -> bool:
    """A capitalised first word that is an ordinary word ("The", "It", "Officials"), not a name or a title before
    one ("Governor Anna Holm")."""
    first = name.split()[0].lower()
    return (first in lex.pronouns or lex.is_common_word(first)) and not (first in lex.titles and len(name.split()) > 1)


_CAPITALISED_RUN = re.compile(r"(?:[A-Z][\w’'.-]*[ \t]+){0,3}[A-Z][\w’'-]*")


def unmarked_name_candidates(text: str, before: int, lex: SourceLexicon) -> list[tuple[int, int]]:
    """Runs of capitalised words within ``unmarked_name_chars`` before ``before``, nearest first, a possessive ’s
    cut off ("Trump’s campaign" gives "Trump"): where to look for the person an unresolved "he" or "she" source
    stands for when the tagger marked that person nowhere as a source ("his guest, the actress Ana Ruiz, wept as
    she called for ..."). The stage keeps the first run that reads as a person's name of a fitting gender."""
    if lex.unmarked_name_chars <= 0:
        return []
    out = []
    for m in _CAPITALISED_RUN.finditer(text, max(0, before - lex.unmarked_name_chars), before):
        end = m.end() - 2 if re.search(r"[’']s$", m.group()) else m.end()
        out.append((m.start(), end))
    return out[::-1]


def antecedent_ranges(text: str, relatives: list[tuple[int, int]], lex: SourceLexicon) -> list[DerivedRange]:
    """The noun phrase a relative pronoun source stands for when the tagger left it unmarked ("members of the
    city council, which has denied ...", "nervous residents downstream, many of whom say ..."): the words
    before the pronoun back to the first one that cannot be part of a noun phrase (``_np_before``)."""
    out: list[DerivedRange] = []
    for start, anchor in relatives:
        found = _antecedent(text, start, lex)
        if found is not None:
            out.append(DerivedRange(*found, "antecedent", anchor))
    return out


def _antecedent(text: str, start: int, lex: SourceLexicon) -> tuple[int, int] | None:
    """Range of the noun phrase right before ``start`` (a relative pronoun), across a comma or dash; None when a
    sentence ends there or no phrase naming someone is found."""
    before = text[max(0, start - 200) : start]
    trimmed = before.rstrip(" ,—–-\t")
    if not trimmed or trimmed[-1] in '.!?:;\n"”':
        return None
    phrase = _np_before(trimmed, lex)
    if not phrase:
        return None
    end = start - (len(before) - len(trimmed))
    return end - len(phrase), end


def _np_before(before: str, lex: SourceLexicon) -> str:
    """The noun phrase ending ``before`` (see :func:`antecedent_ranges`): determiners, numbers, capitalised words,
    the lexicon's nouns and modifiers and any word right after a determiner, through "of" or a preposition right
    after a person, group or organisation noun or a quantity ("Democrats on the committee", "many of the"); it
    must hold a person, group or organisation noun or a name. An unknown word elsewhere ends it: it may be the verb ("placate nervous voters")."""
    words = before.split()
    nouns = lex.words["person_nouns"] | lex.words["group_nouns"] | lex.words["organization_nouns"]
    stops, prepositions = lex.derived["nested_np_stops"], lex.derived["nested_np_prepositions"]
    determiners = lex.words["definite_determiners"] | lex.words["singular_determiners"] | lex.words["possessive_determiners"]
    taken: list[str] = []
    for i in range(len(words) - 1, -1, -1):
        w = words[i]
        low = w.lower().strip("’'\"“”()")
        if w[-1] in ".,;:!?" and taken or len(taken) >= lex.derived["max_phrase_words"] or stops.search(low):
            break
        prev = words[i - 1].lower() if i > 0 else ""
        if low == "of" or prepositions.search(low):
            quantity = low == "of" and (prev in lex.number_words or prev in lex.words["plural_quantifiers"])
            if not (quantity or lex.lemma(prev)[0] in nouns or prev in nouns):
                break  # "the rise of Donald Trump": the phrase is the name
            taken.insert(0, w)
            continue
        known = w[:1].isupper() or w[:1].isdigit() or low in lex.number_words or lex.is_common_word(low) or lex.lemma(low)[0] in nouns
        known = known or prev in determiners  # "the harbour board": a word right after a determiner modifies the head
        known = known or bool(taken) and re.fullmatch(r"[a-z]+(?:-[a-z]+)+", low) is not None  # "anti-terrorist prosecutor": an adjective
        if not known:
            break
        taken.insert(0, w)
    while taken and (taken[0].lower() == "of" or prepositions.search(taken[0].lower())):
        taken.pop(0)
    if not taken or not any(w[:1].isupper() or lex.lemma(w.lower())[0] in nouns for w in taken):
        return ""
    phrase = " ".join(taken)
    return phrase if before.endswith(phrase) else ""
