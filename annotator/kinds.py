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
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field

from annotator.config import ConfigError, IntRange, NumRange, Pattern, StrictModel, Text, Unit, load_model
from annotator.resources import config_file
from annotator.schema import Attribution, Span

DEFAULT_CONFIG = config_file("kinds.yaml")
HEAD_NAME = "kind_head.safetensors"
KINDS = ("information", "stance", "refusal")  # the head's classes; refusal becomes information + declined
_WORD = re.compile(r"[a-z’']+")
_AS = re.compile(r"\s*as\b")
_NEGATION = re.compile(r"\b(not|n[’']t|never)\b")

N_SIGNALS = 7


class Context(StrictModel):
    words_before: IntRange(0, 50)
    words_after: IntRange(0, 50)
    lexical_weight: NumRange(0.0, 100.0)


class Fit(StrictModel):
    C: NumRange(1e-6, 1e6)
    max_iter: IntRange(10, 10**6)


class Decision(StrictModel):
    min_information_without_word: Unit
    min_information_state_cue: Unit


def _joined(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


class KindConfig(StrictModel):
    """The validated ``configs/kinds.yaml`` (word sets and joined patterns built on first use)."""

    context: Context
    fit: Fit
    decision: Decision
    information_words: Annotated[list[Text], Field(min_length=1)]
    stance_words: Annotated[list[Text], Field(min_length=1)]
    refusal_patterns: Annotated[list[Pattern], Field(min_length=1)]
    refusal_content_patterns: Annotated[list[Pattern], Field(min_length=1)]
    refusal_cue_patterns: Annotated[list[Pattern], Field(min_length=1)]
    irrealis_cue_patterns: Annotated[list[Pattern], Field(min_length=1)]
    state_cue_patterns: Annotated[list[Pattern], Field(min_length=1)]
    label_cue_patterns: Annotated[list[Pattern], Field(min_length=1)]
    refusal_spread_cue_patterns: Annotated[list[Pattern], Field(min_length=1)]
    refusal_spread_blockers: Annotated[list[Pattern], Field(min_length=1)]

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> KindConfig:
        return load_model(Path(path) if path is not None else DEFAULT_CONFIG, cls, "kinds")

    @cached_property
    def information(self) -> frozenset[str]:
        return frozenset(w.lower() for w in self.information_words)

    @cached_property
    def stance(self) -> frozenset[str]:
        return frozenset(w.lower() for w in self.stance_words)

    @cached_property
    def refusal(self) -> re.Pattern[str]:
        return _joined(self.refusal_patterns)

    @cached_property
    def refusal_content(self) -> re.Pattern[str]:
        return _joined(self.refusal_content_patterns)

    @cached_property
    def refusal_cue(self) -> re.Pattern[str]:
        return _joined(self.refusal_cue_patterns)

    @cached_property
    def irrealis(self) -> re.Pattern[str]:
        return _joined(self.irrealis_cue_patterns)

    @cached_property
    def state_cue(self) -> re.Pattern[str]:
        return _joined(self.state_cue_patterns)

    @cached_property
    def label_cue(self) -> re.Pattern[str]:
        return _joined(self.label_cue_patterns)

    @cached_property
    def refusal_spread_cue(self) -> re.Pattern[str]:
        return _joined(self.refusal_spread_cue_patterns)

    @cached_property
    def refusal_spread_blocker(self) -> re.Pattern[str]:
        return _joined(self.refusal_spread_blockers)

    @property
    def words_before(self) -> int:
        return self.context.words_before

    @property
    def words_after(self) -> int:
        return self.context.words_after


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

    signals = lexical_signals(text, start, end, cfg) * cfg.context.lexical_weight
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
        predicted = []
        for (_, cue), row in zip(todo, probs, strict=True):
            kind = head.classes[int(row.argmax())]
            signals = lexical_signals(text, cue.start, cue.end, cfg)
            if kind == "information" and info is not None and not signals[0]:
                # a cue with no word of communication needs a confident head to count as information, a state
                # ("were coy about", "has been a supporter of") or a word of belief or wish a very confident one
                strict = cfg.state_cue.match(cue.text.strip()) or signals[1]
                floor = cfg.decision.min_information_state_cue if strict else cfg.decision.min_information_without_word
                if row[info] < floor:
                    kind = "stance"
            predicted.append(kind)
    else:
        predicted = [rule_kind(lexical_signals(text, cue.start, cue.end, cfg)) for _, cue in todo]
    irrealis = cfg.irrealis
    for (attribution, cue), kind in zip(todo, predicted, strict=True):
        content = " ".join(by_id[c].text for c in attribution.content[:1] if c in by_id)[:100]
        if kind != "refusal" and (cfg.refusal_content.match(content) or cfg.refusal_cue.match(f"{cue.text.strip()} {text[cue.end : cue.end + 40].lstrip()}")):
            kind = "refusal"  # "..., the office said it did not comment on speculation"; "X wouldn't say whether ..."
        elif kind == "information" and irrealis.match(cue.text):
            kind = "stance"  # "needs to tell", "would have to say": nothing was communicated
        elif kind == "information" and _AS.match(text, cue.end) and cfg.label_cue.fullmatch(cue.text.strip()):
            kind = "stance"  # "Brandt, referred to as the ferry king": a label others give the source, not its words
        attribution.kind = "stance" if kind == "stance" else "information"
        attribution.declined = kind == "refusal"
    _spread_refusals(text, by_id, attributions, cfg)


def _spread_refusals(text: str, by_id: dict[str, Span], attributions: Sequence[Attribution], cfg: KindConfig) -> None:
    """A source that declines gives nothing in the participle that follows the refusal ("declined to comment,
    citing a review"). A finite verb of its own ("declined to comment on the visit, but said ...", "who declined
    to comment ..., said ...") or a contrast in between ("but", "however") is information it did give."""
    declined = [(a.source, by_id[a.cue]) for a in attributions if a.declined and a.source and a.cue in by_id]
    for a in attributions:
        if a.declined or not a.source or a.cue not in by_id:
            continue
        cue = by_id[a.cue]
        if not cfg.refusal_spread_cue.match(cue.text):
            continue
        for source, other in declined:
            gap = text[other.end : cue.start]
            if source == a.source and other.start < cue.start and not re.search(r"[.!?]\s", gap) and not cfg.refusal_spread_blocker.search(gap):
                a.declined = True


def fit_head(features: np.ndarray, labels: Sequence[str], cfg: KindConfig, meta: dict[str, Any] | None = None) -> KindHead:
    """Fit the head on labelled cue features (labels from :data:`KINDS`)."""
    from sklearn.linear_model import LogisticRegression

    unknown = sorted(set(labels) - set(KINDS))
    if unknown:
        raise ConfigError(f"unknown kind labels {unknown} (expected {list(KINDS)})")
    model = LogisticRegression(C=cfg.fit.C, max_iter=cfg.fit.max_iter)
    model.fit(features, np.asarray(labels))
    order = [list(model.classes_).index(k) for k in KINDS if k in model.classes_]
    classes = tuple(model.classes_[i] for i in order)
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:  # sklearn keeps one row for two classes
        coef, intercept = np.vstack([-coef[0], coef[0]]) / 2, np.asarray([-intercept[0], intercept[0]]) / 2
    return KindHead(np.asarray(coef)[order], np.asarray(intercept)[order], classes, dict(meta or {}))
