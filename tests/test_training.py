"""A tiny real training run: train -> save -> reload -> predict, and the model directory contract."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from annotator.modeling.training_config import TrainConfig
from annotator.tagger import Tagger


def test_model_directory_has_everything_a_shipped_model_needs(tiny_model_dir):
    names = {p.name for p in tiny_model_dir.iterdir()}
    assert {"model.safetensors", "config.json", "label_map.json", "linker.json", "metrics.json", "README.md", "tokenizer.json"} <= names
    assert not any(n.startswith("checkpoint") for n in names)
    metrics = json.loads((tiny_model_dir / "metrics.json").read_text())
    assert metrics["steps"] == 6 and metrics["train_articles"] == 1 and metrics["dev_articles"] == 1
    pooled = metrics["dev"]["token"]["pooled"]
    p, r, f1 = pooled["precision"], pooled["recall"], pooled["f1"]
    assert 0.0 <= p <= 1.0 and 0.0 <= r <= 1.0
    assert f1 == pytest.approx(2 * p * r / (p + r) if p + r else 0.0, abs=1e-3)  # the stored figures are consistent
    card = (tiny_model_dir / "README.md").read_text()
    assert "PolNeAR" in card and "Dev scores" in card
    label_map = json.loads((tiny_model_dir / "label_map.json").read_text())
    assert label_map["id2label"]["0"] == "O" and len(label_map["id2label"]) == 7


def test_reloaded_model_predicts_valid_spans_and_same_probabilities(tiny_model_dir):
    tagger = Tagger.from_pretrained(tiny_model_dir)
    text = "The union leader said the strike would go ahead. Officials said the offer was final."
    docs, lp = tagger.word_log_probs([text])
    again = Tagger.from_pretrained(tiny_model_dir).word_log_probs([text])[1]
    np.testing.assert_allclose(lp[0], again[0], atol=1e-5)
    assert lp[0].shape == (len(docs[0].words), 7)
    np.testing.assert_allclose(np.exp(lp[0]).sum(axis=1), 1.0, atol=1e-4)
    result = tagger.annotate([text])[0]
    for span in result.spans:
        assert text[span.start : span.end] == span.text and span.label in {"SOURCE", "CUE", "CONTENT"}
    ids = {s.id for s in result.spans}
    for a in result.attributions:
        assert {a.source, a.cue, *a.content} - {None} <= ids


def test_training_is_reproducible_with_the_same_seed(tiny_model_dir, tmp_path):
    from annotator.workflows.training import train_model

    from .conftest import ROOT

    path = ROOT / "tests" / "fixtures" / "train-tiny.yaml"
    train_model(TrainConfig.from_yaml(path), output=tmp_path, config_path=path, log=lambda m: None)
    first = Tagger.from_pretrained(tiny_model_dir).word_log_probs(["He said it would rain."])[1][0]
    second = Tagger.from_pretrained(tmp_path).word_log_probs(["He said it would rain."])[1][0]
    np.testing.assert_allclose(first, second, atol=1e-3)


def test_bad_training_config_is_rejected_with_the_key_named(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("optim:\n  epochz: 3\n")
    with pytest.raises(ValueError, match="epochz"):
        TrainConfig.from_yaml(bad)


def test_train_refuses_to_overwrite_the_shipped_model(tmp_path):
    from typer.testing import CliRunner

    from annotator.cli import app
    from annotator.tagger import DEFAULT_MODEL_DIR

    from .conftest import ROOT

    before = {p.name: p.stat().st_mtime_ns for p in Path(DEFAULT_MODEL_DIR).iterdir()}
    config = ROOT / "tests" / "fixtures" / "train-tiny.yaml"
    result = CliRunner().invoke(app, ["train", "--config", str(config), "--output", str(DEFAULT_MODEL_DIR)])
    assert result.exit_code == 2
    assert "refusing to write into the shipped model directory" in result.output
    assert {p.name: p.stat().st_mtime_ns for p in Path(DEFAULT_MODEL_DIR).iterdir()} == before
