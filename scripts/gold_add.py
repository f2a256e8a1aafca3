#!/usr/bin/env python
"""Add annotators' files to the sources gold set (data/sources-gold/).

Annotators write mentions as the guideline asks (``{"line": L, "text": ..., "nth": k}``, GUIDELINES.md section 5);
our gold stores character ranges into the raw article file. This turns one into the other
(``annotator.workflows.gold_set.mention_range``; ``eval-sources --gold`` reads either form), checks every mention
(the text must occur ``nth`` times on that line), and appends the articles to ``articles.tsv`` under ``--split``
and the annotations to ``gold.jsonl``. Articles already in the gold are refused, unless ``--second``: then every
article must already be there, and the files add a second annotator's version (the gold stays the first
annotator's by name; ``eval-sources`` reports agreement between the two).

    .venv/bin/python scripts/gold_add.py ann_F1.jsonl ann_F2.jsonl --split fresh [--shared ../shared]
    .venv/bin/python scripts/gold_add.py ann_F7.jsonl --second
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from annotator.workflows.gold_set import ArticleLines, mention_range

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "data" / "sources-gold"


def article_path(article_id: str, shared: Path) -> tuple[Path, str]:
    """The raw file of an article id and its path as ``articles.tsv`` writes it (relative to its base)."""
    collection, *rest = article_id.split("/")
    if collection == "polnear":
        rel = f"data/polnear/{rest[0]}/text/{rest[1]}.txt"
        return shared / rel, rel
    if collection == "seed":
        rel = f"samples/seeds/{rest[0]}.txt"
        return shared / rel, rel
    if collection == "example":
        rel = f"examples/{rest[0]}.txt"
        return ROOT / rel, rel
    raise ValueError(f"{article_id}: unknown collection {collection!r}")


def convert(obj: dict, shared: Path, where: str) -> tuple[dict, str]:
    """One annotator's article object -> the gold.jsonl record (ranges), and the article's relative path."""
    if not obj.get("annotator"):
        raise ValueError(f'{where}: no "annotator" field (the gold is the first annotator\'s by name)')
    path, rel = article_path(obj["article"], shared)
    lines = ArticleLines(path)

    def ranges(mention: dict, what: str) -> list[int]:
        try:
            return list(mention_range(mention, lines))
        except ValueError as exc:
            raise ValueError(f"{where} {what}: {exc}") from None

    sources = []
    for k, s in enumerate(obj.get("sources") or []):
        mentions = [ranges(m, f"source {k}") for m in s["mentions"]]
        sources.append({**{f: s.get(f) for f in ("name", "type", "count", "secondhand")}, "mentions": mentions})
    not_sources = [{"span": ranges(n, "not_source"), "why": n.get("why", "other")} for n in obj.get("not_sources") or []]
    return {"article": obj["article"], "annotator": obj["annotator"], "sources": sources, "not_sources": not_sources}, rel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path, help="annotators' JSONL files (one article object per line)")
    parser.add_argument("--split", help="split name for the new articles (e.g. fresh)")
    parser.add_argument("--second", action="store_true", help="second annotations of articles already in the gold")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared data directory")
    args = parser.parse_args()
    if bool(args.split) == args.second:
        parser.error("give --split for new articles, or --second for second annotations")
    with open(GOLD / "articles.tsv", encoding="utf-8", newline="") as f:
        known = {row["id"] for row in csv.DictReader(f, delimiter="\t")}
    records, rows = [], {}
    for file in args.files:
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            obj = json.loads(line)
            if (obj["article"] in known) != args.second:
                why = "is already in the gold set" if not args.second else "is not in the gold set yet"
                print(f"{file}:{n}: {obj['article']} {why}", file=sys.stderr)
                return 1
            try:
                record, rel = convert(obj, args.shared, f"{file}:{n}")
            except (OSError, ValueError) as exc:  # nothing is written until every file converts
                print(exc, file=sys.stderr)
                return 1
            records.append(record)
            rows[obj["article"]] = rel
    with open(GOLD / "gold.jsonl", "a", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    if not args.second:
        with open(GOLD / "articles.tsv", "a", encoding="utf-8") as f:
            for article_id, rel in rows.items():
                f.write(f"{article_id}\t{args.split}\t{rel}\n")
    print(f"added {len(records)} annotations of {len(rows)} articles to {GOLD} ({'second annotations' if args.second else 'split ' + args.split})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
