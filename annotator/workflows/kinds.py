"""Fit and measure the attribution-kind head on hand-labelled PolNeAR attributions.

Labels (``data/attribution-kinds/{train,dev}.tsv``) name a cue by its article and character range in the raw
PolNeAR text, with its kind (information, stance, refusal). The tagger encodes each labelled article once; the
features of each labelled cue are read off its states (``annotator.kinds.cue_features``).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from annotator.kinds import KINDS, KindConfig, KindHead, cue_features, fit_head, lexical_signals, rule_kind
from annotator.schema import Article

Labels = dict[tuple[str, str], list[tuple[int, int, str]]]


def read_labels(path: str | Path) -> Labels:
    """``(split, article) -> [(cue_start, cue_end, kind)]`` from a labels TSV."""
    out: Labels = {}
    with open(path, encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f, delimiter="\t"), 2):
            if row["kind"] not in KINDS:
                raise ValueError(f"{path}: line {n}: kind must be one of {list(KINDS)}, got {row['kind']!r}")
            out.setdefault((row["split"], row["article"]), []).append((int(row["cue_start"]), int(row["cue_end"]), row["kind"]))
    return out


def cue_rows(
    tagger, polnear_root: Path, labels: Labels, cfg: KindConfig, log: Callable[[str], None] = lambda m: None
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Features, gold kinds and lexical-rule kinds of every labelled cue (articles encoded 16 at a time)."""
    keys = sorted(labels)
    features: list[np.ndarray] = []
    gold: list[str] = []
    rules: list[str] = []
    for i in range(0, len(keys), 16):
        batch = keys[i : i + 16]
        articles = []
        for split, stem in batch:
            path = Path(polnear_root) / split / "text" / f"{stem}.txt"
            if not path.is_file():
                raise FileNotFoundError(f"labelled article not found: {path}")
            with open(path, encoding="utf-8", newline="") as f:
                articles.append(Article(stem, f.read()))
        docs = tagger.annotate(articles, keep_hidden=True)
        for key, doc in zip(batch, docs, strict=True):
            starts = [w.start for w in doc.features["words"]]
            hidden = np.asarray(doc.features["hidden"], dtype=np.float32)
            for start, end, kind in labels[key]:
                features.append(cue_features(doc.text, starts, hidden, start, end, cfg))
                gold.append(kind)
                rules.append(rule_kind(lexical_signals(doc.text, start, end, cfg)))
        log(f"encoded {min(i + 16, len(keys))}/{len(keys)} labelled articles")
    return np.stack(features), gold, np.asarray(rules)


def kind_metrics(gold: list[str], predicted: list[str] | np.ndarray) -> dict[str, Any]:
    """Accuracy on the record's two kinds (a refusal is information, flagged declined) and on the three labels,
    plus precision/recall of stance and of refusal."""
    g, p = np.asarray(gold), np.asarray(predicted)

    def two(a: np.ndarray) -> np.ndarray:
        return np.where(a == "stance", "stance", "information")

    def pr(label: str) -> dict[str, float]:
        tp = int(((g == label) & (p == label)).sum())
        return {"precision": round(tp / max(int((p == label).sum()), 1), 4), "recall": round(tp / max(int((g == label).sum()), 1), 4)}

    return {
        "n": len(g),
        "accuracy": round(float((two(g) == two(p)).mean()), 4),
        "accuracy_3way": round(float((g == p).mean()), 4),
        "stance": pr("stance"),
        "refusal": pr("refusal"),
        "gold": dict(Counter(g.tolist())),
        "majority_baseline": round(float((two(g) == "information").mean()), 4),
    }


def fit_kind_head(
    tagger,
    polnear_root: Path,
    train_labels: Path,
    dev_labels: Path | None = None,
    cfg: KindConfig | None = None,
    log: Callable[[str], None] = lambda m: None,
) -> tuple[KindHead, dict[str, Any]]:
    """Fit the head on ``train_labels``; measure it (and the lexical rule) on ``dev_labels`` when given."""
    cfg = cfg or tagger.kind_config
    x, y, _ = cue_rows(tagger, polnear_root, read_labels(train_labels), cfg, log)
    head = fit_head(x, y, cfg, meta={"tagger_version": tagger.model_version, "train_labels": len(y), "train_counts": dict(Counter(y))})
    metrics: dict[str, Any] = {"train": kind_metrics(y, head.predict(x))}
    if dev_labels is not None:
        xd, yd, rule = cue_rows(tagger, polnear_root, read_labels(dev_labels), cfg, log)
        metrics["dev"] = kind_metrics(yd, head.predict(xd))
        metrics["dev_lexical_rule"] = kind_metrics(yd, rule)
    head.meta["metrics"] = metrics
    return head, metrics


def write_metrics(directory: Path, metrics: dict[str, Any]) -> Path:
    path = Path(directory) / "kind_metrics.json"
    path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return path
