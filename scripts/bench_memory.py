#!/usr/bin/env python
"""Peak memory of a batch job against the number of articles: is it flat?

Writes N short articles (built from sentences we wrote, every article different) to a JSONL file, runs
``annotator score`` (or ``annotate``) on it as a child process for each N, and reads the child's peak RSS from the
kernel (``wait4``). Memory is flat when the 10x larger batch peaks within a few percent of the smaller one.

    .venv/bin/python scripts/bench_memory.py [--sizes 1000,10000] [--command score] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PEOPLE = ["Mayor Lena Ortiz", "Councillor Ravi Patel", "Dana Whitfield, the county engineer", "a spokesperson for the utility",
          "two residents who asked not to be named", "the state auditor's office", "Professor Mira Holm"]  # fmt: skip
VERBS = ["said", "told reporters", "wrote in a statement", "said on Tuesday", "said in an interview"]
CLAIMS = ["the repairs would cost {n} million dollars", "the bridge carried {n} thousand cars a day", "water rates would rise {n} percent",
          "the plan had been delayed {n} times", "{n} families had been moved from the flood zone"]  # fmt: skip
FILLER = ["The council meets again next month.", "Work is expected to start in the spring.", "The vote was close."]


def article(i: int, rng: random.Random) -> dict[str, str]:
    sentences = []
    for _ in range(rng.randint(3, 6)):
        claim = rng.choice(CLAIMS).format(n=rng.randint(2, 90))
        sentences.append(f"{rng.choice(PEOPLE)} {rng.choice(VERBS)} that {claim}.")
    sentences.append(rng.choice(FILLER))
    rng.shuffle(sentences)
    return {"id": f"mem-{i}", "text": f"Story number {i} on the town budget.\n\n" + " ".join(sentences)}


def peak_rss_mb(cmd: list[str]) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return usage.ru_maxrss / 1024, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--command", default="score", choices=["score", "annotate"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    annotator = str(Path(sys.executable).with_name("annotator"))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            rng = random.Random(n)
            src = Path(tmp) / f"articles-{n}.jsonl"
            src.write_text("".join(json.dumps(article(i, rng)) + "\n" for i in range(n)), encoding="utf-8")
            out = Path(tmp) / f"out-{n}.jsonl"
            rss, seconds = peak_rss_mb([annotator, args.command, str(src), "--out", str(out), "--quiet"])
            written = sum(1 for _ in out.open(encoding="utf-8"))
            results[n] = {"peak_rss_mb": round(rss, 1), "seconds": round(seconds, 1), "records": written}
            print(f"{n:>7} articles: peak RSS {rss:7.1f} MB, {seconds:7.1f} s, {written} records", flush=True)
    sizes = sorted(results)
    ratio = results[sizes[-1]]["peak_rss_mb"] / results[sizes[0]]["peak_rss_mb"]
    print(f"peak RSS ratio {sizes[-1]} / {sizes[0]} articles: {ratio:.3f}")
    if args.json:
        print(json.dumps({"command": args.command, "results": results, "ratio": round(ratio, 3)}))


if __name__ == "__main__":
    main()
