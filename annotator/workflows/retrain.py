"""Retrain the tagger with Label Studio corrections and promote it only if it is not worse.

One command: (optionally) pull a round -> merge the base corpus (PolNeAR train) with every correction
round -> train a candidate into the work directory -> evaluate the current default model and the
candidate on the PolNeAR dev split and on the held-out corrections -> copy the candidate over the default
model directory only if neither figure drops by more than the configured tolerance -> write a report.

Merging: a correction replaces any base article with the same id, and a later round replaces an earlier
one; tasks nobody annotated (model predictions only) never train. Held-out corrections are chosen by a
hash of the article id, so an article held out once is held out in every later run and never trains.

    annotator retrain --config configs/retrain.yaml [--pull --project NAME] [--dry-run]

This module holds the policy (config, merging, held-out split, evaluation, the promotion rule, the report);
the command's options live in ``annotator/cli_retrain.py``.
"""

from __future__ import annotations

import fnmatch
import glob
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from annotator.config import IntRange, NonNegative, StrictModel, Text, load_model
from annotator.modeling.training_config import TrainConfig
from annotator.resources import configs_dir
from annotator.schema import AnnotatedArticle

ROOT = configs_dir().parent  # the checkout, or the installed package (configs/ and models/ sit under both)

METRICS = ("exact_f1", "token_f1")


# ------------------------------------------------------------------------------------------------ config


class Heldout(StrictModel):
    fraction: Annotated[float, Field(ge=0.0, lt=1.0)]
    min_articles: IntRange(0)


class Evaluation(StrictModel):
    polnear_dev: str | None
    max_dev_articles: IntRange(1) | None
    metric: Literal["exact_f1", "token_f1"]


class Tolerance(StrictModel):
    polnear_dev: NonNegative
    corrections: NonNegative


class Promotion(StrictModel):
    model_dir: Text
    tolerance: Tolerance


class Pull(StrictModel):
    project: str | None
    rounds_dir: Text


class RetrainFile(StrictModel):
    """``configs/retrain.yaml`` as written (every key required: see that file)."""

    train_config: Text
    train_overrides: dict[str, Any]
    corrections: list[str]
    heldout: Heldout
    evaluation: Evaluation
    promotion: Promotion
    work_dir: Text
    pull: Pull


@dataclass
class RetrainConfig:
    """One retraining run's settings: the validated file, then the command line's overrides (no defaults here)."""

    train_config: str
    train_overrides: dict[str, Any]
    corrections: list[str]
    heldout_fraction: float
    heldout_min: int
    polnear_dev: str | None
    max_dev_articles: int | None
    metric: str
    model_dir: str
    tolerance_dev: float
    tolerance_corrections: float
    work_dir: str
    pull_project: str | None
    rounds_dir: str

    @classmethod
    def from_yaml(cls, path: Path) -> RetrainConfig:
        f = load_model(path, RetrainFile, "retrain")
        return cls(
            train_config=f.train_config,
            train_overrides=dict(f.train_overrides),
            corrections=list(f.corrections),
            heldout_fraction=f.heldout.fraction,
            heldout_min=f.heldout.min_articles,
            polnear_dev=f.evaluation.polnear_dev,
            max_dev_articles=f.evaluation.max_dev_articles,
            metric=f.evaluation.metric,
            model_dir=f.promotion.model_dir,
            tolerance_dev=f.promotion.tolerance.polnear_dev,
            tolerance_corrections=f.promotion.tolerance.corrections,
            work_dir=f.work_dir,
            pull_project=f.pull.project,
            rounds_dir=f.pull.rounds_dir,
        )


def resolve(path: str | Path) -> Path:
    """Relative paths: the working directory first, then the project root."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p.resolve()
    return (ROOT / p).resolve()


def apply_overrides(cfg: TrainConfig, overrides: dict[str, Any]) -> TrainConfig:
    """The training config with ``train_overrides`` merged in and validated again (unknown keys are errors)."""
    return cfg.with_overrides(overrides, "train_overrides")


# ------------------------------------------------------------------------------------------------ data


def correction_files(patterns: list[str]) -> list[Path]:
    """examples.jsonl of each round directory (or the JSONL files themselves), sorted, in pattern order."""
    files: list[Path] = []
    for pattern in patterns:
        base = str(resolve(pattern)) if not glob.has_magic(pattern) else pattern
        matches = sorted(glob.glob(base)) or sorted(glob.glob(str(ROOT / pattern)))
        for m in matches:
            p = Path(m)
            if p.is_dir() and (p / "examples.jsonl").is_file():
                files.append(p / "examples.jsonl")
            elif p.is_file() and fnmatch.fnmatch(p.name, "*.jsonl"):
                files.append(p)
    seen: set[Path] = set()
    return [f for f in files if not (f.resolve() in seen or seen.add(f.resolve()))]


def load_corrections(files: list[Path]) -> tuple[dict[str, AnnotatedArticle], dict[str, str], int]:
    """Article id -> latest correction (later files win), id -> file it came from, and lines skipped."""
    docs: dict[str, AnnotatedArticle] = {}
    origin: dict[str, str] = {}
    skipped = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    if "error" in record:
                        skipped += 1
                        continue
                    doc = AnnotatedArticle.from_record(record)
                except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                    skipped += 1
                    continue
                docs[doc.id] = doc
                origin[doc.id] = str(path)
    return docs, origin, skipped


def _hash01(article_id: str) -> float:
    return int(hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12], 16) / float(16**12)


def split_heldout(ids: list[str], fraction: float, minimum: int) -> set[str]:
    """Held out: ids whose hash falls below ``fraction`` (stable across runs); topped up with the lowest
    hashes to ``minimum`` when there are at least two corrections (one must remain to train on)."""
    held = {i for i in ids if _hash01(i) < fraction}
    if len(ids) >= 2 and len(held) < minimum:
        for i in sorted(ids, key=_hash01):
            if len(held) >= min(minimum, len(ids) - 1):
                break
            held.add(i)
    if len(ids) >= 2 and len(held) == len(ids):  # at least one correction trains
        held.discard(max(ids, key=_hash01))
    return held


# ------------------------------------------------------------------------------------------------ evaluation


def evaluate_model(model_dir: Path, gold: list[AnnotatedArticle], threads: int | None) -> dict[str, Any] | None:
    """Pooled exact-span and word-token F1 (and per label) of a model directory on gold articles."""
    if not gold:
        return None
    from annotator.modeling.evaluation import evaluate_predictions
    from annotator.tagger import Tagger

    tagger = Tagger.from_pretrained(model_dir, threads=threads, precision="fp32")  # the promotion rule compares fp32 figures
    metrics = evaluate_predictions(gold, tagger.annotate([g.article for g in gold]), tagger.linker)
    return {
        "model_version": tagger.model_version,
        "articles": len(gold),
        "exact_f1": metrics["exact_span"]["pooled"]["f1"],
        "token_f1": metrics["token"]["pooled"]["f1"],
        "attribution_f1": metrics["attribution_end_to_end"]["f1"],
        "per_label_exact_f1": {k: v["f1"] for k, v in metrics["exact_span"].items()},
    }


def decide(before: dict[str, Any], after: dict[str, Any], cfg: RetrainConfig) -> tuple[bool, list[str]]:
    """The promotion rule: promote unless a figure the baseline has drops by more than its tolerance."""
    reasons: list[str] = []
    promote = True
    checks = (("polnear_dev", "PolNeAR dev", cfg.tolerance_dev), ("corrections", "held-out corrections", cfg.tolerance_corrections))
    for key, name, tolerance in checks:
        b, a = before.get(key), after.get(key)
        if a is None:
            reasons.append(f"{name}: not evaluated (no data)")
            continue
        if b is None:
            reasons.append(f"{name}: no baseline to compare with; candidate {cfg.metric} {a[cfg.metric]:.4f}")
            continue
        change = a[cfg.metric] - b[cfg.metric]
        ok = -change <= tolerance + 1e-12
        promote &= ok
        verdict = "within" if ok else "beyond"
        reasons.append(f"{name}: {cfg.metric} {b[cfg.metric]:.4f} -> {a[cfg.metric]:.4f} (change {change:+.4f}, {verdict} tolerance {tolerance})")
    if after.get("polnear_dev") is None and after.get("corrections") is None:
        promote = False
        reasons.append("nothing to evaluate on: not promoted")
    return promote, reasons


# ------------------------------------------------------------------------------------------------ promotion


def promote_model(candidate: Path, target: Path, backup_dir: Path) -> Path | None:
    """Copy ``candidate`` over ``target``: copy beside it, move the old one into ``backup_dir``, rename."""
    target = target.resolve()
    incoming = target.parent / f".{target.name}.incoming"
    if incoming.exists():
        shutil.rmtree(incoming)
    shutil.copytree(candidate, incoming)
    backup = None
    if target.exists():
        backup = backup_dir / "replaced-model"
        if backup.exists():
            shutil.rmtree(backup)
        backup.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(target), str(backup))
    incoming.rename(target)
    return backup


def inside(path: Path, parent: Path) -> bool:
    try:
        path.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def _row(name: str, before: dict | None, after: dict | None) -> str:
    def cell(m: dict | None, key: str) -> str:
        return "–" if m is None else f"{m[key]:.4f}"

    return f"| {name} | {cell(before, 'exact_f1')} | {cell(after, 'exact_f1')} | {cell(before, 'token_f1')} | {cell(after, 'token_f1')} |"


def render_report(summary: dict[str, Any]) -> str:
    b, a = summary["before"], summary["after"]
    lines = [
        f"# Retrain run {summary['run']}",
        "",
        f"- baseline: `{summary['baseline']}` ({summary.get('baseline_version') or 'none'})",
        f"- candidate: `{summary['candidate']}` ({summary.get('candidate_version')})",
        (
            f"- training: {summary['train_articles']} articles ({summary['base_articles']} base, {summary['correction_train']} corrections)"
            if summary["training"]
            else "- training: none in this run (--candidate given)"
        )
        + f"; held out: {summary['correction_heldout']} corrections",
        "",
        "| data | exact F1 before | exact F1 after | token F1 before | token F1 after |",
        "|---|---|---|---|---|",
        _row(f"PolNeAR dev ({(a.get('polnear_dev') or b.get('polnear_dev') or {}).get('articles', 0)} articles)", b.get("polnear_dev"), a.get("polnear_dev")),
        _row(f"held-out corrections ({summary['correction_heldout']})", b.get("corrections"), a.get("corrections")),
        "",
        f"**Decision: {'promoted' if summary['promoted'] else 'not promoted'}** (rule: {summary['metric']} may drop by at most "
        f"{summary['tolerance']['polnear_dev']} on PolNeAR dev and {summary['tolerance']['corrections']} on held-out corrections)",
        "",
    ]
    lines += [f"- {r}" for r in summary["reasons"]]
    return "\n".join(lines) + "\n"


def load_dev(cfg: RetrainConfig, warn=print) -> list[AnnotatedArticle]:
    if not cfg.polnear_dev:
        return []
    path = resolve(cfg.polnear_dev)
    if not (path / "attributions").is_dir():
        warn(f"warning: PolNeAR dev split not found at {path}; only held-out corrections are compared")
        return []
    from annotator.polnear import load_split

    gold = load_split(path)
    return gold[: int(cfg.max_dev_articles)] if cfg.max_dev_articles else gold
