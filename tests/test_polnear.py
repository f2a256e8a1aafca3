"""PolNeAR brat reader on fixtures we wrote (every quirk) and, when present, on the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.polnear import iter_split, load_split, parse_ann

FIXTURES = Path(__file__).parent / "fixtures" / "polnear"


def _by_text(doc):
    return {(s.label, s.text): s for s in doc.spans}


def test_multiline_span_text_notes_and_extra_labels_are_parsed():
    ann = (FIXTURES / "dev" / "attributions" / "harbor-vote_b7.ann").read_text(encoding="utf-8")
    spans, events, notes = parse_ann(ann)
    assert spans["T9"].fragments == [(196, 237)]  # its text runs over two lines of the .ann file
    assert spans["T17"].fragments == [(351, 363), (385, 411)]
    assert spans["T21"].label == "Discuss"
    assert notes == ["Quote spans a line break; keep it as one span."]
    assert len(events) == 5 and events[0].trigger == "T4"
    assert ("Content", "T3") in events[0].roles


def test_first_annotator_is_chosen_for_evaluation_and_all_for_training():
    eval_docs = list(iter_split(FIXTURES / "dev"))
    train_docs = list(iter_split(FIXTURES / "dev", all_annotators=True))
    assert [d.annotator for d in eval_docs] == ["b7"]
    assert sorted(d.annotator for d in train_docs) == ["b7", "c3"]


def test_discontinuous_content_split_by_source_and_cue_is_two_spans_in_one_attribution():
    doc = load_split(FIXTURES / "dev")[0]
    spans = _by_text(doc)
    first, second = spans[("CONTENT", "It is a mess")], spans[("CONTENT", "and nobody wants to own it")]
    owner = [a for a in doc.attributions if first.id in a.content]
    assert len(owner) == 1 and owner[0].content == [first.id, second.id]
    assert doc.span_by_id()[owner[0].source].text == "one of them"
    assert doc.span_by_id()[owner[0].cue].text == "said"


def test_whitespace_gap_fragments_merge_and_multiline_span_keeps_its_offsets():
    docs = {d.article.meta["annotator"]: d for d in load_split(FIXTURES / "dev", all_annotators=True)}
    for annotator in ("b7", "c3"):
        quote = [s for s in docs[annotator].spans if s.text.startswith("The numbers changed")]
        assert len(quote) == 1, annotator
        assert quote[0].text == "The numbers changed,\nand so did the risks"


def test_roles_content2_and_attribution_without_source():
    doc = [d for d in load_split(FIXTURES / "dev", all_annotators=True) if d.article.meta["annotator"] == "c3"][0]
    by_id = doc.span_by_id()
    no_source = [a for a in doc.attributions if a.source is None]
    assert len(no_source) == 1
    assert [by_id[c].text for c in no_source[0].content] == ["It is a mess", "and nobody wants to own it"]
    assert "Discuss" not in {s.label for s in doc.spans}


def test_offsets_match_text_exactly():
    for doc in load_split(FIXTURES / "dev", all_annotators=True):
        for span in doc.spans:
            assert doc.text[span.start : span.end] == span.text


def test_missing_split_gives_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a PolNeAR split"):
        load_split(tmp_path)


def test_real_corpus_reads_with_exact_offsets_and_linked_roles(polnear_dir):
    docs = load_split(polnear_dir / "dev")
    assert len(docs) == 84
    n_attr = sum(len(d.attributions) for d in docs)
    assert n_attr > 2000
    for doc in docs:
        ids = {s.id for s in doc.spans}
        for span in doc.spans:
            assert doc.text[span.start : span.end] == span.text and span.text == span.text.strip()
        for a in doc.attributions:
            assert {a.source, a.cue, *a.content} - {None} <= ids
