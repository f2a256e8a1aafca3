"""Evaluation of tagger and linker against gold articles. Definitions (stated once, used everywhere):

* **Word-token P/R/F1** per label: words are ``annotator.text.words`` tokens; a word's gold (predicted)
  label is the label of the gold (predicted) span covering at least half of its characters, else O. For
  label L, TP = words whose gold and predicted label are both L; FP = predicted L, gold not L; FN = gold
  L, predicted not L. "pooled" sums TP/FP/FN over SOURCE, CUE and CONTENT (micro average); O is never
  counted as a positive.
* **Exact-span P/R/F1** per label: a predicted span is a TP when a gold span of the same label has the
  same start and end character offsets. Gold spans are PolNeAR fragments with whitespace-only gaps
  joined and surrounding whitespace trimmed (``annotator.polnear.to_annotated``), so a quote split by an
  inserted "the official said" is two CONTENT spans on both sides.
* **Overlap-span P/R/F1** per label: precision is the share of predicted spans that share at least one
  character with a gold span of the same label; recall is the share of gold spans that share at least one
  character with a predicted span of the same label.
* **Linking accuracy**: given gold spans, the share of gold attributions the linker rebuilds with exactly
  the same cue, source (or none) and set of content spans (``annotator.linking.linking_accuracy``).
* **End-to-end attribution F1**: a predicted attribution is correct when its cue, source (or none) and
  content spans all match a gold attribution's by exact offsets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from annotator.bio import spans_to_bio
from annotator.linking import Linker, linking_accuracy
from annotator.schema import LABELS, AnnotatedArticle
from annotator.text import words


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _table(counts: dict[str, Counter]) -> dict[str, dict[str, float]]:
    table = {lab: _prf(counts[lab]["tp"], counts[lab]["fp"], counts[lab]["fn"]) for lab in LABELS}
    pooled = Counter()
    for lab in LABELS:
        pooled.update(counts[lab])
    table["pooled"] = _prf(pooled["tp"], pooled["fp"], pooled["fn"])
    return table


def token_scores(gold: Sequence[AnnotatedArticle], pred: Sequence[AnnotatedArticle]) -> dict:
    counts = {lab: Counter() for lab in LABELS}
    for g, p in zip(gold, pred, strict=True):
        ws = words(g.text)
        gt = [t.partition("-")[2] for t in spans_to_bio(ws, g.spans)]
        pt = [t.partition("-")[2] for t in spans_to_bio(ws, p.spans)]
        for a, b in zip(gt, pt, strict=True):
            if a and a == b:
                counts[a]["tp"] += 1
            else:
                if b:
                    counts[b]["fp"] += 1
                if a:
                    counts[a]["fn"] += 1
    return _table(counts)


def span_scores(gold: Sequence[AnnotatedArticle], pred: Sequence[AnnotatedArticle]) -> dict:
    """Exact-span P/R/F1 per label and pooled."""
    counts = {lab: Counter() for lab in LABELS}
    for g, p in zip(gold, pred, strict=True):
        for lab in LABELS:
            gset = {(s.start, s.end) for s in g.spans if s.label == lab}
            pset = {(s.start, s.end) for s in p.spans if s.label == lab}
            tp = len(gset & pset)
            counts[lab].update({"tp": tp, "fp": len(pset) - tp, "fn": len(gset) - tp})
    return _table(counts)


def _overlap_table(gold: Sequence[AnnotatedArticle], pred: Sequence[AnnotatedArticle]) -> dict:
    stats = {lab: Counter() for lab in LABELS}
    for g, p in zip(gold, pred, strict=True):
        for lab in LABELS:
            gs = [(s.start, s.end) for s in g.spans if s.label == lab]
            ps = [(s.start, s.end) for s in p.spans if s.label == lab]
            stats[lab]["pred"] += len(ps)
            stats[lab]["gold"] += len(gs)
            stats[lab]["pred_hit"] += sum(any(s < e2 and s2 < e for s2, e2 in gs) for s, e in ps)
            stats[lab]["gold_hit"] += sum(any(s < e2 and s2 < e for s2, e2 in ps) for s, e in gs)
    out = {}
    pooled = Counter()
    for lab in LABELS + ("pooled",):
        c = stats[lab] if lab != "pooled" else pooled
        p = c["pred_hit"] / c["pred"] if c["pred"] else 0.0
        r = c["gold_hit"] / c["gold"] if c["gold"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        out[lab] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "pred": c["pred"], "gold": c["gold"]}
        if lab != "pooled":
            pooled.update(c)
    return out


def attribution_scores(gold: Sequence[AnnotatedArticle], pred: Sequence[AnnotatedArticle]) -> dict:
    """End-to-end: attributions as (cue offsets, source offsets, frozenset of content offsets)."""
    tp = fp = fn = 0
    for g, p in zip(gold, pred, strict=True):

        def triples(doc: AnnotatedArticle) -> set:
            by_id = doc.span_by_id()

            def off(i: str | None):
                return (by_id[i].start, by_id[i].end) if i is not None and i in by_id else None

            return {(off(a.cue), off(a.source), frozenset(off(c) for c in a.content)) for a in doc.attributions}

        gt, pt = triples(g), triples(p)
        tp += len(gt & pt)
        fp += len(pt - gt)
        fn += len(gt - pt)
    return _prf(tp, fp, fn)


def evaluate_predictions(gold: Sequence[AnnotatedArticle], pred: Sequence[AnnotatedArticle], linker: Linker | None = None) -> dict:
    """All metrics for predicted articles against gold ones (same order)."""
    result = {
        "articles": len(gold),
        "token": token_scores(gold, pred),
        "exact_span": span_scores(gold, pred),
        "overlap_span": _overlap_table(gold, pred),
        "attribution_end_to_end": attribution_scores(gold, pred),
    }
    if linker is not None:
        result["linking"] = linking_accuracy(gold, linker)
    return result


def summary_line(metrics: dict) -> str:
    t, e = metrics["token"], metrics["exact_span"]
    parts = [f"token F1 {t['pooled']['f1']:.3f}", f"exact F1 {e['pooled']['f1']:.3f}"]
    parts += [f"{lab[:3]} {t[lab]['f1']:.3f}/{e[lab]['f1']:.3f}" for lab in LABELS]
    if "linking" in metrics:
        parts.append(f"linking {metrics['linking']['triple_accuracy']:.3f}")
    return " | ".join(parts)
