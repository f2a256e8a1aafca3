"""Windowing of long articles and the merge rule, checked against one-window-at-a-time runs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from annotator.modeling.windows import collate, encode, make_windows, predict_word_log_probs, window_features
from annotator.tagger import Tagger

ROOT = Path(__file__).resolve().parent.parent

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


TRICKY = [
    PARAGRAPH,
    "café au lait, cafe\u0301 and naïve",  # precomposed and combining accents
    "tweet_id=42 and @jeff_poor",  # underscores: our words and the tokenizer's pre-tokens differ
    "€5 or $5, x², ½ and ﬁne",
    "日本語のテキスト and zero\u200bwidth, soft\u00adhyphen, \ufeffBOM",
    "Istanbul and İstanbul; emoji 😀 ok\ttab",
]


def test_whole_text_tokenizing_gives_the_same_pieces_as_word_by_word(tagger) -> None:
    """The one-call path is taken only when it cannot differ from tokenizing the words one by one."""
    from annotator.text import words

    texts = TRICKY + [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))]
    for text in texts:
        ws = words(text)
        enc = tagger.tokenizer([w.text for w in ws], is_split_into_words=True, add_special_tokens=False)
        doc = encode(text, tagger.tokenizer)
        assert doc.token_ids.tolist() == list(enc["input_ids"]), text[:40]
        assert doc.token_word.tolist() == [w if w is not None else -1 for w in enc.word_ids()], text[:40]


def test_batched_viterbi_matches_one_sequence_at_a_time_to_the_last_tie() -> None:
    from annotator.bio import BIO_TAGS, viterbi_bio
    from annotator.modeling.decoding import viterbi_batch

    rng = np.random.default_rng(0)
    tags = list(BIO_TAGS)
    for trial in range(60):
        lengths = rng.integers(0, 40, size=rng.integers(1, 8))
        if trial % 3 == 0:  # coarse values: many ties
            lps = [np.log(rng.integers(1, 4, size=(n, len(tags))) / 4).astype(np.float32) for n in lengths]
        else:
            lps = [np.log(rng.dirichlet(np.ones(len(tags)), size=n)).astype(np.float32) for n in lengths]
        transitions = rng.normal(size=(len(tags), len(tags))) if trial % 2 else None
        assert viterbi_batch(lps, transitions, tags) == [viterbi_bio(lp, transitions, tags) for lp in lps]


def test_int8_windows_side_by_side_give_the_same_bits_as_one_after_another() -> None:
    """int8 runs windows one per thread at once; each is computed alone, so nothing may change, and the thread
    count is restored afterwards."""
    tagger = Tagger.from_pretrained(ROOT / "models" / "attribution-minilm", precision="int8")
    docs = [encode(PARAGRAPH * n, tagger.tokenizer) for n in (1, 9, 14)]
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        results = {}
        for workers in (1, 2):
            hidden: list[np.ndarray] = []
            lp = predict_word_log_probs(tagger.model, tagger.tokenizer, docs, batch_size=1, hidden_out=hidden, workers=workers)
            results[workers] = (lp, hidden)
            assert torch.get_num_threads() == 2
        for a, b in zip(results[1][0] + results[1][1], results[2][0] + results[2][1], strict=True):
            assert np.array_equal(a, b)
    finally:
        torch.set_num_threads(threads)
