"""Source typing on single spans: our hand-labelled PolNeAR-dev SOURCE spans (``tests/data/source_types_dev.tsv``,
offsets and labels only; the text is read from PolNeAR at run time). A narrower check than the end-to-end
``sources_eval``: it types gold spans, so tagging and kind errors do not enter.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from annotator.schema import Span
from annotator.sources import SOURCE_TYPES, SourceLexicon, type_span


def read_labels(path: Path) -> list[dict]:
    """Rows of the TSV (comment lines start with '#'); validates types and offsets."""
    rows: list[dict] = []
    header: list[str] | None = None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        row = dict(zip(header, cells, strict=False))
        if row.get("type") not in SOURCE_TYPES:
            raise ValueError(f"{path}:{n}: unknown type {row.get('type')!r}")
        row["start"], row["end"] = int(row["start"]), int(row["end"])
        row["count"] = int(row["count"]) if row.get("count") else None
        rows.append(row)
    return rows


def evaluate(rows: list[dict], texts: dict[str, str], lexicon: SourceLexicon) -> dict:
    confusion: dict[str, Counter] = defaultdict(Counter)
    by_sample: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    count_ok = count_n = 0
    errors: list[dict] = []
    missing = 0
    for i, row in enumerate(rows):
        text = texts.get(row["article_id"])
        if text is None:
            missing += 1
            continue
        span = Span(f"E{i}", row["start"], row["end"], "SOURCE", text[row["start"] : row["end"]])
        typed = type_span(text, span, lexicon)
        gold = row["type"]
        confusion[gold][typed.type] += 1
        ok = typed.type == gold
        by_sample[row.get("sample", "")][0] += ok
        by_sample[row.get("sample", "")][1] += 1
        count_n += 1
        count_ok += typed.count == row["count"]
        if not ok:
            errors.append({"article_id": row["article_id"], "start": row["start"], "end": row["end"], "gold": gold, "pred": typed.type})
    total = sum(sum(c.values()) for c in confusion.values())
    correct = sum(confusion[t][t] for t in confusion)
    per_type = {}
    for t in SOURCE_TYPES:
        n = sum(confusion[t].values())
        predicted = sum(confusion[g][t] for g in confusion)
        per_type[t] = {
            "n": n,
            "accuracy": round(confusion[t][t] / n, 4) if n else None,
            "precision": round(confusion[t][t] / predicted, 4) if predicted else None,
        }
    return {
        "n": total,
        "missing_articles": missing,
        "accuracy": round(correct / total, 4) if total else None,
        "macro_accuracy": round(
            sum(v["accuracy"] for v in per_type.values() if v["accuracy"] is not None) / sum(1 for v in per_type.values() if v["accuracy"] is not None), 4
        )
        if total
        else None,
        "by_sample": {k: {"n": v[1], "accuracy": round(v[0] / v[1], 4)} for k, v in sorted(by_sample.items())},
        "count_accuracy": round(count_ok / count_n, 4) if count_n else None,
        "per_type": per_type,
        "confusion": {g: dict(confusion[g]) for g in SOURCE_TYPES if confusion[g]},
        "errors": errors,
    }
