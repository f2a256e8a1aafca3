"""Measure the tagger at each inference precision on PolNeAR dev: accuracy and speed, side by side in one run.

``annotator eval --precision all [--write]`` calls this; ``--write`` stores the figures with the model
(``precision.json``, read by ``--precision auto``) and in its model card, so a user sees what each precision costs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch

from annotator.modeling.evaluation import evaluate_predictions
from annotator.modeling.model_card import replace_card_section
from annotator.modeling.precision import MAX_F1_LOSS, PRECISION_FILE, PRECISIONS, cpu_flags, inference_config, native_precisions
from annotator.schema import AnnotatedArticle
from annotator.text import words


def evaluate_precisions(
    model_dir: Path,
    gold: Sequence[AnnotatedArticle],
    precisions: Sequence[str] = PRECISIONS,
    log: Callable[[str], None] = print,
    speed_articles: int = 12,
    speed_rounds: int = 3,
) -> dict[str, Any]:
    """Dev exact/token/attribution F1 and tagger words/s for each precision (same articles, same process).

    Accuracy comes from one pass over every article. Speed is timed separately, on the first ``speed_articles``
    articles in ``speed_rounds`` rounds that alternate the precisions, best round kept: a burst of load from other
    processes then slows every precision alike instead of whichever happened to be running."""
    from annotator.tagger import Tagger

    n_words = sum(len(words(g.text)) for g in gold)
    out: dict[str, Any] = {}
    taggers: dict[str, Tagger] = {}
    for p in precisions:
        tagger = taggers[p] = Tagger.from_pretrained(model_dir, precision=p)
        tagger.annotate([g.article for g in gold[:2]])  # warm-up: first calls pay for kernel selection
        started = time.perf_counter()
        pred = tagger.annotate([g.article for g in gold])
        seconds = time.perf_counter() - started
        m = evaluate_predictions(gold, pred, tagger.linker)
        out[p] = {
            "exact_f1": round(m["exact_span"]["pooled"]["f1"], 4),
            "token_f1": round(m["token"]["pooled"]["f1"], 4),
            "attribution_f1": round(m["attribution_end_to_end"]["f1"], 4),
            "seconds": round(seconds, 2),
        }
        log(f"{p}: exact F1 {out[p]['exact_f1']:.4f}, token F1 {out[p]['token_f1']:.4f}")
    sample = [g.article for g in gold[:speed_articles]]
    sample_words = sum(len(words(a.text)) for a in sample)
    best = dict.fromkeys(precisions, float("inf"))
    for _ in range(speed_rounds):
        for p in precisions:
            started = time.perf_counter()
            taggers[p].annotate(sample)
            best[p] = min(best[p], time.perf_counter() - started)
    for p in precisions:
        out[p]["words_per_s"] = round(sample_words / best[p], 1)
        log(f"{p}: {out[p]['words_per_s']:.0f} words/s")
    return {
        "dev_articles": len(gold),
        "dev_words": n_words,
        "speed": {"articles": len(sample), "words": sample_words, "rounds": speed_rounds, "kept": "best round, precisions alternated"},
        "max_f1_loss": MAX_F1_LOSS,
        "threads": torch.get_num_threads(),
        "native_here": native_precisions(),
        "cpu_flags": sorted(cpu_flags() & {"amx_bf16", "amx_int8", "amx_tile", "avx512_bf16", "avx512_vnni", "avx_vnni", "avx512f", "avx2"}),
        "precisions": out,
    }


def format_table(result: dict[str, Any]) -> str:
    base = result["precisions"].get("fp32", {})
    lines = [
        f"PolNeAR dev, {result['dev_articles']} articles ({result['dev_words']} words), {result['threads']} threads; "
        f"{speed_note(result)}"
        f"CPU flags {', '.join(result['cpu_flags']) or 'none of note'}; native here: {', '.join(result['native_here'])}",
        "",
        "| precision | exact F1 | vs fp32 | token F1 | attribution F1 | words/s | speed vs fp32 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p, m in result["precisions"].items():
        d = m["exact_f1"] - base.get("exact_f1", m["exact_f1"])
        speed = m["words_per_s"] / base["words_per_s"] if base.get("words_per_s") else 1.0
        lines.append(f"| {p} | {m['exact_f1']:.4f} | {d:+.4f} | {m['token_f1']:.4f} | {m['attribution_f1']:.4f} | {m['words_per_s']:.0f} | {speed:.2f}x |")
    return "\n".join(lines)


def speed_note(result: dict[str, Any]) -> str:
    """How words/s was measured (older files without the ``speed`` entry timed the full accuracy pass)."""
    sp = result.get("speed")
    if not sp:
        return ""
    return f"words/s: best of {sp['rounds']} alternating rounds on the first {sp['articles']} articles ({sp['words']} words); "


def int8_summary() -> str:
    """One sentence on what int8 quantizes, from ``configs/inference.yaml``."""
    s = inference_config().int8
    kept = f"keeps the linear layers matching {', '.join(f'`{p}`' for p in s.keep_fp32)} in fp32 and " if s.keep_fp32 else ""
    weights = "per output channel" if s.per_channel else "per tensor"
    bits = "weights on 7 bits, activations on 8" if s.reduced_range == "weights" else "weights on 8 bits, activations on 7"
    which = "the other encoder linear layers" if s.keep_fp32 else "every encoder linear layer"
    return f"int8 (dynamic quantization) {kept}quantizes {which} {weights} ({bits})."


def write_precision_file(model_dir: Path, result: dict[str, Any]) -> None:
    """``precision.json`` beside the weights, and the table in the model card between markers (replaced on rerun)."""
    (Path(model_dir) / PRECISION_FILE).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    body = (
        f"## Inference precision\n\n{format_table(result)}\n\n"
        f"`--precision auto` takes the first of int8, bf16 (configs/inference.yaml) that the CPU runs natively (bf16: AMX or "
        f"AVX512-BF16; int8: AMX-INT8, VNNI or AVX2) and whose exact F1 is within {MAX_F1_LOSS} of fp32, else fp32. {int8_summary()} "
        "Speeds are this machine's; a CPU without native bf16 emulates it (the slow bf16 row above). Measured with "
        "`annotator eval --precision all --write`."
    )
    replace_card_section(model_dir, "precision", body)
