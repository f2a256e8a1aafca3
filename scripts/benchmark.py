#!/usr/bin/env python
"""Throughput of our batch path vs a naive Hugging Face ``pipeline`` on the same weights, side by side.

Both run the same encoder on the same articles on this machine in one process, one after the other
(order alternated per repeat), and the script prints articles/s and the ratio. The naive baseline is what a
user would write first: ``pipeline("token-classification", stride=...)`` called per article, with a
BertForTokenClassification built from our encoder and the hidden-state part of our classifier.

    .venv/bin/python scripts/benchmark.py [--articles 40] [--repeats 2] [--model DIR]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent

from annotator.tagger import Tagger, default_model_dir  # noqa: E402


def load_texts(n: int) -> tuple[list[str], str]:
    dev = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
    if dev.is_dir():
        files = sorted(dev.glob("*.txt"))
        src = f"PolNeAR dev ({dev})"
    else:
        files = sorted((ROOT / "examples").glob("*.txt"))
        src = "examples/"
    texts = [f.read_text(encoding="utf-8") for f in files]
    while len(texts) < n:
        texts += texts
    return texts[:n], src


def naive_pipeline(tagger: Tagger):
    from transformers import BertConfig, BertForTokenClassification, pipeline

    cfg = BertConfig(**{k: v for k, v in tagger.model.config.encoder.items() if k in BertConfig().to_dict()})
    cfg.num_labels = tagger.model.config.num_tags
    cfg.id2label = dict(enumerate(tagger.model.config.tags))
    cfg.label2id = {v: k for k, v in cfg.id2label.items()}
    hf = BertForTokenClassification(cfg)
    hf.bert.load_state_dict(tagger.model.encoder.state_dict(), strict=False)
    hidden = tagger.model.encoder.config.hidden_size
    with torch.no_grad():
        hf.classifier.weight.copy_(tagger.model.classifier.weight[:, :hidden])
        hf.classifier.bias.copy_(tagger.model.classifier.bias)
    hf.eval()
    stride = tagger.model.config.stride
    return pipeline("token-classification", model=hf, tokenizer=tagger.tokenizer, aggregation_strategy="simple", stride=stride, device=-1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=40)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--model", type=Path, default=default_model_dir())
    args = ap.parse_args()

    texts, src = load_texts(args.articles)
    tagger = Tagger.from_pretrained(args.model)
    naive = naive_pipeline(tagger)
    chars = sum(len(t) for t in texts)
    print(f"{len(texts)} articles from {src}, {chars / len(texts):.0f} chars on average; torch threads {torch.get_num_threads()}")

    def ours() -> None:
        tagger.annotate(texts)

    def baseline() -> None:
        for t in texts:
            naive(t)

    ours()  # warm-up both paths once
    naive(texts[0])
    timings: dict[str, list[float]] = {"ours": [], "naive": []}
    for r in range(args.repeats):
        order = [("ours", ours), ("naive", baseline)]
        for name, fn in order if r % 2 == 0 else order[::-1]:
            t0 = time.perf_counter()
            fn()
            timings[name].append(time.perf_counter() - t0)
    ours_s, naive_s = statistics.median(timings["ours"]), statistics.median(timings["naive"])
    print(f"ours  (tag + BIO-Viterbi + link, windows batched across articles): {len(texts) / ours_s:6.2f} articles/s  ({ours_s:.1f} s)")
    print(f"naive (HF pipeline per article, tagging only, stride {tagger.model.config.stride}): {len(texts) / naive_s:6.2f} articles/s  ({naive_s:.1f} s)")
    print(f"speed-up: {naive_s / ours_s:.2f}x (median of {args.repeats} runs each, same process, same weights)")


if __name__ == "__main__":
    main()
