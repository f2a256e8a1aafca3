"""Decoding: per-word tag log-probabilities -> valid BIO tags -> character spans, with the model's own tag set.

Here, in the modeling layer, because both inference (``annotator.tagger``) and training (dev evaluation and the
transition-weight search in ``annotator.modeling.trainer``) decode the same way; neither imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annotator.bio import BIO_TAGS, allowed_transitions, bio_to_spans
from annotator.linking import Linker
from annotator.modeling.modeling import TaggerModel
from annotator.modeling.windows import EncodedDoc, encode, predict_word_log_probs
from annotator.schema import AnnotatedArticle, Span


def decode(text: str, doc: EncodedDoc, log_probs: np.ndarray, tags: Sequence[str], transitions: np.ndarray | None = None) -> list[Span]:
    """BIO-constrained Viterbi over word log-probabilities (plus optional weighted transition scores), then
    words -> character spans. Each span's score is the mean probability of its words' decoded tags. ``tags`` is
    the model's tag table (``config.tags``): the constraint is built from it, not from a global list."""
    return decode_batch([text], [doc], [log_probs], tags, transitions)[0]


def decode_batch(
    texts: Sequence[str], docs: Sequence[EncodedDoc], log_probs: Sequence[np.ndarray], tags: Sequence[str], transitions: np.ndarray | None = None
) -> list[list[Span]]:
    """:func:`decode` for several documents at once: one Viterbi pass over all of them (:func:`viterbi_batch`)."""
    paths = viterbi_batch(log_probs, transitions, tags)
    out: list[list[Span]] = []
    for text, doc, lp, path in zip(texts, docs, log_probs, paths, strict=True):
        if len(doc.words) == 0:
            out.append([])
            continue
        probs = np.exp(lp[np.arange(len(path)), path])
        out.append(bio_to_spans(text, doc.words, [tags[i] for i in path], probs.tolist()))
    return out


def viterbi_batch(log_probs: Sequence[np.ndarray], transitions: np.ndarray | None = None, tags: Sequence[str] = BIO_TAGS) -> list[list[int]]:
    """``annotator.bio.viterbi_bio`` for many sequences in one pass, with the same result to the last tie.

    Why: Viterbi steps through words one at a time, and at 7 tags each step is a few tiny numpy calls, so one
    article cost ~14 microseconds a word. Here step ``t`` runs for every sequence still that long at once (sorted
    by length, those are a suffix), so a chunk of articles costs as many steps as its longest article. Every
    sequence goes through the same float operations in the same order as ``viterbi_bio`` (first score in the
    log-probabilities' dtype, then float64), and ties go to the lowest tag index as there."""
    n_seq = len(log_probs)
    paths: list[list[int]] = [[] for _ in range(n_seq)]
    lengths = [len(lp) for lp in log_probs]
    live = [i for i in range(n_seq) if lengths[i] > 0]
    if not live:
        return paths
    k = log_probs[live[0]].shape[1]
    for i in live:
        if log_probs[i].shape[1] != len(tags):
            raise ValueError(f"log_probs has {log_probs[i].shape[1]} tag columns but the tag table has {len(tags)} tags")
    trans = np.where(allowed_transitions(tags), 0.0, -np.inf)
    if transitions is not None:
        trans = trans + transitions
    start_allowed = np.array([not t.startswith("I-") for t in tags])
    order = sorted(live, key=lambda i: lengths[i])  # ascending: at step t the sequences still running are a suffix
    sizes = np.array([lengths[i] for i in order])
    flat = np.concatenate([log_probs[i] for i in order])
    offsets = np.r_[0, np.cumsum(sizes)[:-1]]
    steps = int(sizes[-1])
    first = np.searchsorted(sizes, np.arange(steps), side="right")  # first[t]: index into order of the first sequence longer than t
    score = np.where(start_allowed, flat[offsets], -np.inf)
    trans_t = np.ascontiguousarray(trans.T)  # [next tag, prev tag]: reductions run along the contiguous axis
    cell = np.arange(len(order) * k) * k  # start of each (sequence, next tag) row of ``cand``, flattened
    final: list[np.ndarray | None] = [None] * len(order)
    back: list[np.ndarray] = [np.zeros((0, k), dtype=np.int64)]
    for t in range(steps):
        lo = int(first[t])
        if t > 0:
            cand = score[:, None, :] + trans_t  # [sequence still running, next tag, prev tag]
            best = cand.argmax(axis=2)
            back.append(best)
            score = cand.reshape(-1)[cell[: best.size] + best.reshape(-1)].reshape(best.shape) + flat[offsets[lo:] + t]
        ending = int(first[t + 1]) if t + 1 < steps else len(order)
        for r in range(lo, ending):  # sequences whose last word is t
            final[r] = score[r - lo]
        if t + 1 < steps:
            score = score[ending - lo :]
    cur = np.zeros(len(order), dtype=np.int64)
    flat_path = np.zeros(len(flat), dtype=np.int64)
    for t in range(steps - 1, -1, -1):
        lo = int(first[t])
        ending = int(first[t + 1]) if t + 1 < steps else len(order)
        for r in range(lo, ending):
            cur[r] = int(np.argmax(final[r]))
        flat_path[offsets[lo:] + t] = cur[lo:]
        if t > 0:
            cur[lo:] = back[t][np.arange(len(order) - lo), cur[lo:]]
    for r, i in enumerate(order):
        paths[i] = flat_path[offsets[r] : offsets[r] + sizes[r]].tolist()
    return paths


def transitions_of(model: TaggerModel) -> np.ndarray | None:
    """The weighted transition prior the model was saved with (None when the weight is 0 or none was fitted)."""
    cfg = model.config
    if not cfg.transition_weight or cfg.transition_scores is None:
        return None
    return cfg.transition_weight * np.asarray(cfg.transition_scores, dtype=float)


def predict_docs(model: TaggerModel, tokenizer, linker: Linker, docs: Sequence[AnnotatedArticle]) -> list[AnnotatedArticle]:
    """Spans and links for gold articles' texts, as the tagger would give them (dev evaluation in training)."""
    encoded = [encode(d.text, tokenizer) for d in docs]
    log_probs = predict_word_log_probs(model, tokenizer, encoded)
    all_spans = decode_batch([d.text for d in docs], encoded, log_probs, model.config.tags, transitions_of(model))
    out = []
    for gold, spans in zip(docs, all_spans, strict=True):
        out.append(AnnotatedArticle(gold.article, spans, linker.link(gold.text, spans)))
    return out
