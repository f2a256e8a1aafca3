"""Source typing, specificity, counts and clustering (annotator.sources).

Every sentence here is written for these tests. The last tests read our labelled PolNeAR-dev set
(tests/data/source_types_dev.tsv, offsets only) and skip when ../shared is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.schema import AnnotatedArticle, Article, Attribution, Span
from annotator.sources import (
    ANONYMOUS_DESCRIBED,
    ANONYMOUS_VAGUE,
    DOCUMENT,
    MEDIA_OUTLET,
    NAMED_ORGANIZATION,
    NAMED_PERSON,
    REFERENCE,
    SOURCE_TYPES,
    SourceConfigError,
    SourceLexicon,
    analyze_sources,
    describe_span,
    distinct_source_count,
    outlet_mentions,
    reporting_outlet,
    source_type_counts,
    type_span,
)

ROOT = Path(__file__).resolve().parent.parent
EVAL_SET = ROOT / "tests" / "data" / "source_types_dev.tsv"


def typed(sentence: str, mention: str, occurrence: int = 0):
    """Type the ``occurrence``-th appearance of ``mention`` in ``sentence``."""
    start = -1
    for _ in range(occurrence + 1):
        start = sentence.index(mention, start + 1)
    return type_span(sentence, Span("T1", start, start + len(mention), "SOURCE", mention))


def article(text: str, mentions: list[str], attributions: list[Attribution] | None = None, extra: list[Span] | None = None) -> AnnotatedArticle:
    """An article whose SOURCE spans are ``mentions``, found left to right in ``text``."""
    spans, pos = [], 0
    for i, m in enumerate(mentions):
        start = text.index(m, pos)
        spans.append(Span(f"T{i + 1}", start, start + len(m), "SOURCE", m))
        pos = start + len(m)
    return AnnotatedArticle(Article("a1", text), spans + list(extra or []), list(attributions or []))


def source_of(sources: list[dict], mention_text: str, occurrence: int = 0) -> dict:
    hits = [s for s in sources for m in s.mentions if m.text == mention_text]
    return hits[occurrence]


# --------------------------------------------------------------------------------------------------------------
# typing
# --------------------------------------------------------------------------------------------------------------

TYPING_CASES = [
    # named people, with titles, roles and appositions
    ("The bridge will reopen in May, Maria Delgado told the council.", "Maria Delgado", NAMED_PERSON),
    ("Port director Tomas Henning said the cranes were idle.", "Port director Tomas Henning", NAMED_PERSON),
    ("The vote was close, said Sen. Ruth Abernathy.", "Sen. Ruth Abernathy", NAMED_PERSON),
    ("Yusuf al-Rawi, a spokesman for the district, said roads were shut.", "Yusuf al-Rawi, a spokesman for the district", NAMED_PERSON),
    ("Mr. Okafor declined to say more.", "Mr. Okafor", NAMED_PERSON),
    # organisations and states
    ("The Pentagon said the drills would continue.", "The Pentagon", NAMED_ORGANIZATION),
    ("The Coastal Water Authority said supplies were safe.", "The Coastal Water Authority", NAMED_ORGANIZATION),
    ("The Israeli military said two launchers were hit.", "The Israeli military", NAMED_ORGANIZATION),
    ("The Obama administration has said little about the ruling.", "The Obama administration", NAMED_ORGANIZATION),
    ("Japan said it would send a delegation.", "Japan", NAMED_ORGANIZATION),
    ("Kataib Hezbollah said it had no part in the raid.", "Kataib Hezbollah", NAMED_ORGANIZATION),
    # media outlets
    ("The harbour was closed, Reuters reported.", "Reuters", MEDIA_OUTLET),
    ("The plan was first reported by the Washington Post on Friday.", "the Washington Post", MEDIA_OUTLET),
    ("The Lebanese daily Al-Akhbar said the envoy had left.", "The Lebanese daily Al-Akhbar", MEDIA_OUTLET),
    # documents
    ("A statement from the ministry said the border was open.", "A statement from the ministry", DOCUMENT),
    ("The report found that wages had fallen.", "The report", DOCUMENT),
    ("Court filings show the sale was never completed.", "Court filings", DOCUMENT),
    ("A poll released on Tuesday put the mayor ahead.", "A poll released on Tuesday", DOCUMENT),
    # anonymous, described
    ("A senior Iraqi security official said the convoy turned back.", "A senior Iraqi security official", ANONYMOUS_DESCRIBED),
    ("A source close to the prime minister said talks would go on.", "A source close to the prime minister", ANONYMOUS_DESCRIBED),
    ("Three Iranian officials said the meeting took place.", "Three Iranian officials", ANONYMOUS_DESCRIBED),
    ("His lawyer said the charges were baseless.", "His lawyer", ANONYMOUS_DESCRIBED),
    # anonymous, vague
    ("The deal is off, sources said on Sunday.", "sources", ANONYMOUS_VAGUE),
    ("People familiar with the matter said the bid was withdrawn.", "People familiar with the matter", ANONYMOUS_VAGUE),
    ("Media reports said the minister had resigned.", "Media reports", ANONYMOUS_VAGUE),
    ("Critics say the tax is unfair to farmers.", "Critics", ANONYMOUS_VAGUE),
    ("The fence was cut overnight, an official said.", "an official", ANONYMOUS_VAGUE),
    # references
    ("The mayor spoke first. He said the budget was tight.", "He", REFERENCE),
    ("An aide spoke later. The official said nothing about costs.", "The official", REFERENCE),
    ("The commander said his men had withdrawn.", "The commander", REFERENCE),
    ("The company, which said it had no comment, closed the plant.", "which", REFERENCE),
]


@pytest.mark.parametrize(("sentence", "mention", "expected"), TYPING_CASES, ids=[c[1] for c in TYPING_CASES])
def test_type_span_examples(sentence: str, mention: str, expected: str) -> None:
    assert typed(sentence, mention).type == expected


def test_every_type_is_covered_by_the_examples() -> None:
    assert {c[2] for c in TYPING_CASES} == set(SOURCE_TYPES)


def test_type_span_unpacks_as_four_values() -> None:
    kind, specificity, count, plural = typed("A diplomat said the envoy had left.", "A diplomat")
    assert kind == ANONYMOUS_DESCRIBED  # a role describes someone; "an official" would not (generic_role_heads)
    assert typed("An official said the envoy had left.", "An official").type == ANONYMOUS_VAGUE
    assert 0.0 < specificity < 1.0
    assert (count, plural) == (1, False)


def test_capitalisation_in_raw_text_decides_names() -> None:
    # same words, different case: a name vs a description
    assert typed("Officials said Friday that Grant Hill had left.", "Grant Hill").type == NAMED_PERSON
    assert typed("Officials said the grant committee had met.", "the grant committee").type == REFERENCE
    # a capitalised first word is not a name by itself: unnamed people, described by their cause
    assert typed("Voting rights advocates said the rule was unfair.", "Voting rights advocates").type == ANONYMOUS_DESCRIBED
    assert typed("Some advocates said the rule was unfair.", "Some advocates").type == ANONYMOUS_VAGUE
    # "US" is a country, "us" a pronoun
    assert typed("The US said it would respond.", "The US").type == NAMED_ORGANIZATION
    assert typed("She told us it was over.", "us").type == REFERENCE


def test_headline_case_is_not_taken_as_names() -> None:
    text = "Worried Farmers Rally For Their Water Rights\n\nFarmers in the valley marched on Monday."
    assert typed(text, "Worried Farmers").type in (ANONYMOUS_VAGUE, ANONYMOUS_DESCRIBED)  # people, not a name


# An outlet the lexicon does not know is an outlet when a descriptor noun introduces it (before, after, or in an
# apposition) or its name ends in a newspaper title word; the name is the outlet's, without the descriptor.
OUTLET_CASES = [
    ("The Iraqi newspaper Al-Rafidain said the talks had stalled.", "The Iraqi newspaper Al-Rafidain", "Al-Rafidain"),
    ("The regional broadcaster Valley One reported the closure.", "The regional broadcaster Valley One", "Valley One"),
    ("The cuts were first reported by the Northern Ledger newspaper.", "the Northern Ledger newspaper", "Northern Ledger"),
    ("Tidewater, a local news website, said the ferry was late.", "Tidewater", "Tidewater"),
    ("Kesh daily said the envoy had left the capital.", "Kesh daily", "Kesh"),
    ("The fire was out by noon, the Harbour Gazette reported.", "the Harbour Gazette", "Harbour Gazette"),
    ("The dam will be raised, the news agency Parsa quoted the minister as saying.", "the news agency Parsa", "Parsa"),
]


@pytest.mark.parametrize(("sentence", "mention", "name"), OUTLET_CASES, ids=[c[1] for c in OUTLET_CASES])
def test_descriptor_nouns_make_an_unknown_name_an_outlet(sentence: str, mention: str, name: str) -> None:
    start = sentence.index(mention)
    m = describe_span(sentence, Span("T1", start, start + len(mention), "SOURCE", mention))
    assert (m.type, m.name, m.secondhand) == (MEDIA_OUTLET, name, True)


def test_descriptor_rules_do_not_invent_outlets() -> None:
    text = (
        "The mayor spoke on the radio Sunday. The White House website said the visit was off. "
        "A Baton Rouge newspaper said little. The Pentagon press secretary, Dana Reyes, said the drill would go on."
    )
    for mention, expected in (("The White House website", DOCUMENT), ("The Pentagon press secretary, Dana Reyes", NAMED_PERSON)):
        start = text.index(mention)
        m = describe_span(text, Span("T1", start, start + len(mention), "SOURCE", mention))
        assert m.type == expected and not m.secondhand, mention
    names = {f.name for f in outlet_mentions(text)}
    assert not names & {"Sunday", "White House", "Baton Rouge"}


def test_comma_separated_adjectives_and_title_chains() -> None:
    text = '"More work is needed," a separate, senior, US official said.'
    assert typed(text, "a separate, senior, US official").type == ANONYMOUS_DESCRIBED
    text = "At the funeral, senior militia official and regional commander Abbas Karimi vowed a response."
    chain = typed(text, "senior militia official and regional commander Abbas Karimi")
    assert (chain.type, chain.count, chain.plural) == (NAMED_PERSON, 1, False)
    both = typed("An aide and Sen. Ruth Abernathy said no.", "An aide and Sen. Ruth Abernathy")
    assert both.count == 2  # a determiner makes it two people, not one person's titles


# --------------------------------------------------------------------------------------------------------------
# specificity
# --------------------------------------------------------------------------------------------------------------


def test_specificity_ranks_anonymous_descriptions() -> None:
    s = "{} said the road was closed."
    senior = typed(s.format("A senior Iraqi security official"), "A senior Iraqi security official")
    official = typed(s.format("An official"), "An official")
    sources = typed(s.format("Sources"), "Sources")
    assert senior.specificity > official.specificity > sources.specificity
    close = typed(s.format("A source close to the governor"), "A source close to the governor")
    bare = typed(s.format("A source"), "A source")
    assert close.specificity > bare.specificity
    counted = typed(s.format("Three Iranian officials"), "Three Iranian officials")
    plain = typed(s.format("Officials"), "Officials")
    assert counted.specificity > plain.specificity
    vague = typed(s.format("People familiar with the plan"), "People familiar with the plan")
    assert vague.specificity <= plain.specificity


def test_specificity_of_named_sources_comes_from_config() -> None:
    lex = SourceLexicon.default()
    person = typed("Maria Delgado said the bridge was safe.", "Maria Delgado")
    assert person.specificity == lex.type_value[NAMED_PERSON]
    anonymous = typed("A senior Iraqi security official said so.", "A senior Iraqi security official")
    assert anonymous.specificity <= lex.cap < person.specificity


# --------------------------------------------------------------------------------------------------------------
# counts
# --------------------------------------------------------------------------------------------------------------

COUNT_CASES = [
    ("ten sources", 10, True),
    ("10 of the sources", 10, True),
    ("nine sources", 9, True),
    ("five of the sources", 5, True),
    ("three Iranian officials", 3, True),
    ("a source", 1, False),
    ("one official", 1, False),
    ("another official", 1, False),
    ("officials", None, True),
    ("several diplomats", None, True),
    ("two dozen residents", 24, True),
    ("at least four witnesses", 4, True),
]


@pytest.mark.parametrize(("mention", "count", "plural"), COUNT_CASES, ids=[c[0] for c in COUNT_CASES])
def test_counts(mention: str, count: int | None, plural: bool) -> None:
    sentence = f"The market stayed shut, {mention} said on Monday."
    result = typed(sentence, mention)
    assert (result.count, result.plural) == (count, plural)


def test_counts_of_coordinated_names() -> None:
    both = typed("Mr. Okafor and Ms. Lind said the audit was fair.", "Mr. Okafor and Ms. Lind")
    assert (both.type, both.count, both.plural) == (NAMED_PERSON, 2, True)
    states = typed("France, Spain and Italy said they would object.", "France, Spain and Italy")
    assert (states.type, states.count) == (NAMED_ORGANIZATION, 3)


def test_describe_span_reports_affiliation_and_secondhand() -> None:
    text = "Iraqi media said the envoy had arrived. A senior Iraqi security official said so too. Reuters said the same."
    media = describe_span(text, Span("a", 0, 11, "SOURCE", "Iraqi media"))
    assert media.type == ANONYMOUS_VAGUE and media.secondhand and media.affiliation == "Iraqi"
    start = text.index("A senior")
    official = describe_span(text, Span("b", start, start + 32, "SOURCE", ""))
    assert official.affiliation == "Iraqi" and not official.secondhand
    start = text.index("Reuters")
    assert describe_span(text, Span("c", start, start + 7, "SOURCE", "")).secondhand


def test_affiliation_of_named_people() -> None:
    cases = [
        ("The crossing is open, Iraqi Prime Minister Saad Karim said.", "Iraqi Prime Minister Saad Karim", "Iraqi"),
        ("The crossing is open, Karim's security adviser Omar Latif said.", "Karim's security adviser Omar Latif", "Karim"),
        ("The crossing is open, Rep. Ann Cole (R-Ohio) said.", "Rep. Ann Cole (R-Ohio)", "Republican"),
    ]
    for sentence, mention, affiliation in cases:
        start = sentence.index(mention)
        m = describe_span(sentence, Span("a", start, start + len(mention), "SOURCE", mention))
        assert (m.type, m.affiliation) == (NAMED_PERSON, affiliation)


# --------------------------------------------------------------------------------------------------------------
# clustering
# --------------------------------------------------------------------------------------------------------------

STORY = (
    "Border crossings reopen after envoy's visit\n\n"
    "Esmail Qaani arrived in the capital late on Sunday, two sources familiar with the trip said.\n"
    "Qaani held talks with the armed factions for three hours, a senior Iraqi security official said.\n"
    "Commander Qaani urged restraint, the senior Iraqi security source added. He promised nothing in return, "
    "the official said.\n"
    "Lina Haddad, a lawmaker from the north, said the visit was welcome. She added that the factions were split.\n"
    "The interior ministry declined to comment. A statement from the ministry later said the crossings were open. "
    "The statement gave no date.\n"
    "Another official said the calm would not last. The militia leader did not answer calls.\n"
)
STORY_MENTIONS = [
    "Esmail Qaani",
    "two sources familiar with the trip",
    "Qaani",
    "a senior Iraqi security official",
    "Commander Qaani",
    "the senior Iraqi security source",
    "He",
    "the official",
    "Lina Haddad, a lawmaker from the north",
    "She",
    "The interior ministry",
    "A statement from the ministry",
    "The statement",
    "Another official",
    "The militia leader",
]


@pytest.fixture(scope="module")
def story_sources() -> list[dict]:
    return analyze_sources(article(STORY, STORY_MENTIONS), select=False)


def test_every_source_span_is_in_exactly_one_source(story_sources: list[dict]) -> None:
    spans = [m.span for s in story_sources for m in s.mentions]
    assert sorted(spans) == sorted(f"T{i + 1}" for i in range(len(STORY_MENTIONS)))
    firsts = [s.mentions[0].start for s in story_sources]
    assert firsts == sorted(firsts)
    assert [s.id for s in story_sources] == [f"src{i + 1}" for i in range(len(story_sources))]
    for s in story_sources:
        for m in s.mentions:
            assert STORY[m.start : m.end] == m.text


def test_name_variants_cluster(story_sources: list[dict]) -> None:
    qaani = source_of(story_sources, "Esmail Qaani")
    assert [m.text for m in qaani.mentions] == ["Esmail Qaani", "Qaani", "Commander Qaani"]
    assert qaani.type == NAMED_PERSON and qaani.name == "Esmail Qaani"


def test_repeated_description_and_references_cluster(story_sources: list[dict]) -> None:
    official = source_of(story_sources, "a senior Iraqi security official")
    assert [m.text for m in official.mentions] == ["a senior Iraqi security official", "the senior Iraqi security source", "He", "the official"]
    assert official.type == ANONYMOUS_DESCRIBED
    assert official.affiliation == "Iraqi"
    assert official.count == 1 and official.plural is False


def test_pronoun_takes_nearest_compatible_source(story_sources: list[dict]) -> None:
    haddad = source_of(story_sources, "Lina Haddad, a lawmaker from the north")
    assert [m.text for m in haddad.mentions] == ["Lina Haddad, a lawmaker from the north", "She"]


def test_documents_and_new_sources(story_sources: list[dict]) -> None:
    statement = source_of(story_sources, "A statement from the ministry")
    assert statement.type == DOCUMENT
    assert [m.text for m in statement.mentions] == ["A statement from the ministry", "The statement"]
    another = source_of(story_sources, "Another official")
    assert [m.text for m in another.mentions] == ["Another official"]
    # a reference with nothing to point back to stays its own REFERENCE source
    leader = source_of(story_sources, "The militia leader")
    assert leader.type == REFERENCE and len(leader.mentions) == 1


def test_counted_group_and_distinct_count(story_sources: list[dict]) -> None:
    group = source_of(story_sources, "two sources familiar with the trip")
    assert group.count == 2 and group.plural is True and group.type == ANONYMOUS_VAGUE
    # Qaani, the two sources (2 people), the official, Haddad, the ministry, the statement, another official,
    # the unresolved militia leader
    assert len(story_sources) == 8
    assert distinct_source_count(story_sources) == 9
    counts = source_type_counts(story_sources)
    assert counts[NAMED_PERSON] == 2 and counts[REFERENCE] == 1 and sum(counts.values()) == 8


LEDGER_STORY = (
    "Mill to cut 300 jobs, newspaper says\n\n"
    "The Tarn Mill will cut 300 jobs, the Northern Ledger newspaper reported on Friday. "
    "The Ledger said the board had met in March. According to the Ledger's report, the union was not told. "
    "The newspaper said the mill had lost money for two years. "
    "The Northern Ledger also reported that the town council would meet on Monday.\n"
)
LEDGER_MENTIONS = ["the Northern Ledger newspaper", "The Ledger", "the Ledger's report", "The newspaper", "The Northern Ledger"]


def test_outlet_name_variants_are_one_source() -> None:
    sources = analyze_sources(article(LEDGER_STORY, LEDGER_MENTIONS), select=False)
    ledger = source_of(sources, "The Ledger")
    # the Ledger's own report is the Ledger (a document's named owner is the source)
    expected = ["the Northern Ledger newspaper", "The Ledger", "the Ledger's report", "The newspaper", "The Northern Ledger"]
    assert [m.text for m in ledger.mentions] == expected
    assert (ledger.type, ledger.name, ledger.secondhand) == (MEDIA_OUTLET, "Northern Ledger", True)
    # a document of the outlet relays it too
    assert (ledger.type, ledger.secondhand) == (MEDIA_OUTLET, True)


def _attributed(text: str, mentions: list[str], told: list[int]) -> AnnotatedArticle:
    """``article`` plus a CUE span on the first "told" after each mention whose index is in ``told``."""
    doc = article(text, mentions)
    for i in told:
        source = doc.spans[i]
        start = text.index("told", source.end)
        cue = Span(f"C{i}", start, start + 4, "CUE", "told")
        doc.spans.append(cue)
        doc.attributions.append(Attribution(f"A{i}", source.id, cue.id, []))
    return doc


RELAY_STORY = (
    "Militias pause attacks, Lebanese daily says\n\n"
    "The Lebanese newspaper Al-Akhbar reported on Monday that the armed factions had agreed to pause their attacks. "
    "A commander in one of the factions told al-Akhbar that the pause would hold until spring. "
    "Omar Saleh, a spokesman for the coalition, told the Lebanese daily that talks would continue. "
    "Prime Minister Karim Said said on Tuesday that the government welcomed the pause.\n"
)
RELAY_MENTIONS = [
    "The Lebanese newspaper Al-Akhbar",
    "A commander in one of the factions",
    "Omar Saleh, a spokesman for the coalition",
    "Prime Minister Karim Said",
]


def test_a_source_that_told_another_outlet_is_relayed() -> None:
    sources = analyze_sources(_attributed(RELAY_STORY, RELAY_MENTIONS, told=[1]), select=False)  # Saleh: found without a cue
    outlet = source_of(sources, "The Lebanese newspaper Al-Akhbar")
    assert (outlet.type, outlet.secondhand, outlet.reporter) == (MEDIA_OUTLET, True, False)
    for mention in ("A commander in one of the factions", "Omar Saleh, a spokesman for the coalition"):
        relayed = source_of(sources, mention)
        assert (relayed.secondhand, relayed.relayed_by) == (True, "Al-Akhbar"), mention
    minister = source_of(sources, "Prime Minister Karim Said")
    assert (minister.secondhand, minister.relayed_by) == (False, None)


OWN_STORY = (
    "Port talks resume\n\n"
    "Dock workers will vote on the offer next week, three union officials told the Harbour Gazette on Monday. "
    "The officials said the offer was the best in a decade. "
    "For this article, the Gazette spoke to six workers and two managers. "
    "The Harbour Gazette reported last year that the port was losing money.\n"
)


def test_the_reporting_outlet_is_the_reporter_not_a_source() -> None:
    doc = _attributed(OWN_STORY, ["three union officials", "The officials", "the Gazette"], told=[0])
    sources = analyze_sources(doc, select=False)
    officials = source_of(sources, "three union officials")
    assert (officials.secondhand, officials.relayed_by) == (False, None)
    gazette = source_of(sources, "the Gazette")
    assert (gazette.type, gazette.reporter, gazette.secondhand) == (MEDIA_OUTLET, True, False)
    # the same outlet cited once for its earlier reporting is still the one reporting here
    assert reporting_outlet(outlet_mentions(OWN_STORY)) == "Harbour Gazette"
    # an outlet the article introduces with a descriptor is another outlet, however often it is told things
    assert reporting_outlet(outlet_mentions(RELAY_STORY), ["Al-Akhbar"]) is None


def test_outlet_mentions_and_their_roles() -> None:
    found = {(f.text, f.recipient_at is not None, f.interviewer, f.reports) for f in outlet_mentions(OWN_STORY)}
    assert ("Harbour Gazette", True, False, False) in found  # "told the Harbour Gazette"
    assert ("Gazette", False, True, False) in found  # "the Gazette spoke to"
    assert ("Harbour Gazette", False, False, True) in found  # "The Harbour Gazette reported"
    relay = [f for f in outlet_mentions(RELAY_STORY) if f.text == "the Lebanese daily"]
    assert len(relay) == 1 and relay[0].name == "Al-Akhbar" and relay[0].recipient_at is not None


def test_unresolved_descriptions_of_unnamed_people() -> None:
    text = "The convoy turned back at the border, the senior Iraqi security source said."
    described = analyze_sources(article(text, ["the senior Iraqi security source"]), select=False)[0]
    assert described.type == ANONYMOUS_DESCRIBED and described.mentions[0].type == REFERENCE
    text = "The road will reopen, the official said."
    bare = analyze_sources(article(text, ["the official"]), select=False)[0]
    assert bare.type == REFERENCE  # a bare role may be someone the article names elsewhere
    text = "A member of the militia, who asked not to be named, said the order came late. The source said no more."
    sources = analyze_sources(article(text, ["A member of the militia, who asked not to be named", "The source"]), select=False)
    assert len(sources) == 1 and [m.text for m in sources[0].mentions] == ["A member of the militia, who asked not to be named", "The source"]


def test_a_repeated_description_may_drop_the_name_prefix() -> None:
    text = "A source close to Prime Minister Rami al-Haddadi said the raid was a blow. The source close to Haddadi added that talks would go on."
    sources = analyze_sources(article(text, ["A source close to Prime Minister Rami al-Haddadi", "The source close to Haddadi"]), select=False)
    assert len(sources) == 1 and sources[0].type == ANONYMOUS_DESCRIBED


def test_people_with_one_surname_stay_apart() -> None:
    text = "Anna Berg said the mill would close. Tomas Berg said it would not. Mrs. Berg later added a caveat."
    sources = analyze_sources(article(text, ["Anna Berg", "Tomas Berg", "Mrs. Berg"]), select=False)
    assert len(sources) == 2
    assert [m.text for m in source_of(sources, "Anna Berg").mentions] == ["Anna Berg", "Mrs. Berg"]


def test_acronym_and_partitive_join() -> None:
    text = (
        "The Rural Health Council said clinics were short of staff, several nurses said. "
        "RHC said it would ask for funds. Four of the nurses said the night shifts were unsafe."
    )
    sources = analyze_sources(article(text, ["The Rural Health Council", "several nurses", "RHC", "it", "Four of the nurses"]), select=False)
    council = source_of(sources, "RHC")
    assert [m.text for m in council.mentions] == ["The Rural Health Council", "RHC", "it"]
    nurses = source_of(sources, "several nurses")
    assert [m.text for m in nurses.mentions] == ["several nurses", "Four of the nurses"]
    assert nurses.count == 4


def test_first_person_in_a_quote_joins_the_speaker() -> None:
    text = '"I have never seen the river this low," said Petra Novak, a ferry captain. Novak has worked there for years.'
    quote_end = text.index(',"') + 1
    content = Span("C1", 1, quote_end - 1, "CONTENT", text[1 : quote_end - 1])
    doc = article(text, ["I", "Petra Novak, a ferry captain", "Novak"], [Attribution("A1", "T2", None, ["C1"])], [content])
    sources = analyze_sources(doc, select=False)
    assert len(sources) == 1
    assert [m.text for m in sources[0].mentions] == ["I", "Petra Novak, a ferry captain", "Novak"]


def test_distinct_source_count_rules() -> None:
    lex = SourceLexicon.default()

    def src(kind: str, count: int | None, plural: bool) -> dict:
        return {"type": kind, "count": count, "plural": plural}

    one_each = [src(NAMED_PERSON, 1, False), src(ANONYMOUS_DESCRIBED, 1, False)]
    assert distinct_source_count(one_each) == 2
    # a plural without a number counts as the configured minimum
    assert distinct_source_count([src(ANONYMOUS_VAGUE, None, True)]) == lex.plural_without_count
    # counted anonymous groups may restate one pool: max adds the largest, the others one each
    groups = [src(ANONYMOUS_VAGUE, 10, True), src(ANONYMOUS_DESCRIBED, 3, True), src(NAMED_PERSON, 1, False)]
    assert distinct_source_count(groups, overlap="max") == 1 + 10 + 1
    assert distinct_source_count(groups, overlap="sum") == 1 + 10 + 3
    # named groups are distinct people and always add up
    assert distinct_source_count([src(NAMED_PERSON, 2, True), src(NAMED_PERSON, 1, False)]) == 3
    with pytest.raises(ValueError):
        distinct_source_count(groups, overlap="median")


def test_analyze_sources_on_an_article_without_sources() -> None:
    doc = AnnotatedArticle(Article("empty", "Rain is expected on Friday."), [], [])
    assert analyze_sources(doc, select=False) == []


# --------------------------------------------------------------------------------------------------------------
# configuration
# --------------------------------------------------------------------------------------------------------------


def _config_copy(tmp_path: Path, edit) -> Path:
    import shutil

    src_dir = ROOT / "configs"
    shutil.copytree(src_dir / "lexicons", tmp_path / "lexicons")
    text = (src_dir / "sources.yaml").read_text(encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(edit(text), encoding="utf-8")
    return path


def test_shipped_config_loads() -> None:
    lex = SourceLexicon.load()
    assert lex.outlets["reuters"] == "Reuters"
    assert lex.places["iraqi"] == "Iraqi"
    assert lex.overlap in ("max", "sum")


def test_bad_weight_is_rejected_with_a_clear_message(tmp_path: Path) -> None:
    path = _config_copy(tmp_path, lambda t: t.replace("rank: 0.15", "rank: 1.7"))
    with pytest.raises(SourceConfigError, match=r"specificity\.cue_weight\.rank: 1\.7 is out of range"):
        SourceLexicon.load(path)


def test_missing_lexicon_file_is_rejected(tmp_path: Path) -> None:
    path = _config_copy(tmp_path, lambda t: t.replace("lexicons/places.txt", "lexicons/nowhere.txt"))
    with pytest.raises(SourceConfigError, match="nowhere.txt"):
        SourceLexicon.load(path)


def test_unknown_overlap_policy_is_rejected(tmp_path: Path) -> None:
    path = _config_copy(tmp_path, lambda t: t.replace("overlap: max", "overlap: average"))
    with pytest.raises(SourceConfigError, match="counting.overlap"):
        SourceLexicon.load(path)


def test_bad_outlet_role_pattern_is_rejected(tmp_path: Path) -> None:
    path = _config_copy(tmp_path, lambda t: t.replace("  recipient_before:", "  recipient_before:\n    - '(told'", 1))
    with pytest.raises(SourceConfigError, match=r"outlet_roles\.recipient_before\[0\].*invalid regular expression"):
        SourceLexicon.load(path)


def test_config_weights_change_the_result(tmp_path: Path) -> None:
    path = _config_copy(tmp_path, lambda t: t.replace("plural_without_count: 2", "plural_without_count: 3"))
    lex = SourceLexicon.load(path)
    assert distinct_source_count([{"type": ANONYMOUS_VAGUE, "count": None, "plural": True}], lex) == 3


# --------------------------------------------------------------------------------------------------------------
# our labelled PolNeAR-dev set
# --------------------------------------------------------------------------------------------------------------


def _eval_module():
    from annotator.workflows import span_typing

    return span_typing


def test_eval_set_holds_offsets_and_labels_only() -> None:
    rows = _eval_module().read_labels(EVAL_SET)
    assert len(rows) >= 300
    assert len({r["article_id"] for r in rows}) >= 50
    assert {r["type"] for r in rows} == set(SOURCE_TYPES)
    for line in EVAL_SET.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            assert len(line.split("\t")) == 6 and len(line) < 120  # no article text in the file


def test_accuracy_on_our_polnear_dev_labels(polnear_dir: Path) -> None:
    module = _eval_module()
    from annotator.polnear import load_split

    texts = {d.id: d.text for d in load_split(polnear_dir / "dev")}
    result = module.evaluate(module.read_labels(EVAL_SET), texts, SourceLexicon.default())
    assert result["missing_articles"] == 0
    # measured 0.987 overall (see docs/sources.md); the floors leave a margin for lexicon edits
    assert result["accuracy"] >= 0.95
    assert result["per_type"][NAMED_PERSON]["accuracy"] >= 0.95
    assert result["per_type"][REFERENCE]["accuracy"] >= 0.95
    assert result["macro_accuracy"] >= 0.90
