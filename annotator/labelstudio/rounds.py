"""Annotation rounds: set up a project, push pre-annotated articles, pull corrections as training examples.

Push is idempotent (the article id is ``data.ext_id``; articles already in the project are never
imported again, also after a push that failed halfway). Pull writes the raw export to disk before
converting it, and every file it writes is replaced atomically, so a failed pull leaves the previous
round's files intact.
"""

from __future__ import annotations

import json
import math
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from annotator.labelstudio.client import LabelStudioClient, LabelStudioError
from annotator.labelstudio.convert import ParsedResult, attribution_links, parse_result, task_payload
from annotator.resources import config_file
from annotator.schema import LABELS, AnnotatedArticle, Article, RecordError, Span

DEFAULT_LABEL_CONFIG = config_file("labelstudio.xml")
SELECTIONS = ("uncertain", "random")


# ------------------------------------------------------------------------------------------------ setup


def read_label_config(path: str | Path | None = None) -> str:
    path = Path(path) if path else DEFAULT_LABEL_CONFIG
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LabelStudioError(f"cannot read the labeling config {path}: {exc.strerror or exc}", kind="config") from None
    if "<View" not in text:
        raise LabelStudioError(f"{path} is not a Label Studio labeling config (no <View>)", kind="config")
    return text


def setup_project(client: LabelStudioClient, title: str, config_path: str | Path | None = None, description: str = "") -> dict[str, Any]:
    """Create the project with our labeling config, or find it and bring its config up to date."""
    config = read_label_config(config_path)
    project = client.find_project(title)
    if project is None:
        project = client.create_project(title, config, description or "Claim and source-attribution corrections (annotator)")
        action = "created"
    elif _normalise_xml(project.label_config or "") != _normalise_xml(config):
        client.update_label_config(project.id, config)
        action = "updated the labeling config of"
    else:
        action = "found"
    return {"project": title, "project_id": project.id, "action": action, "url": f"{client.connection.url}/projects/{project.id}"}


def _normalise_xml(xml: str) -> str:
    return " ".join(xml.split())


# ------------------------------------------------------------------------------------------------- push


def read_articles(paths: Iterable[str | Path]) -> tuple[list[Article], list[RecordError], int]:
    """Articles from input files (as ``annotator annotate`` reads them), per-record errors, duplicate ids dropped."""
    from annotator.inputs import iter_inputs

    articles: list[Article] = []
    errors: list[RecordError] = []
    seen: set[str] = set()
    duplicates = 0
    for item in iter_inputs(paths):
        if isinstance(item, RecordError):
            errors.append(item)
        elif item.id in seen:
            duplicates += 1
        else:
            seen.add(item.id)
            articles.append(Article(item.id, item.text))  # local paths in meta stay local
    return articles, errors, duplicates


def uncertainty(log_probs: Sequence[np.ndarray]) -> list[float]:
    """Per article: the mean over its words of the entropy of the tagger's tag distribution for the word,
    divided by log(number of tags), so 0 = certain of every word and 1 = uniform over all tags.

    Computed from the model's real per-word log-probabilities (``Tagger.word_log_probs``); an article
    with no words scores 0.
    """
    out: list[float] = []
    for lp in log_probs:
        lp = np.asarray(lp, dtype=np.float64)
        if lp.size == 0:
            out.append(0.0)
            continue
        entropy = -(np.exp(lp) * lp).sum(axis=1)
        out.append(float(np.clip(entropy.mean() / math.log(lp.shape[1]), 0.0, 1.0)))
    return out


def predicted_source_types(doc: AnnotatedArticle) -> dict[str, str]:
    """SOURCE span id -> source type from ``annotator.sources`` (the mention's own type, e.g. REFERENCE for
    "he", else its source's type)."""
    from annotator.sources import analyze_sources

    types: dict[str, str] = {}
    for source in analyze_sources(doc, select=False):
        for mention in source.mentions:
            kind = mention.type or source.type
            if mention.span is not None and kind:
                types[mention.span] = kind
    return types


@dataclass
class PushReport:
    project: str
    project_id: int
    model_version: str = ""
    inputs: int = 0
    input_errors: list[dict[str, Any]] = field(default_factory=list)
    duplicate_inputs: int = 0
    already_present: int = 0
    selected: int = 0
    imported: int = 0
    select: str | None = None
    uncertainty: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class PushIncomplete(LabelStudioError):
    """A push that stopped partway; rerunning it imports only what is missing."""

    def __init__(self, message: str, report: PushReport, cause: LabelStudioError) -> None:
        super().__init__(message, kind=cause.kind, status=cause.status)
        self.report = report


def push(
    client: LabelStudioClient,
    title: str,
    articles: Sequence[Article],
    tagger,
    limit: int | None = None,
    select: str | None = None,
    seed: int = 0,
    batch_size: int = 20,
    input_errors: Sequence[RecordError] = (),
    duplicate_inputs: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> PushReport:
    """Pre-annotate the articles not yet in the project (optionally only ``limit`` of them, chosen by
    ``select``) and import them as tasks with predictions. See :func:`uncertainty` for ``uncertain``."""
    if select is not None and select not in SELECTIONS:
        raise LabelStudioError(f"--select must be one of {', '.join(SELECTIONS)}, got {select!r}", kind="config")
    if limit is not None and limit < 0:
        raise LabelStudioError("--limit must be >= 0", kind="config")
    project = client.require_project(title)
    report = PushReport(project=title, project_id=project.id, model_version=tagger.model_version, select=select)
    report.inputs = len(articles) + len(input_errors) + duplicate_inputs
    report.input_errors = [e.to_record()["error"] | {"id": e.id} for e in input_errors]
    report.duplicate_inputs = duplicate_inputs
    present = client.task_ext_ids(project.id)
    todo = [a for a in articles if a.id not in present]
    report.already_present = len(articles) - len(todo)

    scores: dict[str, float] = {}
    if select == "uncertain" and todo:
        _, log_probs = tagger.word_log_probs([a.text for a in todo])
        scores = dict(zip([a.id for a in todo], uncertainty(log_probs), strict=True))
        todo = sorted(todo, key=lambda a: -scores[a.id])  # stable: ties keep input order
    elif select == "random":
        todo = list(todo)
        random.Random(seed).shuffle(todo)
    if limit is not None:
        todo = todo[:limit]
    report.selected = len(todo)
    if not todo:
        return report

    docs: list[AnnotatedArticle] = []
    for begin in range(0, len(todo), 16):  # in chunks, so long pushes show progress
        docs.extend(tagger.annotate(todo[begin : begin + 16]))
        if progress is not None:
            progress("pre-annotate", len(docs), len(todo))
    missing = [a for a in todo if a.id not in scores]
    if missing:
        _, log_probs = tagger.word_log_probs([a.text for a in missing])
        scores.update(zip([a.id for a in missing], uncertainty(log_probs), strict=True))
    report.uncertainty = {a.id: round(scores[a.id], 4) for a in todo}
    tasks = [task_payload(doc, tagger.model_version, 1.0 - scores[doc.id], predicted_source_types(doc)) for doc in docs]
    _import_batches(client, project.id, tasks, batch_size, report, progress)
    return report


def _import_batches(
    client: LabelStudioClient,
    project_id: int,
    tasks: list[dict[str, Any]],
    batch_size: int,
    report: PushReport,
    progress: Callable[[str, int, int], None] | None,
) -> None:
    """Import in batches. After a transient failure the project is listed again before retrying, so a
    batch the server stored despite the error is not imported twice."""
    total = len(tasks)
    for begin in range(0, total, max(1, batch_size)):
        pending = tasks[begin : begin + max(1, batch_size)]
        attempt = 0
        while pending:
            try:
                client.import_tasks(project_id, pending)
                report.imported += len(pending)
                pending = []
            except LabelStudioError as err:
                if not client.transient(err) or attempt >= client.connection.retries:
                    raise _incomplete(report, total, err) from None
                client.sleep(client.connection.backoff * 2**attempt)
                attempt += 1
                try:
                    present = client.task_ext_ids(project_id)
                except LabelStudioError as again:
                    raise _incomplete(report, total, again) from None
                stored = [t for t in pending if t["data"]["ext_id"] in present]
                report.imported += len(stored)
                pending = [t for t in pending if t["data"]["ext_id"] not in present]
        if progress is not None:
            progress("import", report.imported, total)


def _incomplete(report: PushReport, total: int, err: LabelStudioError) -> PushIncomplete:
    message = (
        f"push incomplete: {report.imported} of {total} new tasks imported into {report.project!r} before this error: {err} "
        "Nothing is lost: rerun the same command and only the missing articles are imported."
    )
    return PushIncomplete(message, report, err)


# ------------------------------------------------------------------------------------------------- pull


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write to a temporary file beside ``path`` and rename it over ``path``: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def pull(client: LabelStudioClient, title: str, out_dir: str | Path) -> dict[str, Any]:
    """Export the project (full JSON), keep it as ``export.json``, then write ``examples.jsonl`` and ``report.json``."""
    out = Path(out_dir)
    project = client.require_project(title)
    raw = client.export_snapshot(project.id)
    try:
        tasks = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LabelStudioError(f"the export of {title!r} is not valid JSON ({exc}); previous files in {out} are untouched", kind="server") from None
    if not isinstance(tasks, list):
        raise LabelStudioError(f"the export of {title!r} is not a list of tasks; previous files in {out} are untouched", kind="server")
    atomic_write(out / "export.json", raw)
    examples, report = convert_export(tasks)
    report = {"project": title, "project_id": project.id, "pulled_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")} | report
    report["files"] = {"export": str(out / "export.json"), "examples": str(out / "examples.jsonl"), "report": str(out / "report.json")}
    atomic_write(out / "examples.jsonl", "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in examples))
    atomic_write(out / "report.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report


def _annotator(annotation: dict[str, Any]) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        return str(who.get("email") or who.get("id"))
    return str(who)


def _when(annotation: dict[str, Any]) -> tuple[str, int]:
    return (str(annotation.get("updated_at") or annotation.get("created_at") or ""), int(annotation.get("id") or 0))


def _prediction_for(task: dict[str, Any], annotation: dict[str, Any]) -> dict[str, Any] | None:
    """The model prediction an annotation started from (its parent), else the task's latest prediction."""
    inline = annotation.get("prediction")
    if isinstance(inline, dict) and isinstance(inline.get("result"), list):
        return inline
    preds = [p for p in task.get("predictions") or [] if isinstance(p, dict) and isinstance(p.get("result"), list)]
    parent = annotation.get("parent_prediction")
    for p in preds:
        if parent is not None and p.get("id") == parent:
            return p
    return max(preds, key=lambda p: (str(p.get("created_at") or ""), int(p.get("id") or 0))) if preds else None


def convert_export(tasks: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Training examples (one per annotated task) and the round report from a full JSON export.

    Per task: cancelled (skipped) annotations are excluded; of each annotator's annotations only the
    latest (``updated_at``) is kept; malformed ones are reported and skipped. The example is the
    annotation marked ground truth if any, else the most recently updated one; when several annotators
    are kept, their agreement is reported.
    """
    examples: list[dict[str, Any]] = []
    problems: list[dict[str, Any]] = []
    changes = {lab: Counter(kept=0, edited=0, deleted=0, added=0) for lab in (*LABELS, "links")}
    counts = Counter(tasks=len(tasks), tasks_annotated=0, tasks_only_skipped=0, annotations=0, cancelled=0, superseded=0, malformed=0, kept=0)
    ratings: list[dict[str, Any]] = []
    pairs: list[tuple[AnnotatedArticle, AnnotatedArticle]] = []
    rating_diffs: list[int] = []
    multi_tasks = 0
    per_annotator: Counter = Counter()

    for task in tasks:
        data = task.get("data") or {}
        text = data.get("text")
        ext_id = str(data.get("ext_id") or f"ls-task-{task.get('id')}")
        annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict)]
        counts["annotations"] += len(annotations)
        live = [a for a in annotations if not a.get("was_cancelled")]
        counts["cancelled"] += len(annotations) - len(live)
        if annotations and not live:
            counts["tasks_only_skipped"] += 1
        latest: dict[str, dict[str, Any]] = {}
        for a in sorted(live, key=_when):
            latest[_annotator(a)] = a
        counts["superseded"] += len(live) - len(latest)
        if not latest:
            continue
        if not isinstance(text, str):
            problems.append({"task": task.get("id"), "id": ext_id, "code": "no_text", "message": "task data has no 'text'", "fatal": True})
            counts["malformed"] += len(latest)
            continue
        valid: list[tuple[dict[str, Any], ParsedResult]] = []
        for who, ann in latest.items():
            parsed = parse_result(ext_id, text, ann.get("result"))
            for p in parsed.problems:
                problems.append({"task": task.get("id"), "annotation": ann.get("id"), "annotator": who, "id": ext_id} | p.to_dict())
            if parsed.ok:
                valid.append((ann, parsed))
            else:
                counts["malformed"] += 1
        if not valid:
            continue
        counts["tasks_annotated"] += 1
        counts["kept"] += len(valid)
        for ann, parsed in valid:
            per_annotator[_annotator(ann)] += 1
            prediction = _prediction_for(task, ann)
            if prediction is not None:
                predicted = parse_result(ext_id, text, prediction["result"])
                _add_changes(changes, predicted.doc, parsed.doc)
            if parsed.rating is not None:
                ratings.append({"id": ext_id, "task": task.get("id"), "annotator": _annotator(ann), "rating": parsed.rating, "comment": parsed.comment})
        if len(valid) > 1:
            multi_tasks += 1
            for (_, x), (_, y) in combinations(valid, 2):
                pairs.append((x.doc, y.doc))
                if x.rating is not None and y.rating is not None:
                    rating_diffs.append(abs(x.rating - y.rating))
        chosen_ann, chosen = max(valid, key=lambda v: (bool(v[0].get("ground_truth")), _when(v[0])))
        examples.append(_example(task, chosen_ann, chosen, _prediction_for(task, chosen_ann)))

    report: dict[str, Any] = {
        "tasks": counts["tasks"],
        "tasks_annotated": counts["tasks_annotated"],
        "tasks_only_skipped": counts["tasks_only_skipped"],
        "annotations": {k: counts[k] for k in ("annotations", "kept", "cancelled", "superseded", "malformed")},
        "examples": len(examples),
        "annotators": dict(per_annotator),
        "changes": {k: dict(v) for k, v in changes.items()},
        "agreement": _agreement(pairs, multi_tasks, rating_diffs),
        "ratings": _rating_summary(ratings),
        "problems": problems,
    }
    return examples, report


def _example(task: dict[str, Any], ann: dict[str, Any], parsed: ParsedResult, prediction: dict[str, Any] | None) -> dict[str, Any]:
    record = parsed.doc.to_record()
    record["source_types"] = parsed.source_types
    record["rating"] = None if parsed.rating is None and parsed.comment is None else {"value": parsed.rating, "comment": parsed.comment}
    record["labelstudio"] = {
        "project": task.get("project"),
        "task": task.get("id"),
        "annotation": ann.get("id"),
        "annotator": _annotator(ann),
        "updated_at": ann.get("updated_at") or ann.get("created_at"),
        "ground_truth": bool(ann.get("ground_truth")),
        "lead_time": ann.get("lead_time"),
        "model_version": (prediction or {}).get("model_version"),
    }
    return record


def match_spans(pred: list[Span], ann: list[Span]) -> tuple[dict[str, str], int, int]:
    """One-to-one pairs of predicted and corrected spans (of one label): identical offsets first, then
    overlapping ones, largest overlap first. Returns corrected id -> predicted id, and how many pairs were
    exact and how many overlapping."""
    pairs: dict[str, str] = {}
    by_offsets: dict[tuple[int, int], list[Span]] = {}
    for p in pred:
        by_offsets.setdefault((p.start, p.end), []).append(p)
    for a in ann:
        same = by_offsets.get((a.start, a.end))
        if same:
            pairs[a.id] = same.pop(0).id
    exact = len(pairs)
    used = set(pairs.values())
    rest_p = [p for p in pred if p.id not in used]
    rest_a = [a for a in ann if a.id not in pairs]
    overlaps = sorted(
        ((min(p.end, a.end) - max(p.start, a.start), i, j) for i, p in enumerate(rest_p) for j, a in enumerate(rest_a)),
        reverse=True,
    )
    for size, i, j in overlaps:
        if size > 0 and rest_a[j].id not in pairs and rest_p[i].id not in used:
            pairs[rest_a[j].id] = rest_p[i].id
            used.add(rest_p[i].id)
    return pairs, exact, len(pairs) - exact


def span_changes(predicted: AnnotatedArticle, annotated: AnnotatedArticle) -> dict[str, dict[str, int]]:
    """How a correction changed a prediction, per label: predicted spans kept exactly, edited (the corrected
    span of the same label overlaps it: boundaries moved), deleted (no such span), and corrected spans
    added. A relabelled span counts as deleted under its old label and added under its new one.

    ``links`` compares attribution links (CUE->SOURCE, CUE->CONTENT, CONTENT->SOURCE): a corrected link is
    kept when both its ends are matched (kept or edited) predicted spans that the model linked the same
    way; links of the model that are not kept are deleted, the others added.
    """
    out: dict[str, dict[str, int]] = {}
    mapping: dict[str, str] = {}
    for lab in LABELS:
        pred = [s for s in predicted.spans if s.label == lab]
        ann = [s for s in annotated.spans if s.label == lab]
        pairs, exact, edited = match_spans(pred, ann)
        mapping.update(pairs)
        out[lab] = {"kept": exact, "edited": edited, "deleted": len(pred) - exact - edited, "added": len(ann) - exact - edited}
    p_links = set(attribution_links(predicted.attributions))
    a_links = {(mapping.get(f, "+" + f), mapping.get(t, "+" + t), label) for f, t, label in attribution_links(annotated.attributions)}
    out["links"] = {"kept": len(p_links & a_links), "edited": 0, "deleted": len(p_links - a_links), "added": len(a_links - p_links)}
    return out


def _add_changes(total: dict[str, Counter], predicted: AnnotatedArticle, annotated: AnnotatedArticle) -> None:
    for lab, c in span_changes(predicted, annotated).items():
        total[lab].update(c)


def _agreement(pairs: list[tuple[AnnotatedArticle, AnnotatedArticle]], tasks: int, rating_diffs: list[int]) -> dict[str, Any] | None:
    """Pairwise agreement between annotators of the same task (F1 is symmetric, so either side can be 'gold')."""
    if not pairs:
        return None
    from annotator.modeling.evaluation import attribution_scores, span_scores, token_scores

    left, right = [p[0] for p in pairs], [p[1] for p in pairs]
    exact, token = span_scores(left, right), token_scores(left, right)
    return {
        "tasks": tasks,
        "pairs": len(pairs),
        "exact_span_f1": {lab: exact[lab]["f1"] for lab in (*LABELS, "pooled")},
        "token_f1": {lab: token[lab]["f1"] for lab in (*LABELS, "pooled")},
        "attribution_f1": attribution_scores(left, right)["f1"],
        "rating_pairs": len(rating_diffs),
        "rating_mean_abs_diff": round(sum(rating_diffs) / len(rating_diffs), 3) if rating_diffs else None,
        "rating_exact_agreement": round(sum(d == 0 for d in rating_diffs) / len(rating_diffs), 3) if rating_diffs else None,
    }


def _rating_summary(ratings: list[dict[str, Any]]) -> dict[str, Any]:
    values = [r["rating"] for r in ratings]
    return {
        "count": len(values),
        "mean": round(sum(values) / len(values), 3) if values else None,
        "distribution": {str(k): values.count(k) for k in range(1, 6)},
        "items": ratings,
    }


def format_pull_report(report: dict[str, Any]) -> str:
    """The round report as a few readable lines (the full figures are in report.json)."""
    ann = report["annotations"]
    lines = [
        f"project {report['project']!r}: {report['tasks_annotated']} of {report['tasks']} tasks annotated, {report['examples']} examples written",
        f"annotations: {ann['kept']} kept, {ann['cancelled']} skipped/cancelled, {ann['superseded']} superseded by a later one, {ann['malformed']} malformed",
        "changes to the model's predictions (kept / edited / deleted / added):",
    ]
    for lab, c in report["changes"].items():
        lines.append(f"  {lab:8} {c['kept']:5} {c['edited']:5} {c['deleted']:5} {c['added']:5}")
    agreement = report.get("agreement")
    if agreement:
        lines.append(
            f"agreement on {agreement['tasks']} tasks ({agreement['pairs']} pairs): exact-span F1 {agreement['exact_span_f1']['pooled']:.3f}, "
            f"token F1 {agreement['token_f1']['pooled']:.3f}, attribution F1 {agreement['attribution_f1']:.3f}"
        )
    else:
        lines.append("agreement: no task has more than one annotator")
    ratings = report["ratings"]
    if ratings["count"]:
        dist = " ".join(f"{k}:{v}" for k, v in ratings["distribution"].items())
        lines.append(f"ratings: {ratings['count']}, mean {ratings['mean']:.2f} ({dist})")
    else:
        lines.append("ratings: none")
    problems = report.get("problems") or []
    for p in problems[:20]:
        lines.append(f"{'skipped' if p['fatal'] else 'warning'}: task {p.get('task')} ({p['id']}) annotation {p.get('annotation')}: {p['message']}")
    if len(problems) > 20:
        lines.append(f"... {len(problems) - 20} more problems in report.json")
    return "\n".join(lines)
