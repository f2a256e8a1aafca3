"""Check-worthy claims: which sentences state a checkable fact, and whether an attribution carries them.

A *claim* is a sentence whose check-worthiness probability reaches ``threshold`` in ``configs/claims.yaml``.
The probability comes from a second head on the tagger's encoder: the tagger already computes a hidden
state for every word of the article, so the mean of a sentence's word states goes through a standardised
logistic regression, stacked with a TF-IDF word n-gram logistic regression, both trained on ClaimBuster
(label 1 = check-worthy factual claim). At inference this adds about 1-2% to the cost of tagging instead of
a second encoder pass (docs/claims.md has the comparison). Because the head reads the tagger's own states it
is tied to the tagger's weights: it lives in the tagger's model directory and is refitted with
``fit_claims_head`` whenever the tagger is retrained.

A claim is *attributed* (``attribution_for_sentences``) to an attribution when, within the claim's sentence,

1. the attribution's CONTENT spans cover at least ``min_content_coverage`` of the sentence's characters
   (this is how each sentence of a multi-sentence quote is attributed), or
2. the attribution's CUE span overlaps the sentence ("..., the ministry said."), or
3. the attribution's SOURCE span overlaps the sentence.

Rule 1 wins over 2, and 2 over 3; among several attributions under the same rule the one with the most
content characters in the sentence wins, then the earliest. Nothing outside the sentence counts: a claim
next to a quoted paragraph is not attributed by proximity alone, because the reader cannot tell that it is.
"""

from __future__ import annotations

import bisect
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import numpy as np
from pydantic import Field

from annotator.config import ConfigError, IntRange, Positive, StrictModel, Text, Unit, load_model, validate
from annotator.resources import config_file
from annotator.schema import AnnotatedArticle, Claim
from annotator.text import Word

if TYPE_CHECKING:
    from annotator.tagger import Tagger

ROOT = Path(__file__).resolve().parent.parent  # a checkout's root: relative data paths in claims.yaml
CONFIG_PATH = config_file("claims.yaml")
HEAD_NAME = "claims_head.safetensors"
METRICS_NAME = "claims_metrics.json"
CARD_NAME = "claims_card.md"


# ----------------------------------------------------------------------------------------------- config


ClaimsConfigError = ConfigError  # the project's one config error (kept as a name for callers)


class AttributionRule(StrictModel):
    """When a claim sentence counts as attributed (see the module docstring)."""

    min_content_coverage: Annotated[float, Field(gt=0.0, le=1.0)]  # share of the sentence inside the CONTENT
    cue_in_sentence: bool  # the attribution's CUE overlaps the sentence
    source_in_sentence: bool  # the attribution's SOURCE overlaps the sentence


class HeadConfig(StrictModel):
    """The claims head: pooled word states -> standardise -> logistic regression."""

    pooling: Literal["mean", "mean_max"]
    C: Positive  # inverse L2 strength of the logistic regression
    class_weight: Literal["none", "balanced"]
    max_iter: IntRange(10)
    lexical: bool  # add a TF-IDF word n-gram model, stacked with the states model
    lexical_C: Positive
    lexical_ngrams: IntRange(1, 3)
    lexical_min_df: IntRange(1)
    cv_folds: IntRange(2, 20)  # out-of-fold scores that fit the stacker


class TrainingConfig(StrictModel):
    """Where the training sentences come from and how the dev split is drawn."""

    claimbuster: Text
    dev_fraction: Annotated[float, Field(gt=0.0, lt=0.5)]
    seed: int
    sentences_per_document: IntRange(1, 200)  # training sentences are encoded inside pseudo-articles of this many
    batch_size: IntRange(1)


class ClaimsConfig(StrictModel):
    """The validated ``configs/claims.yaml`` (every key required: the defaults live in the YAML)."""

    threshold: Unit
    head: HeadConfig
    attribution: AttributionRule
    training: TrainingConfig

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> ClaimsConfig:
        """Load and validate (``configs/claims.yaml`` by default)."""
        return load_model(Path(path) if path is not None else CONFIG_PATH, cls, "claims")

    @classmethod
    def from_dict(cls, data: Any, source: str = "claims config") -> ClaimsConfig:
        return validate(data, cls, source)

    @classmethod
    def default(cls) -> ClaimsConfig:
        return _default_config()

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump()


@lru_cache(maxsize=1)
def _default_config() -> ClaimsConfig:
    return ClaimsConfig.from_yaml()


# -------------------------------------------------------------------------------------- attributed rule


def _overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def attribution_for_sentences(doc: AnnotatedArticle, ranges: Sequence[tuple[int, int]], rule: AttributionRule | None = None) -> list[str | None]:
    """The id of the attribution that carries each character range (a claim sentence), or None.

    Pure: reads ``doc.spans`` and ``doc.attributions`` only, so it works on gold and predicted articles alike.
    Spans never overlap, so the spans touching a range are one run of the spans sorted by start, found by
    bisection: the cost is linear in the article, not claims x attributions.
    """
    rule = rule or ClaimsConfig.default().attribution
    by_id = doc.span_by_id()
    roles: dict[str, list[tuple[int, str]]] = {}  # span id -> (attribution index, role)
    for index, attribution in enumerate(doc.attributions):
        for sid in attribution.content:
            roles.setdefault(sid, []).append((index, "content"))
        if attribution.cue:
            roles.setdefault(attribution.cue, []).append((index, "cue"))
        if attribution.source:
            roles.setdefault(attribution.source, []).append((index, "source"))
    involved = sorted((by_id[sid] for sid in roles if sid in by_id), key=lambda sp: sp.start)
    ends = [sp.end for sp in involved]
    out: list[str | None] = []
    for start, end in ranges:
        length = max(1, end - start)
        content_chars: dict[int, int] = {}
        touched: dict[int, set[str]] = {}
        i = bisect.bisect_right(ends, start)
        while i < len(involved) and involved[i].start < end:
            span = involved[i]
            overlap = _overlap(start, end, span.start, span.end)
            if overlap > 0:
                for index, role in roles[span.id]:
                    touched.setdefault(index, set()).add(role)
                    if role == "content":
                        content_chars[index] = content_chars.get(index, 0) + overlap
            i += 1
        candidates = range(len(doc.attributions)) if rule.min_content_coverage <= 0 else sorted(touched)
        best: tuple[int, int, int] | None = None  # (rule rank, content chars, -index), larger is better
        best_id: str | None = None
        for index in candidates:
            chars = content_chars.get(index, 0)
            hit = touched.get(index, set())
            if chars / length >= rule.min_content_coverage:
                rank = 3
            elif rule.cue_in_sentence and "cue" in hit:
                rank = 2
            elif rule.source_in_sentence and "source" in hit:
                rank = 1
            else:
                continue
            key = (rank, chars, -index)
            if best is None or key > best:
                best, best_id = key, doc.attributions[index].id
        out.append(best_id)
    return out


def mark_attributed(doc: AnnotatedArticle, claims: Sequence[Mapping[str, Any]], rule: AttributionRule | None = None) -> list[dict[str, Any]]:
    """Copies of ``claims`` (dicts with ``start``/``end``) with ``attributed`` and ``attribution`` set."""
    ids = attribution_for_sentences(doc, [(int(c["start"]), int(c["end"])) for c in claims], rule)
    return [{**dict(c), "attributed": aid is not None, "attribution": aid} for c, aid in zip(claims, ids, strict=True)]


# ------------------------------------------------------------------------------------ features and head


def pool_word_states(words: Sequence[Word], hidden: np.ndarray, ranges: Sequence[tuple[int, int]], pooling: str = "mean") -> np.ndarray:
    """One vector per character range from the states of the words that start inside it.

    Rows of zeros are words the tokenizer dropped (zero-width characters): they are skipped. A range with
    no word gets a zero vector (the head then answers with its prior).
    """
    width = hidden.shape[1] if hidden.ndim == 2 else 0
    dim = width * (2 if pooling == "mean_max" else 1)
    out = np.zeros((len(ranges), dim), dtype=np.float32)
    if not len(words) or not len(ranges):
        return out
    starts = np.fromiter((w.start for w in words), dtype=np.int64, count=len(words))
    for i, (start, end) in enumerate(ranges):
        lo, hi = np.searchsorted(starts, start, "left"), np.searchsorted(starts, end, "left")
        states = hidden[lo:hi].astype(np.float32)
        states = states[np.any(states != 0, axis=1)]
        if not len(states):
            continue
        out[i, :width] = states.mean(axis=0)
        if pooling == "mean_max":
            out[i, width:] = states.max(axis=0)
    return out


def tagger_sentence_features(
    tagger: Tagger,
    texts: Sequence[str],
    pooling: str = "mean",
    sentences_per_document: int = 1,
    batch_size: int = 64,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """One pooled vector of the tagger's encoder states per text.

    With ``sentences_per_document`` > 1, consecutive texts (pass them in reading order) are joined into
    pseudo-articles and encoded with the tagger's windows, as article sentences are at inference. This
    matters: a head fitted on sentences encoded alone loses about 0.18 F1 on sentences encoded in context
    (docs/claims.md), because a word's state depends on its neighbours.
    """
    k = max(1, sentences_per_document)
    doc_texts: list[str] = []
    doc_ranges: list[list[tuple[int, int]]] = []
    for i in range(0, len(texts), k):
        parts, ranges, offset = [], [], 0
        for text in texts[i : i + k]:
            ranges.append((offset, offset + len(text)))
            parts.append(text)
            offset += len(text) + 1
        doc_texts.append(" ".join(parts))
        doc_ranges.append(ranges)
    hidden: list[np.ndarray] = []
    docs, _ = tagger.word_log_probs(doc_texts, batch_size=batch_size, progress=progress, hidden_out=hidden)
    rows = [pool_word_states(doc.words, h, r, pooling) for doc, h, r in zip(docs, hidden, doc_ranges, strict=True)]
    width = tagger.model.encoder.config.hidden_size * (2 if pooling == "mean_max" else 1)
    return np.concatenate(rows, axis=0) if rows else np.zeros((0, width), dtype=np.float32)


def reading_order(items: Sequence[LabelledSentence]) -> list[LabelledSentence]:
    """ClaimBuster sentence ids follow the debate transcripts: sorting by id restores neighbouring sentences."""
    return sorted(items, key=lambda s: (0, int(s.sentence_id), "") if s.sentence_id.isdigit() else (1, 0, s.sentence_id))


def claimbuster_features(
    tagger: Tagger, items: Sequence[LabelledSentence], config: ClaimsConfig, progress: Callable[[int], None] | None = None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Features, labels and texts of ``items`` (one split), encoded in reading order inside pseudo-articles."""
    ordered = reading_order(items)
    texts = [s.text for s in ordered]
    features = tagger_sentence_features(tagger, texts, config.head.pooling, config.training.sentences_per_document, config.training.batch_size, progress)
    return features, np.asarray([s.label for s in ordered]), texts


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))


@dataclass
class StatesModel:
    """Standardised pooled encoder states -> logistic regression (the decision value, before the sigmoid)."""

    mean: np.ndarray
    scale: np.ndarray
    weight: np.ndarray
    bias: float

    def decision(self, features: np.ndarray) -> np.ndarray:
        return ((features.astype(np.float64) - self.mean) / self.scale) @ self.weight + self.bias


@dataclass
class LexicalModel:
    """TF-IDF word n-grams -> logistic regression: numbers, "percent", "million", "I think" are strong cues
    that the encoder's mean-pooled states blur; it costs about as much as the states head (docs/claims.md)."""

    vocabulary: list[str]
    idf: np.ndarray
    weight: np.ndarray
    bias: float
    ngram_max: int = 2
    _vectorizer: Any = field(default=None, repr=False, compare=False)

    def vectorizer(self):
        if self._vectorizer is None:
            from sklearn.feature_extraction.text import TfidfVectorizer

            vec = TfidfVectorizer(ngram_range=(1, self.ngram_max), sublinear_tf=True, vocabulary={t: i for i, t in enumerate(self.vocabulary)})
            vec.idf_ = self.idf
            self._vectorizer = vec
        return self._vectorizer

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros(0, dtype=np.float64)
        return np.asarray(self.vectorizer().transform(list(texts)) @ self.weight, dtype=np.float64).ravel() + self.bias


@dataclass
class ClaimsHead:
    """P(check-worthy) = sigmoid(a * states decision + b * lexical decision + c), stacked on out-of-fold scores.

    Stored as safetensors (arrays) with JSON metadata (vocabulary, settings): no pickles.
    """

    states: StatesModel
    lexical: LexicalModel | None = None
    stack: np.ndarray = field(default_factory=lambda: np.asarray([1.0, 0.0, 0.0]))
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def pooling(self) -> str:
        return str(self.meta.get("pooling", "mean"))

    @property
    def width(self) -> int:
        return int(self.states.mean.shape[0])

    def predict_proba(self, features: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """P(check-worthy) per row of pooled states (``texts``: the same sentences, needed by the lexical part)."""
        if features.shape[0] == 0:
            return np.zeros(0, dtype=np.float64)
        z = self.stack[0] * self.states.decision(features) + self.stack[2]
        if self.lexical is not None:
            if texts is None or len(texts) != features.shape[0]:
                raise ValueError("this claims head has a lexical part: pass the sentence texts with the features")
            z = z + self.stack[1] * self.lexical.decision(texts)
        return _sigmoid(z)

    def save(self, directory: Path) -> Path:
        from safetensors.numpy import save_file

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        tensors = {
            "states.mean": self.states.mean.astype(np.float32),
            "states.scale": self.states.scale.astype(np.float32),
            "states.weight": self.states.weight.astype(np.float32),
            "states.bias": np.asarray([self.states.bias], dtype=np.float32),
            "stack": np.asarray(self.stack, dtype=np.float32),
        }
        metadata = {"meta": json.dumps(self.meta, sort_keys=True)}
        if self.lexical is not None:
            tensors["lexical.idf"] = self.lexical.idf.astype(np.float32)
            tensors["lexical.weight"] = self.lexical.weight.astype(np.float32)
            tensors["lexical.bias"] = np.asarray([self.lexical.bias], dtype=np.float32)
            metadata["lexical"] = json.dumps({"vocabulary": self.lexical.vocabulary, "ngram_max": self.lexical.ngram_max})
        path = directory / HEAD_NAME
        save_file(tensors, str(path), metadata=metadata)
        return path

    @classmethod
    def load(cls, directory: Path) -> ClaimsHead:
        from safetensors import safe_open

        path = Path(directory) / HEAD_NAME
        if not path.is_file():
            raise FileNotFoundError(f"no claims head in {directory} ({HEAD_NAME} missing); fit one with: annotator fit-claims --model {directory}")
        from annotator.modeling.modeling import ModelLoadError

        try:
            with safe_open(str(path), framework="numpy") as f:
                metadata = f.metadata() or {}
                t = {k: f.get_tensor(k).astype(np.float64) for k in f.keys()}  # noqa: SIM118 (safe_open is not a dict)
            states = StatesModel(t["states.mean"], t["states.scale"], t["states.weight"], float(t["states.bias"][0]))
            lexical = None
            if "lexical" in metadata:
                lex = json.loads(metadata["lexical"])
                lexical = LexicalModel(lex["vocabulary"], t["lexical.idf"], t["lexical.weight"], float(t["lexical.bias"][0]), int(lex["ngram_max"]))
            return cls(states, lexical, t["stack"], json.loads(metadata.get("meta", "{}")))
        except Exception as exc:  # noqa: BLE001 - a damaged head file, whatever the exception type
            raise ModelLoadError(f"{path}: not a usable claims head ({type(exc).__name__}: {exc}); it may be truncated") from None


def _logistic(config: HeadConfig, C: float):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight=None if config.class_weight == "none" else "balanced", max_iter=config.max_iter)


def fit_states_model(features: np.ndarray, labels: np.ndarray, config: HeadConfig) -> StatesModel:
    """Standardise the pooled states and fit an L2 logistic regression (lbfgs, deterministic)."""
    mean = features.mean(axis=0).astype(np.float64)
    scale = features.std(axis=0).astype(np.float64)
    scale[scale < 1e-6] = 1.0
    model = _logistic(config, config.C).fit((features - mean) / scale, labels)
    return StatesModel(mean, scale, model.coef_[0].astype(np.float64), float(model.intercept_[0]))


def fit_lexical_model(texts: Sequence[str], labels: np.ndarray, config: HeadConfig) -> LexicalModel:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, config.lexical_ngrams), min_df=config.lexical_min_df, sublinear_tf=True)
    x = vec.fit_transform(list(texts))
    model = _logistic(config, config.lexical_C).fit(x, labels)
    vocabulary = [t for t, _ in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])]
    return LexicalModel(vocabulary, vec.idf_.astype(np.float64), model.coef_[0].astype(np.float64), float(model.intercept_[0]), config.lexical_ngrams)


def fit_head(
    features: np.ndarray, labels: np.ndarray, config: HeadConfig, texts: Sequence[str] | None = None, seed: int = 13, meta: dict | None = None
) -> ClaimsHead:
    """Fit the states model (and, when ``config.lexical``, the lexical model and their stacker).

    The stacker's three numbers are fitted on out-of-fold decisions (``config.cv_folds`` folds), so it learns
    how far to trust each part on sentences that part did not see.
    """
    head_meta = {"pooling": config.pooling, **config.model_dump(), **(meta or {})}
    states = fit_states_model(features, labels, config)
    if not config.lexical:
        return ClaimsHead(states, None, np.asarray([1.0, 0.0, 0.0]), head_meta)
    if texts is None or len(texts) != len(labels):
        raise ValueError("a lexical claims head needs the training sentence texts")
    from sklearn.model_selection import StratifiedKFold

    oof = np.zeros((len(labels), 2))
    texts = list(texts)
    for train_idx, held_idx in StratifiedKFold(config.cv_folds, shuffle=True, random_state=seed).split(features, labels):
        fold_states = fit_states_model(features[train_idx], labels[train_idx], config)
        fold_lexical = fit_lexical_model([texts[i] for i in train_idx], labels[train_idx], config)
        oof[held_idx, 0] = fold_states.decision(features[held_idx])
        oof[held_idx, 1] = fold_lexical.decision([texts[i] for i in held_idx])
    from sklearn.linear_model import LogisticRegression

    stacker = LogisticRegression(C=1.0).fit(oof, labels)
    stack = np.asarray([stacker.coef_[0][0], stacker.coef_[0][1], stacker.intercept_[0]])
    head_meta["oof_f1_by_threshold"] = {f"{t:.2f}": binary_metrics(labels, stacker.predict_proba(oof)[:, 1], t)["f1"] for t in THRESHOLDS}
    return ClaimsHead(states, fit_lexical_model(texts, labels, config), stack, head_meta)


# ------------------------------------------------------------------------------------------ data, metrics


@dataclass(frozen=True)
class LabelledSentence:
    sentence_id: str
    text: str
    label: int


def load_claimbuster(path: str | Path) -> list[LabelledSentence]:
    """ClaimBuster-style JSON: a list of ``{sentence_id, label, text}``; label 1 = check-worthy factual claim."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"ClaimBuster data not found: {path}")
    rows = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(rows, list):
        raise ValueError(f"{path}: expected a JSON list of sentences")
    out: list[LabelledSentence] = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or row.get("label") not in (0, 1, "0", "1"):
            raise ValueError(f"{path}: item {i} is not {{sentence_id, label: 0|1, text}}")
        out.append(LabelledSentence(str(row.get("sentence_id", i)), row["text"], int(row["label"])))
    return out


def split_train_dev(items: Sequence[LabelledSentence], dev_fraction: float, seed: int) -> tuple[list[LabelledSentence], list[LabelledSentence]]:
    """Seeded split stratified by label (the same config always gives the same dev sentences)."""
    from sklearn.model_selection import train_test_split

    labels = [s.label for s in items]
    train, dev = train_test_split(list(items), test_size=dev_fraction, random_state=seed, stratify=labels)
    return train, dev


def binary_metrics(labels: np.ndarray, probs: np.ndarray, threshold: float) -> dict[str, float | int]:
    """Precision, recall and F1 of the positive (check-worthy) class at ``threshold``."""
    labels = np.asarray(labels).astype(bool)
    pred = np.asarray(probs) >= threshold
    tp = int(np.sum(pred & labels))
    fp = int(np.sum(pred & ~labels))
    fn = int(np.sum(~pred & labels))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"threshold": threshold, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4), "tp": tp, "fp": fp, "fn": fn}


THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def threshold_table(labels: np.ndarray, probs: np.ndarray, thresholds: Sequence[float] = THRESHOLDS) -> list[dict]:
    return [binary_metrics(labels, probs, t) for t in thresholds]


# -------------------------------------------------------------------------------------- fitting the head


def fit_claims_head(
    tagger_or_model_dir: Tagger | str | Path,
    claimbuster_path: str | Path | None = None,
    config: ClaimsConfig | str | Path | None = None,
    output: str | Path | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Fit the claims head on a tagger's encoder states and write it into the tagger's model directory.

    Writes ``claims_head.safetensors``, ``claims_metrics.json`` and ``claims_card.md`` into ``output``
    (default: the tagger's directory) and returns the metrics (dev P/R/F1 of the check-worthy class at the
    configured threshold). Call it after every tagger training: the head reads that tagger's states.
    """
    from annotator.tagger import Tagger

    tagger = tagger_or_model_dir if isinstance(tagger_or_model_dir, Tagger) else Tagger.from_pretrained(tagger_or_model_dir, precision="fp32")
    if not isinstance(config, ClaimsConfig):
        config = ClaimsConfig.from_yaml(config)
    directory = Path(output) if output is not None else tagger.directory
    if directory is None:
        raise ValueError("fit_claims_head: the tagger has no directory; pass output=")
    data_path = resolve_path(claimbuster_path or config.training.claimbuster)
    items = load_claimbuster(data_path)
    train, dev = split_train_dev(items, config.training.dev_fraction, config.training.seed)

    t0 = time.perf_counter()
    (x_train, y_train, t_train), (x_dev, y_dev, t_dev) = _with_progress(
        lambda cb: (claimbuster_features(tagger, train, config, cb), claimbuster_features(tagger, dev, config, cb)),
        desc="claims: encoding ClaimBuster",
        enabled=progress,
    )
    encode_seconds = time.perf_counter() - t0
    n_sentences = len(train) + len(dev)
    meta = {
        "features": "tagger",
        "tagger_version": tagger.model_version,
        "sentences_per_document": config.training.sentences_per_document,
        "train_sentences": len(train),
        "dev_sentences": len(dev),
    }
    t1 = time.perf_counter()
    head = fit_head(x_train, y_train, config.head, t_train, config.training.seed, meta)
    fit_seconds = time.perf_counter() - t1
    probs = head.predict_proba(x_dev, t_dev)
    parts: dict[str, np.ndarray] = {}
    if head.lexical is not None:  # each part alone (without the stacker), for the record
        parts["states_only"] = _sigmoid(head.states.decision(x_dev))
        parts["lexical_only"] = _sigmoid(head.lexical.decision(t_dev))
    metrics: dict[str, Any] = {
        "kind": "claims-head",
        "features": "tagger encoder states (first subword of each word), pooled per sentence, sentences encoded in pseudo-articles",
        "tagger_version": tagger.model_version,
        "data": str(data_path),
        "split": {
            "dev_fraction": config.training.dev_fraction,
            "seed": config.training.seed,
            "train": len(train),
            "dev": len(dev),
            "dev_positives": int(y_dev.sum()),
            "sentences_per_document": config.training.sentences_per_document,
        },
        "head": config.head.model_dump(),
        "threshold": config.threshold,
        "dev": binary_metrics(y_dev, probs, config.threshold),
        "dev_thresholds": threshold_table(y_dev, probs),
        "dev_parts": {name: binary_metrics(y_dev, p, 0.5) for name, p in parts.items()},
        "stack": {"states": round(float(head.stack[0]), 4), "lexical": round(float(head.stack[1]), 4), "bias": round(float(head.stack[2]), 4)},
        "train_oof_f1_by_threshold": head.meta.get("oof_f1_by_threshold"),
        "train": binary_metrics(y_train, head.predict_proba(x_train, t_train), config.threshold),
        "fit_seconds": round(fit_seconds, 1),
        "encode_seconds": round(encode_seconds, 1),
        "encode_ms_per_1000_sentences": round(1000 * 1000 * encode_seconds / max(1, n_sentences), 1),
    }
    head.meta["dev_f1"] = metrics["dev"]["f1"]
    head.save(directory)
    (directory / METRICS_NAME).write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    (directory / CARD_NAME).write_text(render_claims_card(metrics, config), encoding="utf-8")
    return metrics


def resolve_path(path: str | Path) -> Path:
    """A relative path is tried from the working directory, then from the project root."""
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path
    return ROOT / path


def _with_progress(run: Callable[[Callable[[int], None] | None], Any], desc: str, enabled: bool) -> Any:
    if not enabled:
        return run(None)
    from tqdm import tqdm

    with tqdm(desc=desc, unit=" windows") as bar:
        return run(bar.update)


def render_claims_card(metrics: dict[str, Any], config: ClaimsConfig) -> str:
    dev = metrics["dev"]
    rows = "\n".join(f"| {r['threshold']:.2f} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |" for r in metrics["dev_thresholds"])
    return f"""# Claims head (check-worthiness)

A second head on this tagger's encoder (`{metrics["tagger_version"]}`): the {config.head.pooling} of a sentence's word
states, standardised, into an L2 logistic regression (C={config.head.C}), stacked with a TF-IDF word n-gram logistic
regression (lexical: {config.head.lexical}). It scores how likely a sentence is a check-worthy factual claim.
Refit it whenever the tagger changes (`fit_claims_head`): it reads this tagger's states.

- Training data: ClaimBuster sentences (US presidential debates, label 1 = check-worthy factual claim),
  {metrics["split"]["train"]} train / {metrics["split"]["dev"]} dev, seeded stratified split (seed {metrics["split"]["seed"]}).
- Dev, check-worthy class, threshold {dev["threshold"]}: precision {dev["precision"]:.3f}, recall {dev["recall"]:.3f}, F1 {dev["f1"]:.3f}.
- Each part alone on dev (threshold 0.5): {", ".join(f"{k} F1 {v['f1']:.3f}" for k, v in metrics["dev_parts"].items())}.
- Inference cost: no extra encoder pass when the tagger's states are kept (`Tagger.annotate(..., keep_hidden=True)`).

| threshold | precision | recall | F1 |
| --- | --- | --- | --- |
{rows}

Limits: trained on debate transcripts, applied to news (most news sentences are factual, so half or more of an
article's sentences pass). Training sentences are encoded in pseudo-articles of
{metrics["split"]["sentences_per_document"]} debate sentences, as article sentences are encoded in the tagger's windows.
Opinions phrased with numbers and predictions can score high.
"""


# ------------------------------------------------------------------------------------------- detector


class ClaimDetector:
    """Finds check-worthy claim sentences and marks which attribution carries them."""

    def __init__(self, head: ClaimsHead, config: ClaimsConfig, tagger: Tagger | None = None, directory: Path | None = None) -> None:
        self.head = head
        self.config = config
        self.directory = directory
        self._tagger = tagger

    @classmethod
    def from_pretrained(
        cls, directory: str | Path | None = None, config: ClaimsConfig | str | Path | None = None, tagger: Tagger | None = None
    ) -> ClaimDetector:
        """Load the head from a tagger model directory (default: the tagger's default model directory)."""
        from annotator.tagger import default_model_dir

        directory = Path(directory) if directory is not None else (tagger.directory if tagger is not None and tagger.directory else default_model_dir())
        head = ClaimsHead.load(directory)
        if not isinstance(config, ClaimsConfig):
            config = ClaimsConfig.from_yaml(config)
        if tagger is not None:
            _check_version(head, tagger.model_version, directory)
        return cls(head, config, tagger, directory)

    @classmethod
    def for_tagger(cls, tagger: Tagger, config: ClaimsConfig | str | Path | None = None) -> ClaimDetector:
        """The head that belongs to ``tagger`` (shares its encoder; raises if the head was fitted on other weights)."""
        if tagger.directory is None:
            raise ValueError("this tagger has no model directory, so it has no claims head")
        return cls.from_pretrained(tagger.directory, config, tagger)

    @property
    def tagger(self) -> Tagger:
        """The encoder, loaded on first use (only needed for articles that arrive without ``features``)."""
        if self._tagger is None:
            from annotator.tagger import Tagger

            self._tagger = Tagger.from_pretrained(self.directory)
            _check_version(self.head, self._tagger.model_version, self.directory)
        return self._tagger

    def sentence_probabilities(self, docs: Sequence[AnnotatedArticle]) -> list[list[tuple[int, int, float]]]:
        """``(start, end, P(check-worthy))`` for every sentence of every article.

        Articles annotated with ``keep_hidden=True`` reuse the tagger's states; the others are encoded here.
        """
        missing = [i for i, d in enumerate(docs) if not _has_states(d)]
        computed: dict[int, tuple[list[Word], np.ndarray]] = {}
        if missing:
            hidden: list[np.ndarray] = []
            encoded, _ = self.tagger.word_log_probs([docs[i].text for i in missing], batch_size=self.config.training.batch_size, hidden_out=hidden)
            computed = {i: (enc.words, h) for i, enc, h in zip(missing, encoded, hidden, strict=True)}
        out: list[list[tuple[int, int, float]]] = []
        for i, doc in enumerate(docs):
            words, hidden_states = computed[i] if i in computed else (doc.features["words"], doc.features["hidden"])
            ranges = doc.sentences
            expected = self.head.width
            pooled = pool_word_states(words, np.asarray(hidden_states), ranges, self.head.pooling)
            if len(ranges) and pooled.shape[1] != expected:
                raise ValueError(f"{doc.id}: encoder states have {pooled.shape[1]} features, the claims head expects {expected}")
            probs = self.head.predict_proba(pooled, [doc.text[s:e] for s, e in ranges])
            out.append([(s, e, float(p)) for (s, e), p in zip(ranges, probs, strict=True)])
        return out

    def find_claims_batch(self, docs: Sequence[AnnotatedArticle]) -> list[list[Claim]]:
        """The record's ``claims`` for each article (sentences at or above the threshold, in text order), each with
        the attribution that carries it."""
        results: list[list[Claim]] = []
        for doc, scored in zip(docs, self.sentence_probabilities(docs), strict=True):
            kept = [(s, e, p) for s, e, p in scored if p >= self.config.threshold]
            ids = attribution_for_sentences(doc, [(s, e) for s, e, _ in kept], self.config.attribution)
            results.append([Claim(s, e, doc.text[s:e], round(p, 4), aid is not None, aid) for (s, e, p), aid in zip(kept, ids, strict=True)])
        return results

    def find_claims(self, doc: AnnotatedArticle) -> list[Claim]:
        return self.find_claims_batch([doc])[0]


def _has_states(doc: AnnotatedArticle) -> bool:
    return bool(doc.features) and "hidden" in doc.features and "words" in doc.features


def _check_version(head: ClaimsHead, tagger_version: str, directory: Path | None) -> None:
    fitted_on = head.meta.get("tagger_version")
    if fitted_on and fitted_on != tagger_version:
        raise ValueError(
            f"the claims head in {directory} was fitted on tagger {fitted_on}, not {tagger_version}; refit it: annotator fit-claims --model {directory}"
        )
