"""Inference precision: fp32, bf16 or int8 for the encoder, chosen per machine.

Why: CPUs with AMX or AVX512-BF16 run bf16 matmuls several times faster than fp32, and VNNI does the same for int8;
others emulate them slowly. ``auto`` picks, among the precisions this CPU runs natively, the fastest whose PolNeAR
dev exact-span F1 stayed within ``MAX_F1_LOSS`` of fp32 when the model was measured (``precision.json`` in the
model directory, written by ``annotator eval --precision all --write``); without that file, fp32.

bf16 casts the whole model (the classifier reads the same bf16 states; logits go back to fp32 before the softmax).
int8 is dynamic quantization of the encoder's linear layers (weights int8, activations quantized per batch); the
word-shape embedding and the classifier stay fp32.
"""

from __future__ import annotations

import json
import platform
from functools import cache
from pathlib import Path
from typing import Any

import torch

PRECISIONS = ("fp32", "bf16", "int8")
CHOICES = ("auto", *PRECISIONS)
MAX_F1_LOSS = 0.005
PRECISION_FILE = "precision.json"


@cache
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags (Linux ``/proc/cpuinfo``); empty elsewhere, which means fp32 only."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.split(":", 1)[1].split())
    return frozenset()


def native_precisions(flags: frozenset[str] | None = None) -> list[str]:
    """Precisions this CPU runs in hardware: bf16 with AMX-BF16 or AVX512-BF16, int8 with AMX-INT8 or (AVX512-)VNNI."""
    flags = cpu_flags() if flags is None else flags
    out = ["fp32"]
    if platform.machine().lower() in ("x86_64", "amd64") or flags:
        if flags & {"amx_bf16", "avx512_bf16"}:
            out.append("bf16")
        if flags & {"amx_int8", "avx512_vnni", "avx_vnni"}:
            out.append("int8")
    return out


def measured(model_dir: Path | None) -> dict[str, Any]:
    """The per-precision dev figures stored with the model (empty when it was never measured)."""
    if model_dir is None:
        return {}
    path = Path(model_dir) / PRECISION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def choose(requested: str, model_dir: Path | None = None, flags: frozenset[str] | None = None) -> tuple[str, str]:
    """(precision to use, why). ``requested`` is one of :data:`CHOICES`; an explicit precision is honoured even when
    the CPU emulates it (slowly), and the reason says so."""
    if requested not in CHOICES:
        raise ValueError(f"precision must be one of {', '.join(CHOICES)}, got {requested!r}")
    native = native_precisions(flags)
    if requested != "auto":
        why = "as requested" if requested in native else "as requested (this CPU has no native support: it will be slow)"
        return requested, why
    figures = measured(model_dir).get("precisions", {})
    base = (figures.get("fp32") or {}).get("exact_f1")
    if base is None:
        return "fp32", "auto: no per-precision figures stored with the model"
    ok = [p for p in native if p in figures and base - figures[p].get("exact_f1", -1.0) <= MAX_F1_LOSS]
    best = max(ok, key=lambda p: figures[p].get("words_per_s", 0.0)) if ok else "fp32"
    lost = base - figures[best]["exact_f1"]
    return best, f"auto: fastest native precision within {MAX_F1_LOSS} dev exact F1 of fp32 (loss {lost:+.4f})"


def apply(model: torch.nn.Module, precision: str) -> torch.nn.Module:
    """The model ready to run in ``precision`` (a new module for int8; fp32 and bf16 convert in place)."""
    if precision == "fp32":
        return model.float()
    if precision == "bf16":
        return model.to(torch.bfloat16)
    if precision == "int8":
        model = model.float()
        model.encoder = torch.ao.quantization.quantize_dynamic(model.encoder, {torch.nn.Linear}, dtype=torch.qint8)
        return model
    raise ValueError(f"unknown precision {precision!r}")
