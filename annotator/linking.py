"""Link SOURCE, CUE and CONTENT spans into attributions.

Every attribution is anchored on a cue. Two small logistic-regression scorers, trained on PolNeAR's gold
attribution relations, make the decisions:

* each CONTENT span goes to the best-scoring nearby cue (so the two halves of a quote split by
  "the official said" land in one attribution);
* each cue takes the best-scoring nearby SOURCE, or none when no candidate scores above 0.5.

Features are positional (distance in words, order, sentence boundaries, spans in between, punctuation and
quotes in the gap) and bucketed, so a linear model can express "adjacent, same sentence, nothing in
between". Weights are stored as JSON in the model directory (no pickles).
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from annotator.schema import AnnotatedArticle, Attribution, Span
from annotator.text import sentences

LINKER_NAME = "linker.json"
MAX_CANDIDATES = 6
_DIST_BUCKETS = (0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89)


@dataclass(slots=True)
class _Context:
    text: str
    sentence_starts: list[int]
    spans: list[Span]
    starts_by_label: dict[str, list[int]]
    long: dict[str, bool]

    def sentence_of(self, offset: int) -> int:
        return bisect.bisect_right(self.sentence_starts, offset) - 1

    def count_between(self, label: str, lo: int, hi: int) -> int:
        starts = self.starts_by_label.get(label, [])
        return bisect.bisect_left(starts, hi) - bisect.bisect_left(starts, lo)

    def is_long(self, span: Span) -> bool:
        """More than four words (asked for the same span once per candidate pair, so remembered)."""
        long = self.long.get(span.id)
        if long is None:
            long = self.long[span.id] = len(span.text.split()) > 4
        return long


def _context(text: str, spans: Sequence[Span]) -> _Context:
    sent_starts = [s for s, _ in sentences(text)] or [0]
    by_label: dict[str, list[int]] = {}
    for s in spans:
        by_label.setdefault(s.label, []).append(s.start)
    for v in by_label.values():
        v.sort()
    return _Context(text, sent_starts, list(spans), by_label, {})


def _pair_features(ctx: _Context, anchor: Span, other: Span, kind: str) -> dict[str, float]:
    """Features of linking ``other`` (a cue) to ``anchor`` (content or cue->source)."""
    before = other.end <= anchor.start
    lo, hi = (other.end, anchor.start) if before else (anchor.end, other.start)
    if lo > hi:
        lo, hi = hi, lo
    gap = ctx.text[lo:hi]
    gap_words = len(gap.split())
    sent_gap = abs(ctx.sentence_of(other.start) - ctx.sentence_of(anchor.start if before else anchor.end - 1))
    side = "before" if before else "after"
    ks = f"{kind}_{side}"
    f: dict[str, float] = {"bias": 1.0, ks: 1.0}
    f[f"{ks}_gap_b{_DIST_BUCKETS[bisect.bisect_right(_DIST_BUCKETS, gap_words) - 1]}"] = 1.0
    f[f"{kind}_sent_gap_{min(sent_gap, 3)}"] = 1.0
    f[f"{kind}_log_gap"] = math.log1p(gap_words)
    for label in ("SOURCE", "CUE", "CONTENT"):
        n = ctx.count_between(label, lo, hi)
        f[f"{ks}_between_{label}_{min(n, 2)}"] = 1.0
    stripped = gap.strip()
    f[f"{ks}_gap_empty"] = float(stripped == "")
    f[f"{ks}_gap_comma"] = float("," in gap)
    f[f"{ks}_gap_quote"] = float('"' in gap or "“" in gap or "”" in gap)
    f[f"{ks}_gap_colon"] = float(":" in gap)
    f[f"{ks}_gap_period"] = float("." in stripped or "?" in stripped or "!" in stripped)
    f[f"{ks}_gap_newline"] = float("\n" in gap)
    f[f"{ks}_other_long"] = float(ctx.is_long(other))
    f[f"{ks}_anchor_long"] = float(ctx.is_long(anchor))
    return f


class _Pool:
    """Spans of one label in text order, for nearest-neighbour look-ups in O(log n + k) (an article of a
    megabyte has thousands of cues: sorting all of them for every anchor was quadratic)."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]

    def nearest(self, anchor: Span, k: int = MAX_CANDIDATES) -> list[Span]:
        """The ``k`` spans nearest to ``anchor`` by character gap; ties go to the earlier span (as a stable
        sort by distance over spans in text order would have it)."""
        right = bisect.bisect_left(self.starts, anchor.start)
        left = right - 1
        while right < len(self.spans) and self.spans[right] is anchor:
            right += 1
        out: list[Span] = []
        while len(out) < k and (left >= 0 or right < len(self.spans)):
            d_left = max(anchor.start - self.spans[left].end, 0) if left >= 0 else None
            d_right = max(self.spans[right].start - anchor.end, 0) if right < len(self.spans) else None
            if d_right is None or (d_left is not None and d_left <= d_right):
                out.append(self.spans[left])
                left -= 1
            else:
                out.append(self.spans[right])
                right += 1
        return out


def _candidates(anchor: Span, pool: _Pool) -> list[Span]:
    return pool.nearest(anchor)


@dataclass
class _Scorer:
    names: list[str]
    coef: np.ndarray
    intercept: float

    def __post_init__(self) -> None:
        self.index = {n: i for i, n in enumerate(self.names)}  # built once, not per anchor

    def score(self, feats: list[dict[str, float]]) -> np.ndarray:
        index = self.index
        x = np.zeros((len(feats), len(self.names)))
        for r, f in enumerate(feats):
            row = x[r]
            for k, v in f.items():
                i = index.get(k)
                if i is not None:
                    row[i] = v
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))

    def to_dict(self) -> dict:
        return {"names": self.names, "coef": self.coef.tolist(), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, d: dict) -> _Scorer:
        return cls(list(d["names"]), np.asarray(d["coef"], dtype=float), float(d["intercept"]))

    @classmethod
    def fit(cls, feats: list[dict[str, float]], labels: list[int], c: float = 1.0) -> _Scorer:
        from sklearn.linear_model import LogisticRegression

        names = sorted({k for f in feats for k in f})
        index = {n: i for i, n in enumerate(names)}
        x = np.zeros((len(feats), len(names)))
        for r, f in enumerate(feats):
            for k, v in f.items():
                x[r, index[k]] = v
        clf = LogisticRegression(C=c, max_iter=2000)
        clf.fit(x, np.asarray(labels))
        return cls(names, clf.coef_[0], float(clf.intercept_[0]))


class Linker:
    """Groups tagged spans into attributions; see the module docstring for the method."""

    def __init__(self, content_scorer: _Scorer | None = None, source_scorer: _Scorer | None = None) -> None:
        self.content_scorer = content_scorer
        self.source_scorer = source_scorer

    # ---------------------------------------------------------------- inference
    def link(self, text: str, spans: Sequence[Span]) -> list[Attribution]:
        """Attributions (ids ``a1``, ``a2``, ... in cue order) for one article's spans."""
        ctx = _context(text, spans)
        cues = [s for s in spans if s.label == "CUE"]
        sources = _Pool([s for s in spans if s.label == "SOURCE"])
        contents = [s for s in spans if s.label == "CONTENT"]
        cue_pool = _Pool(cues)
        content_of: dict[str, list[Span]] = {c.id: [] for c in cues}
        orphans: list[Span] = []
        for content in contents:
            cands = _candidates(content, cue_pool)
            if not cands:
                orphans.append(content)
                continue
            probs = self._score(self.content_scorer, [_pair_features(ctx, content, c, "content") for c in cands], cands, content)
            content_of[cands[int(np.argmax(probs))].id].append(content)
        attributions: list[Attribution] = []
        for cue in sorted(cues, key=lambda s: s.start):
            source_id = None
            cands = _candidates(cue, sources)
            if cands:
                probs = self._score(self.source_scorer, [_pair_features(ctx, cue, s, "source") for s in cands], cands, cue)
                best = int(np.argmax(probs))
                if probs[best] >= 0.5:
                    source_id = cands[best].id
            parts = sorted(content_of[cue.id], key=lambda s: s.start)
            score = min([cue.score] + [p.score for p in parts])
            attributions.append(Attribution("", source_id, cue.id, [p.id for p in parts], score))
        for content in orphans:
            attributions.append(Attribution("", None, None, [content.id], content.score))
        start_of = {s.id: s.start for s in spans}
        far = 10**12
        attributions.sort(key=lambda a: min([start_of.get(a.cue, far) if a.cue else far] + [start_of.get(c, far) for c in a.content]))
        for i, a in enumerate(attributions, 1):
            a.id = f"a{i}"
        return attributions

    @staticmethod
    def _score(scorer: _Scorer | None, feats: list[dict[str, float]], cands: list[Span], anchor: Span) -> np.ndarray:
        if scorer is not None:
            return scorer.score(feats)
        # Untrained fallback: nearest candidate wins.
        dist = np.array([max(c.start - anchor.end, anchor.start - c.end, 0) for c in cands], dtype=float)
        return 1.0 / (1.0 + dist / 10.0)

    # ---------------------------------------------------------------- training
    @classmethod
    def fit(cls, docs: Sequence[AnnotatedArticle]) -> Linker:
        """Learn both scorers from gold spans and attributions."""
        content_x, content_y, source_x, source_y = [], [], [], []
        for doc in docs:
            ctx = _context(doc.text, doc.spans)
            by_id = doc.span_by_id()
            cue_of_content: dict[str, set[str]] = {}
            sources_of_cue: dict[str, set[str]] = {}
            for a in doc.attributions:
                if a.cue is None:
                    continue
                for c in a.content:
                    cue_of_content.setdefault(c, set()).add(a.cue)
                if a.source is not None:
                    sources_of_cue.setdefault(a.cue, set()).add(a.source)
            cues = [s for s in doc.spans if s.label == "CUE"]
            cue_pool = _Pool(cues)
            sources = _Pool([s for s in doc.spans if s.label == "SOURCE"])
            for content_id, gold in cue_of_content.items():
                content = by_id[content_id]
                for cue in _candidates(content, cue_pool):
                    content_x.append(_pair_features(ctx, content, cue, "content"))
                    content_y.append(int(cue.id in gold))
            for cue in cues:
                gold = sources_of_cue.get(cue.id, set())
                for src in _candidates(cue, sources):
                    source_x.append(_pair_features(ctx, cue, src, "source"))
                    source_y.append(int(src.id in gold))
        return cls(_Scorer.fit(content_x, content_y), _Scorer.fit(source_x, source_y))

    def save(self, directory: Path) -> None:
        data = {
            "method": "pairwise logistic regression over positional features (annotator.linking)",
            "max_candidates": MAX_CANDIDATES,
            "content": self.content_scorer.to_dict() if self.content_scorer else None,
            "source": self.source_scorer.to_dict() if self.source_scorer else None,
        }
        (Path(directory) / LINKER_NAME).write_text(json.dumps(data) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Linker:
        path = Path(directory) / LINKER_NAME
        if not path.exists():
            return cls()
        from annotator.modeling.modeling import ModelLoadError

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            content = _Scorer.from_dict(data["content"]) if data.get("content") else None
            source = _Scorer.from_dict(data["source"]) if data.get("source") else None
        except Exception as exc:  # noqa: BLE001 - a damaged file, whatever the exception type
            raise ModelLoadError(f"{path}: not a usable linker file ({type(exc).__name__}: {exc})") from None
        return cls(content, source)


def linking_accuracy(gold_docs: Sequence[AnnotatedArticle], linker: Linker) -> dict[str, float]:
    """Given gold spans, the share of gold attributions rebuilt exactly.

    A gold attribution counts as rebuilt when the linker outputs an attribution with the same cue span,
    the same source span (or both none) and the same set of content spans. Also reported: the share whose
    cue-source pair is right, and whose cue-content set is right.
    """
    total = exact = src_ok = content_ok = 0
    for doc in gold_docs:
        predicted = linker.link(doc.text, doc.spans)
        by_cue = {a.cue: a for a in predicted if a.cue is not None}
        for gold in doc.attributions:
            total += 1
            pred = by_cue.get(gold.cue) if gold.cue is not None else None
            if pred is None:
                continue
            s_ok = pred.source == gold.source
            c_ok = set(pred.content) == set(gold.content)
            src_ok += s_ok
            content_ok += c_ok
            exact += s_ok and c_ok
    denom = max(total, 1)
    return {"triple_accuracy": exact / denom, "source_accuracy": src_ok / denom, "content_accuracy": content_ok / denom, "attributions": total}
