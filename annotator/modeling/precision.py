"""Inference precision: fp32, bf16 or int8 for the encoder, chosen per machine.

Why: CPUs with AMX or AVX512-BF16 run bf16 matmuls several times faster than fp32; int8 runs on integer SIMD units
(VNNI or AMX-INT8, and AVX2 through fbgemm); a CPU without them emulates bf16 very slowly. ``auto`` takes the first
precision of ``configs/inference.yaml`` ``auto.preference`` that this CPU runs natively and whose PolNeAR dev
exact-span F1 stayed within ``auto.max_f1_loss`` of fp32 when the model was measured (``precision.json`` in the model
directory, written by ``annotator eval --precision all --write``); without that file, fp32.

bf16 casts the whole model (logits go back to fp32 before the softmax). int8 is dynamic quantization of the
encoder's linear layers (weights int8, per output channel; activations quantized per batch), except the layers
``int8.keep_fp32`` keeps in fp32; the word-shape embedding and the classifier stay fp32.
"""

from __future__ import annotations

import json
import platform
import re
import warnings
from functools import cache
from pathlib import Path
from typing import Any, Literal

import torch

from annotator.config import StrictModel, load_model
from annotator.resources import config_file

PRECISIONS = ("fp32", "bf16", "int8")
CHOICES = ("auto", *PRECISIONS)
PRECISION_FILE = "precision.json"


class AutoChoice(StrictModel):
    max_f1_loss: float
    preference: list[Literal["fp32", "bf16", "int8"]]


class Int8Settings(StrictModel):
    keep_fp32: list[str]
    per_channel: bool


class InferenceConfig(StrictModel):
    """``configs/inference.yaml``."""

    auto: AutoChoice
    int8: Int8Settings


@cache
def inference_config(path: str | None = None) -> InferenceConfig:
    return load_model(path or config_file("inference.yaml"), InferenceConfig, "inference")


MAX_F1_LOSS = inference_config().auto.max_f1_loss


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
    """Precisions this CPU runs in hardware: bf16 with AMX-BF16 or AVX512-BF16; int8 with AMX-INT8, VNNI or AVX2
    (fbgemm's int8 kernels); fp32 everywhere."""
    flags = cpu_flags() if flags is None else flags
    out = ["fp32"]
    if platform.machine().lower() in ("x86_64", "amd64") or flags:
        if flags & {"amx_bf16", "avx512_bf16"}:
            out.append("bf16")
        if flags & {"amx_int8", "avx512_vnni", "avx_vnni", "avx2"}:
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
    cfg = inference_config().auto
    figures = measured(model_dir).get("precisions", {})
    base = (figures.get("fp32") or {}).get("exact_f1")
    if base is None:
        return "fp32", "auto: no per-precision figures stored with the model"
    for p in cfg.preference:
        if p in native and p in figures and base - figures[p].get("exact_f1", -1.0) <= cfg.max_f1_loss:
            lost = base - figures[p]["exact_f1"]
            return p, f"auto: {p} runs natively here and lost {lost:.4f} dev exact F1 (allowed {cfg.max_f1_loss})"
    return "fp32", "auto: no faster precision is both native here and accurate enough"


def apply(model: torch.nn.Module, precision: str) -> torch.nn.Module:
    """The model ready to run in ``precision`` (a new module for int8; fp32 and bf16 convert in place)."""
    if precision == "fp32":
        return model.float()
    if precision == "bf16":
        return model.to(torch.bfloat16)
    if precision == "int8":
        settings = inference_config().int8
        keep = [re.compile(p) for p in settings.keep_fp32]
        qconfig = torch.ao.quantization.per_channel_dynamic_qconfig if settings.per_channel else torch.ao.quantization.default_dynamic_qconfig
        layers = {
            name: qconfig for name, module in model.encoder.named_modules() if isinstance(module, torch.nn.Linear) and not any(p.search(name) for p in keep)
        }
        model = model.float()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.ao's deprecation notice: the eager API is what runs on CPU today
            model.encoder = torch.ao.quantization.quantize_dynamic(model.encoder, layers, dtype=torch.qint8)
        return model
    raise ValueError(f"unknown precision {precision!r}")
