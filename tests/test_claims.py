"""Claims: the config, the attributed rule on articles we write, and the check-worthiness head on real weights.

Every sentence here is written by us. The ClaimBuster dev test reads ../shared at run time and skips without it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from annotator.claims import (
    CARD_NAME,
    HEAD_NAME,
    METRICS_NAME,
    AttributionRule,
    ClaimDetector,
    ClaimsConfig,
    ClaimsConfigError,
    ClaimsHead,
    attribution_for_sentences,
    binary_metrics,
    claimbuster_features,
    fit_claims_head,
    load_claimbuster,
    mark_attributed,
    pool_word_states,
    split_train_dev,
)
from annotator.schema import AnnotatedArticle, Article, Attribution, Span
from annotator.text import Word, sentences

# Floor for the shipped head's dev F1 (check-worthy class): measured dev F1 minus a margin (docs/claims.md).
DEV_F1_FLOOR = 0.72

CHECKWORTHY = [
    "The city spent $12 million on road repairs in 2022.",
    "Unemployment in the state dropped to 3.9 percent last quarter.",
    "More than 40,000 people attended the march on Saturday.",
    "The company cut 1,200 jobs after its profits fell by a third.",
    "The Senate passed the bill by a vote of 62 to 38.",
    "Average rents in the capital have doubled since 2010.",
    "The hospital treated 350 patients for heat stroke last week.",
    "Violent crime in the district fell by 14 percent over five years.",
    "The agency approved 27 new drugs in the first half of the year.",
    "Exports to Canada rose to $48 billion in 2021.",
    "The governor vetoed 19 bills during his first term.",
    "Tuition at public universities has risen 40 percent in a decade.",
    "The factory employed 3,000 workers before it closed in 2015.",
    "Our trade deficit with China reached $375 billion last year.",
    "Half of the nation's bridges were built before 1970.",
    "The army has lost 212 soldiers in the province since March.",
    "Gas prices climbed to $4.10 a gallon in June.",
    "The program covers 8 million children in low-income families.",
    "Income taxes for the top bracket were cut from 39 to 35 percent.",
    "The mayor's office received 6,500 complaints about noise in 2023.",
]
NOT_CHECKWORTHY = [
    "Thank you all so much for being here tonight.",
    "I think we can do much better than this.",
    "Good evening, everyone, and welcome.",
    "We have to believe in ourselves again.",
    "It is a great honor to stand on this stage.",
    "Let me be very clear about what I believe.",
    "That is a good question, and I appreciate it.",
    "I want to thank my family for their support.",
    "We will never give up on our dreams.",
    "Well, I disagree with my opponent on that.",
    "Our best days are still ahead of us.",
    "Let's talk about the future of this country.",
    "I love this town and the people who live here.",
    "You know, I have been thinking about that a lot.",
    "What a wonderful crowd we have this evening.",
    "We need leaders who listen to people.",
    "I'm proud of the campaign we ran.",
    "May God bless you all.",
    "People are tired of the same old promises.",
    "Now, let me answer that directly.",
]


# ------------------------------------------------------------------------------------------------ config


def test_default_config_loads_and_is_sane() -> None:
    config = ClaimsConfig.from_yaml()
    assert 0.0 < config.threshold < 1.0
    assert config.head.pooling in ("mean", "mean_max")
    assert 0.0 < config.attribution.min_content_coverage <= 1.0


@pytest.mark.parametrize(
    ("yaml_text", "needle"),
    [
        ("threshold: 1.5\n", "threshold"),
        ("threshold: high\n", "threshold"),
        ("thresh: 0.5\n", "unknown keys ['thresh']"),
        ("head:\n  pooling: max\n", "head.pooling"),
        ("head:\n  C: 0\n", "head.C"),
        ("head:\n  max_iter: 2.5\n", "head.max_iter"),
        ("attribution:\n  cue_in_sentence: 1\n", "attribution.cue_in_sentence"),
        ("attribution:\n  min_content_coverage: 0\n", "attribution.min_content_coverage"),
        ("attribution:\n  nearby: true\n", "attribution: unknown keys ['nearby']"),
        ("training:\n  dev_fraction: 0.9\n", "training.dev_fraction"),
        ("head: [1, 2]\n", "head: expected a mapping"),
        ("- 1\n- 2\n", "top level"),
        ("threshold: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_config_is_a_clear_error(tmp_path: Path, yaml_text: str, needle: str) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ClaimsConfigError) as err:
        ClaimsConfig.from_yaml(path)
    assert needle in str(err.value)
    assert str(path) in str(err.value)


def test_missing_config_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ClaimsConfigError, match="not found"):
        ClaimsConfig.from_yaml(tmp_path / "nope.yaml")


def test_partial_config_is_refused_naming_every_missing_key(tmp_path: Path) -> None:
    """Defaults live only in configs/claims.yaml: a partial file is an error, not a silent fallback."""
    path = tmp_path / "claims.yaml"
    path.write_text("threshold: 0.4\nattribution:\n  source_in_sentence: false\n", encoding="utf-8")
    with pytest.raises(ClaimsConfigError) as err:
        ClaimsConfig.from_yaml(path)
    message = str(err.value)
    assert "top level: missing keys ['head', 'training']" in message
    assert "attribution: missing keys ['min_content_coverage', 'cue_in_sentence']" in message


def test_shipped_config_is_complete() -> None:
    config = ClaimsConfig.default()
    assert 0.0 <= config.threshold <= 1.0 and config.head.pooling in ("mean", "mean_max")
    assert ClaimsConfig.from_dict(config.to_dict()) == config


# ------------------------------------------------------------------------------------ the attributed rule


def _span(text: str, sid: str, label: str, needle: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return Span(sid, start, start + len(needle), label, needle)


ARTICLE = (
    "The council approved a budget of $4 million on Monday. "
    '"We hired 40 new officers. We also opened two stations," Chief Dana Ruiz said. '
    "Burglaries fell by 12 percent last year, according to the police department. "
    "Unemployment in the county rose to 7 percent in March. "
    "Ruiz, who joined the force in 1998, was promoted in 2019."
)


def _gold_article() -> AnnotatedArticle:
    t = ARTICLE
    spans = [
        _span(t, "T1", "CONTENT", "We hired 40 new officers. We also opened two stations,"),
        _span(t, "T2", "SOURCE", "Chief Dana Ruiz"),
        _span(t, "T3", "CUE", "said"),
        _span(t, "T4", "CONTENT", "Burglaries fell by 12 percent last year"),
        _span(t, "T5", "CUE", "according to"),
        _span(t, "T6", "SOURCE", "the police department"),
        _span(t, "T7", "SOURCE", "Ruiz", occurrence=1),
    ]
    attributions = [
        Attribution("A1", source="T2", cue="T3", content=["T1"]),
        Attribution("A2", source="T6", cue="T5", content=["T4"]),
        Attribution("A3", source="T7", cue=None, content=[]),  # a source the linker left without cue or content
    ]
    return AnnotatedArticle(Article("council", t), spans, attributions)


def _sentence_containing(text: str, needle: str) -> tuple[int, int]:
    at = text.index(needle)
    return next((s, e) for s, e in sentences(text) if s <= at < e)


def test_attributed_rule_on_an_article_we_wrote() -> None:
    doc = _gold_article()
    t = doc.text
    ranges = [
        _sentence_containing(t, "The council approved"),  # unattributed factual claim
        _sentence_containing(t, "We hired 40"),  # first sentence of a two-sentence quote: covered by content
        _sentence_containing(t, "We also opened"),  # second sentence: covered, and cue in the sentence
        _sentence_containing(t, "Burglaries fell"),  # "according to" in the same sentence
        _sentence_containing(t, "Unemployment in"),  # unattributed factual claim right after an attributed one
        _sentence_containing(t, "who joined the force"),  # only a source mention in the sentence
    ]
    assert len(set(ranges)) == 6, "the sentencizer must split the article into the sentences we wrote"
    assert attribution_for_sentences(doc, ranges) == [None, "A1", "A1", "A2", None, "A3"]


def test_rule_switches_and_coverage_threshold() -> None:
    doc = _gold_article()
    t = doc.text
    quote_first = _sentence_containing(t, "We hired 40")
    burglaries = _sentence_containing(t, "Burglaries fell")
    joined = _sentence_containing(t, "who joined the force")
    # Content covers about half of the "Burglaries" sentence: a stricter coverage leaves only the cue rule.
    strict = AttributionRule(min_content_coverage=0.95, cue_in_sentence=False, source_in_sentence=False)
    assert attribution_for_sentences(doc, [quote_first, burglaries], strict) == ["A1", None]
    assert attribution_for_sentences(doc, [burglaries], AttributionRule(min_content_coverage=0.95, cue_in_sentence=True, source_in_sentence=True)) == ["A2"]
    assert attribution_for_sentences(doc, [joined], AttributionRule(min_content_coverage=0.5, cue_in_sentence=True, source_in_sentence=False)) == [None]


def test_content_beats_a_cue_from_another_attribution() -> None:
    text = 'Smith said taxes would rise, and "rates hit 9 percent in May," Jones wrote.'
    spans = [
        _span(text, "S1", "SOURCE", "Smith"),
        _span(text, "C1", "CUE", "said"),
        _span(text, "X1", "CONTENT", "taxes would rise"),
        _span(text, "X2", "CONTENT", 'and "rates hit 9 percent in May,"'),
        _span(text, "S2", "SOURCE", "Jones"),
        _span(text, "C2", "CUE", "wrote"),
    ]
    doc = AnnotatedArticle(
        Article("two", text),
        spans,
        [Attribution("A1", "S1", "C1", ["X1"]), Attribution("A2", "S2", "C2", ["X2"])],
    )
    # Neither content covers half of the sentence; both cues are in it: the one with more content characters wins.
    assert attribution_for_sentences(doc, [(0, len(text))]) == ["A2"]


def test_mark_attributed_copies_claims_and_keeps_fields() -> None:
    doc = _gold_article()
    s, e = _sentence_containing(doc.text, "Unemployment in")
    claims = [{"start": s, "end": e, "text": doc.text[s:e], "checkworthy": 0.9}]
    marked = mark_attributed(doc, claims)
    assert marked == [{**claims[0], "attributed": False, "attribution": None}]
    assert "attributed" not in claims[0]
    empty = AnnotatedArticle(Article("none", doc.text))
    assert mark_attributed(empty, claims)[0]["attributed"] is False


def test_pool_word_states_picks_the_words_of_each_range() -> None:
    words = [Word(0, 3, "abc"), Word(4, 6, "de"), Word(7, 9, "fg"), Word(10, 12, "hi")]
    hidden = np.asarray([[1, 2], [3, 4], [0, 0], [10, 20]], dtype=np.float16)  # row 2: a dropped word
    pooled = pool_word_states(words, hidden, [(0, 6), (7, 12), (13, 20)], "mean")
    np.testing.assert_allclose(pooled, [[2, 3], [10, 20], [0, 0]])
    both = pool_word_states(words, hidden, [(0, 9)], "mean_max")
    np.testing.assert_allclose(both, [[2, 3, 3, 4]])


def test_binary_metrics() -> None:
    m = binary_metrics(np.array([1, 1, 0, 0, 1]), np.array([0.9, 0.2, 0.6, 0.1, 0.5]), 0.5)
    assert (m["tp"], m["fp"], m["fn"]) == (2, 1, 1)
    assert m["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert m["f1"] == pytest.approx(2 / 3, abs=1e-4)


# ------------------------------------------------------------------------------- the head, real weights


@pytest.fixture(scope="module")
def detector(tagger) -> ClaimDetector:
    return ClaimDetector.for_tagger(tagger)


def test_checkworthy_sentences_score_above_opinions_and_greetings(detector: ClaimDetector, tagger) -> None:
    # One article, the two kinds interleaved, so every sentence is scored in context as in real use.
    ordered = [t for pair in zip(CHECKWORTHY, NOT_CHECKWORTHY, strict=True) for t in pair]
    text = " ".join(ordered)
    [doc] = tagger.annotate([Article("mixed", text)], keep_hidden=True)
    [scored] = detector.sentence_probabilities([doc])
    assert [text[s:e] for s, e, _ in scored] == ordered, "the sentencizer must split the article into the sentences we wrote"
    probs = {text[s:e]: p for s, e, p in scored}
    yes = np.asarray([probs[t] for t in CHECKWORTHY])
    no = np.asarray([probs[t] for t in NOT_CHECKWORTHY])
    threshold = detector.config.threshold
    assert np.mean(yes >= threshold) >= 0.8, [(t, round(p, 2)) for t, p in zip(CHECKWORTHY, yes, strict=True)]
    assert np.mean(no < threshold) >= 0.8, [(t, round(p, 2)) for t, p in zip(NOT_CHECKWORTHY, no, strict=True)]
    assert yes.mean() - no.mean() > 0.3


def test_find_claims_on_an_article(detector: ClaimDetector, tagger) -> None:
    text = (
        "Good evening, everyone, and welcome.\n\n"
        "The state spent $2.3 billion on prisons in 2021, the budget office said on Tuesday. "
        "I think we can do much better than this. "
        "Tuition at public universities has risen 40 percent in a decade."
    )
    [annotated] = tagger.annotate([Article("speech", text)], keep_hidden=True)
    claims = detector.find_claims(annotated)
    assert claims, "the two factual sentences with numbers should be claims"
    for claim in claims:
        assert set(claim.to_dict()) == {"start", "end", "text", "checkworthy", "attributed", "attribution"}
        assert text[claim.start : claim.end] == claim.text
        assert claim.checkworthy >= detector.config.threshold
        assert claim.checkworthy == round(claim.checkworthy, 4)
        assert (claim.attribution is not None) == claim.attributed
    starts = [c.start for c in claims]
    assert starts == sorted(starts)
    texts = [c.text for c in claims]
    assert not any(t.startswith(("Good evening", "I think")) for t in texts), texts
    prison = next((c for c in claims if c.text.startswith("The state spent")), None)
    assert prison is not None, texts
    if prison.attributed:  # the tagger found the attribution: it must be the one whose cue is "said"
        attribution = next(a for a in annotated.attributions if a.id == prison.attribution)
        cue = annotated.span_by_id().get(attribution.cue) if attribution.cue else None
        content = [annotated.span_by_id()[c] for c in attribution.content]
        assert (cue is not None and cue.text == "said") or content
    # Without the tagger's states the detector encodes the text itself: same sentences, same probabilities.
    plain = AnnotatedArticle(Article("speech", text), annotated.spans, annotated.attributions)
    again = detector.find_claims(plain)
    assert [c.text for c in again] == texts
    np.testing.assert_allclose([c.checkworthy for c in again], [c.checkworthy for c in claims], atol=2e-3)


def test_find_claims_batch_matches_single_and_handles_empty(detector: ClaimDetector, tagger) -> None:
    docs = tagger.annotate(["", "Exports to Canada rose to $48 billion in 2021.", "Thank you all so much."], keep_hidden=True)
    batch = detector.find_claims_batch(docs)
    assert batch[0] == []
    assert batch == [detector.find_claims(d) for d in docs]
    assert [c.text for c in batch[1]] == ["Exports to Canada rose to $48 billion in 2021."]
    assert batch[2] == []


def test_states_of_the_wrong_width_are_refused(detector: ClaimDetector) -> None:
    from annotator.text import words

    text = "The agency approved 27 new drugs in the first half of the year."
    doc = AnnotatedArticle(Article("w", text), features={"words": words(text), "hidden": np.ones((len(words(text)), 10), np.float16)})
    with pytest.raises(ValueError, match="the claims head expects"):
        detector.find_claims(doc)


def test_head_from_another_tagger_is_refused(detector: ClaimDetector, tagger, tmp_path: Path) -> None:
    head = detector.head
    foreign = ClaimsHead(head.states, head.lexical, head.stack, {**head.meta, "tagger_version": "other-tagger"})
    foreign.save(tmp_path)
    with pytest.raises(ValueError, match="refit"):
        ClaimDetector.from_pretrained(tmp_path, tagger=tagger)
    with pytest.raises(FileNotFoundError, match="annotator fit-claims"):
        ClaimDetector.from_pretrained(tmp_path / "empty")


def test_fit_claims_head_writes_a_loadable_head(tagger, tmp_path: Path) -> None:
    rows = [{"sentence_id": i, "label": 1, "text": t} for i, t in enumerate(CHECKWORTHY)]
    rows += [{"sentence_id": 100 + i, "label": 0, "text": t} for i, t in enumerate(NOT_CHECKWORTHY)]
    data = tmp_path / "mini.json"
    data.write_text(json.dumps(rows), encoding="utf-8")
    base = ClaimsConfig.default()
    config = base.model_copy(update={"training": base.training.model_copy(update={"dev_fraction": 0.25, "seed": 3})})
    metrics = fit_claims_head(tagger, data, config, output=tmp_path / "head", progress=False)
    assert {HEAD_NAME, METRICS_NAME, CARD_NAME} <= {p.name for p in (tmp_path / "head").iterdir()}
    assert metrics["split"] == {"dev_fraction": 0.25, "seed": 3, "train": 30, "dev": 10, "dev_positives": 5, "sentences_per_document": 20}
    assert metrics["tagger_version"] == tagger.model_version
    assert metrics["train"]["f1"] > 0.9  # 30 easy sentences are separable on these states
    written = json.loads((tmp_path / "head" / METRICS_NAME).read_text(encoding="utf-8"))
    assert written["dev"] == metrics["dev"]
    loaded = ClaimDetector.from_pretrained(tmp_path / "head", config=config, tagger=tagger)
    assert loaded.head.meta["tagger_version"] == tagger.model_version
    [doc] = tagger.annotate(["The factory employed 3,000 workers before it closed in 2015."], keep_hidden=True)
    assert len(loaded.sentence_probabilities([doc])[0]) == 1


# ------------------------------------------------------------------------------------ ClaimBuster dev F1


def test_shipped_head_dev_f1_on_claimbuster(detector: ClaimDetector, tagger, shared_dir: Path) -> None:
    path = shared_dir / "data" / "claimbuster" / "train.json"
    if not path.is_file():
        pytest.skip(f"ClaimBuster not found at {path}")
    config = detector.config
    _, dev = split_train_dev(load_claimbuster(path), config.training.dev_fraction, config.training.seed)
    features, labels, texts = claimbuster_features(tagger, dev, config)  # encoded as fit_claims_head encodes them
    probs = detector.head.predict_proba(features, texts)
    metrics = binary_metrics(labels, probs, config.threshold)
    assert metrics["f1"] >= DEV_F1_FLOOR, metrics
    recorded = json.loads((detector.directory / METRICS_NAME).read_text(encoding="utf-8"))["dev"]
    rerun = binary_metrics(labels, probs, recorded["threshold"])
    assert rerun["f1"] == pytest.approx(recorded["f1"], abs=0.01), "the head's claims_metrics.json does not match a re-run"
