#!/usr/bin/env python
"""Cost of one article by its length: time and peak memory of the whole `score` pipeline on articles of 10 KB,
100 KB, 1 MB and 4.9 MB (under the 5 MB limit), each in a fresh process so peak RSS is its own.

The articles are PolNeAR's texts joined (when ../shared is beside the checkout), else our examples repeated with
numbered paragraphs (so cleaning does not drop repeated lines). Time excludes loading the model; the table gives
seconds per MB, which a linear pipeline keeps flat.

    .venv/bin/python scripts/bench_length.py [--sizes 10k,100k,1m,4.9m] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLNEAR = ROOT.parent / "shared" / "data" / "polnear"

CHILD = r"""
import json, resource, sys, time
from annotator.pipeline import ScorePipeline
from annotator.schema import Article
pipeline = ScorePipeline.from_pretrained()
warm = " ".join(["The mayor said the bridge was safe, officials told reporters on Monday."] * 12)
pipeline.process([pipeline.prepare(Article("warm", warm))])  # one-time loads (language profiles, sentencizer) are not per article
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
text = open(sys.argv[1], encoding="utf-8").read()
start = time.perf_counter()
item = pipeline.prepare(Article("bench", text))
record = pipeline.process([item])[0]
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "model_rss_mb": base, "chars": len(record["text"]),
                  "spans": len(record["spans"]), "sources": len(record["sources"])}))
"""


def corpus() -> str:
    if (POLNEAR / "train" / "text").is_dir():
        files = sorted((POLNEAR / "train" / "text").glob("*.txt")) + sorted((POLNEAR / "dev" / "text").glob("*.txt"))
        return "\n\n".join(f.read_text(encoding="utf-8") for f in files)
    return "\n\n".join(f.read_text(encoding="utf-8") for f in sorted((ROOT / "examples").glob("*.txt")))


def article_of(size: int, base: str) -> str:
    """``size`` bytes of text whose lines never repeat (cleaning drops exact repeats)."""
    parts: list[str] = []
    total, round_no = 0, 0
    while total < size:
        round_no += 1
        chunk = base if round_no == 1 else "\n".join(f"{line} (part {round_no})" if line.strip() else line for line in base.split("\n"))
        parts.append(chunk)
        total += len(chunk.encode("utf-8")) + 2
    text = "\n\n".join(parts).encode("utf-8")[:size].decode("utf-8", errors="ignore")
    return text[: text.rfind("\n")]


def parse_size(raw: str) -> int:
    raw = raw.strip().lower()
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if raw.endswith(suffix):
            return int(float(raw[:-1]) * factor)
    return int(raw)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1m,4.9m")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object on the last line")
    args = parser.parse_args()
    base = corpus()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for raw in args.sizes.split(","):
            size = parse_size(raw)
            path = Path(tmp) / f"{raw}.txt"
            path.write_text(article_of(size, base), encoding="utf-8")
            proc = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT)
            if proc.returncode != 0:
                sys.exit(f"{raw}: the child failed:\n{proc.stderr[-3000:]}")
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            mb = path.stat().st_size / 1_000_000
            result.update(size=raw, mb=round(mb, 3), seconds_per_mb=result["seconds"] / mb, extra_rss_mb=result["peak_rss_mb"] - result["model_rss_mb"])
            rows.append(result)
            print(
                f"{raw:>6}  {mb:7.3f} MB  {result['seconds']:8.1f} s  {result['seconds_per_mb']:7.1f} s/MB  "
                f"peak RSS {result['peak_rss_mb']:7.0f} MB (+{result['extra_rss_mb']:.0f} MB over the loaded model, "
                f"{result['extra_rss_mb'] / mb:.0f} MB/MB)",
                flush=True,
            )
    per_mb = [r["seconds_per_mb"] for r in rows]
    print(f"seconds per MB: max/min = {max(per_mb) / min(per_mb):.2f}")
    if args.json:
        print(json.dumps({"rows": rows, "seconds_per_mb_ratio": max(per_mb) / min(per_mb)}))


if __name__ == "__main__":
    main()
