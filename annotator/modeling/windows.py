"""Articles of any length -> overlapping subword windows aligned to word boundaries, and back.

A window never cuts a word (unless one word alone is longer than a window). At merge time each word
takes the prediction of the window in which it sits farthest from an edge, where the encoder saw the most
context on both sides.
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import torch

from annotator.modeling.modeling import TaggerModel, word_shape
from annotator.text import Word
from annotator.text import words as split_words

logging.getLogger("transformers.tokenization_utils_base").setLevel(logging.ERROR)
T = TypeVar("T")


@dataclass(slots=True)
class EncodedDoc:
    """A document's words and their subword pieces (no special tokens)."""

    words: list[Word]
    token_ids: np.ndarray  # [n_tokens]
    token_word: np.ndarray  # word index of each subword
    word_first_token: np.ndarray  # first subword of each word, -1 when the tokenizer dropped the word
    word_shapes: np.ndarray  # shape id of each word


@dataclass(slots=True)
class Window:
    doc: int
    token_start: int
    token_end: int


def encode(text: str, tokenizer, words: list[Word] | None = None) -> EncodedDoc:
    """Subword pieces of each word, so every subword knows its word (offsets stay exact).

    The whole text is tokenized in one call when the tokenizer's own pre-tokens are exactly our words (the usual
    case: a WordPiece pre-token is tokenized the same alone or in context); else word by word, as a list of
    pre-split words. One call costs less than half as much (tested to give the same pieces on every PolNeAR text)."""
    words = split_words(text) if words is None else words
    if not words:
        empty = np.zeros(0, dtype=np.int64)
        return EncodedDoc(words, empty, empty, empty, empty)
    pieces = _whole_text_pieces(text, words, tokenizer)
    if pieces is None:
        enc = tokenizer([w.text for w in words], is_split_into_words=True, add_special_tokens=False)
        pieces = np.asarray(enc["input_ids"], dtype=np.int64), np.asarray([w if w is not None else -1 for w in enc.word_ids()], dtype=np.int64)
    token_ids, token_word = pieces
    first = np.full(len(words), -1, dtype=np.int64)
    is_first = np.r_[True, token_word[1:] != token_word[:-1]] if len(token_word) else np.zeros(0, bool)
    first[token_word[is_first]] = np.nonzero(is_first)[0]
    shapes = np.asarray([word_shape(w.text) for w in words], dtype=np.int64)
    return EncodedDoc(words, token_ids, token_word, first, shapes)


def _whole_text_pieces(text: str, words: list[Word], tokenizer) -> tuple[np.ndarray, np.ndarray] | None:
    """``(token ids, word of each token)`` from one call on the whole text, or None unless the tokenizer's
    pre-tokens are exactly ``words`` (same count, same character boundaries, each with at least one piece)."""
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None or backend.truncation is not None or backend.padding is not None:
        return None
    enc = backend.encode(text, add_special_tokens=False)
    if not enc.ids:
        return None
    word_ids = enc.word_ids
    if None in word_ids:
        return None
    token_word = np.asarray(word_ids, dtype=np.int64)
    offsets = np.asarray(enc.offsets, dtype=np.int64)
    is_first = np.r_[True, token_word[1:] != token_word[:-1]]
    is_last = np.r_[token_word[1:] != token_word[:-1], True]
    n = len(words)
    if int(is_first.sum()) != n or not np.array_equal(token_word[is_first], np.arange(n)):
        return None
    starts = np.fromiter((w.start for w in words), dtype=np.int64, count=n)
    ends = np.fromiter((w.end for w in words), dtype=np.int64, count=n)
    if not (np.array_equal(offsets[is_first, 0], starts) and np.array_equal(offsets[is_last, 1], ends)):
        return None
    return np.asarray(enc.ids, dtype=np.int64), token_word


def make_windows(doc: EncodedDoc, doc_index: int, max_tokens: int, stride: int) -> list[Window]:
    """Windows of at most ``max_tokens`` subwords that overlap by about ``stride`` subwords."""
    n = len(doc.token_ids)
    if n == 0:
        return []
    word_starts = np.r_[True, doc.token_word[1:] != doc.token_word[:-1]]
    boundaries = np.nonzero(word_starts)[0]  # token indices where a word starts
    windows: list[Window] = []
    start = 0
    while True:
        end = min(start + max_tokens, n)
        if end < n:
            cut = boundaries[(boundaries > start) & (boundaries <= end)]
            if len(cut):
                end = int(cut[-1])
        windows.append(Window(doc_index, start, end))
        if end >= n:
            break
        nxt = boundaries[(boundaries > start) & (boundaries <= max(end - stride, start + 1))]
        start = int(nxt[-1]) if len(nxt) else end
    return windows


def window_features(doc: EncodedDoc, window: Window, tokenizer) -> tuple[list[int], list[int]]:
    """input_ids with special tokens, and the shape id of each position (0 for specials)."""
    ids = doc.token_ids[window.token_start : window.token_end].tolist()
    words_of = doc.token_word[window.token_start : window.token_end]
    shapes = [int(doc.word_shapes[w]) if w >= 0 else 0 for w in words_of]
    return [tokenizer.cls_token_id, *ids, tokenizer.sep_token_id], [0, *shapes, 0]


def collate(features: Sequence[tuple[list[int], list[int]]], pad_id: int, labels: Sequence[list[int]] | None = None):
    """Pad a batch of windows to its longest member."""
    width = max(len(f[0]) for f in features)
    input_ids = torch.full((len(features), width), pad_id, dtype=torch.long)
    shape_ids = torch.zeros((len(features), width), dtype=torch.long)
    mask = torch.zeros((len(features), width), dtype=torch.long)
    label_tensor = torch.full((len(features), width), -100, dtype=torch.long) if labels is not None else None
    for i, (ids, shapes) in enumerate(features):
        input_ids[i, : len(ids)] = torch.tensor(ids)
        shape_ids[i, : len(ids)] = torch.tensor(shapes)
        mask[i, : len(ids)] = 1
        if label_tensor is not None:
            label_tensor[i, : len(labels[i])] = torch.tensor(labels[i])
    return input_ids, mask, shape_ids, label_tensor


def _batches(items: list[int], sizes: list[int], max_batch_tokens: int, max_batch: int) -> Iterator[list[int]]:
    """Group window indices (sorted by length) so padding is small and batches fit a token budget."""
    order = sorted(items, key=lambda i: sizes[i])
    batch: list[int] = []
    for i in order:
        if batch and (len(batch) >= max_batch or (len(batch) + 1) * sizes[i] > max_batch_tokens):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


def _in_order(run: Callable[[list[int]], T], batches: list[list[int]], workers: int) -> Iterator[T]:
    """``run(batch)`` for each batch, yielded in order; with ``workers`` > 1, that many batches run at once on one
    torch thread each (the thread count is restored afterwards).

    Why: with int8 (one window per pass) two windows on one thread each ran 24% faster than one window on two
    threads (fbgemm's and the attention's small parallel regions wait on each other; on a busy machine the waits
    cost several times more), and each window is computed alone by the same kernels, so every output is
    bit-for-bit the same (tested)."""
    workers = min(workers, len(batches))
    if workers <= 1:
        yield from map(run, batches)
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with ThreadPoolExecutor(workers) as pool:
            todo = iter(batches)
            pending = deque(pool.submit(run, b) for b in itertools.islice(todo, 2 * workers))  # a bounded lookahead
            while pending:
                result = pending.popleft().result()
                nxt = next(todo, None)
                if nxt is not None:
                    pending.append(pool.submit(run, nxt))
                yield result
    finally:
        torch.set_num_threads(threads)


def predict_word_log_probs(
    model: TaggerModel,
    tokenizer,
    docs: Sequence[EncodedDoc],
    batch_size: int = 32,
    max_batch_tokens: int = 8192,
    progress=None,
    hidden_out: list[np.ndarray] | None = None,
    workers: int = 1,
) -> list[np.ndarray]:
    """Per-word tag log-probabilities ``[n_words, n_tags]`` for each document.

    Windows from all documents are pooled and sorted by length before batching, so a batch of many short
    articles costs the same as one long one. A word takes the prediction of the window where its distance
    to the nearest window edge (in subwords) is largest (ties: the earlier window). Words the tokenizer dropped (zero-width
    characters) get a certain "O". With ``workers`` > 1, that many batches run at once, each on one thread
    (:func:`_in_order`).
    """
    cfg = model.config
    windows: list[Window] = []
    for d, doc in enumerate(docs):
        windows.extend(make_windows(doc, d, cfg.max_length - 2, cfg.stride))
    out = [np.zeros((len(doc.words), cfg.num_tags), dtype=np.float32) for doc in docs]
    best_margin = [np.full(len(doc.words), -1, dtype=np.int64) for doc in docs]
    sizes = [w.token_end - w.token_start + 2 for w in windows]
    want_hidden = hidden_out is not None
    if want_hidden:
        width = model.encoder.config.hidden_size
        hidden_out.extend(np.zeros((len(doc.words), width), dtype=np.float16) for doc in docs)
    batches = list(_batches(list(range(len(windows))), sizes, max_batch_tokens, batch_size))

    def run(batch: list[int]) -> tuple[np.ndarray, np.ndarray | None]:
        with torch.inference_mode():  # per thread: inference mode is thread-local
            feats = [window_features(docs[windows[i].doc], windows[i], tokenizer) for i in batch]
            input_ids, mask, shape_ids, _ = collate(feats, tokenizer.pad_token_id)
            logits, hidden = model.forward_with_hidden(input_ids, mask, shape_ids)
            return torch.log_softmax(logits.float(), dim=-1).numpy(), hidden.to(torch.float16).numpy() if want_hidden else None

    for batch, (log_probs, hidden_np) in zip(batches, _in_order(run, batches, workers), strict=True):
        for row, i in enumerate(batch):
            win = windows[i]
            doc = docs[win.doc]
            first = doc.word_first_token
            in_win = np.nonzero((first >= win.token_start) & (first < win.token_end))[0]
            pos = first[in_win] - win.token_start
            margin = np.minimum(pos, (win.token_end - win.token_start - 1) - pos)
            # A window starting at the document's start (or ending at its end) has no edge there.
            if win.token_start == 0:
                margin = np.maximum(margin, (win.token_end - win.token_start - 1) - pos)
            if win.token_end == len(doc.token_ids):
                margin = np.maximum(margin, pos)
            # Ties go to the earlier window, whatever order the batches ran in.
            key = margin * (len(doc.token_ids) + 1) + (len(doc.token_ids) - win.token_start)
            better = key > best_margin[win.doc][in_win]
            words_better = in_win[better]
            best_margin[win.doc][words_better] = key[better]
            out[win.doc][words_better] = log_probs[row, pos[better] + 1]
            if want_hidden:
                hidden_out[win.doc][words_better] = hidden_np[row, pos[better] + 1]
        if progress is not None:
            progress(len(batch))
    o_index = cfg.tags.index("O")
    for d in range(len(docs)):
        dropped = best_margin[d] < 0
        if dropped.any():
            out[d][dropped] = np.log(1e-6)
            out[d][dropped, o_index] = 0.0
    return out
