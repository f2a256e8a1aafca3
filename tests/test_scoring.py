"""The sourcing score: config validation, the rubric on a hand-annotated article, and metamorphic tests on
articles we wrote, run through the whole pipeline with the shipped model."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from annotator.config import ConfigError
from annotator.schema import AnnotatedArticle, Article, Attribution, Claim, Source, Span
from annotator.scoring import COMPONENTS, REGISTRY, ScoringConfig, score_record
from annotator.scoring import score_article as score_typed
from annotator.scoring.context import build_context
from annotator.text import sentences
from tests.scoring_articles import (
    ATTRIBUTION_TEMPLATES,
    METHODOLOGY_SENTENCES,
    NAMED_TEMPLATES,
    NAVIGATION_BOTTOM,
    NAVIGATION_TOP,
    RELAYED_AND_OWN,
    hand_annotated,
    render,
)

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "configs" / "scoring.yaml"


def score_article(doc: AnnotatedArticle, cfg: ScoringConfig | None = None) -> dict:
    """The score as the record carries it (the typed Score, written out)."""
    return score_typed(doc, cfg).to_dict()


def _set(source: Source, **changes) -> None:
    for key, value in changes.items():
        setattr(source, key, value)


# ------------------------------------------------------------------------------------------ config


def _raw() -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def test_shipped_config_loads_and_weights_sum_to_one() -> None:
    cfg = ScoringConfig.from_yaml(CONFIG)
    assert set(cfg.weights) <= set(COMPONENTS)
    assert abs(sum(cfg.weights.values()) - 1) < 1e-9
    assert all(w >= 0 for w in cfg.weights.values())
    assert cfg.to_score(0.0) < 20 and cfg.to_score(1.0) > 85  # the calibrated mapping spans the scale


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r["weights"].update(coverage=r["weights"]["coverage"] + 0.25), "weights: weights must sum to 1, they sum to 1.25"),
        (lambda r: r.update(weights={}), "weights: name at least one component"),
        (lambda r: r["calibration"].update(score=[50.0, 10.0], raw=[0.0, 1.0]), "calibration: raw must increase and score must not decrease"),
        (lambda r: r["calibration"].update(score=[0.0, 50.0, 100.0], raw=[0.0, 1.0]), "calibration: raw and score need the same number of points"),
        (lambda r: r["calibration"].update(score=[0.0, 150.0]), r"calibration.score\[1\]: 150.0 is out of range"),
        (lambda r: r["weights"].update(coverage=-0.05, practice=0.5), r"weights.coverage: -0.05 is out of range"),
        (lambda r: r["weights"].update(novelty=0.0), r"weights: unknown keys \['novelty'\]"),
        (lambda r: r.update(colour="blue"), r"unknown keys \['colour'\]"),
        (lambda r: r["breadth"].pop("half_saturation"), r"breadth: missing keys \['half_saturation'\]"),
        (lambda r: r["breadth"].update(half_saturation=-1), r"breadth.half_saturation: -1 is out of range"),
        (lambda r: r["practice"]["signal_weights"].update(methodology=0.9), r"practice.signal_weights: weights must sum to 1"),
        (lambda r: r["transparency"]["type_values"].update(ANONYMOUS=0.1), r"unknown keys \['ANONYMOUS'\]"),
        (lambda r: r["transparency"]["type_values"].pop("DOCUMENT"), r"missing keys \['DOCUMENT'\]"),
        (lambda r: r["primary"].update(secondhand_types=["BLOG"]), r"unknown source types \['BLOG'\]"),
        (lambda r: r["patterns"]["methodology"].append("(spoke to"), "invalid regular expression"),
        (lambda r: r["coverage"].update(min_checkworthy="high"), "coverage.min_checkworthy: expected a number"),
        (lambda r: r["flags"].update(on_record_quotes=True), "flags.on_record_quotes: expected an integer"),
        (lambda r: r["sources"].update(count_unlinked="yes"), "sources.count_unlinked: expected true or false"),
        (lambda r: r["transparency"].update(secondhand_cap_exempt=["PERSON"]), r"secondhand_cap_exempt: unknown source types \['PERSON'\]"),
        (lambda r: r["transparency"].update(secondhand_cap=1.5), r"transparency.secondhand_cap: 1.5 is out of range"),
        (lambda r: r["breadth"].pop("secondhand_weight"), r"breadth: missing keys \['secondhand_weight'\]"),
        (lambda r: r["diversity"].update(outlets_as_one_group=1), "diversity.outlets_as_one_group: expected true or false"),
        (lambda r: r["practice"].update(documents_by_own_outlet="obtained by the paper"), r"documents_by_own_outlet: .*must contain \{outlet\}"),
        (lambda r: r["practice"].update(documents_by_own_outlet="(obtained by {outlet}"), "documents_by_own_outlet: .*invalid regular expression"),
        (lambda r: r["patterns"].pop("relayed_report"), r"patterns: missing keys \['relayed_report'\]"),
        (lambda r: r["attributed_claims"].update(unresolved_value=2), r"attributed_claims.unresolved_value: 2 is out of range"),
        (lambda r: r["publishers"].update(nyt=[]), r"publishers: .*'nyt': needs a non-empty list of outlet names"),
        (lambda r: r["speech"].update(verbs=[]), r"speech.verbs: .*at least 1"),
        (lambda r: r.pop("speech"), r"missing keys \['speech'\]"),
        (lambda r: r["primary"].update(media_word_exempt=["PERSON"]), r"media_word_exempt: unknown source types \['PERSON'\]"),
    ],
)
def test_bad_config_is_refused_with_a_clear_message(tmp_path: Path, mutate, message: str) -> None:
    raw = _raw()
    mutate(raw)
    path = tmp_path / "scoring.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        ScoringConfig.from_yaml(path)


def test_unreadable_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="scoring config not found"):
        ScoringConfig.from_yaml(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("weights: [1, 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        ScoringConfig.from_yaml(bad)


# ---------------------------------------------------------------------- the rubric on a known article

TEXT = (
    'Mayor Ana Lind said the bridge would reopen in May. "We are ready," Lind said. Officials said the cost had doubled. The bridge carries 9,000 cars a day.'
)


def _span(sid: str, label: str, needle: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return Span(sid, start, start + len(needle), label, needle)


def _hand_annotated(extra_sentence: str = "") -> AnnotatedArticle:
    """Spans, attributions, sources and claims written by hand (the scorer is a pure function of them)."""
    spans = [
        _span("s1", "SOURCE", "Mayor Ana Lind"),
        _span("s2", "CUE", "said"),
        _span("s3", "CONTENT", "the bridge would reopen in May"),
        _span("s4", "CONTENT", '"We are ready,"'),
        _span("s5", "SOURCE", "Lind", 1),
        _span("s6", "CUE", "said", 1),
        _span("s7", "SOURCE", "Officials"),
        _span("s8", "CUE", "said", 2),
        _span("s9", "CONTENT", "the cost had doubled"),
    ]
    attributions = [Attribution("a1", "s1", "s2", ["s3"]), Attribution("a2", "s5", "s6", ["s4"]), Attribution("a3", "s7", "s8", ["s9"])]
    doc = AnnotatedArticle(Article("hand", TEXT + extra_sentence), spans, attributions)
    by_id = {s.id: s for s in spans}

    def mention(sid: str) -> dict:
        s = by_id[sid]
        return {"start": s.start, "end": s.end, "text": s.text, "span": sid}

    doc.sources = [Source.from_dict(d) for d in [
        {"id": "src1", "type": "NAMED_PERSON", "specificity": 1.0, "count": 1, "plural": False, "name": "Ana Lind",
         "affiliation": None, "secondhand": False, "mentions": [mention("s1"), mention("s5")]},
        {"id": "src2", "type": "ANONYMOUS_VAGUE", "specificity": 0.05, "count": None, "plural": True, "name": "Officials",
         "affiliation": None, "secondhand": False, "mentions": [mention("s7")]},
    ]]  # fmt: skip
    ranges = sentences(TEXT)
    doc.claims = [Claim(s, e, doc.text[s:e], 0.8, i < 3, f"a{i + 1}" if i < 3 else None) for i, (s, e) in enumerate(ranges)]
    return doc


def test_components_follow_the_rubric_on_a_hand_annotated_article() -> None:
    cfg = ScoringConfig.from_yaml(CONFIG)
    doc = _hand_annotated()
    assert len(doc.claims) == 4 and doc.claims[-1].text == "The bridge carries 9,000 cars a day."
    score = score_article(doc, cfg)
    comp = score["components"]
    assert set(comp) == set(cfg.weights) and set(cfg.weights) <= set(COMPONENTS)
    assert comp["coverage"]["value"] == pytest.approx(0.75)
    assert comp["coverage"]["spans"] == ["s1", "s2", "s5", "s6", "s7", "s8"]
    tv = cfg.transparency.type_values
    anon = tv["ANONYMOUS_VAGUE"] + cfg.transparency.anonymous_specificity_bonus * 0.05
    assert comp["transparency"]["value"] == pytest.approx((2 * tv["NAMED_PERSON"] + anon) / 3, abs=1e-4)
    assert comp["transparency"]["spans"] == ["s1", "s5"]
    people = 1 + 2  # Ana Lind + "officials" (a plural without a number counts as two in configs/sources.yaml)
    assert comp["breadth"]["value"] == pytest.approx(people / (people + cfg.breadth.half_saturation), abs=1e-4)
    assert comp["diversity"]["value"] == pytest.approx(2 / (2 + cfg.diversity.half_saturation), abs=1e-4)
    assert comp["primary"]["value"] == 1.0
    sw = cfg.practice.signal_weights
    assert comp["practice"]["value"] == pytest.approx(sw["direct_quotes"] * 1 / cfg.practice.quotes_for_full, abs=1e-4)
    assert comp["practice"]["spans"] == ["s4"]
    raw = sum(c["weight"] * c["value"] for c in comp.values())
    assert score["raw"] == pytest.approx(raw, abs=1e-4)
    assert score["overall"] == pytest.approx(cfg.to_score(raw), abs=0.05)
    assert comp["independent_sources"]["value"] == pytest.approx(
        (1.0 + 0.2) / (1.2 + cfg.independent_sources.half_saturation), abs=1e-4
    )  # Ana Lind (named, 1.0) and "officials" (vague, 0.2)
    spread = REGISTRY["spread"](build_context(_hand_annotated(), cfg))  # registered, left out of the shipped weights
    assert spread["value"] == pytest.approx(1 - 2 / 3, abs=1e-4)  # two of three attributions rest on Lind
    worth = 2 * 1.0 + 0.2  # two claims on Ana Lind (named, 1.0), one on "officials" (vague, 0.2)
    assert comp["attributed_claims"]["value"] == pytest.approx(worth / (worth + cfg.attributed_claims.half_saturation), abs=1e-4)
    assert score["flags"] == ["on_record_quotes"]
    for c in comp.values():
        assert c["reason"] and 0.0 <= c["value"] <= 1.0


def test_score_is_deterministic_and_the_same_from_a_record() -> None:
    doc = _hand_annotated()
    first = score_article(doc)
    assert score_article(_hand_annotated()) == first
    record = doc.to_record()
    assert score_record(record) == first


def test_signals_add_practice_and_reporting_sentences_are_not_claims() -> None:
    base = score_article(_hand_annotated())
    extra = " The mayor's office did not respond to a request for comment. For this story, the Courier spoke to four engineers."
    doc = _hand_annotated(extra)
    start = len(TEXT) + 1
    for s, e in ((start, doc.text.index(".", start) + 1), (doc.text.index("For this"), len(doc.text))):
        doc.claims.append(Claim(s, e, doc.text[s:e], 0.9))
    score = score_article(doc)
    assert {"sought_comment", "methodology_statement"} <= set(score["flags"])
    assert score["components"]["coverage"]["value"] == base["components"]["coverage"]["value"]  # not counted as claims
    assert score["components"]["practice"]["value"] > base["components"]["practice"]["value"]
    assert score["components"]["breadth"]["value"] > base["components"]["breadth"]["value"]  # four engineers > three people
    assert score["overall"] > base["overall"]
    assert [e["text"] for e in score["evidence"]["methodology"]] == ["For this story, the Courier spoke to four engineers."]


def test_flags_for_anonymous_secondhand_and_unattributed_articles() -> None:
    doc = _hand_annotated()
    for src in doc.sources:
        _set(src, type="ANONYMOUS_DESCRIBED", specificity=0.3, name=None)
    score = score_article(doc)
    assert {"all_anonymous", "mostly_anonymous"} <= set(score["flags"])
    assert "on_record_quotes" not in score["flags"]

    doc = _hand_annotated()
    _set(doc.sources[0], type="MEDIA_OUTLET", name="Daily Ledger")
    assert "mostly_secondhand" in score_article(doc)["flags"]

    bare = AnnotatedArticle(Article("bare", TEXT))
    bare.sources, bare.claims = [], [Claim(0, 10, TEXT[:10], 0.9)]
    score = score_article(bare)
    assert {"no_attribution", "low_coverage"} <= set(score["flags"])
    assert score["overall"] < 5

    single = _hand_annotated()
    single.sources = single.sources[:1]
    assert "single_source" in score_article(single)["flags"]


def _outlet(src: Source, name: str, kind: str = "MEDIA_OUTLET") -> None:
    _set(src, type=kind, name=name, affiliation=name, secondhand=True, specificity=0.6, count=1, plural=False)


def test_other_outlets_are_worth_less_and_are_one_group() -> None:
    cfg = ScoringConfig.from_yaml(CONFIG)
    own = score_article(_hand_annotated(), cfg)["components"]
    doc = _hand_annotated()
    _outlet(doc.sources[0], "Daily Ledger", "DOCUMENT")  # "a Daily Ledger report": a document of another outlet
    _outlet(doc.sources[1], "Valley One")
    comp = score_article(doc, cfg)["components"]
    cap = cfg.transparency.secondhand_cap
    assert comp["transparency"]["value"] <= cap < own["transparency"]["value"]
    assert comp["diversity"]["groups"] == ["other outlets' reporting"]
    # their people count a fraction: the report (1) and "Valley One" (1) give 2 x secondhand_weight
    people = 2 * cfg.breadth.secondhand_weight
    assert comp["breadth"]["people"] == pytest.approx(people)
    assert comp["breadth"]["value"] == pytest.approx(people / (people + cfg.breadth.half_saturation), abs=1e-4)
    assert comp["primary"]["value"] == 0.0
    # a named person relayed from another outlet keeps a named person's transparency (exempt from the cap)
    doc = _hand_annotated()
    _set(doc.sources[0], secondhand=True, relayed_by="Daily Ledger")
    relayed = score_article(doc, cfg)["components"]
    assert relayed["transparency"]["value"] == own["transparency"]["value"]


# ------------------------------------------------------------------ relayed material, attribution by attribution

LIND_QUOTES = [
    ("Mayor Ana Lind", "told", "that the bridge would reopen in May"),
    ("Lind", "said", '"We are ready,"'),
    ("Engineer Tom Reyes", "said", "the repairs had cost twice the estimate"),
]


def _lind(text: str = RELAYED_AND_OWN, quotes=LIND_QUOTES, relayed_by: str | None = "CNN") -> AnnotatedArticle:
    lind = {"type": "NAMED_PERSON", "name": "Ana Lind", "needles": ["Mayor Ana Lind", "Lind"], "secondhand": relayed_by is not None, "relayed_by": relayed_by}
    return hand_annotated(text, quotes, [lind, {"type": "NAMED_PERSON", "name": "Tom Reyes", "needles": ["Engineer Tom Reyes"]}])


def test_a_quote_given_to_another_outlet_is_relayed_but_one_own_interview_keeps_the_source() -> None:
    cfg = ScoringConfig.from_yaml(CONFIG)
    ctx = build_context(_lind(), cfg)
    assert ctx.relayed == {"a1": True, "a2": False, "a3": False}  # "told CNN" relays; "said at a council meeting" is own
    assert [s.secondhand for s in ctx.sources] == [False, False]
    score = score_article(_lind(), cfg)
    comp = score["components"]
    assert comp["attributed_claims"]["count"] == 2 and comp["attributed_claims"]["relayed"] == 1
    assert "1 more relayed from other outlets" in comp["attributed_claims"]["reason"]
    assert comp["independent_sources"]["count"] == 2 and comp["primary"]["value"] == 1.0
    assert "relayed_interview" not in score["flags"]  # not a write-up of words given to others

    # the same mayor heard only through the broadcaster: relayed source, lower score, flagged
    text = RELAYED_AND_OWN.replace("said at a council meeting on Tuesday", "added in the same CNN interview")
    quotes = [LIND_QUOTES[0], ("Lind", "added", '"We are ready,"'), LIND_QUOTES[2]]
    relayed = score_article(_lind(text, quotes), cfg)
    assert relayed["components"]["independent_sources"]["count"] == 1
    assert relayed["components"]["attributed_claims"]["value"] < comp["attributed_claims"]["value"]
    assert relayed["components"]["primary"]["value"] < 1.0
    assert "relayed_interview" in relayed["flags"] and relayed["overall"] < score["overall"]


def test_words_given_to_the_reporting_outlet_are_its_own_interview() -> None:
    """ "told CNN" with nobody relayed by CNN in the sources stage: CNN is the outlet reporting, not a relay."""
    cfg = ScoringConfig.from_yaml(CONFIG)
    ctx = build_context(_lind(relayed_by=None), cfg)
    assert ctx.relayed == {"a1": False, "a2": False, "a3": False}
    reporter = _lind(relayed_by=None)
    reporter.sources.append(Source.from_dict({"id": "src9", "type": "MEDIA_OUTLET", "name": "CNN", "reporter": True, "mentions": []}))
    assert not any(build_context(reporter, cfg).relayed.values())


def test_another_outlets_report_and_reportedly_relay_what_they_carry() -> None:
    cfg = ScoringConfig.from_yaml(CONFIG)
    text = (
        "The bridge will reopen in May, Politico reported on Monday. "
        "The repairs reportedly cost twice the estimate, officials said. "
        "Engineer Tom Reyes said the new supports had passed their tests."
    )
    quotes = [("Politico", "reported", "The bridge will reopen in May"), ("officials", "said", "The repairs reportedly cost twice the estimate"),
              ("Engineer Tom Reyes", "said", "the new supports had passed their tests")]  # fmt: skip
    sources = [
        {"type": "MEDIA_OUTLET", "name": "Politico", "needles": ["Politico"], "secondhand": True},
        {"type": "ANONYMOUS_VAGUE", "name": "officials", "needles": ["officials"], "specificity": 0.05, "plural": True, "count": None},
        {"type": "NAMED_PERSON", "name": "Tom Reyes", "needles": ["Engineer Tom Reyes"]},
    ]
    ctx = build_context(hand_annotated(text, quotes, sources), cfg)
    assert ctx.relayed == {"a1": True, "a2": True, "a3": False}
    assert [s.secondhand for s in ctx.sources] == [True, True, False]
    assert [c.attribution for c in ctx.own_attributed_claims] == ["a3"]


def test_documents_obtained_by_the_reporting_outlet_count_whatever_its_name() -> None:
    cfg = ScoringConfig.from_yaml(CONFIG)
    text = "Inspectors flagged corrosion in July, according to inspection reports reviewed by the Alden Courier. The bridge shut in March."
    quotes = [("inspection reports reviewed by the Alden Courier", "according to", "Inspectors flagged corrosion in July")]
    plain = hand_annotated(text, quotes, [])
    courier = hand_annotated(text, quotes, [{"type": "MEDIA_OUTLET", "name": "Alden Courier", "reporter": True,
                                             "needles": ["inspection reports reviewed by the Alden Courier"]}])  # fmt: skip
    assert score_article(plain, cfg)["components"]["practice"]["signals"]["documents_obtained"] == 0.0
    practice = score_article(courier, cfg)["components"]["practice"]
    assert practice["signals"]["documents_obtained"] == 1.0 and "documents obtained" in practice["reason"]
    assert practice["value"] == pytest.approx(cfg.practice.signal_weights["documents_obtained"])


POLL = (
    "Support for the new bypass rose to 52 percent, according to a USA Today/Harlow College poll released on Thursday. "
    "Engineer Tom Reyes said the route had passed its last safety review."
)
POLL_QUOTES = [("a USA Today/Harlow College poll released on Thursday", "according to", "Support for the new bypass rose to 52 percent"),
               ("Engineer Tom Reyes", "said", "the route had passed its last safety review")]  # fmt: skip
POLL_SOURCES = [{"type": "DOCUMENT", "name": "poll", "needles": ["a USA Today/Harlow College poll released on Thursday"], "secondhand": True},
                {"type": "NAMED_PERSON", "name": "Tom Reyes", "needles": ["Engineer Tom Reyes"]}]  # fmt: skip


def test_the_publishers_own_poll_named_with_its_name_is_its_own_reporting() -> None:
    """Without the publisher a poll named after an outlet reads as that outlet's material; with ``meta["publisher"]``
    (a slug the config maps to the outlet's names, or the name itself) it is the story's own."""
    cfg = ScoringConfig.from_yaml(CONFIG)
    assert "The Times" in cfg.publisher_names("nyt") and cfg.publisher_names("USA TODAY") == cfg.publisher_names("usa-today")
    assert cfg.publisher_names("Harlow Gazette") == ["Harlow Gazette"] and cfg.publisher_names(None) == []
    unknown = build_context(hand_annotated(POLL, POLL_QUOTES, POLL_SOURCES), cfg)
    assert [s.secondhand for s in unknown.sources] == [True, False] and unknown.relayed == {"a1": True, "a2": False}
    for publisher in ("usa-today", "USA Today"):
        doc = hand_annotated(POLL, POLL_QUOTES, POLL_SOURCES)
        doc.article.meta["publisher"] = publisher
        ctx = build_context(doc, cfg)
        assert [s.secondhand for s in ctx.sources] == [False, False] and not any(ctx.relayed.values())
    other = hand_annotated(POLL, POLL_QUOTES, POLL_SOURCES)
    other.article.meta["publisher"] = "politico"  # somebody else's poll stays somebody else's
    assert [s.secondhand for s in build_context(other, cfg).sources] == [True, False]
    # the publisher's own earlier report as a source ("after USA Today reported") is the reporting outlet, not a source
    text = "The bypass was delayed after USA Today reported the cost overrun. Engineer Tom Reyes said the route was safe."
    quotes = [("USA Today", "reported", "the cost overrun"), ("Engineer Tom Reyes", "said", "the route was safe")]
    sources = [{"type": "MEDIA_OUTLET", "name": "USA Today", "needles": ["USA Today"], "secondhand": True},
               {"type": "NAMED_PERSON", "name": "Tom Reyes", "needles": ["Engineer Tom Reyes"]}]  # fmt: skip
    doc = hand_annotated(text, quotes, sources)
    assert len(build_context(doc, cfg).sources) == 2
    doc.article.meta["publisher"] = "usa-today"
    assert [s.name for s in build_context(doc, cfg).sources] == ["tom reyes"]


def test_a_hacker_or_a_leak_in_the_news_is_not_leaked_material() -> None:
    cfg = ScoringConfig.from_yaml(CONFIG)
    text = (
        "The hacker who broke into the council's server pleaded guilty on Monday, prosecutor Ana Lind said. "
        "The budget figures were leaked to the press in May, Tom Reyes said. "
        "Leaked emails show the mayor knew of the delay, the Harlow Gazette wrote."
    )
    quotes = [("prosecutor Ana Lind", "said", "The hacker who broke into the council's server pleaded guilty on Monday"),
              ("Tom Reyes", "said", "The budget figures were leaked to the press in May"),
              ("the Harlow Gazette", "wrote", "Leaked emails show the mayor knew of the delay")]  # fmt: skip
    sources = [{"type": "NAMED_PERSON", "name": "Ana Lind", "needles": ["prosecutor Ana Lind"]},
               {"type": "NAMED_PERSON", "name": "Tom Reyes", "needles": ["Tom Reyes"]},
               {"type": "NAMED_ORGANIZATION", "name": "Harlow Gazette", "needles": ["the Harlow Gazette"]}]  # fmt: skip
    ctx = build_context(hand_annotated(text, quotes, sources), cfg)
    assert ctx.relayed == {"a1": False, "a2": False, "a3": True}


def test_a_media_word_inside_another_name_does_not_make_an_outlet() -> None:
    """ "the watchdog group Media Matters", "anti-media activists", "the campaign's website" and a named radio host are
    not another outlet's material; "media reports" and "the business website Orebody" are."""
    cfg = ScoringConfig.from_yaml(CONFIG)
    from annotator.scoring.relay import outlet_material

    def source(kind: str, text: str) -> Source:
        return Source.from_dict({"id": "x", "type": kind, "mentions": [{"start": 0, "end": len(text), "text": text}]})

    for kind, text in [("DOCUMENT", "A study by the watchdog group Media Matters"), ("ANONYMOUS_DESCRIBED", "anti-media activists"),
                       ("DOCUMENT", "A document on the campaign's website"), ("NAMED_PERSON", "Conservative radio host Ira Vale")]:  # fmt: skip
        assert not outlet_material(source(kind, text), cfg), text
    for kind, text in [("ANONYMOUS_VAGUE", "Media reports"), ("ANONYMOUS_VAGUE", "local media"), ("NAMED_ORGANIZATION", "the business website Orebody")]:
        assert outlet_material(source(kind, text), cfg), text


def test_speech_is_the_share_of_attributions_with_a_verb_of_speech() -> None:
    cfg = ScoringConfig.from_yaml(CONFIG)
    text = (
        "Mayor Ana Lind said the bridge would reopen in May. Engineer Tom Reyes also told reporters the supports were sound. "
        "The councillor wrote that the cost had doubled. Lind tweeted that the council would vote on Friday."
    )
    quotes = [("Mayor Ana Lind", "said", "the bridge would reopen in May"), ("Engineer Tom Reyes", "also told", "the supports were sound"),
              ("The councillor", "wrote", "the cost had doubled"), ("Lind", "tweeted", "the council would vote on Friday")]  # fmt: skip
    sources = [{"type": "NAMED_PERSON", "name": "Ana Lind", "needles": ["Mayor Ana Lind", "Lind"]},
               {"type": "NAMED_PERSON", "name": "Tom Reyes", "needles": ["Engineer Tom Reyes"]},
               {"type": "ANONYMOUS_DESCRIBED", "name": "councillor", "needles": ["The councillor"]}]  # fmt: skip
    part = REGISTRY["speech"](build_context(hand_annotated(text, quotes, sources), cfg))
    assert part["value"] == 0.5 and part["count"] == 2
    assert part["reason"].startswith("2 of 4 attributions report people's words") and "tweeted, wrote" in part["reason"]
    assert REGISTRY["speech"](build_context(hand_annotated("Nothing here is attributed.", [], []), cfg))["value"] == 0.0


def test_a_poll_disclosing_its_margin_of_error_is_a_methodology_statement() -> None:
    doc = _hand_annotated(" The poll was conducted by telephone from May 2 to 6 and has a margin of sampling error of four points.")
    assert "methodology_statement" in score_article(doc)["flags"]


def test_the_reporting_outlet_and_refusals_are_not_sources() -> None:
    base = score_article(_hand_annotated())
    doc = _hand_annotated()
    _set(doc.sources[1], type="MEDIA_OUTLET", name="Tarn Courier", secondhand=True, reporter=True)
    score = score_article(doc)
    assert score["stats"]["sources"] == 1 and score["components"]["primary"]["value"] == 1.0
    assert "mostly_secondhand" not in score["flags"] and score["stats"]["secondhand_share"] == 0.0
    # a source whose only attribution is a refusal to comment is not a source
    extra = " The council declined to comment."
    doc = _hand_annotated(extra)
    start = doc.text.index("The council")
    doc.spans += [Span("s10", start, start + 11, "SOURCE", "The council"), Span("s11", start + 12, start + 31, "CUE", "declined to comment")]
    doc.attributions.append(Attribution("a4", "s10", "s11", []))
    mention = {"start": start, "end": start + 11, "text": "The council", "span": "s10"}
    doc.sources.append(Source.from_dict({"id": "src3", "type": "NAMED_ORGANIZATION", "specificity": 0.85, "count": 1, "plural": False, "name": "council",
                        "affiliation": None, "secondhand": False, "mentions": [mention]}))  # fmt: skip
    refused = score_article(doc)
    assert refused["stats"]["sources"] == base["stats"]["sources"]
    assert "sought_comment" in refused["flags"]


def test_a_comment_request_is_not_a_methodology_statement() -> None:
    doc = _hand_annotated(" The mayor did not reply to requests for comment for this story.")
    score = score_article(doc)
    assert "sought_comment" in score["flags"] and "methodology_statement" not in score["flags"]


# ----------------------------------------------------------------- metamorphic, shipped model end to end


@pytest.fixture(scope="module")
def pipeline(tagger):
    from annotator.claims import ClaimDetector
    from annotator.pipeline import ScorePipeline

    return ScorePipeline(tagger, ClaimDetector.for_tagger(tagger))


def _scores(pipeline, texts: list[str]) -> list[dict]:
    records = pipeline.score_texts(texts)
    for r in records:
        assert "error" not in r, r.get("error")
    return [r["score"] for r in records]


def test_removing_attribution_clauses_lowers_the_score(pipeline) -> None:
    texts = [render(t, choice) for t in ATTRIBUTION_TEMPLATES for choice in (0, 1)]
    scores = _scores(pipeline, texts)
    for i in range(0, len(scores), 2):
        full, stripped = scores[i], scores[i + 1]
        assert stripped["overall"] < full["overall"], (i // 2, full["overall"], stripped["overall"])
        assert stripped["components"]["transparency"]["value"] <= full["components"]["transparency"]["value"]


def test_replacing_named_sources_by_a_source_lowers_transparency(pipeline) -> None:
    texts = [render(t, choice) for t in NAMED_TEMPLATES for choice in (0, 1)]
    scores = _scores(pipeline, texts)
    for i in range(0, len(scores), 2):
        named, anonymous = scores[i]["components"]["transparency"], scores[i + 1]["components"]["transparency"]
        assert anonymous["value"] < named["value"], (i // 2, named, anonymous)
        assert scores[i + 1]["overall"] < scores[i]["overall"]


def test_navigation_lines_and_a_duplicated_article_change_the_score_by_at_most_two_points(pipeline) -> None:
    originals = [render(t, 0) for t in ATTRIBUTION_TEMPLATES + NAMED_TEMPLATES]
    variants = []
    for text in originals:
        variants.append(NAVIGATION_TOP + "\n" + text + NAVIGATION_BOTTOM)
        variants.append(text + "\n\n" + text)
    scores = _scores(pipeline, originals + variants)
    base, rest = scores[: len(originals)], scores[len(originals) :]
    for i, original in enumerate(base):
        for variant in rest[2 * i : 2 * i + 2]:
            assert abs(variant["overall"] - original["overall"]) <= 2.0, (i, original["overall"], variant["overall"])


def test_adding_a_methodology_statement_does_not_lower_the_score(pipeline) -> None:
    originals = [render(t, 0) for t in ATTRIBUTION_TEMPLATES]
    with_method = [text.rstrip() + "\n\n" + sentence + "\n" for text, sentence in zip(originals, METHODOLOGY_SENTENCES, strict=True)]
    scores = _scores(pipeline, originals + with_method)
    n = len(originals)
    for before, after in zip(scores[:n], scores[n:], strict=True):
        assert after["overall"] >= before["overall"], (before["overall"], after["overall"])
        assert "methodology_statement" in after["flags"]


def test_a_story_relaying_another_outlet_is_flagged_mostly_secondhand(pipeline) -> None:
    text = (ROOT / "examples" / "relayed-outlet-report.txt").read_text(encoding="utf-8")
    record = pipeline.score_texts([text])[0]
    assert "mostly_secondhand" in record["score"]["flags"], record["score"]["components"]["primary"]
    ledger = [s for s in record["sources"] if s["type"] == "MEDIA_OUTLET" and s["name"] == "Northern Ledger"]
    assert len(ledger) == 1 and len(ledger[0]["mentions"]) >= 3  # "the Northern Ledger newspaper", "The Ledger", ...


SEEDS = ROOT.parent / "shared" / "samples" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/samples/seeds is not beside the checkout")
def test_the_original_reuters_story_ranks_well_above_the_stories_that_relay_it(pipeline) -> None:
    """The seed pages (cleaned, whole pipeline): the original story >= 15 points above each relaying story, and the
    MEE story built on unnamed sources flagged mostly_anonymous."""
    names = ["reuters-qaani-page-with-related", "newregion-iraq-groups-suspend", "iranintl-militias-halt-israel", "mee-groups-agree-truce"]
    records = pipeline.score_texts([Article(n, (SEEDS / f"{n}.txt").read_text(encoding="utf-8")) for n in names])
    by_id = {r["id"]: r["score"] for r in records}
    original = by_id["reuters-qaani-page-with-related"]["overall"]
    for relay in ("newregion-iraq-groups-suspend", "iranintl-militias-halt-israel"):
        assert original >= by_id[relay]["overall"] + 15, (original, relay, by_id[relay]["overall"])
        assert "mostly_secondhand" in by_id[relay]["flags"]
    assert "mostly_anonymous" in by_id["mee-groups-agree-truce"]["flags"]


def test_the_same_words_given_to_broadcasters_score_lower_than_own_interviews(pipeline) -> None:
    from tests.scoring_articles import RELAY_TEMPLATES

    texts = [render(t, 0) for t in RELAY_TEMPLATES] + [render(t, 1) for t in RELAY_TEMPLATES]
    scores = _scores(pipeline, texts)
    n = len(RELAY_TEMPLATES)
    for own, relayed in zip(scores[:n], scores[n:], strict=True):
        assert relayed["overall"] < own["overall"], (own["overall"], relayed["overall"])
        assert relayed["components"]["independent_sources"]["count"] < own["components"]["independent_sources"]["count"]
        assert relayed["components"]["primary"]["value"] < own["components"]["primary"]["value"]
        assert {"relayed_interview", "mostly_secondhand"} & set(relayed["flags"]), relayed["flags"]
