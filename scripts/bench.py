#!/usr/bin/env python
"""Inference speed, side by side in one process and one run, on the same articles:

* the naive Hugging Face ``pipeline("token-classification")`` (fp32, called per article, our encoder and classifier);
* our tagging path (``Tagger.annotate``: windows batched across articles, BIO Viterbi, linking, kinds) at each
  precision (fp32, bf16, int8) and at ``auto``;
* the whole ``score`` pipeline (clean, tag, sources, claims, score) at ``auto``;

plus the machine's measured matmul GFLOP/s (fp32, bf16, int8 dynamic-quantized linear) and, for each path of ours,
the share of that limit it reaches (encoder FLOPs counted from the windows it actually ran, padding included).

    .venv/bin/python scripts/bench.py [--articles 24] [--repeats 2] [--threads 2] [--json]

With ``--json`` the last line is one JSON object: ``words_per_s`` per path, ``speedup_vs_naive`` (auto),
``flop_share`` per path, ``gflops`` of the machine, and the precision ``auto`` chose.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from annotator.modeling.precision import PRECISIONS, FullRangeDynamicLinear, inference_config, int8_qconfig, native_precisions
from annotator.modeling.windows import encode, make_windows
from annotator.tagger import Tagger, default_model_dir
from annotator.text import words

ROOT = Path(__file__).resolve().parent.parent


def load_texts(n: int) -> tuple[list[str], str]:
    dev = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"
    files = sorted(dev.glob("*.txt")) if dev.is_dir() else sorted((ROOT / "examples").glob("*.txt"))
    src = f"PolNeAR dev ({dev})" if dev.is_dir() else "examples/"
    texts = [f.read_text(encoding="utf-8") for f in files]
    while len(texts) < n:
        texts += texts
    return texts[:n], src


def naive_pipeline(tagger: Tagger):
    """What a user writes first: a BertForTokenClassification with our encoder and classifier, per article."""
    from transformers import BertConfig, BertForTokenClassification, pipeline

    cfg = BertConfig(**{k: v for k, v in tagger.model.config.encoder.items() if k in BertConfig().to_dict()})
    cfg.num_labels = tagger.model.config.num_tags
    cfg.id2label = dict(enumerate(tagger.model.config.tags))
    cfg.label2id = {v: k for k, v in cfg.id2label.items()}
    hf = BertForTokenClassification(cfg)
    hf.bert.load_state_dict(tagger.model.encoder.state_dict(), strict=False)
    hidden = tagger.model.encoder.config.hidden_size
    with torch.no_grad():
        hf.classifier.weight.copy_(tagger.model.classifier.weight[:, :hidden].float())
        hf.classifier.bias.copy_(tagger.model.classifier.bias.float())
    hf.eval()
    return pipeline("token-classification", model=hf, tokenizer=tagger.tokenizer, aggregation_strategy="simple", stride=tagger.model.config.stride, device=-1)


def matmul_gflops(dtype: str, n: int = 1024, seconds: float = 0.5, tries: int = 3) -> float:
    """Measured dense matmul throughput of this machine (current torch threads): the best of a few short runs,
    so a moment of contention does not lower the ceiling the shares are computed against."""
    return max(_matmul_once(dtype, n, seconds) for _ in range(tries))


def _matmul_once(dtype: str, n: int, seconds: float) -> float:
    if dtype == "int8":  # the same dynamic int8 linear layer our int8 path runs (configs/inference.yaml)
        settings = inference_config().int8
        target = FullRangeDynamicLinear if settings.reduced_range == "weights" else torch.ao.nn.quantized.dynamic.Linear
        qconfig = int8_qconfig(settings.per_channel, settings.reduced_range)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.ao's deprecation notice
            layer = torch.ao.quantization.quantize_dynamic(
                torch.nn.Sequential(torch.nn.Linear(n, n)), {"0": qconfig}, dtype=torch.qint8, mapping={torch.nn.Linear: target}
            )
        x = torch.randn(n, n)

        def step():
            layer(x)
    else:
        dt = torch.float32 if dtype == "fp32" else torch.bfloat16
        a, b = torch.randn(n, n, dtype=dt), torch.randn(n, n, dtype=dt)

        def step():
            torch.matmul(a, b)

    with torch.inference_mode():
        step()
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            step()
            count += 1
        elapsed = time.perf_counter() - started
    return 2 * n**3 * count / elapsed / 1e9


def encoder_flops(tagger: Tagger, texts: list[str]) -> float:
    """FLOPs of the encoder over the windows our path runs (padded to the batch's longest window, as it runs)."""
    enc_cfg = tagger.model.encoder.config
    d, ffn, layers = enc_cfg.hidden_size, enc_cfg.intermediate_size, enc_cfg.num_hidden_layers
    cfg = tagger.model.config
    total = 0.0
    for i, t in enumerate(texts):
        for w in make_windows(encode(t, tagger.tokenizer), i, cfg.max_length - 2, cfg.stride):
            seq = w.token_end - w.token_start + 2
            per_token = 2 * (4 * d * d + 2 * d * ffn) + 2 * 2 * seq * d  # projections + FFN, then QK^T and AV
            total += layers * per_token * seq
    return total


def timed_side_by_side(paths: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Seconds per path: one warm-up each, then ``repeats`` rounds that run every path in turn, best round kept, so
    a burst of load from other processes slows all paths of a round alike instead of whichever was running."""
    for fn in paths.values():
        fn()  # warm-up
    best = dict.fromkeys(paths, float("inf"))
    for _ in range(repeats):
        for name, fn in paths.items():
            started = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=24)
    ap.add_argument("--repeats", type=int, default=2, help="rounds over all paths (best round kept)")
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    ap.add_argument("--model", type=Path, default=default_model_dir())
    ap.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    texts, src = load_texts(args.articles)
    n_words = sum(len(words(t)) for t in texts)
    print(f"{len(texts)} articles from {src}, {n_words} words; torch threads {torch.get_num_threads()}")
    gflops = {p: round(matmul_gflops(p), 1) for p in PRECISIONS}
    print("machine matmul GFLOP/s: " + ", ".join(f"{p} {v:.0f}" for p, v in gflops.items()))

    taggers = {p: Tagger.from_pretrained(args.model, precision=p) for p in PRECISIONS}
    auto = Tagger.from_pretrained(args.model, precision="auto")
    print(f"auto chose {auto.precision}: {auto.precision_reason}")
    flops = encoder_flops(taggers["fp32"], texts)
    naive = naive_pipeline(taggers["fp32"])

    from annotator.pipeline import ScorePipeline
    from annotator.schema import Article

    pipeline = ScorePipeline.from_pretrained(args.model, precision="auto")
    articles = [Article(f"a{i}", t) for i, t in enumerate(texts)]

    def score_all() -> None:
        prepared = [pipeline.prepare(a) for a in articles]
        pipeline.process([a for a in prepared if isinstance(a, Article)])

    paths: dict[str, Callable[[], object]] = {"naive_hf_pipeline_fp32": lambda: [naive(t) for t in texts]}
    for p, tagger in taggers.items():
        paths[f"ours_{p}"] = lambda tagger=tagger: tagger.annotate(texts)
    paths["score_pipeline_auto"] = score_all
    seconds = timed_side_by_side(paths, args.repeats)

    words_per_s = {k: round(n_words / s, 1) for k, s in seconds.items()}
    words_per_s["ours_auto"] = words_per_s[f"ours_{auto.precision}"]
    base = words_per_s["naive_hf_pipeline_fp32"]
    native = native_precisions()
    # share of the measured peak at that precision; meaningless where the CPU only emulates it (bf16 without AMX)
    share = {f"ours_{p}": round(flops / seconds[f"ours_{p}"] / 1e9 / gflops[p], 3) if p in native else None for p in PRECISIONS}
    share["ours_auto"] = share[f"ours_{auto.precision}"]
    print(f"\n{'path':28} {'words/s':>9} {'vs naive':>9} {'FLOP share':>11}")
    for k, v in words_per_s.items():
        fs = share.get(k)
        print(f"{k:28} {v:9.0f} {v / base:8.2f}x {'' if fs is None else f'{fs:10.1%}'}")
    print(f"native precisions here: {', '.join(native)} (FLOP share left blank where the CPU emulates a precision)")
    print(f"\nencoder work: {flops / 1e9:.1f} GFLOP over the windows; share = achieved / measured matmul peak at that precision")
    result = {
        "articles": len(texts),
        "words": n_words,
        "threads": torch.get_num_threads(),
        "auto_precision": auto.precision,
        "gflops": gflops,
        "words_per_s": words_per_s,
        "speedup_vs_naive": round(words_per_s["ours_auto"] / base, 2),
        "score_speedup_vs_naive": round(words_per_s["score_pipeline_auto"] / base, 2),
        "flop_share": share,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
    }
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
