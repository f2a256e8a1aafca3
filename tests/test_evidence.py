"""The sources table's measured figures travel with the model and every report states them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.evidence import EVIDENCE_FILE, EvidenceError, TableEvidence, read_evidence, write_evidence
from annotator.report import render_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
runner = CliRunner()


def _evidence(version: str, precision: float) -> TableEvidence:
    return TableEvidence(
        model_version=version,
        gold_set="data/sources-gold",
        splits=["a", "b"],
        articles=20,
        gold=100,
        predicted=90,
        matched=round(90 * precision),
        precision=precision,
        recall=round(90 * precision) / 100,
        type_accuracy=0.9,
        count_accuracy=0.95,
    )


def _record() -> dict:
    text = "The mayor said the bridge would reopen in May."
    return {"id": "bridge", "text": text, "spans": [], "attributions": [], "sources": [], "claims": [], "score": {"overall": 40.0, "flags": []}}


def test_a_measurement_is_stored_with_its_model_and_read_only_for_that_version(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# A model\n\nWhat it is.\n", encoding="utf-8")
    write_evidence(tmp_path, _evidence("v1", 0.5))
    write_evidence(tmp_path, _evidence("v1", 0.75))  # a rerun replaces the figures and the card's section
    card = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert card.startswith("# A model\n\nWhat it is.\n") and card.count("<!-- sources:start -->") == 1
    assert "| 0.750 | 0.680 |" in card and "0.500" not in card
    assert read_evidence(tmp_path, "v1") == _evidence("v1", 0.75)
    assert read_evidence(tmp_path, "v2") is None  # a retrained model does not inherit the old figures
    assert read_evidence(tmp_path / "nowhere", "v1") is None


@pytest.mark.parametrize("content", ["{not json", json.dumps({"model_version": "v1", "precision": 2.0}), "[]"])
def test_a_broken_measurement_file_is_named_in_the_error(tmp_path: Path, content: str) -> None:
    (tmp_path / EVIDENCE_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(EvidenceError, match=EVIDENCE_FILE):
        read_evidence(tmp_path, "v1")


def test_the_report_states_the_figures_only_when_given_them() -> None:
    page = render_report([_record()], evidence=_evidence("v1", 0.75))
    assert 'id="sources-evidence"' in page
    assert "in 20 news articles, 75% of the sources this model listed were information sources and it listed 68%" in page
    assert 'id="sources-evidence"' not in render_report([_record()])


def test_score_reports_the_shipped_models_figures(tmp_path: Path, tagger) -> None:
    from annotator.tagger import default_model_dir

    shipped = read_evidence(default_model_dir(), tagger.model_version)
    assert shipped is not None, f"the shipped model has no {EVIDENCE_FILE} for its version"
    out, report = tmp_path / "out.jsonl", tmp_path / "report.html"
    result = runner.invoke(app, ["score", str(EXAMPLES / "ministry-reshuffle-anonymous.txt"), "--out", str(out), "--report", str(report), "--quiet"])
    assert result.exit_code == 0, result.output
    page = report.read_text(encoding="utf-8")
    assert f"in {shipped.articles} news articles, {shipped.precision * 100:.0f}% of the sources" in page


def test_a_broken_measurement_file_is_warned_about_and_the_report_still_written(tmp_path: Path, tagger) -> None:
    from annotator.tagger import default_model_dir

    model = tmp_path / "model"
    shutil.copytree(default_model_dir(), model)
    (model / EVIDENCE_FILE).write_text("{not json", encoding="utf-8")
    out, report = tmp_path / "out.jsonl", tmp_path / "report.html"
    args = ["score", str(EXAMPLES / "ministry-reshuffle-anonymous.txt"), "--model", str(model), "--out", str(out), "--report", str(report), "--quiet"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"warning: {model / EVIDENCE_FILE}: not a sources-table measurement" in result.output
    page = report.read_text(encoding="utf-8")
    assert "ministry-reshuffle-anonymous" in page and 'id="sources-evidence"' not in page


def test_eval_sources_write_stores_what_it_measured(tmp_path: Path, shared_dir: Path, tagger) -> None:
    from annotator.tagger import default_model_dir

    model = tmp_path / "model"
    shutil.copytree(default_model_dir(), model, ignore=shutil.ignore_patterns(EVIDENCE_FILE))
    args = ["eval-sources", "--shared", str(shared_dir), "--split", "train12l", "--model", str(model), "--write", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output[result.output.index("{") :])
    stored = read_evidence(model, tagger.model_version)
    assert stored is not None and stored.splits == ["train12l"] and stored.articles == metrics["articles"] == 12
    for key in ("gold", "predicted", "matched", "precision", "recall", "type_accuracy", "count_accuracy"):
        assert getattr(stored, key) == metrics[key], key
    assert f"| {stored.precision:.3f} | {stored.recall:.3f} |" in (model / "README.md").read_text(encoding="utf-8")


def test_the_precision_table_and_the_sources_figures_share_the_card(tmp_path: Path) -> None:
    from annotator.tagger import default_model_dir
    from annotator.workflows.precision_eval import write_precision_file

    (tmp_path / "README.md").write_text("# A model\n", encoding="utf-8")
    write_evidence(tmp_path, _evidence("v1", 0.5))
    write_precision_file(tmp_path, json.loads((default_model_dir() / "precision.json").read_text(encoding="utf-8")))
    write_evidence(tmp_path, _evidence("v1", 0.75))
    card = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert card.count("## Inference precision") == 1 and card.count("## The sources table, measured") == 1
    assert card.index("<!-- sources:end -->") < card.index("<!-- precision:start -->")  # replaced where it was


def test_eval_sources_write_says_when_it_cannot_store(tmp_path: Path, shared_dir: Path, tagger) -> None:
    from annotator.tagger import default_model_dir

    model = tmp_path / "model"
    shutil.copytree(default_model_dir(), model, ignore=shutil.ignore_patterns(EVIDENCE_FILE))
    (model / EVIDENCE_FILE).mkdir()  # something in the way of the file
    result = runner.invoke(app, ["eval-sources", "--shared", str(shared_dir), "--split", "train12l", "--model", str(model), "--write"])
    assert result.exit_code == 2 and "--write: cannot store the figures with the model" in result.output
