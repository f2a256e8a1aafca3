"""Inference precision: fp32, bf16 or int8 for the encoder, chosen per machine.

Why: CPUs with AMX or AVX512-BF16 run bf16 matmuls several times faster than fp32; int8 runs on integer SIMD units
(VNNI or AMX-INT8, and AVX2 through fbgemm); a CPU without them emulates bf16 very slowly. ``auto`` takes the first
precision of ``configs/inference.yaml`` ``auto.preference`` that this CPU runs natively and whose PolNeAR dev
exact-span F1 stayed within ``auto.max_f1_loss`` of fp32 when the model was measured (``precision.json`` in the model
directory, written by ``annotator eval --precision all --write``); without that file, fp32.

bf16 casts the whole model (logits go back to fp32 before the softmax). int8 is dynamic quantization of the
encoder's linear layers (weights int8, per output channel; activations quantized per forward pass), except the layers
``int8.keep_fp32`` keeps in fp32; the word-shape embedding and the classifier stay fp32.

Without VNNI or AMX, fbgemm adds pairs of uint8 x int8 products in int16, which would saturate with both operands on
8 bits, so one of them gives up a bit (``int8.reduced_range``). Torch's default takes it from the activations (0..127),
which are quantized per tensor with a few outlier channels: that cost most of int8's accuracy. ``weights`` keeps the
activations on 8 bits (0..255) and the weights on 7 (-64..63, per output channel); same kernels, same speed.
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
from torch.ao.nn.quantized import dynamic as nnqd
from torch.ao.quantization import MinMaxObserver, PerChannelMinMaxObserver, PlaceholderObserver, QConfig

from annotator.config import StrictModel, load_model
from annotator.resources import config_file

PRECISIONS = ("fp32", "bf16", "int8")
CHOICES = ("auto", *PRECISIONS)
PRECISION_FILE = "precision.json"


class AutoChoice(StrictModel):
    max_f1_loss: float
    preference: list[Literal["fp32", "bf16", "int8"]]


class Int8Settings(StrictModel):
    keep_fp32: list[str]  # regular expressions over the encoder's module names (``encoder.layer.0.output.dense``)
    per_channel: bool
    reduced_range: Literal["activations", "weights"]  # which operand gives up one bit (see the module docstring)


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


class FullRangeDynamicLinear(nnqd.Linear):
    """A dynamic int8 linear layer whose activations are quantized on the full 8 bits (torch's own reduces them to 7
    for fbgemm); its weights must then be on 7 bits (:func:`int8_qconfig`) so fbgemm's int16 pair sums cannot saturate."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.ops.quantized.linear_dynamic(x, self._packed_params._packed_params, False).to(x.dtype)


def int8_qconfig(per_channel: bool, reduced_range: str) -> QConfig:
    """Dynamic quantization settings: activations uint8 per tensor (range per forward pass), weights int8 symmetric,
    per output channel or per tensor, on 7 bits when ``reduced_range`` is ``weights``."""
    activation = PlaceholderObserver.with_args(dtype=torch.quint8, quant_min=0, quant_max=255, is_dynamic=True)
    small = reduced_range == "weights"
    if per_channel:
        weight = PerChannelMinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_channel_symmetric, reduce_range=small)
    else:
        weight = MinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric, reduce_range=small)
    return QConfig(activation=activation, weight=weight)


def int8_layers(model: torch.nn.Module, keep_fp32: list[str]) -> list[str]:
    """Names of the encoder's linear layers that int8 quantizes (those no ``keep_fp32`` pattern matches)."""
    keep = [re.compile(p) for p in keep_fp32]
    return [name for name, module in model.encoder.named_modules() if isinstance(module, torch.nn.Linear) and not any(p.search(name) for p in keep)]


def apply(model: torch.nn.Module, precision: str) -> torch.nn.Module:
    """The model ready to run in ``precision`` (a new encoder for int8; fp32 and bf16 convert in place)."""
    if precision == "fp32":
        return model.float()
    if precision == "bf16":
        return model.to(torch.bfloat16)
    if precision == "int8":
        settings = inference_config().int8
        qconfig = int8_qconfig(settings.per_channel, settings.reduced_range)
        layers = dict.fromkeys(int8_layers(model, settings.keep_fp32), qconfig)
        target = FullRangeDynamicLinear if settings.reduced_range == "weights" else nnqd.Linear
        model = model.float()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.ao's deprecation notice: the eager API is what runs on CPU today
            model.encoder = torch.ao.quantization.quantize_dynamic(model.encoder, layers, dtype=torch.qint8, mapping={torch.nn.Linear: target})
        return model
    raise ValueError(f"unknown precision {precision!r}")
