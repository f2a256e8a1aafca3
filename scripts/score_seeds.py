"""Score the seed articles in ../shared/samples/seeds as a user would, print each score with its flags, and
check the expectations of issue 3.

    python scripts/score_seeds.py                         # shipped model, ../shared/samples/seeds
    python scripts/score_seeds.py --model DIR --out /tmp/seeds.jsonl --report /tmp/seeds.html

Expectations checked (printed as PASS/FAIL, exit code 1 if any fails):
  * the original Reuters story (its list of who Reuters talked to, a named adviser, counted sources,
    requests for comment) ranks well above the stories that mostly relay another outlet's report;
  * the story built on "sources told MEE" is flagged mostly anonymous.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SEEDS = Path(os.environ.get("ANNOTATOR_SHARED", ROOT.parent / "shared")) / "samples" / "seeds"
ORIGINAL = "reuters-qaani-page-with-related"
RELAYS = ("newregion-iraq-groups-suspend", "iranintl-militias-halt-israel")
ANONYMOUS = "mee-groups-agree-truce"
WELL_ABOVE = 15.0  # points: "well above"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("seeds", nargs="?", type=Path, default=DEFAULT_SEEDS, help="directory of seed .txt files")
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: $ANNOTATOR_MODEL or the shipped model)")
    parser.add_argument("--out", type=Path, default=None, help="also write the score records here (JSONL)")
    parser.add_argument("--report", type=Path, default=None, help="also write the HTML report here (needs --out)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if not args.seeds.is_dir():
        print(f"no seeds directory at {args.seeds}", file=sys.stderr)
        return 2

    from annotator.inputs import iter_inputs
    from annotator.pipeline import ScorePipeline

    pipeline = ScorePipeline.from_pretrained(args.model, threads=args.threads)
    items = [pipeline.prepare(item) for item in iter_inputs([args.seeds])]
    from annotator.schema import Article

    articles = [i for i in items if isinstance(i, Article)]
    done = iter(pipeline.process(articles))
    records = [next(done) if isinstance(i, Article) else i.to_record() for i in items]

    print(f"model {pipeline.model_version}; {len(records)} seed articles from {args.seeds}\n")
    names = list(pipeline.scoring_config.weights)  # the components in use
    print(f"{'article':36} {'score':>6} " + " ".join(f"{n[:6]:>6}" for n in names) + "  srcs people claims  flags")
    for r in records:
        if "error" in r:
            print(f"{r['id']:36} error {r['error']['code']}: {r['error']['message']}")
            continue
        s = r["score"]
        comps = " ".join(f"{s['components'][n]['value']:6.2f}" for n in names)
        st = s["stats"]
        print(f"{r['id']:36} {s['overall']:6.1f} {comps}  {st['sources']:4} {st['people']:6} {st['claims']:3}/{st['attributed_claims']:<3} "
              f"{', '.join(s['flags'])}")  # fmt: skip
        if r.get("cleaning"):
            c = r["cleaning"]
            print(f"{'':36} cleaning: kept {c['kept_lines']} lines, dropped {c['dropped_lines']} lines and {c['dropped_stories']} other stories")
    print()

    by_id = {r["id"]: r for r in records if "error" not in r}
    failures = 0

    def check(ok: bool, message: str) -> None:
        nonlocal failures
        failures += not ok
        print(("PASS " if ok else "FAIL ") + message)

    if ORIGINAL in by_id:
        original = by_id[ORIGINAL]["score"]["overall"]
        for relay in RELAYS:
            if relay in by_id:
                other = by_id[relay]["score"]["overall"]
                check(original >= other + WELL_ABOVE, f"{ORIGINAL} ({original:.1f}) is at least {WELL_ABOVE:g} points above {relay} ({other:.1f})")
    if ANONYMOUS in by_id:
        flags = by_id[ANONYMOUS]["score"]["flags"]
        check("mostly_anonymous" in flags, f"{ANONYMOUS} is flagged mostly_anonymous (flags: {', '.join(flags) or 'none'})")

    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        if args.report:
            from annotator.report import write_report

            write_report(args.out, args.report, model_version=pipeline.model_version)
            print(f"report: {args.report}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
