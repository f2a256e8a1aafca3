"""Attribution kind: information or stance, with refusals flagged.

PolNeAR, which the tagger learned from, marks attributions of speech *and* of thought, wish or stance ("you
don't like it", "he figures that"). For sourcing only attributions of information make a source: speech,
writing, reports, documents, data, interviews, public statements. So every attribution gets a ``kind``
(``information`` or ``stance``) and a ``declined`` flag (a refusal such as "declined to comment": comment was
sought, no information given). The sources stage keeps only information attributions that were not declined.

The decision reads the cue *in its context*: a logistic regression over the tagger's own encoder states of the
cue and of the words around it (so "Washington blamed the attack on X" and "voters blamed the economy" can
differ), plus a few lexical signals (configs/kinds.yaml). It is fitted on hand-labelled PolNeAR train
attributions and stored with the model as ``kind_head.safetensors``; a model directory without one falls back
to the lexical rule. Figures: docs/sources.md.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from annotator.configcheck import ConfigError, Int, ListOf, Num, Regex, Str, check, load_yaml
from annotator.resources import config_file
from annotator.schema import Attribution, Span

DEFAULT_CONFIG = config_file("kinds.yaml")
HEAD_NAME = "kind_head.safetensors"
KINDS = ("information", "stance", "refusal")  # the head's classes; refusal becomes information + declined
_WORD = re.compile(r"[a-z’']+")
_NEGATION = re.compile(r"\b(not|n[’']t|never)\b")

_SCHEMA: dict[str, Any] = {
    "context": {"words_before": Int(0, 50), "words_after": Int(0, 50), "lexical_weight": Num(0.0, 100.0)},
    "fit": {"C": Num(1e-6, 1e6), "max_iter": Int(10, 10**6)},
    "decision": {"min_information_without_word": Num(0.0, 1.0)},
    "information_words": ListOf(Str(), 1),
    "stance_words": ListOf(Str(), 1),
    "refusal_patterns": ListOf(Regex(), 1),
    "refusal_content_patterns": ListOf(Regex(), 1),
    "irrealis_cue_patterns": ListOf(Regex(), 1),
}
N_SIGNALS = 7


@dataclass
class KindConfig:
    """The validated ``configs/kinds.yaml``."""

    raw: dict[str, Any]
    information: frozenset[str] = field(init=False)
    stance: frozenset[str] = field(init=False)
    refusal: re.Pattern[str] = field(init=False)
    refusal_content: re.Pattern[str] = field(init=False)
    irrealis: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.information = frozenset(w.lower() for w in self.raw["information_words"])
        self.stance = frozenset(w.lower() for w in self.raw["stance_words"])
        self.refusal = re.compile("|".join(f"(?:{p})" for p in self.raw["refusal_patterns"]), re.IGNORECASE)
        self.refusal_content = re.compile("|".join(f"(?:{p})" for p in self.raw["refusal_content_patterns"]), re.IGNORECASE)
        self.irrealis = re.compile("|".join(f"(?:{p})" for p in self.raw["irrealis_cue_patterns"]), re.IGNORECASE)

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> KindConfig:
        path = Path(path) if path is not None else DEFAULT_CONFIG
        raw = load_yaml(path, "kinds")
        check(raw, _SCHEMA, path.name)
        return cls(raw)

    @property
    def words_before(self) -> int:
        return int(self.raw["context"]["words_before"])

    @property
    def words_after(self) -> int:
        return int(self.raw["context"]["words_after"])


def lexical_signals(text: str, start: int, end: int, cfg: KindConfig) -> np.ndarray:
    """0/1 signals of a cue ``text[start:end]``: an information word, a stance word, a refusal, "that" / "to"
    / a quote right after it, a negation right before it."""
    cue_words = _WORD.findall(text[start:end].lower())
    after = text[end : end + 60]
    lead = after.strip()
    before = text[max(0, start - 20) : start].lower()
    return np.asarray(
        [
            any(w in cfg.information for w in cue_words),
            any(w in cfg.stance for w in cue_words),
            bool(cfg.refusal.search(text[start:end] + " " + after[:40])),
            lead.startswith("that"),
            lead.startswith("to "),
            any(q in after[:5] for q in '"“:'),
            bool(_NEGATION.search(before)),
        ],
        dtype=np.float32,
    )


def rule_kind(signals: np.ndarray) -> str:
    """The lexical rule alone: a refusal; a stance word with no information word; else information."""
    if signals[2]:
        return "refusal"
    if signals[1] and not signals[0]:
        return "stance"
    return "information"


def cue_features(text: str, word_starts: Sequence[int], hidden: np.ndarray, start: int, end: int, cfg: KindConfig) -> np.ndarray:
    """Mean encoder states of the cue's words, of the words after and before it, then the scaled signals."""
    width = hidden.shape[1] if hidden.ndim == 2 else 0
    i0 = bisect.bisect_left(word_starts, start)
    i1 = max(bisect.bisect_left(word_starts, end), i0 + 1)

    def mean(a: int, b: int) -> np.ndarray:
        a, b = max(0, a), min(len(hidden), b)
        return hidden[a:b].astype(np.float32).mean(axis=0) if b > a else np.zeros(width, dtype=np.float32)

    signals = lexical_signals(text, start, end, cfg) * float(cfg.raw["context"]["lexical_weight"])
    return np.concatenate([mean(i0, i1), mean(i1, i1 + cfg.words_after), mean(i0 - cfg.words_before, i0), signals])


@dataclass
class KindHead:
    """Multinomial logistic regression over :func:`cue_features`; classes are :data:`KINDS`."""

    coef: np.ndarray  # [classes, features]
    intercept: np.ndarray  # [classes]
    classes: tuple[str, ...] = KINDS
    meta: dict[str, Any] = field(default_factory=dict)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities ``[rows, classes]`` (softmax of the linear scores)."""
        scores = features @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, features: np.ndarray) -> list[str]:
        if len(features) == 0:
            return []
        return [self.classes[i] for i in self.predict_proba(features).argmax(axis=1)]

    def save(self, directory: Path) -> Path:
        from safetensors.numpy import save_file

        path = Path(directory) / HEAD_NAME
        tensors = {"coef": self.coef.astype(np.float32), "intercept": self.intercept.astype(np.float32)}
        save_file(tensors, str(path), metadata={"classes": json.dumps(list(self.classes)), "meta": json.dumps(self.meta)})
        return path

    @classmethod
    def load(cls, directory: Path) -> KindHead | None:
        """The head in ``directory``, or None when it has none (the lexical rule is used then)."""
        from safetensors import safe_open

        from annotator.modeling.modeling import ModelLoadError

        path = Path(directory) / HEAD_NAME
        if not path.is_file():
            return None
        try:
            with safe_open(str(path), framework="numpy") as f:
                metadata = f.metadata() or {}
                coef, intercept = f.get_tensor("coef"), f.get_tensor("intercept")
            return cls(coef.astype(np.float64), intercept.astype(np.float64), tuple(json.loads(metadata["classes"])), json.loads(metadata.get("meta", "{}")))
        except Exception as exc:  # noqa: BLE001 - a damaged head file, whatever the exception type
            raise ModelLoadError(f"{path}: not a usable kind head ({type(exc).__name__}: {exc})") from None


def assign_kinds(
    text: str,
    spans: Sequence[Span],
    attributions: Sequence[Attribution],
    word_starts: Sequence[int],
    hidden: np.ndarray | None,
    head: KindHead | None,
    cfg: KindConfig,
) -> None:
    """Set ``kind`` and ``declined`` on every attribution (in place). An attribution without a cue stays
    ``information``: nothing says otherwise."""
    by_id = {s.id: s for s in spans}
    todo = [(a, by_id[a.cue]) for a in attributions if a.cue and a.cue in by_id]
    if not todo:
        return
    if head is not None and hidden is not None and len(hidden):
        features = np.stack([cue_features(text, word_starts, hidden, cue.start, cue.end, cfg) for _, cue in todo])
        probs = head.predict_proba(features)
        info = head.classes.index("information") if "information" in head.classes else None
        floor = float(cfg.raw["decision"]["min_information_without_word"])
        predicted = []
        for (_, cue), row in zip(todo, probs, strict=True):
            kind = head.classes[int(row.argmax())]
            if kind == "information" and info is not None and row[info] < floor and not lexical_signals(text, cue.start, cue.end, cfg)[0]:
                kind = "stance"  # a cue with no word of communication needs a confident head to count as information
            predicted.append(kind)
    else:
        predicted = [rule_kind(lexical_signals(text, cue.start, cue.end, cfg)) for _, cue in todo]
    irrealis = cfg.irrealis
    for (attribution, cue), kind in zip(todo, predicted, strict=True):
        content = " ".join(by_id[c].text for c in attribution.content[:1] if c in by_id)[:100]
        if kind != "refusal" and cfg.refusal_content.match(content):
            kind = "refusal"  # "..., the office said it did not comment on speculation"
        elif kind == "information" and irrealis.match(cue.text):
            kind = "stance"  # "needs to tell", "would have to say": nothing was communicated
        attribution.kind = "stance" if kind == "stance" else "information"
        attribution.declined = kind == "refusal"
    _spread_refusals(text, by_id, attributions)


def _spread_refusals(text: str, by_id: dict[str, Span], attributions: Sequence[Attribution]) -> None:
    """A source that declines in a sentence gives nothing else in it ("declined to comment, citing a review")."""
    declined = [(a.source, by_id[a.cue]) for a in attributions if a.declined and a.source and a.cue in by_id]
    for a in attributions:
        if a.declined or not a.source or a.cue not in by_id:
            continue
        cue = by_id[a.cue]
        for source, other in declined:
            lo, hi = sorted((cue.start, other.start))
            if source == a.source and not re.search(r"[.!?]\s", text[lo:hi]):
                a.declined = True


def fit_head(features: np.ndarray, labels: Sequence[str], cfg: KindConfig, meta: dict[str, Any] | None = None) -> KindHead:
    """Fit the head on labelled cue features (labels from :data:`KINDS`)."""
    from sklearn.linear_model import LogisticRegression

    unknown = sorted(set(labels) - set(KINDS))
    if unknown:
        raise ConfigError(f"unknown kind labels {unknown} (expected {list(KINDS)})")
    model = LogisticRegression(C=float(cfg.raw["fit"]["C"]), max_iter=int(cfg.raw["fit"]["max_iter"]))
    model.fit(features, np.asarray(labels))
    order = [list(model.classes_).index(k) for k in KINDS if k in model.classes_]
    classes = tuple(model.classes_[i] for i in order)
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # sklearn keeps one row for two classes
        coef, intercept = np.vstack([-coef[0], coef[0]]) / 2, np.asarray([-intercept[0], intercept[0]]) / 2
    return KindHead(np.asarray(coef)[order], np.asarray(intercept)[order], classes, dict(meta or {}))
