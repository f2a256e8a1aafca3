"""Which mentions make sources (annotator/sources/selection.py) and the clustering rules of issue 10: lede titles,
repeated groups, relative clauses and counts that are not counts. Every sentence here is made up for the test."""

from __future__ import annotations

from annotator.schema import Span
from annotator.sources import SourceLexicon, analyze_sources, describe_span
from annotator.sources.selection import object_of_preposition, passive_recipient, refers

from .source_stories import story

LEX = SourceLexicon.default()


def _mention(text: str, phrase: str):
    start = text.index(phrase)
    return describe_span(text, Span("T1", start, start + len(phrase), "SOURCE", phrase))


def test_a_relative_clause_does_not_make_a_person_an_organisation() -> None:
    text = "Lena Hovde, who chaired the harbour authority until May, said the quay was unsafe."
    assert _mention(text, "Lena Hovde, who chaired the harbour authority until May,").type == "NAMED_PERSON"
    text = "Town council member Arvid Brekke said the vote was rushed."
    assert _mention(text, "Town council member Arvid Brekke").type == "NAMED_PERSON"
    text = "The consumer group Clear Tap said prices rose."
    assert _mention(text, "The consumer group Clear Tap").type == "NAMED_ORGANIZATION"


def test_a_date_like_number_is_not_a_count() -> None:
    m = _mention("A 24/7 dispatcher, Ruth Amsel, said calls doubled.", "A 24/7 dispatcher, Ruth Amsel,")
    assert m.count == 1


def test_spans_that_refer_to_nobody() -> None:
    text = "Her years as secretary of the club ended, a decision echoed by an official and by police."
    assert not refers(_mention(text, "secretary of the club"), LEX)
    assert not refers(_mention(text, "a"), LEX)
    assert refers(_mention(text, "an official"), LEX)
    assert refers(_mention(text, "police"), LEX)


def test_the_subject_of_a_passive_verb_of_telling_is_not_the_teller() -> None:
    text = "Tenants were promised new windows. The landlord has also been asked to explain. Tenants promised to pay."
    first = text.index("were promised")
    assert passive_recipient(text, text.index(" were"), first, first + len("were promised"), LEX)
    asked = text.index("asked")
    assert passive_recipient(text, text.index(" has also"), asked, asked + len("asked"), LEX)
    last = text.rindex("promised")
    assert not passive_recipient(text, last - 1, last, last + len("promised"), LEX)


def test_passive_recipients_are_left_out_of_the_table() -> None:
    text = "Tenants in the east block were told the heating would return. The caretaker said it would not."
    doc = story(text, ["Tenants in the east block", "The caretaker"], cue=" ")
    for n, cue in enumerate(("told", "said")):
        at = text.index(cue)
        doc.spans[2 * n + 1] = Span(f"C{n}", at, at + len(cue), "CUE", cue)
    names = [s.name for s in analyze_sources(doc)]
    assert names == ["caretaker"]


def test_a_topic_after_a_preposition_is_not_a_speaker() -> None:
    text = "The district has been among the councils most opposed to the plan."
    assert object_of_preposition(text, text.index("the councils"), LEX)
    assert not object_of_preposition(text, text.index("The district"), LEX)


def test_a_story_that_opens_on_a_title_names_that_person_next() -> None:
    text = (
        "Ferry fares to rise\n\n"
        "A retired harbour judge says the ferry fares break the town charter. "
        '"The charter is plain," said Margit Olsen, who sat on the harbour court for twenty years. '
        "Olsen said she would write to the council."
    )
    doc = story(text, ["A retired harbour judge", "Margit Olsen, who sat on the harbour court for twenty years", "Olsen"], cue="sa")
    sources = analyze_sources(doc)
    assert len(sources) == 1 and sources[0].type == "NAMED_PERSON"
    assert [m.text for m in sources[0].mentions][0] == "A retired harbour judge"


def test_an_anonymous_opening_source_stays_anonymous() -> None:
    text = "A spokesman for the port says the cranes are idle. Harbour master Jonas Vik said repairs would take a week."
    doc = story(text, ["A spokesman for the port", "Harbour master Jonas Vik"], cue="sa")
    assert len(analyze_sources(doc)) == 2


def test_a_group_named_again_with_fewer_words_is_the_same_group() -> None:
    text = (
        "Several Turkish and Greek sources said the bridge would close. "
        "The closure was planned for spring, sources said. "
        "Five people said the tolls would rise; nine people said they would not."
    )
    doc = story(text, ["Several Turkish and Greek sources", "sources", "Five people", "nine people"])
    sources = analyze_sources(doc)
    assert [len(s.mentions) for s in sources] == [2, 1, 1]
    assert [s.count for s in sources[1:]] == [5, 9]
