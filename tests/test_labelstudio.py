"""Label Studio rounds against a real server (fixtures: tests/labelstudio_server.py) and the shipped model.

End to end: setup -> push 5 of our own articles with predictions -> annotations created through the API
as annotators would make them (edit a span, delete one, add one, add a link, set a source type, rate;
a second annotator; a superseded annotation) -> pull -> the examples carry exactly those corrections ->
a tiny retrain on them evaluates and applies the promotion rule. Also: idempotent push, a push and an
export that fail halfway (5xx injected by a forwarding proxy in front of the real server), server down,
bad token, malformed annotations.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest
from typer.testing import CliRunner

from annotator.cli import app
from annotator.labelstudio.client import LabelStudioError, connect
from annotator.labelstudio.convert import SOURCE_TYPES
from annotator.labelstudio.rounds import PushIncomplete, pull, push, read_articles
from annotator.text import words
from tests.labelstudio_server import SCRIPT, free_port

pytestmark = [pytest.mark.labelstudio, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "fixtures" / "labelstudio_articles.jsonl"
SECOND_ANNOTATOR = "second.annotator@example.com"
RATING_COMMENT = "Named sources for the main claims; the last claim has no source."


def invoke(args: list[str], env: dict[str, str | None]):
    return CliRunner().invoke(app, args, env=env)


def regions(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted((r for r in result if r.get("type") == "labels"), key=lambda r: (r["value"]["start"], r["value"]["end"]))


def links(result: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(r["from_id"], r["to_id"]) for r in result if r.get("type") == "relation"}


def label_of(region: dict[str, Any]) -> str:
    return region["value"]["labels"][0]


def without_region(result: list[dict[str, Any]], region_id: str) -> list[dict[str, Any]]:
    return [
        r
        for r in result
        if not (r.get("type") != "relation" and r.get("id") == region_id) and not (r.get("type") == "relation" and region_id in (r["from_id"], r["to_id"]))
    ]


def clean_result(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A prediction result as an annotator's copy: no model scores."""
    return [{k: v for k, v in r.items() if k != "score"} for r in result]


# ------------------------------------------------------------------------------------------------ the round


@dataclass
class Round:
    title: str
    project_id: int
    env: dict[str, str]
    push_report: dict[str, Any]
    second_push: dict[str, Any]
    tasks_after_push: list[Any]
    tasks_after_second_push: int
    expected_predictions: dict[str, Any]
    entropy: dict[str, float]
    plan: dict[str, Any]
    out: Path
    report: dict[str, Any]
    examples: dict[str, dict[str, Any]]
    pull_output: str


def _plan_edits(text: str, result: list[dict[str, Any]]) -> dict[str, Any]:
    """Choose, from the model's own prediction, the corrections an annotator makes on task A."""
    regs = regions(result)
    assert len(regs) >= 2, f"the model predicted fewer than 2 regions on every article: {regs}"
    linked = {x for pair in links(result) for x in pair}

    def n_words(r):
        return len([w for w in words(text) if r["value"]["start"] <= w.start and w.end <= r["value"]["end"]])

    # the edited region: a multi-word SOURCE, else CUE, else an unlinked CONTENT (so the added link is always valid)
    edited = None
    for wanted in ("SOURCE", "CUE", "CONTENT"):
        for r in regs:
            if label_of(r) == wanted and n_words(r) >= 2 and (wanted != "CONTENT" or r["id"] not in linked):
                edited = edited or r
    assert edited is not None, f"no multi-word region to edit in {regs}"
    deleted = next(r for r in reversed(regs) if r["id"] != edited["id"])
    inside = [w for w in words(text) if edited["value"]["start"] <= w.start and w.end <= edited["value"]["end"]]
    new_end = inside[-2].end  # drop the last word
    covered = [(r["value"]["start"], r["value"]["end"]) for r in regs]
    free = next(
        (w for w in words(text) if w.text.isalpha() and all(w.end <= s or w.start >= e for s, e in covered)),
        None,
    )
    assert free is not None, "every word is covered by a predicted region"
    added_label = {"SOURCE": "CUE", "CUE": "CONTENT", "CONTENT": "CUE"}[label_of(edited)]
    # CUE -> SOURCE, CUE -> CONTENT (as configs/labelstudio.xml documents)
    link = ("added-1", edited["id"]) if added_label == "CUE" else (edited["id"], "added-1")
    source_region = edited if label_of(edited) == "SOURCE" else next((r for r in regs if label_of(r) == "SOURCE" and r["id"] != deleted["id"]), None)
    return {
        "edited": edited,
        "new_end": new_end,
        "deleted": deleted,
        "added": {"start": free.start, "end": free.end, "label": added_label},
        "link": link,
        "source_region": source_region,
    }


def _apply_edits(text: str, result: list[dict[str, Any]], plan: dict[str, Any]) -> list[dict[str, Any]]:
    out = without_region(clean_result(result), plan["deleted"]["id"])
    for r in out:
        if r.get("id") == plan["edited"]["id"] and r.get("type") == "labels":
            r["value"] = dict(r["value"], end=plan["new_end"], text=text[r["value"]["start"] : plan["new_end"]])
    add = plan["added"]
    out.append(
        {
            "id": "added-1",
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": add["start"], "end": add["end"], "text": text[add["start"] : add["end"]], "labels": [add["label"]]},
        }
    )
    out.append({"type": "relation", "from_id": plan["link"][0], "to_id": plan["link"][1], "direction": "right", "labels": []})
    src = plan["source_region"]
    if src is not None:
        out = [r for r in out if not (r.get("from_name") == "source_type" and r.get("id") == src["id"])]  # the annotator's choice replaces the model's
        value = next(r["value"] for r in out if r.get("id") == src["id"] and r.get("type") == "labels")
        out.append(
            {
                "id": src["id"],
                "from_name": "source_type",
                "to_name": "text",
                "type": "choices",
                "value": {"start": value["start"], "end": value["end"], "text": value["text"], "choices": ["NAMED_PERSON"]},
            }
        )
    out.append({"id": "rating-1", "from_name": "sourcing", "to_name": "text", "type": "rating", "value": {"rating": 4}})
    out.append({"id": "comment-1", "from_name": "comment", "to_name": "text", "type": "textarea", "value": {"text": [RATING_COMMENT]}})
    return out


def _rating(value: int) -> dict[str, Any]:
    return {"id": f"rating-{value}", "from_name": "sourcing", "to_name": "text", "type": "rating", "value": {"rating": value}}


@pytest.fixture(scope="module")
def round_trip(ls_server, ls_pat, tagger, tmp_path_factory) -> Round:
    title = "annotator round trip"
    env = ls_server.env(ls_pat)
    result = invoke(["ls", "setup", "--project", title], env)
    assert result.exit_code == 0, result.output
    assert "created project" in result.output

    pushed = invoke(["ls", "push", str(ARTICLES), "--project", title, "--model", str(tagger.directory), "--json"], env)
    assert pushed.exit_code == 0, pushed.output
    push_report = json.loads(pushed.stdout)
    again = invoke(["ls", "push", str(ARTICLES), "--project", title, "--model", str(tagger.directory), "--json"], env)
    assert again.exit_code == 0, again.output

    client = connect(ls_server.url, ls_pat)
    project = client.require_project(title)
    tasks = list(client.sdk.tasks.list(project=project.id))
    articles, _, _ = read_articles([ARTICLES])
    expected = {d.id: d for d in tagger.annotate(articles)}
    _, log_probs = tagger.word_log_probs([a.text for a in articles])
    entropy = {}
    for article, lp in zip(articles, log_probs, strict=True):
        p = np.exp(lp)
        entropy[article.id] = float((-(p * lp).sum(axis=1)).mean() / math.log(lp.shape[1]))

    # annotators at work
    by_ext = {t.data["ext_id"]: t for t in tasks}
    ranked = sorted(by_ext, key=lambda e: -len(regions(by_ext[e].predictions[0].result)))
    a_id, b_id, c_id = ranked[0], ranked[1], ranked[2]
    task_a, task_b, task_c = by_ext[a_id], by_ext[b_id], by_ext[c_id]
    assert regions(task_b.predictions[0].result), "the model found nothing in the second-richest article"
    plan = _plan_edits(task_a.data["text"], task_a.predictions[0].result)
    pred_a = task_a.predictions[0]
    client.create_annotation(task_a.id, _apply_edits(task_a.data["text"], pred_a.result, plan), parent_prediction=pred_a.id, lead_time=42.0)

    second = client.sdk.users.create(username="second-annotator", email=SECOND_ANNOTATOR, first_name="Second", last_name="Annotator")
    pred_b = task_b.predictions[0]
    client.create_annotation(task_b.id, clean_result(pred_b.result) + [_rating(3)], parent_prediction=pred_b.id)
    last_b = regions(pred_b.result)[-1]["id"]
    client.create_annotation(task_b.id, without_region(clean_result(pred_b.result), last_b) + [_rating(2)], parent_prediction=pred_b.id, completed_by=second.id)

    pred_c = task_c.predictions[0]
    client.create_annotation(task_c.id, clean_result(pred_c.result) + [_rating(5)], parent_prediction=pred_c.id)
    client.create_annotation(task_c.id, [_rating(1)], parent_prediction=pred_c.id)  # later: nothing to mark after all
    plan |= {"a": a_id, "b": b_id, "c": c_id, "last_b": last_b, "second_id": second.id}

    out = tmp_path_factory.mktemp("round") / "round-01"
    pulled = invoke(["ls", "pull", "--project", title, "--out", str(out)], env)
    assert pulled.exit_code == 0, pulled.output
    report = json.loads((out / "report.json").read_text())
    examples = {}
    for line in (out / "examples.jsonl").read_text().splitlines():
        record = json.loads(line)
        examples[record["id"]] = record
    return Round(
        title=title,
        project_id=project.id,
        env=env,
        push_report=push_report,
        second_push=json.loads(again.stdout),
        tasks_after_push=tasks,
        tasks_after_second_push=len(tasks),
        expected_predictions=expected,
        entropy=entropy,
        plan=plan,
        out=out,
        report=report,
        examples=examples,
        pull_output=pulled.stdout,
    )


def test_setup_finds_the_existing_project(round_trip: Round):
    result = invoke(["ls", "setup", "--project", round_trip.title], round_trip.env)
    assert result.exit_code == 0, result.output
    assert f"found project '{round_trip.title}' (id {round_trip.project_id})" in result.output


def test_push_imports_articles_with_the_models_predictions(round_trip: Round, tagger):
    assert round_trip.push_report["imported"] == 5
    assert round_trip.push_report["model_version"] == tagger.model_version
    tasks = round_trip.tasks_after_push
    assert sorted(t.data["ext_id"] for t in tasks) == sorted(round_trip.expected_predictions)
    for task in tasks:
        doc = round_trip.expected_predictions[task.data["ext_id"]]
        assert len(task.predictions) == 1
        pred = task.predictions[0]
        assert pred.model_version == tagger.model_version
        # task score = 1 - mean normalised word entropy of the model's tag distributions
        assert pred.score == pytest.approx(1.0 - round_trip.entropy[doc.id], abs=2e-3)
        got = [(r["id"], r["value"]["start"], r["value"]["end"], label_of(r), r["value"]["text"]) for r in regions(pred.result)]
        assert got == [(s.id, s.start, s.end, s.label, s.text) for s in doc.spans]
        scores = {r["id"]: r["score"] for r in regions(pred.result)}
        assert scores == pytest.approx({s.id: s.score for s in doc.spans}, abs=2e-3)
        expected_links = set()
        for a in doc.attributions:
            if a.cue and a.source:
                expected_links.add((a.cue, a.source))
            expected_links.update((a.cue, c) for c in a.content if a.cue)
        assert links(pred.result) == expected_links
        # per-region source type from annotator.sources (the mention's own type)
        from annotator.sources import analyze_sources

        expected_types = {m.span: m.type or src.type for src in analyze_sources(doc, select=False) for m in src.mentions}
        got_types = {r["id"]: r["value"]["choices"] for r in pred.result if r.get("from_name") == "source_type"}
        assert got_types == {k: [v] for k, v in expected_types.items() if v in SOURCE_TYPES}


def test_push_select_uncertain_picks_the_least_certain_articles(round_trip: Round, ls_server, ls_pat, ls_client, tagger):
    title = "annotator uncertain"
    _fresh_project(ls_client, title)
    env = ls_server.env(ls_pat)
    bad = invoke(["ls", "push", str(ARTICLES), "--project", title, "--select", "newest"], env)
    assert bad.exit_code == 2 and "--select must be one of uncertain, random" in bad.output
    model = ["--model", str(tagger.directory)]
    result = invoke(["ls", "push", str(ARTICLES), "--project", title, "--select", "uncertain", "--limit", "2", "--json", *model], env)
    assert result.exit_code == 0, result.output
    most_uncertain = sorted(round_trip.entropy, key=lambda i: -round_trip.entropy[i])[:2]
    report = json.loads(result.stdout)
    assert report["imported"] == 2 and set(report["uncertainty"]) == set(most_uncertain)
    assert sorted(ls_client.task_ext_ids(report["project_id"])) == sorted(most_uncertain)
    again = invoke(["ls", "push", str(ARTICLES), "--project", title, "--select", "uncertain", "--limit", "2", "--json", *model], env)
    assert set(json.loads(again.stdout)["uncertainty"]).isdisjoint(most_uncertain)  # the next two, not the same again


def test_push_twice_creates_no_duplicates(round_trip: Round, ls_client):
    assert round_trip.second_push["imported"] == 0
    assert round_trip.second_push["already_present"] == 5
    tasks = list(ls_client.sdk.tasks.list(project=round_trip.project_id, fields="task_only"))
    assert len(tasks) == 5
    assert len({t.data["ext_id"] for t in tasks}) == 5


def test_pull_keeps_the_raw_export_with_predictions_and_annotators(round_trip: Round):
    raw = json.loads((round_trip.out / "export.json").read_text())
    assert len(raw) == 5
    annotated = [t for t in raw if t["annotations"]]
    assert all(isinstance(p, dict) and p["model_version"] for t in raw for p in t["predictions"])
    assert all(isinstance(a["completed_by"], dict) and a["completed_by"]["email"] for t in annotated for a in t["annotations"])


def test_examples_carry_exactly_the_corrections(round_trip: Round):
    plan = round_trip.plan
    task = next(t for t in round_trip.tasks_after_push if t.data["ext_id"] == plan["a"])
    text = task.data["text"]
    predicted = regions(task.predictions[0].result)
    expected_spans = set()
    for r in predicted:
        if r["id"] == plan["deleted"]["id"]:
            continue
        end = plan["new_end"] if r["id"] == plan["edited"]["id"] else r["value"]["end"]
        expected_spans.add((r["value"]["start"], end, label_of(r)))
    add = plan["added"]
    expected_spans.add((add["start"], add["end"], add["label"]))

    example = round_trip.examples[plan["a"]]
    assert example["text"] == text
    assert {(s["start"], s["end"], s["label"]) for s in example["spans"]} == expected_spans
    assert all(s["text"] == text[s["start"] : s["end"]] for s in example["spans"])

    # links: the model's, minus those of the deleted region, plus the new one (compared by region id)
    expected_links = {pair for pair in links(task.predictions[0].result) if plan["deleted"]["id"] not in pair} | {plan["link"]}
    got = set()
    for a in example["attributions"]:
        if a["cue"] and a["source"]:
            got.add((a["cue"], a["source"]))
        if a["cue"]:
            got.update((a["cue"], c) for c in a["content"])
        elif a["source"]:
            got.update((c, a["source"]) for c in a["content"])
    assert got == expected_links
    added_attr = [a for a in example["attributions"] if "added-1" in (a["cue"], a["source"], *a["content"])]
    assert len(added_attr) == 1
    if add["label"] == "CUE":
        assert added_attr[0]["cue"] == "added-1" and plan["edited"]["id"] in (added_attr[0]["source"], *added_attr[0]["content"])
    else:
        assert added_attr[0]["cue"] == plan["edited"]["id"] and "added-1" in added_attr[0]["content"]

    # The model's pre-filled source types stay on the regions the annotator kept; the annotator's choice wins.
    expected_types = {
        r["id"]: r["value"]["choices"][0] for r in task.predictions[0].result if r.get("from_name") == "source_type" and r["id"] != plan["deleted"]["id"]
    }
    src = plan["source_region"]
    if src is not None:
        expected_types[src["id"]] = "NAMED_PERSON"
    assert example["source_types"] == expected_types
    assert example["rating"] == {"value": 4, "comment": RATING_COMMENT}
    assert example["labelstudio"]["annotator"] == "admin@example.com"
    assert example["labelstudio"]["model_version"] == task.predictions[0].model_version
    assert example["labelstudio"]["lead_time"] == 42.0


def test_latest_annotation_per_annotator_and_second_annotator(round_trip: Round):
    plan = round_trip.plan
    b_task = next(t for t in round_trip.tasks_after_push if t.data["ext_id"] == plan["b"])
    b = round_trip.examples[plan["b"]]
    assert b["labelstudio"]["annotator"] == SECOND_ANNOTATOR  # the most recent of the two annotators
    kept = {(r["value"]["start"], r["value"]["end"], label_of(r)) for r in regions(b_task.predictions[0].result) if r["id"] != plan["last_b"]}
    assert {(s["start"], s["end"], s["label"]) for s in b["spans"]} == kept
    c = round_trip.examples[plan["c"]]
    assert c["spans"] == [] and c["attributions"] == []  # the admin's later, empty annotation replaced the earlier one
    assert c["rating"] == {"value": 1, "comment": None}


def test_round_report(round_trip: Round):
    report, plan = round_trip.report, round_trip.plan
    preds = {t.data["ext_id"]: t.predictions[0].result for t in round_trip.tasks_after_push}
    assert report["tasks"] == 5 and report["tasks_annotated"] == 3 and report["examples"] == 3
    assert report["annotations"] == {"annotations": 5, "kept": 4, "cancelled": 0, "superseded": 1, "malformed": 0}
    assert report["problems"] == []

    def count(result, label=None, skip=None):
        return len([r for r in regions(result) if (label is None or label_of(r) == label) and r["id"] != skip])

    def n_links(result, skip=None):
        return len([p for p in links(result) if skip not in p])

    expected = {}
    for lab in ("SOURCE", "CUE", "CONTENT"):
        a_total, b_total, c_total = count(preds[plan["a"]], lab), count(preds[plan["b"]], lab), count(preds[plan["c"]], lab)
        edited = int(label_of(plan["edited"]) == lab)
        deleted_a = int(label_of(plan["deleted"]) == lab)
        b_last = next(r for r in regions(preds[plan["b"]]) if r["id"] == plan["last_b"])
        deleted_b = int(label_of(b_last) == lab)
        expected[lab] = {
            "kept": (a_total - edited - deleted_a) + b_total + (b_total - deleted_b),
            "edited": edited,
            "deleted": deleted_a + deleted_b + c_total,
            "added": int(plan["added"]["label"] == lab),
        }
    a_links, b_links, c_links = n_links(preds[plan["a"]]), n_links(preds[plan["b"]]), n_links(preds[plan["c"]])
    a_kept, b_kept = n_links(preds[plan["a"]], plan["deleted"]["id"]), n_links(preds[plan["b"]], plan["last_b"])
    expected["links"] = {"kept": a_kept + b_links + b_kept, "edited": 0, "deleted": (a_links - a_kept) + (b_links - b_kept) + c_links, "added": 1}
    assert report["changes"] == expected

    n = count(preds[plan["b"]])
    agreement = report["agreement"]
    assert agreement["tasks"] == 1 and agreement["pairs"] == 1
    assert agreement["exact_span_f1"]["pooled"] == pytest.approx(2 * (n - 1) / (2 * n - 1), abs=1e-3)
    assert agreement["rating_mean_abs_diff"] == 1.0
    ratings = report["ratings"]
    assert ratings["count"] == 4 and ratings["mean"] == 2.5
    assert ratings["distribution"] == {"1": 1, "2": 1, "3": 1, "4": 1, "5": 0}
    assert "4 kept" in round_trip.pull_output and "agreement on 1 tasks" in round_trip.pull_output


# ------------------------------------------------------------------------------------------------ retrain


def _model_version(directory: Path) -> str:
    return json.loads((directory / "config.json").read_text())["model_version"]


def _retrain(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    run_env = dict(os.environ, OMP_NUM_THREADS="1", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "annotator", "retrain", "--config", str(ROOT / "configs" / "retrain-tiny.yaml"), "--threads", "1", *args],
        capture_output=True,
        text=True,
        timeout=900,
        env=run_env,
        cwd=str(ROOT),
    )


def test_retrain_runs_evaluates_and_applies_the_promotion_rule(round_trip: Round, tagger, tmp_path: Path):
    shipped = ROOT / "models" / "attribution-minilm"
    shipped_state = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in shipped.iterdir()) if shipped.is_dir() else None
    target = tmp_path / "default-model"
    shutil.copytree(tagger.directory, target)
    baseline_version = _model_version(target)
    work, rounds_dir = tmp_path / "work", tmp_path / "rounds"
    common = ["--promote-to", str(target), "--work-dir", str(work)]

    dry = _retrain([*common, "--corrections", str(round_trip.out), "--dry-run"])
    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stderr and not work.exists()

    # pull inside the script (into a temporary rounds dir), train a few steps, evaluate, apply the rule
    first = _retrain(
        [*common, "--corrections", str(tmp_path / "no-earlier-rounds"), "--pull", "--project", round_trip.title, "--rounds-dir", str(rounds_dir)],
        round_trip.env,
    )
    assert first.returncode == 0, first.stderr[-3000:]
    (run,) = list(work.iterdir())
    summary = json.loads((run / "report.json").read_text())
    assert summary["correction_heldout"] >= 1 and summary["correction_train"] >= 1
    assert summary["correction_heldout"] + summary["correction_train"] == 3
    assert not set(summary["heldout_ids"]) - set(round_trip.examples)
    for when in ("before", "after"):
        for data in ("polnear_dev", "corrections"):
            assert 0.0 <= summary[when][data]["exact_f1"] <= 1.0
    assert summary["before"]["polnear_dev"]["model_version"] == baseline_version
    metric, tol = summary["metric"], summary["tolerance"]
    rule = all(summary["after"][k][metric] >= summary["before"][k][metric] - tol[k] - 1e-12 for k in ("polnear_dev", "corrections"))
    assert summary["promoted"] is rule
    candidate = run / "model"
    assert (candidate / "metrics.json").exists() and (candidate / "retrain.json").exists()
    assert _model_version(target) == (_model_version(candidate) if rule else baseline_version)
    assert "Decision:" in (run / "report.md").read_text()

    # the same candidate with a tolerance no F1 drop can exceed: promoted, and the replaced model is kept aside
    second = _retrain([*common, "--corrections", str(round_trip.out), "--candidate", str(candidate), "--tolerance", "1.0"])
    assert second.returncode == 0, second.stderr[-3000:]
    (run2,) = [p for p in work.iterdir() if p != run]
    assert json.loads((run2 / "report.json").read_text())["promoted"] is True
    assert _model_version(target) == _model_version(candidate)
    assert (run2 / "replaced-model" / "config.json").exists()

    if shipped_state is not None:
        assert sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in shipped.iterdir()) == shipped_state


def test_retrain_refuses_to_write_into_models(tmp_path: Path):
    result = _retrain(["--work-dir", str(ROOT / "models" / "candidates"), "--dry-run"])
    assert result.returncode == 2
    assert "inside models/" in result.stderr
    assert not (ROOT / "models" / "candidates").exists()


# ------------------------------------------------------------------------------------------------ failures


class FaultProxy:
    """Forwards HTTP to the real server; a rule makes matching requests fail with a 5xx, optionally after
    the server has handled them (the response is lost, as when a connection drops)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.rules: list[dict[str, Any]] = []
        self.log: list[tuple[str, str, int]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                rule = next((r for r in proxy.rules if r["method"] == self.command and r["path"] in self.path and r["times"] > 0), None)
                if rule is not None and rule.get("pass", 0) > 0:
                    rule["pass"] -= 1
                    rule = None
                if rule is not None:
                    rule["times"] -= 1
                    if rule.get("forward"):
                        proxy._forward(self.command, self.path, self.headers, body)
                    self._reply(rule["status"], b'{"detail": "injected failure"}', {"Content-Type": "application/json"})
                    return
                status, headers, payload = proxy._forward(self.command, self.path, self.headers, body)
                self._reply(status, payload, headers)

            def _reply(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
                proxy.log.append((self.command, self.path, status))
                self.send_response(status)
                for k, v in headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _forward(self, method: str, path: str, headers, body: bytes) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=60)
        fwd = {k: v for k, v in headers.items() if k.lower() not in ("host", "connection", "accept-encoding")}
        conn.request(method, path, body=body or None, headers=fwd)
        response = conn.getresponse()
        payload = response.read()
        conn.close()
        return response.status, dict(response.getheaders()), payload

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def proxy(ls_server):
    p = FaultProxy(ls_server.url)
    yield p
    p.close()


def _fresh_project(client, title: str) -> int:
    from annotator.labelstudio.rounds import setup_project

    return setup_project(client, title)["project_id"]


def test_push_survives_a_lost_response_and_a_failure_halfway(ls_server, ls_pat, ls_client, tagger, proxy):
    title = "annotator push failures"
    project_id = _fresh_project(ls_client, title)
    articles, _, _ = read_articles([ARTICLES])

    # the server stores the first batch but the answer is lost (502): the retry must not import it twice
    proxy.rules.append({"method": "POST", "path": "/import", "status": 502, "times": 1, "forward": True})
    via_proxy = connect(proxy.url, ls_pat, retries=2, backoff=0.05)
    report = push(via_proxy, title, articles[:3], tagger, batch_size=2)
    assert report.imported == 3
    imports = [entry for entry in proxy.log if entry[0] == "POST" and "/import" in entry[1]]
    assert [status for *_, status in imports] == [502, 201]  # first batch once (lost answer), second batch once
    assert sorted(ls_client.task_ext_ids(project_id)) == sorted(a.id for a in articles[:3])

    # the server keeps failing after one more batch: a clear, complete report of how far it got
    proxy.rules[:] = [{"method": "POST", "path": "/import", "status": 503, "times": 100, "pass": 0}]
    with pytest.raises(PushIncomplete) as failure:
        push(via_proxy, title, articles, tagger, batch_size=1)
    assert failure.value.report.imported == 0 and failure.value.report.already_present == 3
    assert "push incomplete: 0 of 2 new tasks imported" in str(failure.value)
    assert "rerun the same command" in str(failure.value)

    proxy.rules[:] = [{"method": "POST", "path": "/import", "status": 503, "times": 100, "pass": 1}]
    with pytest.raises(PushIncomplete) as failure:
        push(via_proxy, title, articles, tagger, batch_size=1)
    assert failure.value.report.imported == 1
    assert "1 of 2 new tasks imported" in str(failure.value) and "HTTP 503" in str(failure.value)
    assert len(ls_client.task_ext_ids(project_id)) == 4

    # rerun against the healthy server: completes without duplicates
    report = push(ls_client, title, articles, tagger, batch_size=2)
    assert report.imported == 1 and report.already_present == 4
    stored = ls_client.task_ext_ids(project_id)
    assert sorted(stored) == sorted(a.id for a in articles)
    assert all(len(ids) == 1 for ids in stored.values())


def test_failed_export_leaves_the_previous_round_intact(ls_pat, ls_client, round_trip: Round, proxy, tmp_path: Path):
    out = tmp_path / "round"
    pull(ls_client, round_trip.title, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proxy.rules.append({"method": "GET", "path": "/download", "status": 500, "times": 100})
    with pytest.raises(LabelStudioError) as failure:
        pull(connect(proxy.url, ls_pat, retries=2, backoff=0.05), round_trip.title, out)
    assert failure.value.kind == "server" and "HTTP 500" in str(failure.value) and "gave up after 3 attempts" in str(failure.value)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing replaced, no temporary files left


def test_server_down_gives_a_clear_error(ls_pat):
    dead = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(LabelStudioError) as failure:
        connect(dead, ls_pat, retries=1, backoff=0.05).check()
    assert failure.value.kind == "unreachable"
    assert f"cannot reach Label Studio at {dead}" in str(failure.value)
    result = invoke(["ls", "setup", "--project", "anything", "--retries", "0"], {"LABEL_STUDIO_URL": dead, "LABEL_STUDIO_API_KEY": ls_pat})
    assert result.exit_code == 3
    assert "cannot reach Label Studio" in result.output and "scripts/labelstudio.sh start" in result.output
    assert ls_pat not in result.output


@pytest.mark.parametrize("kind", ["legacy-looking", "forged-jwt"])
def test_bad_token_gives_a_clear_error(ls_server, ls_pat, kind):
    if kind == "forged-jwt":
        head, payload, signature = ls_pat.split(".")
        key = f"{head}.{payload}.{signature[::-1]}"
    else:
        key = "not-a-valid-token-0123456789"
    result = invoke(["ls", "setup", "--project", "anything"], ls_server.env(key))
    assert result.exit_code == 4, result.output
    assert "rejected the API key" in result.output and "LABEL_STUDIO_API_KEY" in result.output
    assert key not in result.output


def test_missing_key_and_legacy_token(ls_server):
    result = invoke(["ls", "setup", "--project", "anything"], {"LABEL_STUDIO_URL": ls_server.url, "LABEL_STUDIO_API_KEY": None})
    assert result.exit_code == 2 and "no Label Studio API key" in result.output
    assert connect(ls_server.url, ls_server.legacy_token).check() == "1.23.2"  # the other auth path also works


def test_malformed_annotations_are_reported_and_skipped(ls_server, ls_pat, ls_client, tmp_path: Path):
    title = "annotator malformed"
    project_id = _fresh_project(ls_client, title)
    text = "Mayor Ines Costa said the bridge would reopen soon. Nobody else commented."
    ls_client.import_tasks(project_id, [{"data": {"text": text, "ext_id": f"m{i}"}} for i in range(6)])
    tasks = {t.data["ext_id"]: t.id for t in ls_client.sdk.tasks.list(project=project_id, fields="task_only")}

    def region(rid, start, end, label):
        return {
            "id": rid,
            "from_name": "label",
            "to_name": "text",
            "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]},
        }

    source, cue, content = region("r1", 0, 16, "SOURCE"), region("r2", 17, 21, "CUE"), region("r3", 22, 50, "CONTENT")
    good = [source, cue, content, {"type": "relation", "from_id": "r2", "to_id": "r1", "direction": "right", "labels": ["source"]},
            {"type": "relation", "from_id": "r2", "to_id": "r3", "direction": "right", "labels": ["content"]}]  # fmt: skip
    ls_client.create_annotation(tasks["m0"], good)
    ls_client.create_annotation(tasks["m1"], [source, region("r9", 17, 21, "NOPE")])
    ls_client.create_annotation(tasks["m2"], [source, region("r4", 10, 21, "CUE")])
    ls_client.create_annotation(tasks["m3"], [source, cue, {"type": "relation", "from_id": "r2", "to_id": "gone", "direction": "right", "labels": []}])
    ls_client.create_annotation(tasks["m4"], good, was_cancelled=True)
    ls_client.create_annotation(tasks["m5"], [source, region("r5", 17, 21, "SOURCE"), {"type": "relation", "from_id": "r1", "to_id": "r5", "labels": []}])

    out = tmp_path / "round"
    result = invoke(["ls", "pull", "--project", title, "--out", str(out)], ls_server.env(ls_pat))
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    codes = {(p["id"], p["code"]) for p in report["problems"]}
    assert codes == {("m1", "unknown_label"), ("m2", "overlapping_regions"), ("m3", "relation_to_missing_region"), ("m5", "bad_relation")}
    assert report["annotations"] == {"annotations": 6, "kept": 1, "cancelled": 1, "superseded": 0, "malformed": 4}
    assert report["tasks_only_skipped"] == 1
    (example,) = [json.loads(line) for line in (out / "examples.jsonl").read_text().splitlines()]
    assert example["id"] == "m0"
    assert [(s["text"], s["label"]) for s in example["spans"]] == [("Mayor Ines Costa", "SOURCE"), ("said", "CUE"), ("the bridge would reopen soon", "CONTENT")]
    assert example["attributions"] == [{"id": "a1", "source": "r1", "cue": "r2", "content": ["r3"], "kind": "information", "declined": False}]
    assert "skipped: task" in result.output and "'NOPE'" in result.output


# ------------------------------------------------------------------------------------------------ the server script


def test_server_script_status_binding_and_busy_port(ls_server, tmp_path: Path):
    status = subprocess.run([str(SCRIPT), "status", "--data-dir", str(ls_server.data_dir)], capture_output=True, text=True, timeout=30)
    assert status.returncode == 0 and f"running (pid {ls_server.pid}) at {ls_server.url}" in status.stdout
    port = urlsplit(ls_server.url).port
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                listening.add(local.rsplit(":", 1)[0])
    assert listening == {"0100007F"}  # 127.0.0.1 only, never 0.0.0.0
    busy = subprocess.run([str(SCRIPT), "start", "--data-dir", str(tmp_path / "other"), "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert busy.returncode == 1 and f"port {port} on 127.0.0.1 is in use" in busy.stderr
    assert not (tmp_path / "other" / "label_studio.sqlite3").exists()
    install = subprocess.run([str(SCRIPT), "install"], capture_output=True, text=True, timeout=60)
    assert install.returncode == 0 and "label-studio 1.23.2 present" in install.stdout


def test_a_server_that_never_answers_is_a_timeout_exit_5(ls_pat):
    """A socket that accepts connections and says nothing: the documented exit code for timeouts is 5."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes the handshake; nobody ever answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        result = invoke(["ls", "setup", "--project", "anything", "--retries", "0", "--timeout", "1"], {"LABEL_STUDIO_URL": url, "LABEL_STUDIO_API_KEY": ls_pat})
    assert result.exit_code == 5, result.output
    assert "did not answer in 1 s" in result.output and ls_pat not in result.output


@pytest.mark.slow
def test_the_server_restarts_at_once_on_the_port_of_a_killed_one(ls_template: Path, tmp_path: Path):
    """SIGKILL leaves the port in TIME-WAIT; `start` must not call it busy (the server binds with SO_REUSEADDR too)."""
    import signal
    import time

    data = tmp_path / "data"
    shutil.copytree(ls_template, data, symlinks=True)
    port = str(free_port())
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    start = [str(SCRIPT), "start", "--data-dir", str(data), "--port", port]
    first = subprocess.run(start, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr[-2000:]
    url = first.stdout.strip().splitlines()[-1]
    import socket

    # Connections open when the server dies are closed by its side first: they stay in TIME-WAIT on its port.
    open_connections = [socket.create_connection(("127.0.0.1", int(port)), timeout=5) for _ in range(3)]
    for conn in open_connections:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # an unfinished request: the server waits
    time.sleep(0.5)
    os.kill(int((data / "annotator-ls.pid").read_text()), signal.SIGKILL)
    time.sleep(0.5)
    for conn in open_connections:
        conn.close()
    try:
        second = subprocess.run(start, env=env, capture_output=True, text=True, timeout=300)
        assert second.returncode == 0, second.stderr[-2000:]
        assert second.stdout.strip().splitlines()[-1] == url
    finally:
        subprocess.run([str(SCRIPT), "stop", "--data-dir", str(data)], env=env, capture_output=True, text=True, timeout=60)
