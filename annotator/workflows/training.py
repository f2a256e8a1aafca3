"""Train a tagger, then fit its second heads: the workflow behind ``annotator train`` and retraining.

Why a workflow and not the trainer: the trainer (``annotator.modeling.trainer``) only knows the tagger; the claims
head lives in ``annotator.claims`` and reads the trained tagger's states, so the step that needs both sits above
them. Writing over the shipped model needs an explicit yes (``allow_shipped``), as retraining's promotion does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.modeling.trainer import TrainConfig, resolve_path, train
from annotator.schema import AnnotatedArticle


class ShippedModelError(ValueError):
    """Refusing to overwrite the model the package ships."""


def is_shipped_model_dir(path: Path) -> bool:
    from annotator.tagger import DEFAULT_MODEL_DIR

    try:
        return Path(path).resolve() == Path(DEFAULT_MODEL_DIR).resolve()
    except OSError:
        return False


def train_model(
    cfg: TrainConfig,
    output: Path | None = None,
    config_path: Path | None = None,
    train_docs: list[AnnotatedArticle] | None = None,
    dev_docs: list[AnnotatedArticle] | None = None,
    allow_shipped: bool = False,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train the tagger into ``output`` (default: the config's ``output``), then fit the claims head into it.

    Raises :class:`ShippedModelError` when ``output`` is the shipped model directory and ``allow_shipped`` is
    false: a new model reaches users through ``annotator retrain``'s promotion rule, not by overwriting."""
    base = Path(config_path).resolve().parent.parent if config_path else Path.cwd()
    target = Path(output) if output is not None else resolve_path(cfg.output, base)
    if is_shipped_model_dir(target) and not allow_shipped:
        raise ShippedModelError(
            f"refusing to write into the shipped model directory {target}: pass another --output (and promote it with "
            "`annotator retrain --candidate DIR`), or --overwrite-shipped if you mean it"
        )
    metrics = train(cfg, output=target, config_path=config_path, train_docs=train_docs, dev_docs=dev_docs, log=log)
    if cfg.data.claimbuster:
        fit_claims(target, resolve_path(cfg.data.claimbuster, base), log)
    return metrics


def fit_claims(model_dir: Path, claimbuster: Path, log: Callable[[str], None] = print) -> dict[str, Any] | None:
    """The claim detector is a second head on this tagger's encoder states, so every new tagger gets a new head;
    without ClaimBuster the model is still saved, with a warning."""
    if not claimbuster.exists():
        log(f"warning: {claimbuster} not found: no claims head written (the score command needs one)")
        return None
    from annotator.claims import fit_claims_head

    claims = fit_claims_head(model_dir, claimbuster)
    log(f"claims head: {json.dumps(claims.get('dev', claims))[:300]}")
    return claims
