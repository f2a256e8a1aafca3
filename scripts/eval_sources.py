"""Evaluate source typing (annotator.sources.type_span) on our hand-labelled PolNeAR-dev set.

The set (tests/data/source_types_dev.tsv) holds offsets and our labels only; the article text is read from
../shared/data/polnear/dev at run time. Prints per-type accuracy (recall of each gold type), precision of each
predicted type, overall and per-stratum accuracy, count accuracy and the confusion matrix.

    python scripts/eval_sources.py [--json runs/eval_sources.json]
    python scripts/eval_sources.py --sample      # re-draw the labelling sample (prints spans in context)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.polnear import load_split  # noqa: E402
from annotator.schema import Span  # noqa: E402
from annotator.sources import SOURCE_TYPES, SourceLexicon, type_span  # noqa: E402

DEFAULT_DATA = ROOT / "tests" / "data" / "source_types_dev.tsv"
DEFAULT_POLNEAR = ROOT.parent / "shared" / "data" / "polnear"
SHORT = {
    "NAMED_PERSON": "PER",
    "NAMED_ORGANIZATION": "ORG",
    "MEDIA_OUTLET": "MEDIA",
    "DOCUMENT": "DOC",
    "ANONYMOUS_DESCRIBED": "A_DESC",
    "ANONYMOUS_VAGUE": "A_VAGUE",
    "REFERENCE": "REF",
}
SAMPLE_SEEDS = (20240219, 20240220)
SAMPLE_SIZES = (380, 160)
BARE_PRONOUNS = frozenset("he she it they who which that i we you his her its their me us him them this these those whom one".split())


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


def print_report(result: dict) -> None:
    print(f"spans: {result['n']}  accuracy: {result['accuracy']:.3f}  macro (mean per-type) accuracy: {result['macro_accuracy']:.3f}")
    print(f"count accuracy: {result['count_accuracy']:.3f}")
    for k, v in result["by_sample"].items():
        print(f"  sample {k or '-'}: n={v['n']} accuracy={v['accuracy']:.3f}")
    print(f"\n{'type':22} {'n':>4} {'accuracy':>9} {'precision':>10}")
    for t, v in result["per_type"].items():
        acc = f"{v['accuracy']:.3f}" if v["accuracy"] is not None else "-"
        prec = f"{v['precision']:.3f}" if v["precision"] is not None else "-"
        print(f"{t:22} {v['n']:>4} {acc:>9} {prec:>10}")
    print("\nconfusion (rows gold, columns predicted)")
    print(f"{'':8}" + "".join(f"{SHORT[t]:>8}" for t in SOURCE_TYPES))
    for g in SOURCE_TYPES:
        row = result["confusion"].get(g, {})
        print(f"{SHORT[g]:8}" + "".join(f"{row.get(t, 0):>8}" for t in SOURCE_TYPES))


def sample(polnear: Path) -> None:
    """Re-draw the labelling sample exactly as the TSV header describes, printing each span in context."""
    docs = load_split(polnear / "dev")
    texts = {d.id: d.text for d in docs}
    spans = sorted((d.id, s.start, s.end) for d in docs for s in d.spans if s.label == "SOURCE")
    first = random.Random(SAMPLE_SEEDS[0]).sample(spans, SAMPLE_SIZES[0])
    chosen = set(first)
    rest = [x for x in spans if x not in chosen and texts[x[0]][x[1] : x[2]].lower().strip() not in BARE_PRONOUNS]
    second = random.Random(SAMPLE_SEEDS[1]).sample(rest, SAMPLE_SIZES[1])
    for stratum, picked in (("random", sorted(first)), ("non_pronoun", sorted(second))):
        for art, s, e in picked:
            t = texts[art]
            context = (t[max(0, s - 200) : s] + "[[" + t[s:e] + "]]" + t[e : e + 100]).replace("\n", " / ")
            print(f"{stratum}\t{art}\t{s}\t{e}\t{t[s:e]!r}\n    {context}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="labelled TSV (offsets + types)")
    parser.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR, help="PolNeAR root with dev/")
    parser.add_argument("--config", type=Path, default=None, help="sources config (default configs/sources.yaml)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures (and the error list) as JSON")
    parser.add_argument("--errors", action="store_true", help="print every misclassified span with its text")
    parser.add_argument("--sample", action="store_true", help="print the labelling sample in context and exit")
    args = parser.parse_args(argv)
    if not (args.polnear / "dev").is_dir():
        print(f"PolNeAR dev split not found under {args.polnear}", file=sys.stderr)
        return 2
    if args.sample:
        sample(args.polnear)
        return 0
    lexicon = SourceLexicon.load(args.config)
    rows = read_labels(args.data)
    texts = {d.id: d.text for d in load_split(args.polnear / "dev")}
    result = evaluate(rows, texts, lexicon)
    print_report(result)
    if args.errors:
        print("\nerrors (gold -> predicted)")
        for e in result["errors"]:
            text = texts[e["article_id"]][e["start"] : e["end"]]
            print(f"  {SHORT[e['gold']]:>7} -> {SHORT[e['pred']]:<7} {text!r}  ({e['article_id']} {e['start']})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
