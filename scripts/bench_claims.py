"""Per-article cost of claim detection on top of tagging, and the attributed share with gold attributions.

    python scripts/bench_claims.py --model models/attribution-minilm --articles 40

Runs on PolNeAR dev articles (read from ../shared at run time), one thread. Prints ms per article for
``Tagger.annotate(keep_hidden=True)`` and for ``ClaimDetector.find_claims_batch`` on the kept states, their
ratio, and how many claims the attributed rule marks with predicted and with gold attributions.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=None, help="tagger model directory with a claims head")
    p.add_argument("--polnear", type=Path, default=ROOT.parent / "shared" / "data" / "polnear", help="PolNeAR root")
    p.add_argument("--articles", type=int, default=40, help="how many dev articles")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    from annotator.claims import ClaimDetector
    from annotator.polnear import load_split
    from annotator.schema import AnnotatedArticle
    from annotator.tagger import Tagger
    from annotator.text import sentences

    gold = load_split(args.polnear / "dev")[: args.articles]
    tagger = Tagger.from_pretrained(args.model)
    detector = ClaimDetector.for_tagger(tagger)
    articles = [g.article for g in gold]
    n = len(articles)

    t0 = time.perf_counter()
    annotated = tagger.annotate(articles, keep_hidden=True)
    t_tag = time.perf_counter() - t0
    detector.find_claims_batch(annotated[:1])  # builds the TF-IDF vocabulary once per process
    t0 = time.perf_counter()
    claims = detector.find_claims_batch(annotated)
    t_claims = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_sentences = sum(len(sentences(a.text)) for a in articles)
    t_split = time.perf_counter() - t0
    with_gold = [AnnotatedArticle(g.article, g.spans, g.attributions, features=a.features) for g, a in zip(gold, annotated, strict=True)]
    gold_claims = detector.find_claims_batch(with_gold)

    words = sum(len(a.text.split()) for a in articles) / max(1, n)
    print(f"{n} articles, {n_sentences} sentences, {words:.0f} words per article; tagger {tagger.model_version}")
    print(f"tagging (keep_hidden=True): {1000 * t_tag / n:.1f} ms/article")
    print(f"claims on kept states:      {1000 * t_claims / n:.1f} ms/article = {t_claims / t_tag:.2%} of tagging")
    print(f"  of which sentence split:  {1000 * t_split / n:.1f} ms/article")
    found = sum(len(c) for c in claims)
    print(f"claims: {found} = {found / max(1, n_sentences):.0%} of sentences")
    print(f"attributed with predicted attributions: {sum(c['attributed'] for cs in claims for c in cs) / max(1, found):.0%}")
    print(f"attributed with gold attributions:      {sum(c['attributed'] for cs in gold_claims for c in cs) / max(1, found):.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
