"""Character spans <-> word-level BIO tags, and BIO-constrained decoding.

One label per word (univocal, as in PolNeAR). A word belongs to a span when at least half of its
characters are inside it, so a span boundary that cuts a word still labels it sensibly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annotator.schema import LABELS, Span
from annotator.text import Word

BIO_TAGS: tuple[str, ...] = ("O",) + tuple(f"{p}-{lab}" for lab in LABELS for p in ("B", "I"))
TAG_TO_ID = {t: i for i, t in enumerate(BIO_TAGS)}


def spans_to_bio(words: Sequence[Word], spans: Sequence[Span]) -> list[str]:
    """Tag each word O/B-X/I-X; a new span always starts with B- even right after another of its label."""
    tags = ["O"] * len(words)
    owner: list[str | None] = [None] * len(words)
    starts = np.fromiter((w.start for w in words), dtype=np.int64, count=len(words))
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        lo = int(np.searchsorted(starts, span.start, side="left"))
        lo = max(lo - 1, 0)
        for i in range(lo, len(words)):
            w = words[i]
            if w.start >= span.end:
                break
            overlap = min(w.end, span.end) - max(w.start, span.start)
            if overlap <= 0 or overlap * 2 < (w.end - w.start) or owner[i] is not None:
                continue
            owner[i] = span.id
            tags[i] = ("I-" if i > 0 and owner[i - 1] == span.id else "B-") + span.label
    return tags


def bio_to_spans(
    text: str,
    words: Sequence[Word],
    tags: Sequence[str],
    scores: Sequence[float] | None = None,
    id_prefix: str = "s",
) -> list[Span]:
    """Turn word tags into character spans; an I- with no open span of its label starts a new one (repair).

    A span's score is the mean of its words' scores (the probability of the decoded tag).
    """
    spans: list[Span] = []
    current: list[int] = []
    label: str | None = None

    def close() -> None:
        if label is not None and current:
            start, end = words[current[0]].start, words[current[-1]].end
            score = float(np.mean([scores[i] for i in current])) if scores is not None else 1.0
            spans.append(Span(f"{id_prefix}{len(spans) + 1}", start, end, label, text[start:end], score))

    for i, tag in enumerate(tags):
        prefix, _, lab = tag.partition("-")
        if prefix == "B" or (prefix == "I" and lab != label):
            close()
            current, label = [i], lab
        elif prefix == "I":
            current.append(i)
        else:
            close()
            current, label = [], None
    close()
    return spans


def allowed_transitions(tags: Sequence[str] = BIO_TAGS) -> np.ndarray:
    """``allowed[i, j]``: tag j may follow tag i (I-X only after B-X or I-X)."""
    n = len(tags)
    allowed = np.ones((n, n), dtype=bool)
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            lab = tag[2:]
            for i, prev in enumerate(tags):
                allowed[i, j] = prev in (f"B-{lab}", f"I-{lab}")
    return allowed


def viterbi_bio(log_probs: np.ndarray, transitions: np.ndarray | None = None, tags: Sequence[str] = BIO_TAGS) -> list[int]:
    """Most probable tag sequence that is valid BIO, from per-word log-probabilities ``[n_words, n_tags]``.

    ``tags`` names the columns (a model's own tag table); ``transitions`` (optional, ``[n_tags, n_tags]``) adds
    learned or configured transition scores; invalid transitions are always forbidden.
    """
    n, k = log_probs.shape
    if n == 0:
        return []
    if len(tags) != k:
        raise ValueError(f"log_probs has {k} tag columns but the tag table has {len(tags)} tags")
    allowed = allowed_transitions(tags)
    trans = np.where(allowed, 0.0, -np.inf)
    if transitions is not None:
        trans = trans + transitions
    start_allowed = np.array([not t.startswith("I-") for t in tags])
    score = np.where(start_allowed, log_probs[0], -np.inf)
    back = np.zeros((n, k), dtype=np.int64)
    for i in range(1, n):
        cand = score[:, None] + trans
        back[i] = np.argmax(cand, axis=0)
        score = cand[back[i], np.arange(k)] + log_probs[i]
    path = [int(np.argmax(score))]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


def transition_log_probs(tag_sequences: Sequence[Sequence[str]], smoothing: float = 1.0) -> np.ndarray:
    """log P(next tag | tag) counted over tag sequences (add-``smoothing``); invalid pairs are left to the
    BIO constraint. Used as a light, data-driven prior in Viterbi (a CRF's transitions, without the CRF)."""
    n = len(BIO_TAGS)
    counts = np.full((n, n), smoothing, dtype=float)
    for seq in tag_sequences:
        ids = [TAG_TO_ID[t] for t in seq]
        for a, b in zip(ids, ids[1:]):
            counts[a, b] += 1
    probs = counts / counts.sum(axis=1, keepdims=True)
    return np.log(probs)
