"""Inference API: ``Tagger.from_pretrained(path).annotate(texts)``.

Whole articles of any length go in; valid character spans and their attributions come out. Windows of
all articles in a call are batched together (see ``annotator.modeling.windows``).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from annotator.kinds import KindConfig, KindHead, assign_kinds
from annotator.linking import Linker
from annotator.modeling.decoding import decode, decode_batch, transitions_of
from annotator.modeling.modeling import ModelLoadError, TaggerModel
from annotator.modeling.precision import apply as apply_precision
from annotator.modeling.precision import choose as choose_precision
from annotator.modeling.windows import EncodedDoc, encode, predict_word_log_probs
from annotator.resources import models_dir
from annotator.schema import AnnotatedArticle, Article

__all__ = ["ModelLoadError", "Tagger", "decode", "default_model_dir"]

DEFAULT_MODEL_DIR = models_dir() / "attribution-minilm"


def default_model_dir() -> Path:
    """``$ANNOTATOR_MODEL`` if set, else the model shipped in ``models/``."""
    return Path(os.environ.get("ANNOTATOR_MODEL", DEFAULT_MODEL_DIR))


class Tagger:
    """A trained tagger plus its linker; thread count is left to torch unless ``threads`` is given."""

    def __init__(
        self,
        model: TaggerModel,
        tokenizer,
        linker: Linker,
        directory: Path | None = None,
        kind_head: KindHead | None = None,
        kind_config: KindConfig | None = None,
    ) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.linker = linker
        self.directory = directory
        self.kind_head = kind_head
        self.kind_config = kind_config or KindConfig.from_yaml()
        self.precision = "fp32"
        self.precision_reason = "default"

    @classmethod
    def from_pretrained(cls, directory: str | Path | None = None, threads: int | None = None, precision: str = "auto") -> Tagger:
        """Load a model directory; ``precision`` is ``auto`` (the fastest this CPU runs natively that kept dev
        accuracy, ``annotator.modeling.precision``), ``fp32``, ``bf16`` or ``int8``."""
        directory = Path(directory) if directory is not None else default_model_dir()
        if not directory.is_dir():
            raise ModelLoadError(f"model directory not found: {directory}")
        if threads:
            torch.set_num_threads(threads)
        chosen, why = choose_precision(precision, directory)
        model, tokenizer = TaggerModel.from_pretrained(directory)
        tagger = cls(apply_precision(model, chosen), tokenizer, Linker.load(directory), directory, KindHead.load(directory))
        tagger.precision, tagger.precision_reason = chosen, why
        gc.collect()
        gc.freeze()  # the model, tokenizer and lexicons live for the whole run: keep the collector from rescanning them
        return tagger

    @property
    def transitions(self) -> np.ndarray | None:
        return transitions_of(self.model)

    @property
    def model_version(self) -> str:
        return self.model.config.model_version

    def word_log_probs(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
        hidden_out: list[np.ndarray] | None = None,
    ) -> tuple[list[EncodedDoc], list[np.ndarray]]:
        """Encoded words and per-word tag log-probabilities (and hidden states into ``hidden_out``).

        int8 runs one window per forward pass: dynamic quantization scales activations per batch, so batching windows
        would make an article's spans depend on which articles it was batched with (a resumed job would differ from an
        uninterrupted one). One window at a time is deterministic. Windows then run side by side, one per torch thread
        (``annotator.modeling.windows._in_order``): each is still computed alone, and faster than on all threads."""
        workers = 1
        if self.precision == "int8":
            batch_size, workers = 1, torch.get_num_threads()
        docs = [encode(t, self.tokenizer) for t in texts]
        lp = predict_word_log_probs(self.model, self.tokenizer, docs, batch_size=batch_size, progress=progress, hidden_out=hidden_out, workers=workers)
        return docs, lp

    def annotate(
        self,
        texts: Sequence[str] | Sequence[Article],
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
        keep_hidden: bool = False,
    ) -> list[AnnotatedArticle]:
        """Spans and attributions for each text (an ``Article`` keeps its id; bare strings get ``doc-<n>``).

        With ``keep_hidden`` each result's ``features`` holds ``words`` and ``hidden`` (per-word encoder states,
        float16) for second heads such as claim detection; features are never written out.
        """
        articles = [t if isinstance(t, Article) else Article(f"doc-{i + 1}", t) for i, t in enumerate(texts)]
        hidden: list[np.ndarray] = []  # per-word encoder states: the kind head reads them, second heads may keep them
        docs, log_probs = self.word_log_probs([a.text for a in articles], batch_size=batch_size, progress=progress, hidden_out=hidden)
        out: list[AnnotatedArticle] = []
        all_spans = decode_batch([a.text for a in articles], docs, log_probs, self.model.config.tags, self.transitions)
        for i, (article, doc, spans) in enumerate(zip(articles, docs, all_spans, strict=True)):
            attributions = self.linker.link(article.text, spans)
            assign_kinds(article.text, spans, attributions, [w.start for w in doc.words], hidden[i], self.kind_head, self.kind_config)
            result = AnnotatedArticle(article, spans, attributions)
            if keep_hidden:
                result.features = {"words": doc.words, "hidden": hidden[i]}
            out.append(result)
            hidden[i] = None  # free as we go
        return out
