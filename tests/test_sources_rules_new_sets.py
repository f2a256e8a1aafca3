"""Issue 10, ninth to eleventh rounds: rules read on the new gold sets (train12d ... train12j, train12m) and on the
first 215 articles: negatives, poll shares and frames, issued documents, passive reports, bodies, epithets, named days,
jobs in capitals, outlets' pieces, relatives of one surname, datelines, labels, refusals. Every sentence is made up for
the test."""

from __future__ import annotations

from annotator.kinds import KindConfig, assign_kinds
from annotator.schema import Attribution, Span
from annotator.sources import analyze_sources, describe_span

from .source_stories import published_by, story


def _mention(text: str):
    return describe_span(text, Span("T1", 0, len(text), "SOURCE", text))


# -- ninth round, read on train12d: negatives, more poll shares, the poll behind its respondents, "X, who", acronym offices


def test_a_negative_names_no_source() -> None:
    text = "The council records showed the minutes were changed, but no records showed who changed them."
    assert [len(s.mentions) for s in analyze_sources(story(text, ["The council records", "no records"], cue="showed"))] == [1]
    for phrase in ("None of the officials", "No one", "Nobody"):
        assert not analyze_sources(story(f"{phrase} said the minutes were changed.", [phrase]))
    # "No. 2" is a rank, not a negative
    assert analyze_sources(story("The No. 2 official said the minutes were changed.", ["The No. 2 official"]))


def test_a_percentage_of_a_crowd_is_the_polls_data() -> None:
    for phrase in ("a high percentage of renters in both towns", "A large share of renters", "the proportion of parents"):
        assert not analyze_sources(story(f"{phrase} said the levy was too high.", [phrase]))
    # a share of the vote is not how a source is named either, but "the shareholders" still is
    assert analyze_sources(story("The shareholders said the levy was too high.", ["The shareholders"]))


def test_the_poll_named_before_its_respondents_is_the_source() -> None:
    text = "In a survey run for the Harbour Ledger, only 31 percent of residents said the mayor deserved a second term."
    doc = story(text, ["31 percent of residents"])
    sources = analyze_sources(doc)
    assert [(s.type, s.mentions[0].text) for s in sources] == [("DOCUMENT", "a survey")]
    # the respondents opening a content span with no source: the poll the tagger marked is kept
    doc = story(text, ["a survey run for the Harbour Ledger"], cue="31 percent")
    doc.attributions.clear()
    doc.spans[1] = Span("K1", text.index("only"), text.index(" the mayor"), "CONTENT", text[text.index("only") : text.index(" the mayor")])
    assert [s.mentions[0].text for s in analyze_sources(doc)] == ["a survey run for the Harbour Ledger"]
    # no poll in the sentence: nothing is made up
    assert not analyze_sources(story("Only 31 percent of residents said the mayor deserved a second term.", ["31 percent of residents"]))


def test_the_name_before_a_relative_source_is_its_mention() -> None:
    text = "Mayor Ruiz, who called the governor on Monday, told reporters the bridge would reopen."
    doc = story(text, ["Mayor Ruiz", "who"], cue="told")
    doc.attributions[0].source = "S1"  # the linker tied the cue to "who" and left the name unlinked
    doc.attributions[0].cue = "C1"
    del doc.attributions[1]
    sources = analyze_sources(doc)
    assert [(s.name, [m.text for m in s.mentions]) for s in sources] == [("Ruiz", ["Mayor Ruiz", "who"])]


def test_a_document_named_by_an_office_acronym_joins_the_one_spelling_it_out() -> None:
    text = "A report from the Harbour Department’s inspector general said the dredging was late. The IG report said two warnings were ignored."
    sources = analyze_sources(story(text, ["A report from the Harbour Department’s inspector general", "The IG report"]))
    assert [len(s.mentions) for s in sources] == [2]
    # another office's acronym is another document
    text = "A report from the Harbour Department’s inspector general said the dredging was late. The GAO report said two warnings were ignored."
    assert len(analyze_sources(story(text, ["A report from the Harbour Department’s inspector general", "The GAO report"]))) == 2


# -- ninth round, read on train12e: the issuer's document, one member of a counted group


def _two_cues(text: str, pairs: list[tuple[str, str]]):
    """A story whose sources each have their own cue: ``pairs`` of (source phrase, cue phrase), left to right."""
    doc = story(text, [pairs[0][0]], cue=pairs[0][1])
    for i, (phrase, cue) in enumerate(pairs[1:], 1):
        s = text.index(phrase, doc.spans[-1].end)
        c = text.index(cue, s + len(phrase))
        doc.spans += [Span(f"S{i}", s, s + len(phrase), "SOURCE", phrase), Span(f"C{i}", c, c + len(cue), "CUE", cue)]
        doc.attributions.append(Attribution(f"A{i}", f"S{i}", f"C{i}", []))
    return doc


def test_a_document_named_again_belongs_to_whoever_issued_it() -> None:
    text = "The Harbour Trust issued a statement of protest over the dredging. The statement asked the council to wait."
    sources = analyze_sources(_two_cues(text, [("The Harbour Trust", "issued"), ("The statement", "asked")]))
    assert [(s.type, [m.text for m in s.mentions]) for s in sources] == [("NAMED_ORGANIZATION", ["The Harbour Trust", "The statement"])]
    # a document the source only read is not its own
    text = "The Harbour Trust read a statement from the ferry company. The statement asked the council to wait."
    assert len(analyze_sources(_two_cues(text, [("The Harbour Trust", "read"), ("The statement", "asked")]))) == 2


def test_one_member_of_a_counted_group_is_that_group() -> None:
    text = "Three intelligence sources said the file was open. One intelligence source said agents were angry. Another intelligence source said more."
    sources = analyze_sources(story(text, ["Three intelligence sources", "One intelligence source", "Another intelligence source"]))
    assert [(s.count, len(s.mentions)) for s in sources] == [(3, 2), (1, 1)]
    # one of another description is someone else
    text = "Three intelligence sources said the file was open. One police source said agents were angry."
    assert len(analyze_sources(story(text, ["Three intelligence sources", "One police source"]))) == 2


# -- ninth round, read on train12f: the agent of a passive report, "according to" inside a quote


def test_the_agent_of_a_passive_report_is_a_source() -> None:
    text = "The ferry ban was first reported by Coast Courier. Ruiz won, which was projected by broadcasters and the wire services soon after."
    doc = story(text, [])
    assert [s.mentions[0].text for s in analyze_sources(doc)] == ["Coast Courier", "broadcasters and the wire services"]
    # a passive verb that is no report ("confirmed by now") names nobody
    assert not analyze_sources(story("Two wardens were confirmed by now.", []))


def test_according_to_inside_a_quoted_content_is_a_source() -> None:
    text = "“The final tally was 512 to 498, according to the county elections board,” the Harbour Ledger reported."
    doc = story(text, ["the Harbour Ledger"], cue="reported")
    quote = text[: text.index(" the Harbour")]
    doc.spans.append(Span("K1", 0, len(quote), "CONTENT", quote))
    doc.attributions[0].content = ["K1"]
    assert [s.mentions[0].text for s in analyze_sources(doc)] == ["the county elections board", "the Harbour Ledger"]


def test_a_poll_out_on_a_day_is_a_document_and_theblaze_an_outlet() -> None:
    assert (_mention("an online Harbour Ledger poll out Thursday").type, _mention("The Blaze").type) == ("DOCUMENT", "MEDIA_OUTLET")


# -- ninth round, read on train12g: police as a body, an outlet's editorial board, criticism drawn from someone


def test_police_is_one_body_and_an_editorial_board_its_paper() -> None:
    assert [(_mention(t).type, _mention(t).count) for t in ("police", "Harbour police", "the police")] == [("NAMED_ORGANIZATION", 1)] * 3
    assert _mention("two police officers").type == "ANONYMOUS_DESCRIBED"
    assert (_mention("the Harbour Ledger editorial board").type, _mention("the school board").type) == ("MEDIA_OUTLET", "NAMED_ORGANIZATION")


def test_whoever_criticism_is_drawn_from_is_a_source() -> None:
    text = "The ferry plan has drawn criticism from harbour towns as well. The mayor faced sharp criticism from rivals on Monday."
    assert [s.mentions[0].text for s in analyze_sources(story(text, []))] == ["harbour towns", "rivals"]
    # criticism *of* someone names the one criticised, not a source
    assert not analyze_sources(story("The ferry plan drew criticism of the mayor.", []))


# -- ninth round, read on train12h: a sentence after a bracketed one, "as X put it"


def test_a_capital_after_a_bracketed_sentence_opens_a_sentence() -> None:
    text = "The plan needs a vote. (State law requires one this fall.) Sources said the mayor is interested."
    assert [s.type for s in analyze_sources(story(text, ["Sources"]))] == ["ANONYMOUS_VAGUE"]


def test_as_someone_put_it_credits_them() -> None:
    text = 'The suspect led a quiet life. As anti-terrorist prosecutor Marc Delorme put it, "nothing stood out."'
    assert [s.name for s in analyze_sources(story(text, []))] == ["Marc Delorme"]


# -- ninth round, read on train12i: a relative clause as the span


def test_a_relative_clause_span_stands_for_the_named_person_before_it() -> None:
    text = "Teresa Kowalski, a lobbyist in Ohio who has given about $120,000 to candidates, described a dinner for donors."
    sources = analyze_sources(story(text, ["who has given about $120,000 to candidates,"], cue="described"))
    assert [(s.type, s.name) for s in sources] == [("NAMED_PERSON", "Teresa Kowalski")]


# -- ninth round, read on train12j: the poll a standing is measured in


def test_a_poll_framing_the_figures_is_a_source() -> None:
    text = "In the latest Harbour Ledger poll, Ruiz led Moss 47 percent to 39. Moss led Ruiz 2-1 in a Marlow College survey last May."
    assert [s.mentions[0].text for s in analyze_sources(story(text, []))] == ["the latest Harbour Ledger poll", "a Marlow College survey"]
    # leading "in the polls" in general cites no poll
    assert not analyze_sources(story("Ruiz has led in the polls all summer.", []))


# -- tenth round, read on the first 215 articles: a bare title epithet the lexicon cannot type


def test_a_bare_title_epithet_re_describes_the_person_just_named() -> None:
    text = "Oskar Brandt told reporters the ferry would run. The reclusive shipping mogul said the fares would fall."
    sources = analyze_sources(story(text, ["Oskar Brandt", "The reclusive shipping mogul"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Oskar Brandt", 2)]
    # four words of its own are too many, and a word naming a side makes someone else (as "The militia leader" above)
    text = "Oskar Brandt told reporters the ferry would run. The bearded reclusive old shipping mogul said the fares would fall."
    assert len(analyze_sources(story(text, ["Oskar Brandt", "The bearded reclusive old shipping mogul"]))) == 2


def test_a_document_of_a_named_day_is_the_one_named_before() -> None:
    text = "A Ledger poll released Monday showed Ruiz six points ahead. Monday’s poll showed Moss losing older voters."
    sources = analyze_sources(story(text, ["A Ledger poll released Monday", "Monday’s poll"], cue="showed"))
    assert [(s.type, len(s.mentions)) for s in sources] == [("DOCUMENT", 2)]
    # a day is no owner, a pollster is
    assert (_mention("last week’s report").owner, _mention("Gallup’s poll").owner.name) == (None, "Gallup")


def test_a_job_written_in_capitals_after_a_name_is_no_second_name() -> None:
    one = _mention("Lena Ostrova, the Courier’s Deputy Managing Editor,")
    assert (one.type, one.name, one.count) == ("NAMED_PERSON", "Lena Ostrova", 1)
    assert _mention("Senior Editor").type == "ANONYMOUS_DESCRIBED"
    # a bare title of address still stands for a person, and a title before a name stays with it
    assert (_mention("the President").type, _mention("Managing Editor Lena Ostrova").name) == ("NAMED_PERSON", "Lena Ostrova")


def test_a_name_before_group_is_that_body() -> None:
    assert (_mention("the Harbour Watch group").type, _mention("a Kurdish group").type) == ("NAMED_ORGANIZATION", "ANONYMOUS_DESCRIBED")
    text = "The HW group said the pier was unsafe. Later HW said repairs had begun."
    sources = analyze_sources(story(text, ["The HW group", "HW"]))
    assert [(s.type, len(s.mentions)) for s in sources] == [("NAMED_ORGANIZATION", 2)]


def test_a_pronoun_never_points_back_to_nobody_in_particular() -> None:
    text = "Mayor Ines Vale said the vote was fair. Everyone knows the count was close. She said a recount would start."
    doc = story(text, ["Mayor Ines Vale", "She"])
    doc.spans.append(Span("X1", text.index("Everyone"), text.index("Everyone") + 8, "SOURCE", "Everyone"))  # a stance: no cue
    assert [(s.name, len(s.mentions)) for s in analyze_sources(doc)] == [("Ines Vale", 2)]


def test_a_piece_of_another_outlets_journalism_is_that_outlet() -> None:
    kinds = {t: (_mention(t).type, _mention(t).name) for t in ("the Associated Press report", "a new column in Politico")}
    assert kinds == {"the Associated Press report": ("MEDIA_OUTLET", "Associated Press"), "a new column in Politico": ("MEDIA_OUTLET", "Politico")}
    # its poll stays a document, and so does a column whose name opens with an outlet's
    for text in ("A Reuters tracking poll", "the Vox Populi column"):
        assert _mention(text).type == "DOCUMENT", text


def test_leaders_and_members_are_described_roles_critics_stay_vague() -> None:
    types = {t: _mention(t).type for t in ("Other leaders", "a member of the board", "critics", "experts")}
    assert types == {
        "Other leaders": "ANONYMOUS_DESCRIBED",
        "a member of the board": "ANONYMOUS_DESCRIBED",
        "critics": "ANONYMOUS_VAGUE",
        "experts": "ANONYMOUS_VAGUE",
    }


# -- eleventh round, read on train12m (short articles)


def test_two_relatives_of_one_surname_stay_two_sources() -> None:
    text = (
        "Lena Ostrova said the ferry would run. Ostrova, the niece of harbour chief Marta Ostrova, said it on the radio. "
        "Marta Ostrova said the fares would rise."
    )
    sources = analyze_sources(story(text, ["Lena Ostrova", "Ostrova, the niece of harbour chief Marta Ostrova,", "Marta Ostrova"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Lena Ostrova", 2), ("Marta Ostrova", 1)]
    # the same person written with a word before her name, or with her initial, is still one source
    for other in ("Harbour chief Lena Ostrova", "L. Ostrova"):
        text = f"Lena Ostrova said the ferry would run. {other} said the fares would rise."
        assert len(analyze_sources(story(text, ["Lena Ostrova", other]))) == 1, other


def test_the_first_word_after_a_dateline_opens_a_sentence() -> None:
    text = "PORT ALDEN, March 4 (AP) — Fans of the harbour team said the stadium plan was too costly."
    (source,) = analyze_sources(story(text, ["Fans of the harbour team"]))
    assert (source.type, source.count) == ("ANONYMOUS_DESCRIBED", None)


def test_a_label_others_give_is_not_the_sources_word_and_a_withheld_figure_is_a_refusal() -> None:
    text = "Brandt, referred to as the ferry king, sold his boats. The operator did not disclose the price, its owner said."
    spans = [
        Span("S1", 0, 6, "SOURCE", "Brandt"),
        Span("C1", 8, 19, "CUE", "referred to"),
        Span("S2", text.index("The operator"), text.index("The operator") + 12, "SOURCE", "The operator"),
        Span("C2", text.index("did not disclose"), text.index("did not disclose") + 16, "CUE", "did not disclose"),
    ]
    atts = [Attribution("A1", "S1", "C1", []), Attribution("A2", "S2", "C2", [])]
    assign_kinds(text, spans, atts, [], None, None, KindConfig.from_yaml())
    assert [(a.kind, a.declined) for a in atts] == [("stance", False), ("information", True)]
    # "what the mayor described as an attack" is the mayor's own word
    text = "It was what Mayor Ruiz described as an attack on the port."
    spans = [Span("S1", 12, 22, "SOURCE", "Mayor Ruiz"), Span("C1", 23, 32, "CUE", "described")]
    atts = [Attribution("A1", "S1", "C1", [])]
    assign_kinds(text, spans, atts, [], None, None, KindConfig.from_yaml())
    assert atts[0].kind == "information"


def test_a_shipping_magnate_is_the_person_just_named() -> None:
    """A person noun the lexicon lacked ("magnate"), and three words of the epithet's own ("billionaire harbour
    property"), as news shorthand for the person named just before."""
    for epithet in ("The shipping magnate", "The billionaire harbour property magnate", "The ferry tycoon"):
        text = f"Oskar Brandt told reporters the ferry would run. {epithet} said the fares would fall."
        sources = analyze_sources(story(text, ["Oskar Brandt", epithet]))
        assert [(s.name, len(s.mentions)) for s in sources] == [("Oskar Brandt", 2)], epithet


def test_a_pronoun_finds_a_surname_the_text_gives_only_in_a_possessive() -> None:
    text = "Ana Ruiz’s plan was debated. The film shows a Ruiz radio interview, in which she says the fares will fall."
    (source,) = analyze_sources(story(text, ["she"], cue="says"))
    assert (source.name, [m.text for m in source.mentions]) == ("Ruiz", ["Ruiz", "she"])


# -- twelfth round, read on the first 227 read articles: descriptions that name nobody, a period after a name


def test_a_description_that_names_nobody_is_no_source() -> None:
    """A definite description nothing earlier resolves, whose head is no person, group or news medium: the reader
    cannot tell who spoke, as with an unresolved "he" (``selection.unresolved_descriptions``)."""
    for phrase in ("The outcome", "The new scheme", "The conversation"):
        text = f"The harbour board met for two hours. {phrase} showed the fares would rise."
        assert not analyze_sources(story(text, [phrase], cue="showed")), phrase
    # a person's, a group's or a medium's head stays a source (an agent noun's ending will do: "announcer"), as does
    # a description of a known kind of document
    for phrase in ("The harbour official", "The newspaper", "The report", "The ferry announcer", "The shareholders"):
        text = f"The harbour board met for two hours. {phrase} said the fares would rise."
        sources = analyze_sources(story(text, [phrase]))
        assert [s.mentions[0].text for s in sources] == [phrase], phrase


def test_a_description_of_people_or_of_a_document_stays_a_source() -> None:
    """Numbers, "those ...", capitalised heads, "-man" heads, sides and towns are people or bodies; an inquiry and a
    notice are documents: none of them is dropped as naming nobody."""
    for phrase in ("The two", "Those close to her", "The Harbourites", "The cameraman", "Both sides", "The town", "The inquiry", "The notice"):
        text = f"The harbour board met for two hours. {phrase} said the fares would rise."
        assert analyze_sources(story(text, [phrase])), phrase


def test_unresolved_descriptions_can_be_kept() -> None:
    from annotator.sources.lexicon import _default_lexicon

    lex = _default_lexicon()
    kept = type(lex)(**{**{f: getattr(lex, f) for f in lex.__dataclass_fields__}, "keep_unresolved_descriptions": True})
    text = "The harbour board met for two hours. The outcome showed the fares would rise."
    assert [s.type for s in analyze_sources(story(text, ["The outcome"], cue="showed"), kept)] == ["REFERENCE"]


def test_a_period_after_a_name_is_not_part_of_it() -> None:
    for tail in ("this month", "last week", "earlier this year"):
        text = f"The Harbour Authority {tail} said the fares would rise."
        (source,) = analyze_sources(story(text, [f"The Harbour Authority {tail}"]))
        assert (source.type, source.name) == ("NAMED_ORGANIZATION", "Harbour Authority"), tail
    # "this week" alone in a title stays: only a determiner and a period word are cut
    (source,) = analyze_sources(story("The Week said the fares would rise.", ["The Week"]))
    assert "Week" in source.name


# -- twelfth round, read on train12n: the outlet's own staff, titles joined by "and", roles in apposition, an
# irregular participle, a weekday, a person's platform, an act to come


def test_the_outlets_own_journalist_is_no_source() -> None:
    text = "USA Today’s Ana Roe said the ferry was late. Roe said the fares would rise."
    sources = analyze_sources(published_by(text, ["USA Today’s Ana Roe", "Roe"], "USA Today"))
    assert [(s.name, s.reporter) for s in sources] == [("Ana Roe", True)]  # listed as the outlet, not as a source
    text = "USA Today Sports editor Ana Roe said the ferry was late."
    assert [s.reporter for s in analyze_sources(published_by(text, ["USA Today Sports editor Ana Roe"], "USA Today"))] == [True]
    # someone who left the outlet, or a journalist of another outlet, is a source
    text = "Former USA Today editor Ana Roe said the ferry was late."
    assert [s.reporter for s in analyze_sources(published_by(text, ["Former USA Today editor Ana Roe"], "USA Today"))] == [False]
    for who in ("USA Today’s former editor Ana Roe", "USA Today ex-editor Ana Roe"):
        text = f"{who} said the ferry was late."
        assert [s.reporter for s in analyze_sources(published_by(text, [who], "USA Today"))] == [False], who
    text = "USA Today’s Ana Roe said the ferry was late."
    assert [s.reporter for s in analyze_sources(published_by(text, ["USA Today’s Ana Roe"], "Reuters"))] == [False]


def test_titles_joined_by_and_before_one_name_are_one_person() -> None:
    for phrase in ("Harbour FM Vice President and Managing Editor Ana Roe", "Harbour FM Vice President for sport and culture Ana Roe"):
        (source,) = analyze_sources(story(f"{phrase} said the station would close.", [phrase]))
        assert (source.type, source.name, source.count) == ("NAMED_PERSON", "Ana Roe", 1), phrase
    # two people named stay two
    phrase = "Ed Moe and Harbour FM Managing Editor Ana Roe"
    (source,) = analyze_sources(story(f"{phrase} said the station would close.", [phrase]))
    assert source.count == 2
    # read on train12o: a title taking "of" is a role too, unless a name closes it
    phrase = "Former Minister of Ports and harbour board chair Ana Roe"
    (source,) = analyze_sources(story(f"{phrase} said the station would close.", [phrase]))
    assert (source.name, source.count) == ("Ana Roe", 1)
    phrase = "Minister of Ports Ed Moe and harbour board chair Ana Roe"
    (source,) = analyze_sources(story(f"{phrase} said the station would close.", [phrase]))
    assert source.count == 2


def test_a_role_in_apposition_is_not_a_second_person() -> None:
    phrase = "Ana Roe, Friends of the Harbour’s executive director,"
    (source,) = analyze_sources(story(f"{phrase} said the pier was unsafe.", [phrase]))
    assert (source.name, source.count) == ("Ana Roe", 1)
    phrase = "Ana Roe, Ed Moe and Bo Lind"
    assert analyze_sources(story(f"{phrase} said the pier was unsafe.", [phrase]))[0].count == 3
    # read on train12p: a title opening the part with "of" ("President of ...") is a role too
    phrase = "Ana Roe, President of Lumen Worldwide,"
    (source,) = analyze_sources(story(f"{phrase} said the pier was unsafe. Roe said it would close.", [phrase, "Roe"]))
    assert (source.name, source.count, len(source.mentions)) == ("Ana Roe", 1, 2)


def test_an_irregular_participle_ends_the_head() -> None:
    phrase = "a regional Harbour Poll taken last week"
    (source,) = analyze_sources(story(f"{phrase} showed the levy was unpopular.", [phrase], cue="showed"))
    assert source.type == "DOCUMENT"


def test_a_weekday_is_no_source() -> None:
    assert not analyze_sources(story("Wednesday saw the council say the levy would rise.", ["Wednesday"], cue="say"))


def test_a_persons_platform_is_their_own_post() -> None:
    text = "Ed Moe said the pier was unsafe. Moe’s Facebook said the council had known for years."
    sources = analyze_sources(story(text, ["Ed Moe", "Moe’s Facebook"]))
    assert [(s.type, s.name, len(s.mentions)) for s in sources] == [("NAMED_PERSON", "Ed Moe", 2)]


def test_an_act_to_come_tells_nothing_yet() -> None:
    for cue in ("will discuss", "’ll share"):
        text = f"Ana Roe{'' if cue.startswith('’') else ' '}{cue} her plans for the pier."
        spans = [Span("S1", 0, 7, "SOURCE", "Ana Roe"), Span("C1", text.index(cue), text.index(cue) + len(cue), "CUE", cue)]
        atts = [Attribution("A1", "S1", "C1", [])]
        assign_kinds(text, spans, atts, [], None, None, KindConfig.from_yaml())
        assert atts[0].kind == "stance", cue


# -- twelfth round, read on train12o: shares of a poll's respondents, "-ment" heads


def test_shares_and_respondents_of_a_poll_are_its_data() -> None:
    for phrase in ("About one in five", "Two of three", "About three out of 10 renters", "Some of those surveyed", "Most voters polled"):
        text = f"The Harbour Poll was out. {phrase} said the levy was too high."
        assert not analyze_sources(story(text, [phrase])), phrase
    # a number after "of" that is an age or a family size is no share
    for phrase in ("The mother of three", "A man at the age of 70"):
        assert analyze_sources(story(f"{phrase} said the levy was too high.", [phrase])), phrase


def test_a_ment_head_is_no_person() -> None:
    text = "The harbour board met for two hours. The port establishment said the fares would rise."
    assert not analyze_sources(story(text, ["The port establishment"]))


def test_a_fraction_is_a_polls_data_only_after_a_poll() -> None:
    """Read on train12p: "nearly a third" after a survey is a share of its respondents (``fraction_share_opening``);
    with no poll named before it, "half of the councillors" is a group that speaks."""
    for phrase in ("Nearly a third", "Just shy of half", "More than two-thirds of renters"):
        text = f"The Harbour Survey asked 900 renters about the levy. {phrase} said it was too high."
        assert not analyze_sources(story(text, [phrase])), phrase
    text = "The council met on Monday. Half of the councillors said the levy was too high."
    assert analyze_sources(story(text, ["Half of the councillors"]))


def test_a_sentence_adverb_is_not_part_of_the_name() -> None:
    """Read on train12q: "Roe however" is Roe, who then joins the Ana Roe named before."""
    text = "Ana Roe said the pier was unsafe. Roe however said it would stay open."
    (source,) = analyze_sources(story(text, ["Ana Roe", "Roe however"]))
    assert (source.name, len(source.mentions)) == ("Ana Roe", 2)


def test_an_epithet_with_an_agent_noun_head_joins_the_person_just_named() -> None:
    """Read on train12q: "the retired neurosurgeon", "the documentarian" are roles the lists lack; an agent-noun ending
    (``selection.person_noun_endings``) lets them re-describe the person named just before, as "the official" does."""
    for epithet in ("The retired neurosurgeon", "The documentarian"):
        text = f"Ana Roe told reporters the clinic would close. {epithet} said the fares would rise."
        sources = analyze_sources(story(text, ["Ana Roe", epithet]))
        assert [(s.name, len(s.mentions)) for s in sources] == [("Ana Roe", 2)], epithet


def test_a_given_name_alone_in_a_named_pair_shares_the_surname() -> None:
    """Read on train12s: "Maria and Ruth Lindqvist" names Maria Lindqvist first, so a Maria of another family cited
    alone is someone else; the pair still folds into its own first member when that one is cited alone."""
    text = "Maria and Ruth Lindqvist said the dam was old. Maria Sorensen, an engineer, said it was safe."
    sources = analyze_sources(story(text, ["Maria and Ruth Lindqvist", "Maria Sorensen, an engineer,"]))
    assert [(s.name, s.count) for s in sources] == [("Maria and Ruth Lindqvist", 2), ("Maria Sorensen", 1)]
    text = "Maria and Ruth Lindqvist said the dam was old. Maria Lindqvist said it was safe."
    sources = analyze_sources(story(text, ["Maria and Ruth Lindqvist", "Maria Lindqvist"]))
    assert [(s.name, s.count, len(s.mentions)) for s in sources] == [("Maria Lindqvist", 1, 2)]


def test_an_epithet_naming_a_state_is_the_person_placed_there() -> None:
    """Read on train12s: "the Utah Republican" re-describes the Republican just named; "the Florida senator" is not the
    senator from Vermont just named but the one the article placed in Florida (``words.region_names``)."""
    text = "Rep. Ana Roe (R-Utah) said the levy was fair. The Utah Republican said it would pass."
    sources = analyze_sources(story(text, ["Rep. Ana Roe (R-Utah)", "The Utah Republican"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Ana Roe", 2)]
    text = "Rep. Ana Roe (D-Utah) said the levy was fair. The Utah Republican said it would pass."
    assert len(analyze_sources(story(text, ["Rep. Ana Roe (D-Utah)", "The Utah Republican"]))) == 2
    text = "Ana Roe, a senator for Maine, said the levy was fair. The Florida senator said it was not."
    assert len(analyze_sources(story(text, ["Ana Roe, a senator for Maine,", "The Florida senator"]))) == 2
    text = "Florida Sen. Tom Ruiz said the levy was bad. Vermont Sen. Ana Roe said it was fair. The Florida senator said it was not."
    sources = analyze_sources(story(text, ["Florida Sen. Tom Ruiz", "Vermont Sen. Ana Roe", "The Florida senator"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Tom Ruiz", 2), ("Ana Roe", 1)]


def test_a_title_with_its_owner_then_given_with_a_name_is_that_person() -> None:
    """Read on train12s: "the league's secretary general" said something, and the next paragraph quotes "League
    Secretary General Ana Roe": one person. Another title or another owner stays someone else."""
    fan = "Tom Ruiz, a fan, said the match was close. "
    for title, joined in (("secretary general", True), ("treasurer", False)):
        for owner in ("league", "union"):
            text = f"{fan}The {owner}'s {title} called for calm. Later League Secretary General Ana Roe said talks would resume."
            sources = analyze_sources(story(text, ["Tom Ruiz, a fan,", f"The {owner}'s {title}", "League Secretary General Ana Roe"]))
            assert len(sources) == (2 if joined and owner == "league" else 3), (title, owner)


def test_a_possessive_owner_of_a_document_is_a_source_without_a_cue() -> None:
    """Read on train12n: "the Harbour Gazette's tally" is the paper's count even when no attribution links the
    possessive; a possessive before another noun ("the mayor's car") is no source."""
    text = "By the Harbour Gazette's tally, 40 boats left the port. The mayor's car was parked outside."
    doc = story(text, [])
    for phrase in ("the Harbour Gazette's", "The mayor's"):
        at = text.index(phrase)
        doc.spans.append(Span(f"P{at}", at, at + len(phrase), "SOURCE", phrase))
    assert [s.name for s in analyze_sources(doc)] == ["Harbour Gazette"]


def test_a_sentence_opening_common_noun_is_no_name() -> None:
    """Read on train12s: "Fact-checkers" and "Dockworkers" (written lowercase elsewhere) open sentences as common
    nouns, so they are groups, not a person a later "he" can point back to."""
    for word in ("Fact-checkers", "Dockworkers"):
        text = f"The dockworkers met on Friday. {word} said the claim was false. Ruben Lind, the mayor, said it was true, and he said the port would stay open."
        sources = analyze_sources(story(text, [word, "Ruben Lind, the mayor,", "he"]))
        assert [(s.type.split("_")[0], len(s.mentions)) for s in sources] == [("ANONYMOUS", 1), ("NAMED", 2)], word
    # a surname that is also a common word stays a name where the article capitalises it mid-sentence
    text = "The price of fares rose. Mayor Tom Price said the levy was fair. Price said it would stay."
    sources = analyze_sources(story(text, ["Mayor Tom Price", "Price"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Tom Price", 2)]


def test_a_hat_tip_and_a_line_introducing_a_block_quote_credit_a_source() -> None:
    """Read on train12i and train12m: "(h/t Kestrel Daily.)" and a line "From Ana Ruiz writing at the Ledger:" over a
    block quote credit who the words come from; such a line is no sub-heading."""
    from annotator.layout import find_furniture

    text = (
        "Ferry fares rise again\n\nFrom Ana Ruiz writing at the Ledger:\n\n"
        "\u201cThe harbour board voted on Monday to raise fares by a tenth.\u201d\n\n"
        "The board met for an hour. (h/t Kestrel Daily.)\n"
    )
    doc = story(text, [])
    doc.article.meta["furniture"] = find_furniture(text)
    assert not [f for f in doc.article.meta["furniture"] if f.kind == "subhead"]
    assert [s.name for s in analyze_sources(doc)] == ["Ana Ruiz", "Kestrel Daily"]


def test_a_document_that_shows_something_is_a_source() -> None:
    """Read on train12i, train12o and fresh: "harbour records show" and "an internal audit found" make those documents sources
    though no attribution is tagged; "what the charts show" takes only the document, and a person's finding is not
    a document's."""
    text = (
        "Fares rose by a tenth, harbour records show. An internal audit found no fault. "
        "The board wants to keep what the charts show. The pilots found the fog thick."
    )
    assert [s.name for s in analyze_sources(story(text, []))] == ["harbour records", "internal audit", "charts"]


def test_a_standing_in_some_polls_is_their_data() -> None:
    """Read on holdout, fresh and train12p: "gains in some polls", "top of national polls", "leading in each of the
    last ten polls" make those polls the source of the standing; "the polls" in general is no source."""
    for phrase, poll in (
        ("Ruiz and her quick gains in some ferry polls", "some ferry polls"),
        ("Ruiz, first at the top of national harbour polls,", "national harbour polls"),
        ("Still leading in each of the last ten port polls, Ruiz", "each of the last ten port polls"),
    ):
        text = f"{phrase} may not last. Voters will decide in May."
        assert [s.name for s in analyze_sources(story(text, []))] == [poll], phrase
    assert not analyze_sources(story("Ruiz leads the race in the polls. Voters will decide in May.", []))


# -- fourteenth round, read on train12v: the first bearer of a surname


def test_a_surname_alone_is_its_first_bearer_not_a_relative_named_later() -> None:
    text = (
        "Tomas Eriksen, 51, was charged in March with selling forged permits. "
        "Eriksen said in court that the permits were genuine. "
        "His sister, Ingrid Maja Eriksen, wrote to the judge that he had supported the family. "
        "Eriksen said he would appeal."
    )
    sources = analyze_sources(story(text, ["Eriksen", "His sister, Ingrid Maja Eriksen,", "Eriksen"], cue="said"))
    by_name = {s.name: [m.text for m in s.mentions] for s in sources}
    assert by_name["Ingrid Maja Eriksen"] == ["His sister, Ingrid Maja Eriksen,"]
    assert [m for m in by_name.values() if m != ["His sister, Ingrid Maja Eriksen,"]] == [["Eriksen", "Eriksen"]]
    # nobody cited under the first bearer's name: "Eriksen" stays with the relative who is cited
    text = (
        "Tomas Eriksen, 51, was charged in March with selling forged permits. "
        "His sister, Ingrid Maja Eriksen, said the family had been supported. "
        "Eriksen said she would appeal."
    )
    sources = analyze_sources(story(text, ["His sister, Ingrid Maja Eriksen,", "Eriksen"]))
    assert [len(s.mentions) for s in sources] == [2]


def test_they_points_past_a_country() -> None:
    text = "Dock workers say the port is unsafe. Norway says it will inspect the cranes, and they say the cranes are old."
    sources = analyze_sources(story(text, ["Dock workers", "Norway", "they"], cue="say"))
    assert [[m.text for m in s.mentions] for s in sources] == [["Dock workers", "they"], ["Norway"]]
    # a body, unlike a country, may be "they"
    text = "The Harbour Board says the port is safe, and they say the cranes are new."
    assert [len(s.mentions) for s in analyze_sources(story(text, ["The Harbour Board", "they"], cue="say"))] == [2]


def test_a_body_described_after_a_persons_role_is_the_roles_not_the_name() -> None:
    assert _mention("Lena Ostrova, executive director of Harbour Workers United, a union that left the federation").type == "NAMED_PERSON"
    assert _mention("Lena Ostrova, chair of Dock Aid, a charity").type == "NAMED_PERSON"
    # with no role in between, the body describes the name
    assert _mention("The ferry company, Ostrova Lines").type == "NAMED_ORGANIZATION"


def test_a_pac_is_an_organisation() -> None:
    assert _mention("Better Ferries PAC, an outside group,").type == "NAMED_ORGANIZATION"
    assert _mention("Harbour Forward PAC").type == "NAMED_ORGANIZATION"


def test_a_number_after_a_possessor_counts_the_people() -> None:
    assert _mention("the mayor's three aides").count == 3
    assert _mention("the chair's first two callers").count == 2
    # a year is no count
    assert _mention("the mayor's 1995 tax return").count == 1


def test_and_inside_a_relative_clause_joins_no_second_person() -> None:
    assert _mention("A ferry pilot who works nights and who asked not to be named").count == 1
    # a new noun phrase after "and" is a second person
    assert _mention("a ferry pilot who works nights and her husband").count == 2


def test_a_quantifier_on_a_platform_or_in_a_crowd_is_vague_people() -> None:
    assert (_mention("some on Twitter").type, _mention("some on Twitter").count) == ("ANONYMOUS_VAGUE", None)
    assert (_mention("three in the crowd").type, _mention("three in the crowd").count) == ("ANONYMOUS_VAGUE", 3)
    # a named body after the preposition is left to the organisation rules
    assert _mention("some in the Harbour Party").type != "ANONYMOUS_VAGUE"


def test_the_magazine_is_the_magazine_the_text_named() -> None:
    text = "Readers sent recipes to Harbour Living magazine’s yearly contest. The magazine said the winner was a pie."
    assert [(s.type, s.name) for s in analyze_sources(story(text, ["The magazine"]))] == [("MEDIA_OUTLET", "Harbour Living")]
    # another kind of outlet noun is not that magazine
    text = "Readers sent recipes to Harbour Living magazine’s yearly contest. The newspaper said the winner was a pie."
    assert [s.type for s in analyze_sources(story(text, ["The newspaper"]))] == ["REFERENCE"]


# -- fifteenth round, read on train12x


def test_a_short_form_of_the_first_bearers_given_name_is_the_same_person() -> None:
    text = "Sam Okoro praises the bridge. Samuel Okoro, the harbour master, said it was safe. Okoro said the toll would stay."
    sources = analyze_sources(story(text, ["Sam Okoro", "Samuel Okoro, the harbour master,", "Okoro"]))
    assert [(s.name, len(s.mentions)) for s in sources] == [("Sam Okoro", 3)]


def test_a_relative_clause_after_a_description_names_nobody_cited() -> None:
    text = (
        "A councillor in Port Alden said the ferry should close. The port lost money again. "
        "The councillor, who serves a district in Kelso province, said the vote would come in May."
    )
    sources = analyze_sources(story(text, ["A councillor in Port Alden", "The councillor, who serves a district in Kelso province,"]))
    assert [(s.type, len(s.mentions)) for s in sources] == [("ANONYMOUS_DESCRIBED", 2)]
    # a clause that lists the members still names them
    text = "The authors of the study, which include the Harbour Fund and Kelso Water Watch,"
    assert describe_span(text, Span("s", 0, len(text), "SOURCE", text)).type == "NAMED_ORGANIZATION"


def test_a_person_of_a_named_paper_is_the_person() -> None:
    for text in ("Ana F. Ruiz of the Weekly Courier", "Tomas Vidal of the Harbour Courier"):
        mention = describe_span(text, Span("s", 0, len(text), "SOURCE", text))
        assert (mention.type, mention.name) == ("NAMED_PERSON", text.split(" of ")[0]), text
    for text in ("Georgia Institute of Technology", "Harbour University of Kelso"):
        assert describe_span(text, Span("s", 0, len(text), "SOURCE", text)).type == "NAMED_ORGANIZATION", text


def test_a_party_word_before_an_organisations_keyword_is_part_of_its_name() -> None:
    text = "the Republican Party of Kelso"
    mention = describe_span(text, Span("s", 0, len(text), "SOURCE", text))
    assert (mention.type, mention.name) == ("NAMED_ORGANIZATION", "Republican Party of Kelso")
    text = "Republican Party chairman Tomas Vidal"
    assert describe_span(text, Span("s", 0, len(text), "SOURCE", text)).name == "Tomas Vidal"


def test_a_document_finding_stays_on_its_own_line() -> None:
    """The noun phrase before "show" or "found" is read on the verb's line only: words closing the paragraph before
    (here a quote ending in two apostrophes) are not part of it, and its length is ``derived.finding_max_words``."""
    from annotator.sources import SourceLexicon
    from annotator.sources.derived import finding_ranges

    lex = SourceLexicon.default()
    text = "Ana Ruiz called the deal ``good for the harbour.''\n\nThe records show the council paid twice."
    assert [text[r.start : r.end] for r in finding_ranges(text, lex)] == ["The records"]
    long_phrase = "Last year old harbour board audit records show a loss."  # five words, "year" left out
    assert [long_phrase[r.start : r.end] for r in finding_ranges(long_phrase, lex)] == ["old harbour board audit records"]
