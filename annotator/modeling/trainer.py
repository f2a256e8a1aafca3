"""Training: PolNeAR (plus optional correction rounds) -> windows in a ``datasets.Dataset`` -> fine-tuned
tagger, selected on the dev split, written as a model directory (weights, tokenizer, label map, linker,
metrics.json, model card). Seeded: the same config on the same machine gives the same model."""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch
from tqdm.auto import tqdm

from annotator.bio import TAG_TO_ID, spans_to_bio, transition_log_probs
from annotator.linking import Linker, linking_accuracy
from annotator.modeling.configuration import TaggerConfig
from annotator.modeling.decoding import decode, predict_docs
from annotator.modeling.evaluation import evaluate_predictions, summary_line
from annotator.modeling.model_card import write_model_card
from annotator.modeling.modeling import TaggerModel
from annotator.modeling.training_config import TrainConfig
from annotator.modeling.windows import collate, encode, make_windows, window_features
from annotator.schema import AnnotatedArticle
from annotator.text import words


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_windows(docs: list[AnnotatedArticle], tokenizer, config: TaggerConfig):
    """A ``datasets.Dataset`` of training windows: input_ids, shape_ids and per-subword labels (the first
    subword of each word carries the word's BIO tag, the rest are ignored with -100)."""
    from datasets import Dataset

    rows: dict[str, list] = {"input_ids": [], "shape_ids": [], "labels": []}
    for d, doc in enumerate(docs):
        enc = encode(doc.text, tokenizer)
        tags = np.asarray([TAG_TO_ID[t] for t in spans_to_bio(enc.words, doc.spans)], dtype=np.int64)
        for win in make_windows(enc, d, config.max_length - 2, config.stride):
            ids, shapes = window_features(enc, win, tokenizer)
            labels = np.full(len(ids), -100, dtype=np.int64)
            first = enc.word_first_token
            in_win = np.nonzero((first >= win.token_start) & (first < win.token_end))[0]
            labels[first[in_win] - win.token_start + 1] = tags[in_win]
            rows["input_ids"].append(ids)
            rows["shape_ids"].append(shapes)
            rows["labels"].append(labels.tolist())
    return Dataset.from_dict(rows)


TRANSITION_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def tune_transition_weight(model: TaggerModel, tokenizer, linker: Linker, dev_docs: list[AnnotatedArticle], how: str, log=print) -> tuple[float, dict]:
    """Pick the weight of the transition prior on dev (one encoder pass, one Viterbi per weight).

    The returned metrics carry ``decoding``: dev figures of greedy argmax (with I- repair) and of every
    weight tried, so the model card shows what constrained decoding and the prior are worth.
    """
    import numpy as np

    from annotator.bio import bio_to_spans
    from annotator.modeling.windows import encode, predict_word_log_probs

    encoded = [encode(d.text, tokenizer) for d in dev_docs]
    log_probs = predict_word_log_probs(model, tokenizer, encoded)
    scores = np.asarray(model.config.transition_scores, dtype=float)
    tags = model.config.tags

    def run(decoder) -> dict:
        preds = []
        for gold, enc, lp in zip(dev_docs, encoded, log_probs):
            spans = decoder(gold.text, enc, lp)
            preds.append(AnnotatedArticle(gold.article, spans, linker.link(gold.text, spans)))
        return evaluate_predictions(dev_docs, preds)

    def row(name: str, m: dict) -> dict:
        return {
            "decoding": name,
            "token_f1": m["token"]["pooled"]["f1"],
            "exact_f1": m["exact_span"]["pooled"]["f1"],
            "attribution_f1": m["attribution_end_to_end"]["f1"],
        }

    greedy = run(lambda text, enc, lp: bio_to_spans(text, enc.words, [tags[i] for i in lp.argmax(1)]))
    table = [row("greedy argmax, I- repaired", greedy)]
    best: tuple[float, float, dict] | None = None
    for weight in TRANSITION_WEIGHTS:
        metrics = run(lambda text, enc, lp, w=weight: decode(text, enc, lp, tags, w * scores if w else None))
        table.append(row(f"BIO Viterbi, transition weight {weight}", metrics))
        value = _selection_value(metrics, how)
        log(f"dev with transition weight {weight}: {summary_line(metrics)}")
        if best is None or value > best[0]:
            best = (value, weight, metrics)
    best[2]["decoding"] = table
    return best[1], best[2]


def _selection_value(metrics: dict, how: str) -> float:
    token, exact = metrics["token"]["pooled"]["f1"], metrics["exact_span"]["pooled"]["f1"]
    return {"exact_f1": exact, "token_f1": token, "mean": (token + exact) / 2}[how]


def load_corpus(cfg: TrainConfig, base: Path) -> tuple[list[AnnotatedArticle], list[AnnotatedArticle]]:
    """Training and dev articles from PolNeAR plus any extra JSONL records (corrections)."""
    from annotator.polnear import load_split

    train: list[AnnotatedArticle] = []
    dev: list[AnnotatedArticle] = []
    if cfg.data.polnear:
        root = resolve_path(cfg.data.polnear, base)
        train = load_split(root / cfg.data.train_split, all_annotators=cfg.data.all_annotators)
        dev = load_split(root / cfg.data.dev_split)
    for extra in cfg.data.extra_train:
        with open(resolve_path(extra, base), encoding="utf-8") as f:
            train.extend(AnnotatedArticle.from_record(json.loads(line)) for line in f if line.strip())
    if cfg.data.max_train_articles:
        train = train[: cfg.data.max_train_articles]
    if cfg.data.max_dev_articles:
        dev = dev[: cfg.data.max_dev_articles]
    return train, dev


def resolve_path(path: str, base: Path) -> Path:
    """Relative paths are tried from the working directory, then from the config's project root."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    return (base / p).resolve()


def train(
    cfg: TrainConfig,
    output: Path | None = None,
    config_path: Path | None = None,
    train_docs: list[AnnotatedArticle] | None = None,
    dev_docs: list[AnnotatedArticle] | None = None,
    log=print,
) -> dict:
    """Fine-tune, select the best epoch on dev, save the model directory; returns its metrics."""
    started = time.time()
    base = Path(config_path).resolve().parent.parent if config_path else Path.cwd()
    output = Path(output or resolve_path(cfg.output, base))
    if cfg.optim.threads:
        torch.set_num_threads(cfg.optim.threads)
    set_seed(cfg.optim.seed)
    if train_docs is None or dev_docs is None:
        loaded_train, loaded_dev = load_corpus(cfg, base)
        train_docs = loaded_train if train_docs is None else train_docs
        dev_docs = loaded_dev if dev_docs is None else dev_docs
    if not train_docs:
        raise ValueError("no training articles: check data.polnear / data.extra_train in the config")
    tagger_config = TaggerConfig(base_model=cfg.base_model, **cfg.model.model_dump())
    model, tokenizer = TaggerModel.from_base(tagger_config)
    log(f"base model {cfg.base_model}; {len(train_docs)} training and {len(dev_docs)} dev articles")

    dataset = build_windows(train_docs, tokenizer, tagger_config)
    log(f"{len(dataset)} training windows of <= {tagger_config.max_length} subwords")
    linker = Linker.fit(train_docs)

    generator = torch.Generator().manual_seed(cfg.optim.seed)
    pad = tokenizer.pad_token_id

    def collate_rows(rows):
        feats = [(r["input_ids"], r["shape_ids"]) for r in rows]
        return collate(feats, pad, [r["labels"] for r in rows])

    loader = torch.utils.data.DataLoader(dataset, batch_size=cfg.optim.batch_size, shuffle=True, generator=generator, collate_fn=collate_rows)
    steps_per_epoch = len(loader)
    total_steps = cfg.optim.max_steps or max(1, math.ceil(steps_per_epoch * cfg.optim.epochs))
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    enc_decay = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.ndim > 1]
    enc_no_decay = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.ndim <= 1]
    optimizer = torch.optim.AdamW(
        [
            {"params": enc_decay, "lr": cfg.optim.learning_rate, "weight_decay": cfg.optim.weight_decay},
            {"params": enc_no_decay, "lr": cfg.optim.learning_rate, "weight_decay": 0.0},
            {"params": head_params, "lr": cfg.optim.head_learning_rate, "weight_decay": 0.0},
        ]
    )
    warmup = int(total_steps * cfg.optim.warmup_ratio)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: (s + 1) / max(1, warmup) if s < warmup else max(0.0, (total_steps - s) / max(1, total_steps - warmup))
    )
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=cfg.optim.label_smoothing)

    history: list[dict] = []
    best: tuple[float, dict, dict] | None = None
    step = 0
    bar = tqdm(total=total_steps, desc="training", unit="step", dynamic_ncols=True)

    def evaluate_now(epoch: float) -> None:
        nonlocal best
        if not dev_docs:
            return
        model.eval()
        metrics = evaluate_predictions(dev_docs, predict_docs(model, tokenizer, linker, dev_docs))
        model.train()
        value = _selection_value(metrics, cfg.optim.selection_metric)
        token_f1, exact_f1 = metrics["token"]["pooled"]["f1"], metrics["exact_span"]["pooled"]["f1"]
        history.append({"epoch": round(epoch, 3), "step": step, "selection": value, "token_f1": token_f1, "exact_f1": exact_f1})
        log(f"dev @ epoch {epoch:.2f} (step {step}): {summary_line(metrics)}")
        if best is None or value > best[0]:
            best = (value, {k: v.detach().clone() for k, v in model.state_dict().items()}, metrics)

    model.train()
    epoch = 0
    while step < total_steps:
        for input_ids, mask, shape_ids, labels in loader:
            logits = model(input_ids, mask, shape_ids)
            loss = loss_fn(logits.view(-1, logits.size(-1)), labels.view(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            bar.update(1)
            bar.set_postfix(epoch=f"{step / steps_per_epoch:.2f}", loss=f"{loss.item():.4f}")
            if step >= total_steps:
                break
        epoch += 1
        if cfg.optim.eval_every == "epoch" or step >= total_steps:
            evaluate_now(step / steps_per_epoch)
    bar.close()

    if best is not None:
        model.load_state_dict(best[1])
        dev_metrics = best[2]
    else:
        dev_metrics = {}
    tagger_config.transition_scores = transition_log_probs([spans_to_bio(words(d.text), d.spans) for d in train_docs]).round(4).tolist()
    if dev_docs:
        model.eval()
        weight, tuned = tune_transition_weight(model, tokenizer, linker, dev_docs, cfg.optim.selection_metric, log)
        tagger_config.transition_weight = weight
        dev_metrics = tuned
    tagger_config.model_version = f"{cfg.model_name}-{time.strftime('%Y%m%d-%H%M%S')}"
    model.config = tagger_config
    model.save_pretrained(output, tokenizer)
    linker.save(output)
    if dev_docs:
        dev_metrics["linking"] = linking_accuracy(dev_docs, linker)
    metrics = {
        "model_version": tagger_config.model_version,
        "base_model": cfg.base_model,
        "train_articles": len(train_docs),
        "dev_articles": len(dev_docs),
        "train_windows": len(dataset),
        "steps": step,
        "train_seconds": round(time.time() - started, 1),
        "selection_metric": cfg.optim.selection_metric,
        "transition_weight": tagger_config.transition_weight,
        "history": history,
        "dev": dev_metrics,
        "config": {
            "model": asdict(tagger_config) | {"encoder": "<see config.json>"},
            "optim": cfg.optim.model_dump(),
            "data": cfg.data.model_dump(),
        },
    }
    (output / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    write_model_card(output, metrics)
    log(f"saved {output} ({_dir_size_mb(output):.1f} MB)")
    return metrics


def _dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1e6
