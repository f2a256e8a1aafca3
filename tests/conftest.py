"""Shared fixtures. Tests that need ../shared (PolNeAR, ClaimBuster, seeds) skip with a reason when it is
absent, as in a user's fresh clone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ANNOTATOR_SHARED", ROOT.parent / "shared"))
POLNEAR = SHARED / "data" / "polnear"
MODEL_DIR = ROOT / "models" / "attribution-minilm"

pytest_plugins = [p for p in ("tests.labelstudio_server",) if (ROOT / (p.replace(".", "/") + ".py")).exists()]


@pytest.fixture(scope="session")
def polnear_dir() -> Path:
    if not (POLNEAR / "dev" / "attributions").is_dir():
        pytest.skip(f"PolNeAR not found at {POLNEAR} (the ../shared data directory is not beside this checkout)")
    return POLNEAR


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def tagger():
    """The shipped model, loaded once (real weights)."""
    from annotator.tagger import Tagger

    if not (MODEL_DIR / "model.safetensors").exists():
        pytest.fail(f"the shipped model is missing: {MODEL_DIR}")
    return Tagger.from_pretrained(MODEL_DIR)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A real tagger trained for a few steps on our brat fixtures (real MiniLM weights, no mocks)."""
    from annotator.modeling.training_config import TrainConfig
    from annotator.workflows.training import train_model

    cfg = TrainConfig.from_yaml(ROOT / "tests" / "fixtures" / "train-tiny.yaml")
    out = tmp_path_factory.mktemp("tiny-model")
    train_model(cfg, output=out, config_path=ROOT / "tests" / "fixtures" / "train-tiny.yaml", log=lambda m: None)
    return out
