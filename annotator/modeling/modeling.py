"""The network: a transformer encoder plus a word-shape embedding and a linear BIO head.

The encoder is uncased (MiniLM lowercases), yet capitalisation is the best cue for where a named source
starts and ends, so each subword also gets an embedding of its word's shape (lower/Capitalised/ALLCAPS/
no letters/mixed) before the classifier.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoConfig, AutoModel, AutoTokenizer
from transformers.initialization import no_init_weights

from annotator.modeling.configuration import TaggerConfig, resolve_base_model

WEIGHTS_NAME = "model.safetensors"
LABEL_MAP_NAME = "label_map.json"
N_SHAPES = 5


class ModelLoadError(ValueError):
    """A model directory that cannot be loaded; the message names the file and what is wrong with it."""


@lru_cache(maxsize=1 << 16)
def word_shape(word: str) -> int:
    """0 no letters, 1 lower, 2 Capitalised, 3 ALLCAPS (2+ letters), 4 mixed (cached: news repeats its words)."""
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return 0
    if all(c.islower() for c in letters):
        return 1
    if all(c.isupper() for c in letters):
        return 3 if len(letters) > 1 else 2
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return 2
    return 4


class TaggerModel(nn.Module):
    """Encoder + shape embedding + linear head over BIO tags; ``from_pretrained``/``save_pretrained``."""

    def __init__(self, config: TaggerConfig, encoder: nn.Module | None = None) -> None:
        super().__init__()
        self.config = config
        if encoder is None:
            encoder_config = AutoConfig.for_model(**config.encoder)
            encoder = AutoModel.from_config(encoder_config)
        self.encoder = encoder
        hidden = self.encoder.config.hidden_size
        self.shape_embedding = nn.Embedding(N_SHAPES, config.shape_dim)
        self.dropout = nn.Dropout(config.dropout)
        self.classifier = nn.Linear(hidden + config.shape_dim, config.num_tags)

    @classmethod
    def from_base(cls, config: TaggerConfig) -> tuple[TaggerModel, object]:
        """A fresh tagger on top of a pretrained encoder (HF id or local path) and its tokenizer."""
        path = resolve_base_model(config.base_model)
        encoder = AutoModel.from_pretrained(path)
        tokenizer = AutoTokenizer.from_pretrained(path)
        config.encoder = encoder.config.to_dict()
        return cls(config, encoder), tokenizer

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        shape_ids: torch.Tensor,
    ) -> torch.Tensor:
        """Per-subword tag logits ``[batch, seq, tags]``."""
        return self.forward_with_hidden(input_ids, attention_mask, shape_ids)[0]

    def forward_with_hidden(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, shape_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits and the encoder's last hidden states (reused by second heads, e.g. claim detection)."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        features = torch.cat([hidden, self.shape_embedding(shape_ids)], dim=-1)
        return self.classifier(self.dropout(features)), hidden

    def save_pretrained(self, directory: Path, tokenizer=None, dtype: torch.dtype = torch.float16) -> None:
        """Write config.json, label_map.json and the weights as safetensors (fp16 by default: half the size,
        and the loss of precision does not change a single decoded tag on the dev split)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.config.encoder = self.encoder.config.to_dict()
        self.config.save(directory)
        state = {k: v.detach().to(dtype).contiguous() for k, v in self.state_dict().items()}
        save_file(state, str(directory / WEIGHTS_NAME), metadata={"format": "pt"})
        label_map = {"id2label": dict(enumerate(self.config.tags)), "label2id": {t: i for i, t in enumerate(self.config.tags)}}
        (directory / LABEL_MAP_NAME).write_text(json.dumps(label_map, indent=2) + "\n", encoding="utf-8")
        if tokenizer is not None:
            tokenizer.save_pretrained(str(directory))

    @classmethod
    def from_pretrained(cls, directory: Path) -> tuple[TaggerModel, object]:
        """Load a saved tagger (weights upcast to float32: fp16 matmuls are slow on CPUs)."""
        directory = Path(directory)
        try:
            config = TaggerConfig.load(directory)
            with no_init_weights():  # every weight is read from the file below: random init only cost load time
                model = cls(config)
        except ModelLoadError:
            raise
        except Exception as exc:  # noqa: BLE001 - json, key and type errors all mean the same thing here
            raise ModelLoadError(f"{directory / 'config.json'}: not a usable tagger config ({type(exc).__name__}: {exc})") from None
        weights = directory / WEIGHTS_NAME
        if not weights.is_file():
            raise ModelLoadError(f"{weights}: missing (a model directory needs its weights)")
        try:
            state = {k: v.float() for k, v in load_file(str(weights)).items()}
        except Exception as exc:  # noqa: BLE001 - safetensors raises its own error types for a damaged file
            raise ModelLoadError(f"{weights}: not a readable safetensors file ({exc}); it may be truncated: copy or reinstall the model") from None
        missing, unexpected = model.load_state_dict(state, strict=False)
        missing = [k for k in missing if not k.endswith("position_ids")]
        if missing or unexpected:
            raise ModelLoadError(f"{weights}: weights do not match the config (missing {missing[:3]}, unexpected {unexpected[:3]})")
        model.eval()
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(directory))
        except Exception as exc:  # noqa: BLE001 - tokenizers raise many types for a damaged file
            raise ModelLoadError(f"{directory}: cannot load the tokenizer files ({type(exc).__name__}: {exc})") from None
        return model, tokenizer
