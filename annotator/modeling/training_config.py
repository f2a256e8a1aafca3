"""The training config (``configs/train.yaml``): base model, window shape, data and optimisation.

Light on purpose (pydantic only, no torch): the retraining workflow and the CLI validate it before anything heavy
is imported. Every key is required; the values live in the YAML files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from annotator.config import IntRange, NonNegative, Positive, StrictModel, Text, Unit, load_model, validate


class ModelShape(StrictModel):
    max_length: IntRange(16, 4096)  # subwords per window, [CLS]/[SEP] included
    stride: IntRange(0, 4096)  # subwords shared by consecutive windows
    shape_dim: IntRange(0, 256)  # size of the word-shape embedding
    dropout: Unit


class DataConfig(StrictModel):
    polnear: str | None
    train_split: Text
    dev_split: Text
    all_annotators: bool
    extra_train: list[str]  # JSONL files of corrected records
    claimbuster: str | None  # claims head data; null = no claims head
    max_train_articles: IntRange(1) | None
    max_dev_articles: IntRange(1) | None


class OptimConfig(StrictModel):
    epochs: Positive
    batch_size: IntRange(1)
    learning_rate: Positive
    head_learning_rate: Positive
    weight_decay: NonNegative
    warmup_ratio: Unit
    label_smoothing: Annotated[float, Field(ge=0.0, lt=1.0)]
    max_steps: IntRange(1) | None
    seed: int
    threads: IntRange(1) | None
    eval_every: Literal["epoch", "end"]
    selection_metric: Literal["exact_f1", "token_f1", "mean"]


class TrainConfig(StrictModel):
    """The validated training YAML (see configs/train.yaml for every key with comments)."""

    base_model: Text
    model_name: Text
    output: Text
    model: ModelShape
    data: DataConfig
    optim: OptimConfig

    @classmethod
    def from_yaml(cls, path: str | Path) -> TrainConfig:
        return load_model(path, cls, "training")

    def with_overrides(self, overrides: dict[str, Any], where: str = "overrides") -> TrainConfig:
        """A copy with ``overrides`` (nested mappings) merged in, validated again."""
        return validate(_merge(self.model_dump(), overrides), TrainConfig, where)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out
