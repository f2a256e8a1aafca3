"""Boilerplate cleaning and language detection (annotator/clean.py) on pages we write ourselves."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from annotator.clean import CleaningConfig, clean_article, clean_text, detect_language
from annotator.config import ConfigError
from annotator.schema import Article, RecordError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

STORY = "\n\n".join(
    [
        "Library opening hours cut after budget vote",
        "DARLOW, Oct 2 - The Darlow public library will close on Mondays from next month after the town council "
        "cut its budget by a tenth, the library's director said on Wednesday.",
        '"We tried every other saving first," said director Nadia Ferrante. "Closing one day a week was the last thing we wanted."',
        "The council voted five to two for the cut on Tuesday evening. Councillor Owen Pryce, who voted against, said the "
        "library was used by hundreds of pupils every week and that the saving was small.",
        "The library will keep its evening hours on Thursdays, Ferrante said.",
    ]
)

NAV_TOP = """Skip to main content
Home | News | Local | Sport | Weather | Contact
Menu
Search
"""
NAV_BOTTOM = """
Share on Facebook
Follow us
Sign up for our newsletter
Get the morning headlines delivered to your inbox.
Subscribe
Copyright 2024 Darlow Evening Post. All rights reserved.
Privacy policy | Terms of use | Cookie settings
"""


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def test_clean_story_is_kept_line_for_line() -> None:
    cleaned = clean_text(STORY)
    assert paragraphs(cleaned.text) == paragraphs(STORY)
    assert cleaned.dropped_lines == 0 and cleaned.dropped_stories == 0


def test_navigation_and_newsletter_lines_are_dropped() -> None:
    noisy = NAV_TOP + "\n" + STORY + "\n" + NAV_BOTTOM
    cleaned = clean_text(noisy)
    assert cleaned.text == clean_text(STORY).text
    assert cleaned.dropped_lines == 11


def test_duplicated_article_is_cleaned_to_one_copy() -> None:
    assert clean_text(STORY + "\n\n" + STORY).text == clean_text(STORY).text


def test_caption_credit_and_teaser_lines_are_dropped() -> None:
    page = STORY.replace(
        "The council voted",
        "Readers at the Darlow library on Saturday. (AFP/Jane Doe)\n\n"
        "Mayor announces new cycle lanes\nRead More »\n\n"
        "Read more: Council approves school repairs\n\n"
        "Photo: Darlow Evening Post\n\nThe council voted",
    )
    assert clean_text(page).text == clean_text(STORY).text


def test_second_unrelated_story_is_split_off() -> None:
    other = """Bakery wins regional prize

Bakery wins regional prize
Updated 3 hours ago
Follow

A bakery on Mill Street has won a regional prize for its sourdough, the organisers said on Monday.
The owners said they would hire two more bakers next year to keep up with orders."""
    cleaned = clean_text(STORY + "\n\n" + other)
    assert cleaned.text == clean_text(STORY).text
    assert cleaned.dropped_stories == 1
    assert "sourdough" not in cleaned.text


def test_related_story_list_and_author_box_are_dropped() -> None:
    page = STORY + "\n\nRelated stories\nSchool roof to be repaired\nNew bus timetable from May\n\n"
    page += "Profile picture of Kim Ode\nKim Ode covers the town council for the Post."
    cleaned = clean_text(page)
    assert cleaned.text == clean_text(STORY).text


def test_a_quoted_teaser_header_and_title_case_teasers_with_full_stops_are_dropped() -> None:
    """Some archives quote the header and end every headline with a full stop; title case still marks a teaser."""
    page = STORY + '\n\n"Related:"\n\nHarbour Board Approves New Mooring Fees.\n\nFerry Timetable Changes From Monday.\n'
    assert clean_text(page).text == clean_text(STORY).text
    # a sentence after the header is not title case and stays
    kept = STORY + '\n\n"Related:"\n\nThe ferry will run twice as often from Monday, the operator said.\n'
    assert "the operator said" in clean_text(kept).text


def test_sentences_that_mention_boilerplate_words_are_kept() -> None:
    story = STORY + "\n\nThe council said it would announce the new opening hours in its monthly newsletter and on its website, "
    story += "which residents can read more easily on their phones."
    cleaned = clean_text(story)
    assert "monthly newsletter" in cleaned.text


def test_scraped_example_keeps_the_main_story_only() -> None:
    text = (EXAMPLES / "scraped-page-water-tariff.txt").read_text(encoding="utf-8")
    cleaned = clean_text(text)
    assert cleaned.text.startswith("Water tariffs to rise by 9 percent from July, regulator says")
    assert "Ruth Adeyemi" in cleaned.text
    for gone in ("Skip to main content", "Share on", "newsletter", "bakery", "Copyright", "Read more", "Photo:"):
        assert gone not in cleaned.text
    assert cleaned.dropped_stories == 1


def test_examples_without_boilerplate_are_untouched() -> None:
    for path in sorted(EXAMPLES.glob("*.txt")):
        if path.name.startswith("scraped"):
            continue
        text = path.read_text(encoding="utf-8")
        assert paragraphs(clean_text(text).text) == [p.strip() for p in paragraphs(text)], path.name


def test_not_english_is_a_record_error() -> None:
    german = (
        "Die Stadtbibliothek von Darlow bleibt ab dem nächsten Monat montags geschlossen, nachdem der Stadtrat ihr Budget "
        "um ein Zehntel gekürzt hat. Die Leiterin der Bibliothek sagte am Mittwoch, man habe zuerst alle anderen "
        "Einsparungen versucht. Der Rat stimmte am Dienstagabend mit fünf zu zwei Stimmen für die Kürzung."
    )
    result = clean_article(Article("de-1", german, {"path": "de.txt"}))
    assert isinstance(result, RecordError)
    assert result.code == "not_english" and "'de'" in result.message
    lang = detect_language(german)
    assert lang is not None and lang[0] == "de"
    assert detect_language(german) == lang  # seeded: the same verdict every time


def test_a_foreign_article_longer_than_the_quick_sample_is_judged_on_the_long_one() -> None:
    """The short sample only ever accepts English; anything else gets the verdict of the long sample, as before."""
    from annotator.clean import _detect

    german = " ".join(
        [
            "Die Stadtbibliothek von Darlow bleibt ab dem nächsten Monat montags geschlossen, nachdem der Stadtrat ihr",
            "Budget um ein Zehntel gekürzt hat. Die Leiterin der Bibliothek sagte am Mittwoch, man habe zuerst alle",
            "anderen Einsparungen versucht. Der Rat stimmte am Dienstagabend mit fünf zu zwei Stimmen für die Kürzung.",
        ]
        * 3
    )
    cfg = CleaningConfig.from_yaml()
    assert len(german) > cfg.language.quick_chars
    assert detect_language(german, cfg) == _detect(german[: cfg.language.max_chars], cfg.language.seed)
    assert isinstance(clean_article(Article("de-2", german)), RecordError)
    english = STORY * 3
    verdict = detect_language(english, cfg)
    assert verdict is not None and verdict[0] == "en" and verdict[1] >= cfg.language.min_probability


def test_sentences_follow_spacys_sentencizer_and_each_text_is_split_once(monkeypatch) -> None:
    """The shortcut for blocks the sentencizer cannot split gives spaCy's own answer; a chunk of more texts than
    the old 16-entry cache held is split once per text, however many stages ask."""
    import re

    import annotator.text as text_module
    from annotator.text import _sentencizer, sentences

    tricky = [
        "No punctuation here\n\nU.S. officials said so. Then left.",
        "Mr. Smith said: “Yes!” Then?! And (quietly) ... “Bye.”)",
        "a.  \n b?\n\n\n  c. d",
        "Wait...\u201d  ",
        "x ) . y",
        "3.5 percent. 4.2%! Jan. 5 was cold.",
        STORY,
    ] + [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    nlp = _sentencizer()
    for text in tricky:
        expected = []
        for block in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
            for sent in nlp(block.group()).sents:
                start, end = block.start() + sent.start_char, block.start() + sent.end_char
                while start < end and text[start].isspace():
                    start += 1
                while end > start and text[end - 1].isspace():
                    end -= 1
                if end > start:
                    expected.append((start, end))
        assert sentences(text) == tuple(expected), text[:40]
    calls: list[str] = []
    split = text_module._split
    monkeypatch.setattr(text_module, "_split", lambda t: calls.append(t) or split(t))
    chunk = [f"Article {i}. It has two sentences." for i in range(40)]
    for _stage in range(3):  # linker, claims, scorer: each over the whole chunk
        for t in chunk:
            sentences(t)
    assert len(calls) == len(chunk)


def test_short_text_is_not_judged_and_english_passes() -> None:
    assert detect_language("Oui, merci.") is None
    ok = clean_article(Article("en-1", STORY, {"path": "x.txt"}))
    assert isinstance(ok, Article)
    assert ok.meta["cleaning"] == {"kept_lines": 5, "dropped_lines": 0, "dropped_stories": 0}
    assert ok.meta["path"] == "x.txt"


def test_page_of_only_boilerplate_is_an_error() -> None:
    result = clean_article(Article("nav", NAV_TOP + NAV_BOTTOM))
    assert isinstance(result, RecordError) and result.code == "empty_after_cleaning"


def _write_config(tmp_path: Path, mutate) -> Path:
    raw = yaml.safe_load((ROOT / "configs" / "cleaning.yaml").read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "cleaning.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["lines"].update(shortline_words=3), "unknown keys ['shortline_words']"),
        (lambda r: r["stories"].pop("min_story_words"), "missing keys ['min_story_words']"),
        (lambda r: r["language"].update(min_probability=1.5), "language.min_probability: 1.5 is out of range"),
        (lambda r: r["lines"]["drop_fullmatch"].append("(unclosed"), "invalid regular expression"),
        (lambda r: r["lines"].update(short_line_words="many"), "expected an integer"),
        (lambda r: r["language"].update(quick_chars=5000), "language: .*quick_chars .* must not exceed max_chars"),
    ],
)
def test_bad_cleaning_config_is_refused(tmp_path: Path, mutate, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        CleaningConfig.from_yaml(_write_config(tmp_path, mutate))
