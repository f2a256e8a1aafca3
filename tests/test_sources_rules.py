"""Issue 10, second round: epithets that re-describe a named person, repeated named groups, name spellings,
named documents, poll shares, state cues and refusals that do not spread. Every sentence is made up for the test."""

from __future__ import annotations

import numpy as np

from annotator.kinds import KindConfig, KindHead, assign_kinds
from annotator.schema import Attribution, Span
from annotator.sources import SourceLexicon, analyze_sources, describe_span

from .source_stories import published_by, story

LEX = SourceLexicon.default()


def _mention(text: str):
    return describe_span(text, Span("T1", 0, len(text), "SOURCE", text))


def test_an_epithet_with_a_place_or_party_re_describes_the_person_just_named() -> None:
    text = "Marta Lindqvist said the dam was safe. The Nordland senator said repairs would start in June."
    sources = analyze_sources(story(text, ["Marta Lindqvist", "The Nordland senator"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Marta Lindqvist", 2)]


def test_a_new_lowercase_description_is_still_someone_else() -> None:
    text = "Marta Lindqvist said the dam was safe. The militia leader said otherwise."
    sources = analyze_sources(story(text, ["Marta Lindqvist", "The militia leader"]))
    assert len(sources) == 2


def test_an_office_epithet_re_describes_the_person_just_named() -> None:
    text = "Rosa Delacourt said the port would reopen. The former first lady and state senator said it would take a month."
    sources = analyze_sources(story(text, ["Rosa Delacourt", "The former first lady and state senator"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Rosa Delacourt", 2)]


def test_a_person_and_their_aides_is_that_person() -> None:
    text = "Governor Ana Pires said the bridge was sound. Later Pires and her aides said the inspection was routine."
    sources = analyze_sources(story(text, ["Governor Ana Pires", "Pires and her aides"]))
    assert [(s.name, len(s.mentions), s.count) for s in sources] == [("Ana Pires", 2, 1)]
    # a group of the person and other people stays a group of its own
    text = "Governor Ana Pires said the bridge was sound. Later Pires and two engineers said the inspection was routine."
    assert len(analyze_sources(story(text, ["Governor Ana Pires", "Pires and two engineers"]))) == 2


def test_a_pair_of_people_already_cited_adds_no_source() -> None:
    text = "Tomas Vidal said the levy was fair. Irene Moss said it was not. Both Mr. Vidal and Ms. Moss said talks would go on."
    sources = analyze_sources(story(text, ["Tomas Vidal", "Irene Moss", "Both Mr. Vidal and Ms. Moss"]))
    assert [(s.name, s.count, len(s.mentions)) for s in sources] == [("Tomas Vidal", 1, 2), ("Irene Moss", 1, 1)]
    # the pair may come first, before each is cited alone
    text = "Both Mr. Vidal and Ms. Moss said talks would go on. Tomas Vidal said the levy was fair. Irene Moss said it was not."
    sources = analyze_sources(story(text, ["Both Mr. Vidal and Ms. Moss", "Tomas Vidal", "Irene Moss"]))
    assert [(s.name, s.count) for s in sources] == [("Tomas Vidal", 1), ("Irene Moss", 1)]


def test_one_article_before_two_roles_is_one_person() -> None:
    one = _mention("the former governor and current senator")
    assert (one.count, one.plural) == (1, False)
    two = _mention("the judge and the commissioner")
    assert two.plural


def test_the_same_named_pair_cited_twice_is_one_source() -> None:
    text = "Mr. Okoro and Ms. Falk said the fund was short. Later Mr. Okoro and Ms. Falk said it had recovered."
    sources = analyze_sources(story(text, ["Mr. Okoro and Ms. Falk", "Mr. Okoro and Ms. Falk"]))
    assert len(sources) == 1 and sources[0].count == 2


def test_name_spellings_with_a_particle_or_another_apostrophe_join() -> None:
    text = "Mayor Ana de Vries said the road would close. De Vries said it would reopen. Pat O’Hara said so too. O'Hara said more."
    sources = analyze_sources(story(text, ["Mayor Ana de Vries", "De Vries", "Pat O’Hara", "O'Hara"]))
    assert [len(s.mentions) for s in sources] == [2, 2]


def test_two_named_polls_stay_two_documents() -> None:
    text = "A new Harbor Institute poll showed a lead. The Harbor Institute poll showed more. The Eastline tracking poll showed a tie."
    doc = story(text, ["A new Harbor Institute poll", "The Harbor Institute poll", "The Eastline tracking poll"], cue="showed")
    assert [len(s.mentions) for s in analyze_sources(doc)] == [2, 1]


def test_a_share_of_poll_respondents_is_not_a_source() -> None:
    text = "The survey found broad support, officials said. Nine percent said they had no view."
    doc = story(text, ["officials", "Nine percent"])
    # the survey that "found" is a source of its own (derived.document_finding); the share of its respondents is not
    assert [s.name for s in analyze_sources(doc)] == ["survey", "officials"]


def _kinds(text: str, cues: list[str], probs: list[float] | None = None) -> list[tuple[str, bool]]:
    """Kinds for one source with ``cues`` (left to right); with ``probs`` a stub head gives p(information)."""
    spans = [Span("S", 0, 12, "SOURCE", text[:12])]
    attributions = []
    pos = 12
    for i, cue in enumerate(cues):
        at = text.index(cue, pos)
        spans.append(Span(f"C{i}", at, at + len(cue), "CUE", cue))
        attributions.append(Attribution(f"A{i}", "S", f"C{i}", []))
        pos = at + len(cue)
    cfg = KindConfig.from_yaml()
    head = hidden = None
    words = [0]
    if probs is not None:
        # a head that ignores the features and answers p(information) = probs[i] for the i-th cue
        n = len(cues)
        hidden = np.eye(max(n, 1), dtype=np.float32)
        words = [spans[i + 1].start for i in range(n)]
        width = 3 * n + 7
        coef = np.zeros((3, width))
        for i, p in enumerate(probs):
            coef[0, i] = np.log(2 * p / (1 - p))  # softmax against two zero scores gives p
        head = KindHead(coef, np.zeros(3))
    assign_kinds(text, spans, attributions, words, hidden, head, cfg)
    return [(a.kind, a.declined) for a in attributions]


def test_a_refusal_spreads_only_to_the_participle_after_it() -> None:
    text = "The port office declined to comment, citing an internal review."
    assert _kinds(text, ["declined", "citing"]) == [("information", True), ("information", True)]
    text = "The port office declined to comment on the audit, but said the cranes were safe."
    assert _kinds(text, ["declined", "said"]) == [("information", True), ("information", False)]


def test_a_state_cue_needs_a_very_confident_head() -> None:
    text = "The port office were coy about the plan and hinted at a delay."
    assert [k for k, _ in _kinds(text, ["were coy about", "hinted at"], [0.8, 0.8])] == ["stance", "information"]


def test_a_word_of_belief_or_guess_needs_a_very_confident_head() -> None:
    text = "Some dockers speculated about a strike, others hinted at one, and the union said talks had stalled."
    kinds = [k for k, _ in _kinds(text, ["speculated about", "hinted at", "said"], [0.8, 0.8, 0.8])]
    assert kinds == ["stance", "information", "information"]
    assert [k for k, _ in _kinds(text, ["speculated about"], [0.95])] == ["information"]


def test_championing_or_introducing_a_measure_is_an_act_unless_the_head_is_very_sure() -> None:
    text = "One councillor has championed the levy, another introduced a bill, and a third proposed a delay."
    kinds = [k for k, _ in _kinds(text, ["has championed", "introduced", "proposed"], [0.8, 0.8, 0.8])]
    assert kinds == ["stance", "stance", "information"]


def test_a_refusal_cue_is_a_refusal_whatever_the_head_says() -> None:
    text = "The port office wouldn’t say whether the cranes were safe, and it declined to comment on the audit."
    assert _kinds(text, ["wouldn’t say", "declined"], [0.95, 0.95]) == [("information", True), ("information", True)]


def test_a_refusal_in_the_content_in_any_spelling() -> None:
    refusal = KindConfig.from_yaml().refusal_content
    for content in ("he cannot comment on the letter", "she can’t comment yet", "it didn't respond", "they won’t say"):
        assert refusal.match(content), content
    assert not refusal.match("he can comment on the letter later")


def test_a_possible_act_is_no_act_of_communication() -> None:
    text = "The port office may highlight the delays, and it can show the logs; it said the cranes were safe."
    kinds = [k for k, _ in _kinds(text, ["may highlight", "can show", "said"], [0.9, 0.9, 0.9])]
    assert kinds == ["stance", "stance", "information"]


def _with_content(text: str, source: str, cue: str, content: str):
    """A story whose one attribution has ``content`` as its content span."""
    doc = story(text, [source], cue)
    c = text.index(content)
    doc.spans.append(Span("K0", c, c + len(content), "CONTENT", content))
    doc.attributions[0].content.append("K0")
    return doc


def test_a_speaker_nested_in_content_is_a_source() -> None:
    text = "Halvorsen, whose deputy resigned last year, told the board that the mine would close, two directors said."
    content = "Halvorsen, whose deputy resigned last year, told the board that the mine would close"
    sources = analyze_sources(_with_content(text, "two directors", "said", content))
    nested = [s for s in sources if s.name == "Halvorsen"]
    assert nested and nested[0].mentions[0].derived == "nested"
    # only a name opens a nested speaker: an ordinary capitalised word ("The") does not
    text = "The board told staff that the mine would close, two directors said."
    sources = analyze_sources(_with_content(text, "two directors", "said", "The board told staff that the mine would close"))
    assert [s.name for s in sources] == ["two directors"]


def test_who_told_after_a_person_makes_that_person_a_source() -> None:
    text = "The crews stopped work after a meeting with a senior inspector from the mines agency, who told them to wait, the union said."
    sources = analyze_sources(_with_content(text, "the union", "said", "who told them to wait"))
    assert any(s.name == "senior inspector from the mines agency" for s in sources)


def test_a_relative_pronoun_source_brings_its_unmarked_antecedent() -> None:
    text = "The plan upset members of the harbour board, which said it would appeal, and the mayor said nothing."
    sources = analyze_sources(story(text, ["which"]))
    assert [(s.name, [m.derived for m in s.mentions]) for s in sources] == [("members of the harbour board", ["antecedent", None])]
    # an antecedent the tagger marked is the source already: nothing is derived
    sources = analyze_sources(story(text, ["members of the harbour board", "which"]))
    assert all(m.derived is None for s in sources for m in s.mentions)


# -- third session: apposition, passive targets, titles with "of", trailing times, organisation names, labellers


def test_a_description_in_apposition_after_a_name_is_that_person() -> None:
    text = "When Odile Marchetti, the regional transport secretary, came to the depot, she said the trains were late."
    sources = analyze_sources(story(text, ["the regional transport secretary,", "she"]))
    assert [(s.type, s.name) for s in sources] == [("NAMED_PERSON", "Odile Marchetti")]
    # a place before the comma is no name: the description stays anonymous
    text = "In Port Alden, the regional transport secretary said the trains were late."
    sources = analyze_sources(story(text, ["the regional transport secretary"]))
    assert [s.type for s in sources] != ["NAMED_PERSON"]


def test_the_target_of_a_passive_accusation_is_not_a_source() -> None:
    text = "Mr. Ferreira was accused of hiding the losses from the board."
    assert analyze_sources(story(text, ["Mr. Ferreira"], cue="accused")) == []
    text = "Mr. Ferreira accused the board of hiding the losses."
    assert [s.name for s in analyze_sources(story(text, ["Mr. Ferreira"], cue="accused"))] == ["Ferreira"]


def test_a_title_with_of_before_a_name_and_a_surname_that_is_a_verb() -> None:
    for phrase in ("Secretary of State Anna Holm", "Minister of Fisheries Anna Holm"):
        m = _mention(phrase)
        assert m.type == "NAMED_PERSON" and m.name_tokens[-2:] == ("anna", "holm"), phrase
    text = "The board heard from several people, and later Ellen May said the harbour would stay open."
    start = text.index("Ellen May")
    assert describe_span(text, Span("T1", start, start + 9, "SOURCE", "Ellen May")).type == "NAMED_PERSON"
    # a title alone after "the" stays a description
    assert _mention("the transport secretary").type != "NAMED_PERSON"


def test_a_trailing_day_is_not_part_of_the_name() -> None:
    text = "After the vote, the Harbour Authority on Friday said the fees would rise."
    start = text.index("the Harbour Authority")
    end = text.index(" said")
    m = describe_span(text, Span("T1", start, end, "SOURCE", text[start:end]))
    assert (m.type, m.name) == ("NAMED_ORGANIZATION", "Harbour Authority")


def test_an_organisation_by_its_full_and_short_name_or_acronym_is_one_source() -> None:
    text = "The Northern Fisheries Council said quotas would fall. Later the Fisheries Council said talks were over."
    sources = analyze_sources(story(text, ["The Northern Fisheries Council", "the Fisheries Council"]))
    assert [len(s.mentions) for s in sources] == [2]
    text = "The Alliance to Protect Our Rivers (APOR) said the dam leaked. APOR said repairs were late."
    sources = analyze_sources(story(text, ["The Alliance to Protect Our Rivers (APOR)", "APOR"]))
    assert [len(s.mentions) for s in sources] == [1 + 1]
    # a country's government by its capital's name
    text = "Iran said the talks would resume. Tehran said the date was not set."
    assert [len(s.mentions) for s in analyze_sources(story(text, ["Iran", "Tehran"]))] == [2]


def test_the_subject_of_what_someone_called_is_a_source() -> None:
    text = "Other ministers condemned what Deputy Minister Sanna Koivu called a reckless plan, the ministry said."
    sources = analyze_sources(story(text, ["the ministry"]))
    assert [(s.name, s.mentions[0].derived) for s in sources] == [("Sanna Koivu", "labelled"), ("ministry", None)]
    # a pronoun after "what" names nobody
    text = "It was what he called a reckless plan, the ministry said."
    assert [s.name for s in analyze_sources(story(text, ["the ministry"]))] == ["ministry"]


def test_a_person_and_other_people_is_that_person() -> None:
    text = "Parent Ines Duarte said the school was short of staff. Later Duarte and other parents said the same."
    sources = analyze_sources(story(text, ["Parent Ines Duarte", "Duarte and other parents"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Ines Duarte", 2)]


def test_two_documents_joined_by_and_are_two_sources() -> None:
    text = "According to a civil complaint filed by the regulator and a 12-count complaint by the state, the fund misled buyers."
    phrase = "a civil complaint filed by the regulator and a 12-count complaint by the state"
    sources = analyze_sources(story(text, [phrase], cue="misled"))
    assert len(sources) == 2 and all(s.type == "DOCUMENT" for s in sources)


def test_the_publishers_own_analysis_is_its_reporting_but_what_it_studied_is_a_source() -> None:
    text = "A USA Today analysis of newly filed tax records showed the fund shrank."
    doc = published_by(text, ["A USA Today analysis of newly filed tax records"], "USA Today", cue="showed")
    assert [(s.type, s.name, s.reporter) for s in analyze_sources(doc)] == [("DOCUMENT", "newly filed tax records", False)]
    text = "A USA Today analysis of the city's donors showed the fund shrank."
    doc = published_by(text, ["A USA Today analysis of the city's donors"], "USA Today", cue="showed")
    assert [s.reporter for s in analyze_sources(doc)] == [True]  # listed as the reporting outlet, not as a source
    # without a publisher the same analysis is another outlet's work, a source
    assert [s.reporter for s in analyze_sources(story(text, ["A USA Today analysis of the city's donors"], cue="showed"))] == [False]


def test_the_article_joins_the_outlet_named_before_it() -> None:
    text = "The Valley Ledger reported the fund shrank. The article said the mayor knew."
    sources = analyze_sources(story(text, ["The Valley Ledger", "The article"], cue="said"))
    assert [len(s.mentions) for s in sources] == [2]


def test_a_name_ending_in_an_organisation_word_is_a_body() -> None:
    text = "The Republican Harbour Committee noted the vote on its website."
    m = describe_span(text, Span("T1", 0, 32, "SOURCE", text[:32]))
    assert (m.type, m.name) == ("NAMED_ORGANIZATION", "Republican Harbour Committee")
    assert _mention("Committee Chairman Anna Holm").type == "NAMED_PERSON"


def test_where_a_person_is_from_or_what_they_did_is_no_list_of_names() -> None:
    phrases = (
        "Jonas Wik, of Springfield, Va.,",
        "the Rev. Jonas Wik, of Harbour Street Baptist Church",
        "Mayor Jonas Wik, opening the Harbour Museum of Maritime History and Culture",
    )
    for phrase in phrases:
        m = _mention(phrase)
        assert (m.type, m.count) == ("NAMED_PERSON", 1), phrase
    assert _mention("France, Spain and Italy").count == 3
    assert _mention("Jane Roe, Ann Poe and Mia Lund").count == 3


def test_one_document_by_two_authors_is_one_document() -> None:
    m = _mention("a 2014 study by Harvard and the University of Lund")
    assert (m.type, m.count) == ("DOCUMENT", 1)


def test_a_common_outlet_word_opening_a_longer_name_is_no_outlet() -> None:
    text = "Later the National Harbour Museum said it would close."
    start = text.index("the National")
    end = text.index(" said")
    m = describe_span(text, Span("T1", start, end, "SOURCE", text[start:end]))
    assert m.type == "NAMED_ORGANIZATION" and not m.secondhand
    text = "Later the Times said it would close."
    assert describe_span(text, Span("T1", 6, 15, "SOURCE", "the Times")).type == "MEDIA_OUTLET"


def test_a_nested_speaker_with_an_adverb_and_another_verb_of_telling() -> None:
    text = "The harbour office said that Governor Anna Holm has long called for lower fees."
    content = "that Governor Anna Holm has long called for lower fees"
    sources = analyze_sources(_with_content(text, "The harbour office", "said", content))
    assert any(s.name == "Anna Holm" and s.mentions[0].derived == "nested" for s in sources)
    # an ordinary verb after the name is no act of telling
    text = "The harbour office said that Governor Anna Holm has long favoured lower fees."
    sources = analyze_sources(_with_content(text, "The harbour office", "said", "that Governor Anna Holm has long favoured lower fees"))
    assert not any(s.name == "Anna Holm" for s in sources)


def test_a_possessive_organisation_name_is_the_same_body() -> None:
    text = "Marta Lind’s campaign said the ad would run. Weeks later the Lind campaign said it had been pulled."
    sources = analyze_sources(story(text, ["Marta Lind’s campaign", "the Lind campaign"]))
    assert [len(s.mentions) for s in sources] == [2]
    text = "The Lind team said the ad would run. Weeks later the Lind campaign said it had been pulled."
    assert [len(s.mentions) for s in analyze_sources(story(text, ["The Lind team", "the Lind campaign"]))] == [2]


def test_a_pronoun_with_a_floating_quantifier_is_the_pronoun() -> None:
    m = _mention("which together")
    assert (m.pronoun, m.text) == ("relative", "which")
    assert _mention("they both").text == "they"


def test_a_passive_target_is_found_across_an_aside() -> None:
    text = "Officer Dana Pike, who stopped the van on the bridge last week, was charged with assault on Monday."
    assert analyze_sources(story(text, ["Officer Dana Pike"], cue="was charged with")) == []
    # an aside followed by a verb of its own is still the speaker
    text = "Officer Dana Pike, who stopped the van on the bridge last week, said the driver had fled."
    assert [s.name for s in analyze_sources(story(text, ["Officer Dana Pike"]))] == ["Dana Pike"]


def test_each_entry_of_a_live_page_opens_like_a_story() -> None:
    from annotator.layout import find_furniture

    text = (
        "The Latest: harbour crane fails.\n\n10:15 a.m.\n\nMayor Ruth Okafor said the port would reopen on Friday.\n\n___\n\n"
        "9:40 a.m.\n\nThe county’s harbour commissioner says the crane failed at dawn.\n\n"
        "Tomas Berg says repairs will take a week and cost little.\n"
    )
    furniture = find_furniture(text)
    assert [text[f.start : f.end] for f in furniture if f.kind == "entry"] == ["10:15 a.m.", "___", "9:40 a.m."]
    doc = story(text, ["Mayor Ruth Okafor", "The county’s harbour commissioner", "Tomas Berg"], cue="sa")
    doc.article.meta["furniture"] = furniture
    sources = analyze_sources(doc)
    assert sorted((s.name, len(s.mentions)) for s in sources) == [("Ruth Okafor", 1), ("Tomas Berg", 2)]


def test_a_description_with_another_office_skips_the_person_just_named() -> None:
    text = (
        "Party nominee Lena Brook said the records should stay sealed. "
        "Justice Omar Reyes said the court would not rule before the vote. "
        "The party nominee said the ruling was fair."
    )
    sources = analyze_sources(story(text, ["Party nominee Lena Brook", "Justice Omar Reyes", "The party nominee"]))
    assert sorted((s.name, len(s.mentions)) for s in sources) == [("Lena Brook", 2), ("Omar Reyes", 1)]


def test_a_possessive_description_joins_the_person_introduced_with_those_words() -> None:
    text = "Rosa Quint, who ran the mayor’s campaign in 2019, said the vote was close. The mayor’s former campaign manager said turnout had fallen."
    sources = analyze_sources(story(text, ["Rosa Quint", "The mayor’s former campaign manager"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Rosa Quint", 2)]
    # words the article never used for her make it someone else
    text = "Rosa Quint said the vote was close. The mayor’s former campaign manager said turnout had fallen."
    sources = analyze_sources(story(text, ["Rosa Quint", "The mayor’s former campaign manager"]))
    assert len(sources) == 2


def test_a_possessive_proxy_joins_only_the_person_introduced_in_that_role() -> None:
    text = "An attorney for Ines Vale, Piotr Lamb, said she would not testify. Vale’s lawyer said the date was wrong."
    sources = analyze_sources(story(text, ["An attorney for Ines Vale, Piotr Lamb,", "Vale’s lawyer"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Piotr Lamb", 2)]
    # the person spoken for is not their own lawyer
    text = "Ines Vale, a lawyer, said she would not testify. Vale’s lawyer said the date was wrong."
    assert len(analyze_sources(story(text, ["Ines Vale", "Vale’s lawyer"]))) == 2


def _sourceless(text: str, cues: list[str], contents: list[list[str]]):
    """An article whose attributions have a cue and content spans but no source (the tagger missed it)."""
    from annotator.schema import AnnotatedArticle, Article

    spans, attributions, pos = [], [], 0
    for i, (cue, parts) in enumerate(zip(cues, contents, strict=True)):
        c = text.index(cue, pos)
        spans.append(Span(f"C{i}", c, c + len(cue), "CUE", cue))
        ids = []
        for k, part in enumerate(parts):
            p = text.index(part)
            spans.append(Span(f"K{i}{k}", p, p + len(part), "CONTENT", part))
            ids.append(f"K{i}{k}")
        attributions.append(Attribution(f"A{i}", None, f"C{i}", ids))
        pos = c + len(cue)
    return AnnotatedArticle(Article("t1", text), spans, attributions)


def test_sources_the_tagger_left_as_content_or_unmarked() -> None:
    text = "According to the Harbour Courier, Port Authority spokesman Ivo Brandt said Friday that the cranes were safe."
    doc = _sourceless(text, ["According to", "said Friday"], [[], ["Port Authority spokesman Ivo Brandt", "that the cranes were safe"]])
    sources = analyze_sources(doc)
    assert sorted((s.name, s.mentions[0].derived) for s in sources) == [("Harbour Courier", "according"), ("Ivo Brandt", "nested")]


def test_a_citation_opening_the_sentence_is_a_source_of_the_outlet() -> None:
    text = "Citing two people who attended the meeting, the Harbour Courier said the board had split."
    sources = analyze_sources(story(text, ["the Harbour Courier"]))
    cited = [s for s in sources if s.mentions[0].derived == "cited"]
    assert [(s.name, s.count) for s in cited] == [("two people", 2)]


def test_people_named_by_party_faith_or_nation_are_described() -> None:
    for phrase in ("Republicans", "many Democrats", "Many Mexicans", "Muslims"):
        assert _mention(phrase).type == "ANONYMOUS_DESCRIBED", phrase
    for phrase in ("critics", "experts", "officials"):
        assert _mention(phrase).type == "ANONYMOUS_VAGUE", phrase


def test_a_surname_that_is_a_country_is_the_person_named_before() -> None:
    text = "Rep. Ana Jordan said the hearing was unfair. Later Jordan said the panel had leaked the memo."
    sources = analyze_sources(story(text, ["Rep. Ana Jordan", "Jordan"]))
    assert [(s.type, len(s.mentions)) for s in sources] == [("NAMED_PERSON", 2)]


def test_a_joint_mention_belongs_to_its_first_person_when_that_person_is_cited_alone() -> None:
    text = "Ana Holm said the deal was close. Later Ms. Holm and Ray Tobin said the deal was done."
    sources = analyze_sources(story(text, ["Ana Holm", "Ms. Holm and Ray Tobin"]))
    assert [(s.name, s.count, len(s.mentions)) for s in sources] == [("Ana Holm", 1, 2)]
    # neither cited alone: one source of two people
    text = "Later Ms. Holm and Ray Tobin said the deal was done."
    assert [(s.count, s.type) for s in analyze_sources(story(text, ["Ms. Holm and Ray Tobin"]))] == [(2, "NAMED_PERSON")]


def test_a_surname_one_letter_off_is_a_typo_for_the_person_named_before() -> None:
    text = "Leslie Warne said turnout would fall. Wane added that the campaign had waited too long."
    sources = analyze_sources(story(text, ["Leslie Warne", "Wane"], cue="a"))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Leslie Warne", 2)]
    # two people that close: no guess
    text = "Leslie Warne said turnout would fall. Ruth Wayne agreed. Wane added that the campaign had waited."
    sources = analyze_sources(story(text, ["Leslie Warne", "Ruth Wayne", "Wane"], cue="a"))
    assert len(sources) == 3
    # two neighbouring letters swapped are a typo too ("Wrane"), two letters changed apart are not ("Wabno")
    for typo, joined in (("Wrane", True), ("Wabno", False)):
        text = f"Leslie Warne said turnout would fall. {typo} added that the campaign had waited too long."
        assert len(analyze_sources(story(text, ["Leslie Warne", typo], cue="a"))) == (1 if joined else 2)


def test_the_ruling_is_the_court_named_before() -> None:
    text = "A state appeals court said the maps were unfair. The ruling said the lines must be redrawn by May."
    sources = analyze_sources(story(text, ["A state appeals court", "The ruling"]))
    assert [len(s.mentions) for s in sources] == [2]


def test_a_shorter_repeat_of_a_description_is_the_same_source() -> None:
    text = "One Labour source on the council said the vote failed. A Labour source said talks went on. A Green source said no."
    sources = analyze_sources(story(text, ["One Labour source on the council", "A Labour source", "A Green source"]))
    assert [len(s.mentions) for s in sources] == [2, 1]


def test_a_quote_signed_at_the_end_of_its_line_names_its_source() -> None:
    text = "Readers on the bridge closure.\n\n“The detour adds an hour to my day.” ― Ana Ruiz.\n\n“Nobody asked the ferry crews.”\u00a0―\u00a0Tomas Berg\n"
    sources = analyze_sources(story(text, []))
    assert sorted((s.name, s.mentions[0].derived) for s in sources) == [("Ana Ruiz", "signed"), ("Tomas Berg", "signed")]
    # a dash inside a sentence signs nothing
    text = "Readers wrote in.\n\n“The detour” ― as one put it ― Adds an hour.\n"
    assert analyze_sources(story(text, [])) == []


def test_a_speaker_closing_another_attributions_content_is_a_source() -> None:
    text = "Councillors were angry that the deals did not bind the contractors, two people who read them told the Courier."
    content = "that the deals did not bind the contractors, two people who"
    doc = _with_content(text, "Councillors", "were angry", content)
    doc.attributions[0].kind = "stance"
    sources = analyze_sources(doc)
    assert [(s.count, s.mentions[0].derived) for s in sources] == [(2, "nested")]
    # a clause of its own ("amounting to what ... said") names no speaker
    text = "Councillors were angry that the plan grew, amounting to what the auditors said was waste."
    doc = _with_content(text, "Councillors", "were angry", "that the plan grew, amounting to what the auditors")
    doc.attributions[0].kind = "stance"
    assert analyze_sources(doc) == []


def test_a_named_content_span_before_a_sourceless_cue_is_the_speaker() -> None:
    text = "Mayor Ana Holm weighed in on the radio, saying that the bridge would reopen."
    doc = _sourceless(text, ["saying"], [["Mayor Ana Holm", "that the bridge would reopen"]])
    assert [(s.name, s.mentions[0].derived) for s in analyze_sources(doc)] == [("Ana Holm", "nested")]
    # a span that opens inside another phrase is left alone
    text = "It was meddling the harbour board, saying that the bridge would reopen."
    doc = _sourceless(text, ["saying"], [["meddling the harbour board", "that the bridge would reopen"]])
    assert analyze_sources(doc) == []


def test_an_unresolved_description_of_an_institution_is_an_organisation() -> None:
    text = "Fares on the coastal line will rise in May, the regional transport regulator said on Monday."
    sources = analyze_sources(story(text, ["the regional transport regulator"]))
    assert [(s.type, s.specificity) for s in sources] == [("NAMED_ORGANIZATION", LEX.type_value["NAMED_ORGANIZATION"])]
    # a bare title may still be someone the article names without citing: it stays a reference
    text = "Fares on the coastal line will rise in May, the director said on Monday."
    assert [s.type for s in analyze_sources(story(text, ["the director"]))] == ["REFERENCE"]


def test_unresolved_people_described_by_their_job_are_described() -> None:
    text = "The harbour silt doubled in a decade. The researchers said dredging would not keep up."
    assert [s.type for s in analyze_sources(story(text, ["The researchers"]))] == ["ANONYMOUS_DESCRIBED"]
    # a plain crowd word is vague, as the guideline has it
    text = "The harbour silt doubled in a decade. The experts said dredging would not keep up."
    assert [s.type for s in analyze_sources(story(text, ["The experts"]))] == ["ANONYMOUS_VAGUE"]


def test_the_author_line_of_an_embedded_post_names_its_source() -> None:
    text = "Crews argued online.\n\nThe ferry is late again, third time this week https://t.co/x1 — Ana Ruiz (@anaruiz) May 3, 2026\n"
    sources = analyze_sources(story(text, []))
    assert [(s.name, s.mentions[0].derived) for s in sources] == [("Ana Ruiz", "signed")]
    # a dash before a bracket without a handle signs nothing
    text = "Crews argued online.\n\nThe ferry is late again — Ana Ruiz (a deckhand) said so.\n"
    assert analyze_sources(story(text, [])) == []


# -- eighth round: shares of respondents, a transcript's question label, groups described by their field


def test_a_share_of_respondents_opening_the_phrase_is_not_a_source() -> None:
    text = "The Lakeside poll was taken in May. 38% of Dunmore residents say the ferry should run at night, the pollster says."
    sources = analyze_sources(story(text, ["38% of Dunmore residents", "the pollster"], cue="say"))
    assert [s.name for s in sources] == ["pollster"]
    text = "A majority of likely voters said the levy was too high, and the council said it would listen."
    sources = analyze_sources(story(text, ["A majority of likely voters", "the council"]))
    assert [s.name for s in sources] == ["council"]
    # a counted group that is no share stays a source
    text = "38 Dunmore residents said the ferry should run at night."
    assert len(analyze_sources(story(text, ["38 Dunmore residents"]))) == 1


def test_the_question_label_of_a_transcript_is_the_interviewer() -> None:
    text = "Q: Did the ferry crew warn you?\nA: Nobody said anything to us.\n"
    doc = story(text, ["Q"], cue=":")
    assert analyze_sources(doc) == []
    # the same letter inside a sentence is whatever the text makes it
    text = "The fund manager, known to staff only as Q, said the fees would fall."
    assert len(analyze_sources(story(text, ["Q"]))) == 1


def test_a_group_described_by_its_field_is_described() -> None:
    text = "The marsh will be drained next year. Several wetland conservation groups said the plan broke the law."
    assert [s.type for s in analyze_sources(story(text, ["Several wetland conservation groups"]))] == ["ANONYMOUS_DESCRIBED"]
    text = "The marsh will be drained next year. Insolvency experts said the company could not pay for it."
    assert [s.type for s in analyze_sources(story(text, ["Insolvency experts"]))] == ["ANONYMOUS_DESCRIBED"]
    # words that say nothing of who they are leave the group vague
    text = "The marsh will be drained next year. Several prominent experts said the plan broke the law."
    assert [s.type for s in analyze_sources(story(text, ["Several prominent experts"]))] == ["ANONYMOUS_VAGUE"]


def test_an_unresolved_he_or_she_stands_for_the_person_named_just_before() -> None:
    text = "Laura Lindqvist had long backed the ferry plan. She said on Monday that the vote was a relief."
    sources = analyze_sources(story(text, ["She"]))
    assert [(s.type, s.name, [m.derived for m in s.mentions]) for s in sources] == [("NAMED_PERSON", "Laura Lindqvist", ["antecedent", None])]
    # a source named further back takes the pronoun in, and adds no second source
    text = "Laura Lindqvist said the plan was sound. " + "The council met for hours. " * 60 + "Later Lindqvist’s aide left, and she said the vote was a relief."
    sources = analyze_sources(story(text, ["Laura Lindqvist", "she"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Laura Lindqvist", 2)]
    # a capitalised word that is no name, or a name of the other gender, names nobody: the pronoun stays dropped
    text = "Nonetheless, the council met. She said the vote was a relief."
    assert analyze_sources(story(text, ["She"])) == []
    text = "Thomas Vidal had long backed the ferry plan. She said on Monday that the vote was a relief."
    assert analyze_sources(story(text, ["She"])) == []


def test_a_named_pair_among_others_belongs_to_its_first_member_cited_alone() -> None:
    text = "Rosa Delacourt and Tomas Vidal, among others, said the levy was unfair. Later Delacourt said the levy must go."
    sources = analyze_sources(story(text, ["Rosa Delacourt and Tomas Vidal, among others,", "Delacourt"]))
    assert [(s.name, s.count, len(s.mentions)) for s in sources] == [("Delacourt", 1, 2)]


def test_a_description_with_an_acronym_joins_the_description_spelling_it_out() -> None:
    text = "A senior Harbour Pilots Association member said the channel was unsafe. Later the HPA member said dredging had stopped."
    sources = analyze_sources(story(text, ["A senior Harbour Pilots Association member", "the HPA member"]))
    assert [len(s.mentions) for s in sources] == [2]
    # another acronym is another body's member
    text = "A senior Harbour Pilots Association member said the channel was unsafe. Later the PTU member said dredging had stopped."
    assert len(analyze_sources(story(text, ["A senior Harbour Pilots Association member", "the PTU member"]))) == 2


# -- eighth round, read on train12c: the reporter's request, contenders, an outlet's earlier name, "the two"


def test_the_reporters_request_for_comment_is_no_word_of_the_source() -> None:
    text = "The port office did not immediately respond to a reporter’s request for comment on the delays."
    assert _kinds(text, ["did not immediately respond", "request for comment on"], [0.9, 0.9]) == [("information", True), ("information", True)]


def test_a_contender_and_former_role_before_a_name_is_that_person() -> None:
    mention = _mention("GOP presidential contender and former surgeon Ada Whitcombe")
    assert (mention.type, mention.name, mention.count) == ("NAMED_PERSON", "Ada Whitcombe", 1)


def test_an_outlets_earlier_name_is_still_the_reporting_outlet() -> None:
    text = "As reported by Western Journalism, the harbour board said the ferry would stop."
    doc = published_by(text, ["Western Journalism", "the harbour board"], "Western Journal", cue="said")
    doc.attributions[0].cue = doc.attributions[1].cue
    assert [s.name for s in analyze_sources(doc) if not s.reporter] == ["harbour board"]


def test_the_two_is_the_pair_cited_just_before() -> None:
    text = "Senators Laura Pires and Thomas Vidal said the port would close. The two lawmakers said talks would go on. Later the two said more."
    sources = analyze_sources(story(text, ["Senators Laura Pires and Thomas Vidal", "The two lawmakers", "the two"]))
    assert [(s.count, len(s.mentions)) for s in sources] == [(2, 3)]
    # a pair of another size is another group
    text = "Two dock workers said the port would close. Three engineers said so too. The three said more."
    sources = analyze_sources(story(text, ["Two dock workers", "Three engineers", "The three"]))
    assert [(s.count, len(s.mentions)) for s in sources] == [(2, 1), (3, 2)]
    # and a pair whose first member is cited alone is that member's, "the two" with it
    text = "Laura Pires said the port would close. Laura Pires and Thomas Vidal said it twice. The two said more."
    sources = analyze_sources(story(text, ["Laura Pires", "Laura Pires and Thomas Vidal", "The two"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Laura Pires", 3)]
