"""End-to-end measurement of the sources table against a hand-made gold set (``annotator eval-sources``).

The gold set (``data/sources-gold/``, guideline in ``GUIDELINES.md``; read by :mod:`annotator.workflows.gold_set`,
which also reads anyone else's) lists every information source of each article's main story: its mentions
(character ranges of the raw file), type, count and whether it is secondhand. PolNeAR and seed texts stay in
``../shared``; our gold file holds offsets only.

Each article goes through the whole ``score`` pipeline (cleaning included) exactly as a user's file would;
predicted mentions are taken back to raw offsets through the cleaning's line map. A predicted source and a gold
source *match* when their mentions overlap; matching is one-to-one, maximising the overlapping mention pairs.

* precision: matched predicted sources / predicted sources (a second predicted source for an already matched
  gold source, a stance holder, a headline name: all count against it);
* recall: matched gold sources / gold sources;
* type, count and secondhand accuracy: over matched pairs, i.e. on the *predicted* sources;
* attribution-kind accuracy: predicted attributions whose cue overlaps a hand-labelled cue
  (``data/attribution-kinds/dev.tsv``), information vs stance.

Every error also gets a *cause*, read off the record, so the figures say where sources are lost (:func:`miss_cause`,
:func:`false_cause`): a missed source was ``not_tagged`` (no SOURCE span on any of its mentions), tagged but its
attributions judged ``stance`` or ``declined``, tagged but ``unlinked`` (no cue linked to it), tagged as information
but ``dropped`` by the sources stage (page furniture, the reporting outlet, a selection rule), or ``merged`` into a
predicted source that stands for another gold source; a false source is a ``split`` (a second predicted source for a
gold source), a gold ``not_source:<why>`` (stance, action, refusal, ...), or ``unlisted`` (nothing in the gold).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from annotator.clean import clean_text
from annotator.inputs import read_text_file
from annotator.schema import Article, RecordError
from annotator.workflows.gold_set import GoldArticle, GoldProblem, GoldSource, Range, load_gold

__all__ = ["GoldArticle", "GoldProblem", "GoldSource", "annotator_agreement", "compare", "evaluate_sources", "load_gold", "match"]


def _overlaps(a: Range, b: Range) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def match(pred: Sequence[Sequence[Range]], gold: Sequence[Sequence[Range]]) -> list[tuple[int, int]]:
    """One-to-one pairs (predicted index, gold index) maximising overlapping mention pairs; a pair needs one."""
    if not pred or not gold:
        return []
    from scipy.optimize import linear_sum_assignment

    score = np.zeros((len(pred), len(gold)))
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            score[i, j] = sum(_overlaps(a, b) for a in p for b in g)
    rows, cols = linear_sum_assignment(-score)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if score[i, j] > 0]


@dataclass
class _Tally:
    pred: int = 0
    gold: int = 0
    matched: int = 0
    type_ok: int = 0
    count_ok: int = 0
    secondhand_ok: int = 0
    types: Counter = field(default_factory=Counter)  # (gold type, predicted type) over matches

    def add(self, other: _Tally) -> None:
        for k in ("pred", "gold", "matched", "type_ok", "count_ok", "secondhand_ok"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.types.update(other.types)

    def summary(self) -> dict[str, Any]:
        p = self.matched / self.pred if self.pred else 0.0
        r = self.matched / self.gold if self.gold else 0.0
        m = max(self.matched, 1)
        return {
            "predicted": self.pred,
            "gold": self.gold,
            "matched": self.matched,
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "type_accuracy": round(self.type_ok / m, 4),
            "count_accuracy": round(self.count_ok / m, 4),
            "secondhand_accuracy": round(self.secondhand_ok / m, 4),
        }


@dataclass(frozen=True)
class TaggedSpan:
    """A SOURCE span of the record in raw offsets, with what became of it: ``information`` (an information
    attribution links it), ``declined``, ``stance`` or ``unlinked`` (no attribution links it)."""

    range: Range
    status: str


def tagged_spans(record: dict[str, Any], to_raw: Callable[[int], int]) -> list[TaggedSpan]:
    """The record's SOURCE spans with their best status (information over declined over stance)."""
    statuses: dict[str, set[str]] = {}
    for a in record.get("attributions") or []:
        if a.get("source"):
            statuses.setdefault(a["source"], set()).add("declined" if a.get("declined") else a.get("kind") or "information")
    out = []
    for s in record.get("spans") or []:
        if s["label"] != "SOURCE":
            continue
        found = statuses.get(s["id"], set())
        status = next((k for k in ("information", "declined", "stance") if k in found), "unlinked")
        out.append(TaggedSpan((to_raw(s["start"]), to_raw(s["end"] - 1) + 1), status))
    return out


def miss_cause(gold: GoldSource, pred: Sequence[dict[str, Any]], tagged: Sequence[TaggedSpan]) -> str:
    """Why a gold source has no predicted source (see the module docstring)."""
    if any(_overlaps(r, m) for p in pred for r in p["ranges"] for m in gold.mentions):
        return "merged"
    found = {t.status for t in tagged if any(_overlaps(t.range, m) for m in gold.mentions)}
    if not found:
        return "not_tagged"
    return "dropped" if "information" in found else next(k for k in ("declined", "stance", "unlinked") if k in found)


def false_cause(pred: dict[str, Any], gold: Sequence[GoldSource], not_sources: Sequence[tuple[Range, str]]) -> str:
    """Why a predicted source matches no gold source (see the module docstring)."""
    if any(_overlaps(r, m) for g in gold for m in g.mentions for r in pred["ranges"]):
        return "split"
    why = next((w for span, w in not_sources for r in pred["ranges"] if _overlaps(r, span)), None)
    return f"not_source:{why}" if why else "unlisted"


def compare(
    pred: Sequence[dict[str, Any]],
    gold: Sequence[GoldSource],
    tagged: Sequence[TaggedSpan] | None = None,
    not_sources: Sequence[tuple[Range, str]] = (),
) -> tuple[_Tally, list[dict[str, Any]]]:
    """Tally one article; ``pred`` are sources with raw ``ranges``. Returns the tally and its errors (with their
    cause when ``tagged``, the record's SOURCE spans, is given)."""
    tally = _Tally(pred=len(pred), gold=len(gold))
    pairs = match([p["ranges"] for p in pred], [g.mentions for g in gold])
    errors: list[dict[str, Any]] = []
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    for i, j in pairs:
        p, g = pred[i], gold[j]
        tally.matched += 1
        tally.types[(g.type, p["type"])] += 1
        ok_type, ok_count, ok_second = p["type"] == g.type, p.get("count") == g.count, bool(p.get("secondhand")) == g.secondhand
        tally.type_ok += ok_type
        tally.count_ok += ok_count
        tally.secondhand_ok += ok_second
        if not (ok_type and ok_count and ok_second):
            wanted = {"name": g.name, "type": g.type, "count": g.count, "secondhand": g.secondhand}
            errors.append({"error": "attribute", "predicted": _brief(p), "gold": wanted})
    for i in range(len(pred)):
        if i not in matched_p:
            errors.append({"error": "false_source", "predicted": _brief(pred[i])})
            if tagged is not None:
                errors[-1]["cause"] = false_cause(pred[i], gold, not_sources)
    for j, g in enumerate(gold):
        if j not in matched_g:
            errors.append({"error": "missed_source", "gold": {"name": g.name, "type": g.type, "count": g.count}})
            if tagged is not None:
                errors[-1]["cause"] = miss_cause(g, pred, tagged)
    return tally, errors


def _brief(p: dict[str, Any]) -> dict[str, Any]:
    return {"name": p.get("name"), "type": p.get("type"), "count": p.get("count"), "secondhand": p.get("secondhand"), "mentions": p.get("texts", [])}


def predicted_sources(record: dict[str, Any], to_raw: Callable[[int], int]) -> list[dict[str, Any]]:
    """The record's sources (the reporting outlet left out, as the scorer does) with mentions in raw offsets."""
    out = []
    for s in record.get("sources") or []:
        if s.get("reporter"):
            continue
        ranges = [(to_raw(m["start"]), to_raw(m["end"] - 1) + 1) for m in s["mentions"]]
        out.append({**s, "ranges": ranges, "texts": [m["text"] for m in s["mentions"]]})
    return out


def read_kind_labels(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """``article id -> [(cue_start, cue_end, kind)]`` (PolNeAR labels, ids as in the gold set)."""
    out: dict[str, list[tuple[int, int, str]]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out.setdefault(f"polnear/{row['split']}/{row['article']}", []).append((int(row["cue_start"]), int(row["cue_end"]), row["kind"]))
    return out


def evaluate_sources(
    pipeline,
    gold: dict[str, list[GoldArticle]],
    kind_labels: dict[str, list[tuple[int, int, str]]] | None = None,
    splits: Sequence[str] | None = None,
    progress: Callable[[str], None] = lambda m: None,
) -> dict[str, Any]:
    """Run the pipeline on every gold article (of ``splits``) and measure its sources table."""
    overall, by_split, by_collection = _Tally(), {}, {}
    articles: list[dict[str, Any]] = []
    kind_ok = kind_n = 0
    split_causes: dict[str, dict[str, Counter]] = {}  # split -> error kind -> cause -> count
    problems: list[GoldProblem] = []
    for article_id, versions in sorted(gold.items()):
        g = versions[0]
        if splits and g.split not in splits:
            continue
        item = read_text_file(g.path, article_id)
        prepared = item if isinstance(item, RecordError) else pipeline.prepare(Article(article_id, item.text, {"path": str(g.path), **g.meta}))
        if isinstance(prepared, RecordError):  # an empty, binary or non-English file: said, and the rest measured
            problems.append(GoldProblem(str(g.path), article_id, f"the pipeline refused the article: {prepared.code}: {prepared.message}"))
            continue
        raw = item.text
        cleaned = clean_text(raw, pipeline.cleaning_config) if pipeline.clean else None
        record = pipeline.process([prepared])[0]
        to_raw = cleaned.raw_offset if cleaned is not None else (lambda o: o)
        tally, errors = compare(predicted_sources(record, to_raw), g.sources, tagged_spans(record, to_raw), g.not_sources)
        overall.add(tally)
        for e in errors:
            if "cause" in e:
                split_causes.setdefault(g.split, {"missed_source": Counter(), "false_source": Counter()})[e["error"]][e["cause"]] += 1
        by_split.setdefault(g.split, _Tally()).add(tally)
        by_collection.setdefault(article_id.split("/")[0], _Tally()).add(tally)
        for start, end, kind in (kind_labels or {}).get(article_id, []):
            spans = {s["id"]: s for s in record["spans"]}
            for a in record["attributions"]:
                cue = spans.get(a["cue"]) if a["cue"] else None
                if cue is not None and to_raw(cue["start"]) < end and start < to_raw(cue["end"] - 1) + 1:
                    kind_n += 1
                    kind_ok += (a["kind"] == "stance") == (kind == "stance")
                    break
        articles.append({"article": article_id, "split": g.split, **tally.summary(), "errors": errors})
        progress(article_id)
    metrics: dict[str, Any] = {
        "articles": len(articles),
        **overall.summary(),
        "by_split": {k: v.summary() for k, v in sorted(by_split.items())},
        "by_collection": {k: v.summary() for k, v in sorted(by_collection.items())},
        "type_confusion": {f"{g} -> {p}": n for (g, p), n in sorted(overall.types.items())},
        "error_causes": {
            "all": {k: dict(sum((c[k] for c in split_causes.values()), Counter()).most_common()) for k in ("missed_source", "false_source")},
            "by_split": {s: {k: dict(v.most_common()) for k, v in c.items()} for s, c in sorted(split_causes.items())},
        },
        "per_article": articles,
        "refused": [p.to_dict() for p in problems],
    }
    if kind_labels is not None:
        metrics["attribution_kind"] = {"cues": kind_n, "accuracy": round(kind_ok / kind_n, 4) if kind_n else None}
    return metrics


def annotator_agreement(gold: dict[str, list[GoldArticle]]) -> dict[str, Any]:
    """The same measures between two annotators of the doubly annotated articles (the second as 'predicted'), in
    all and per split: how far two people reading the same guideline agree, the ceiling for any figure above."""
    tally = _Tally()
    by_split: dict[str, _Tally] = {}
    counts: dict[str, int] = {}
    for versions in gold.values():
        raw = sorted((v for v in versions if not v.annotator.endswith("+adjudicated")), key=lambda v: v.annotator)
        if len(raw) < 2:
            continue
        first, second = raw[0], raw[1]
        pred = [{"type": s.type, "count": s.count, "secondhand": s.secondhand, "ranges": s.mentions, "name": s.name} for s in second.sources]
        t, _ = compare(pred, first.sources)
        tally.add(t)
        by_split.setdefault(first.split, _Tally()).add(t)
        counts[first.split] = counts.get(first.split, 0) + 1
    splits = {k: {"articles": counts[k], **v.summary()} for k, v in sorted(by_split.items())}
    return {"articles": sum(counts.values()), **tally.summary(), "by_split": splits}
