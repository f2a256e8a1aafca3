"""Decoding: per-word tag log-probabilities -> valid BIO tags -> character spans, with the model's own tag set.

Here, in the modeling layer, because both inference (``annotator.tagger``) and training (dev evaluation and the
transition-weight search in ``annotator.modeling.trainer``) decode the same way; neither imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from annotator.bio import bio_to_spans, viterbi_bio
from annotator.linking import Linker
from annotator.modeling.modeling import TaggerModel
from annotator.modeling.windows import EncodedDoc, encode, predict_word_log_probs
from annotator.schema import AnnotatedArticle, Span


def decode(text: str, doc: EncodedDoc, log_probs: np.ndarray, tags: Sequence[str], transitions: np.ndarray | None = None) -> list[Span]:
    """BIO-constrained Viterbi over word log-probabilities (plus optional weighted transition scores), then
    words -> character spans. Each span's score is the mean probability of its words' decoded tags. ``tags`` is
    the model's tag table (``config.tags``): the constraint is built from it, not from a global list."""
    if len(doc.words) == 0:
        return []
    path = viterbi_bio(log_probs, transitions, tags)
    probs = np.exp(log_probs[np.arange(len(path)), path])
    return bio_to_spans(text, doc.words, [tags[i] for i in path], probs.tolist())


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
    transitions = transitions_of(model)
    out = []
    for gold, enc, lp in zip(docs, encoded, log_probs, strict=True):
        spans = decode(gold.text, enc, lp, model.config.tags, transitions)
        out.append(AnnotatedArticle(gold.article, spans, linker.link(gold.text, spans)))
    return out
