"""Windowing of long articles and the merge rule, checked against one-window-at-a-time runs."""

from __future__ import annotations

import numpy as np
import torch

from annotator.modeling.windows import collate, encode, make_windows, predict_word_log_probs, window_features
from annotator.tagger import Tagger

PARAGRAPH = (
    "The port authority said on Thursday that cargo volumes fell by a fifth in the third quarter. "
    '"We expect a slow winter," its chief executive, Mara Lindqvist, told a news conference. '
    "Two shipping executives, who asked not to be named, said several carriers planned to skip the port.\n\n"
)


def test_windows_cover_every_word_without_cutting_words():
    from transformers import AutoTokenizer

    from annotator.modeling.configuration import resolve_base_model

    tokenizer = AutoTokenizer.from_pretrained(resolve_base_model("all-MiniLM-L6-v2"))
    doc = encode(PARAGRAPH * 12, tokenizer)
    windows = make_windows(doc, 0, 62, 16)
    assert len(windows) > 5
    word_start = np.r_[True, doc.token_word[1:] != doc.token_word[:-1]]
    covered = np.zeros(len(doc.token_ids), bool)
    for prev, win in zip([None, *windows], windows):
        assert win.token_end - win.token_start <= 62
        assert word_start[win.token_start]
        assert win.token_end == len(doc.token_ids) or word_start[win.token_end]
        if prev is not None:
            assert 0 < prev.token_end - win.token_start <= 16 + 10  # overlaps by about the stride
        covered[win.token_start : win.token_end] = True
    assert covered.all()


def test_merge_takes_each_word_from_the_window_where_it_is_farthest_from_an_edge(tiny_model_dir):
    tagger = Tagger.from_pretrained(tiny_model_dir)  # max_length 64, stride 16: many windows
    model, tokenizer = tagger.model, tagger.tokenizer
    long_doc = encode(PARAGRAPH * 8, tokenizer)
    short_doc = encode("Officials said the talks failed.", tokenizer)
    # Batched across two articles of very different lengths (padding must not change anything).
    merged = predict_word_log_probs(model, tokenizer, [long_doc, short_doc], batch_size=5)

    cfg = model.config
    windows = make_windows(long_doc, 0, cfg.max_length - 2, cfg.stride)
    assert len(windows) > 8
    expected = np.zeros_like(merged[0])
    best = np.full(len(long_doc.words), -1)
    n_tokens = len(long_doc.token_ids)
    with torch.inference_mode():
        for win in windows:
            input_ids, mask, shape_ids, _ = collate([window_features(long_doc, win, tokenizer)], tokenizer.pad_token_id)
            lp = torch.log_softmax(model(input_ids, mask, shape_ids), -1)[0].numpy()
            length = win.token_end - win.token_start
            for w, first in enumerate(long_doc.word_first_token):
                if not win.token_start <= first < win.token_end:
                    continue
                pos = first - win.token_start
                left = pos if win.token_start > 0 else 10**6
                right = length - 1 - pos if win.token_end < n_tokens else 10**6
                margin = min(left, right)
                if margin > best[w]:  # strict: ties keep the earlier window
                    best[w], expected[w] = margin, lp[pos + 1]
    np.testing.assert_allclose(merged[0], expected, atol=2e-4)
    assert merged[1].shape[0] == len(short_doc.words)


def test_long_article_spans_are_valid_and_repeat_with_the_paragraphs(tiny_model_dir):
    tagger = Tagger.from_pretrained(tiny_model_dir)
    text = PARAGRAPH * 8
    result = tagger.annotate([text])[0]
    for span in result.spans:
        assert text[span.start : span.end] == span.text
        assert "\n\n" not in span.text or span.label == "CONTENT"
    ends = sorted((s.start, s.end) for s in result.spans)
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))  # univocal: no overlaps
