"""Spans -> word BIO -> spans round trip, decoding repairs and the BIO-constrained Viterbi."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from annotator.bio import BIO_TAGS, TAG_TO_ID, bio_to_spans, spans_to_bio, viterbi_bio
from annotator.polnear import load_split
from annotator.schema import Span
from annotator.text import words

FIXTURES = Path(__file__).parent / "fixtures" / "polnear"


def _key(spans):
    return sorted((s.start, s.end, s.label) for s in spans)


def test_round_trip_on_fixture_articles():
    for doc in load_split(FIXTURES / "dev", all_annotators=True) + load_split(FIXTURES / "train"):
        ws = words(doc.text)
        back = bio_to_spans(doc.text, ws, spans_to_bio(ws, doc.spans))
        assert _key(back) == _key(doc.spans)


def test_adjacent_spans_of_one_label_stay_apart():
    text = "Smith Jones said"
    ws = words(text)
    spans = [Span("a", 0, 5, "SOURCE", "Smith"), Span("b", 6, 11, "SOURCE", "Jones")]
    tags = spans_to_bio(ws, spans)
    assert tags == ["B-SOURCE", "B-SOURCE", "O"]
    assert _key(bio_to_spans(text, ws, tags)) == _key(spans)


def test_orphan_inside_tag_is_repaired_into_a_span():
    text = "the mayor said it"
    ws = words(text)
    spans = bio_to_spans(text, ws, ["O", "I-SOURCE", "B-CUE", "I-CONTENT"])
    assert [(s.text, s.label) for s in spans] == [("mayor", "SOURCE"), ("said", "CUE"), ("it", "CONTENT")]


def test_viterbi_never_emits_inside_without_begin():
    rng = np.random.default_rng(0)
    for _ in range(50):
        lp = np.log(rng.dirichlet(np.ones(len(BIO_TAGS)), size=12))
        tags = [BIO_TAGS[i] for i in viterbi_bio(lp)]
        for i, tag in enumerate(tags):
            if tag.startswith("I-"):
                assert i > 0 and tags[i - 1][2:] == tag[2:], tags


def test_viterbi_prefers_the_best_valid_path_over_greedy_argmax():
    o, b, i = TAG_TO_ID["O"], TAG_TO_ID["B-CONTENT"], TAG_TO_ID["I-CONTENT"]
    lp = np.full((3, len(BIO_TAGS)), np.log(1e-4))
    lp[0, [o, b]] = np.log([0.55, 0.45])
    lp[1, [i, o]] = np.log([0.9, 0.1])
    lp[2, [i, o]] = np.log([0.9, 0.1])
    greedy = [int(np.argmax(row)) for row in lp]
    assert greedy == [o, i, i]  # invalid: I- after O
    assert viterbi_bio(lp) == [b, i, i]
