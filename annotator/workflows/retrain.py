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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.configcheck import load_yaml
from annotator.resources import configs_dir
from annotator.schema import AnnotatedArticle

ROOT = configs_dir().parent  # the checkout, or the installed package (configs/ and models/ sit under both)

METRICS = ("exact_f1", "token_f1")


# ------------------------------------------------------------------------------------------------ config


@dataclass
class RetrainConfig:
    """configs/retrain.yaml, validated on load (see that file for every key)."""

    train_config: str = "configs/train.yaml"
    train_overrides: dict[str, Any] = field(default_factory=dict)
    corrections: list[str] = field(default_factory=lambda: ["runs/labelstudio/*"])
    heldout_fraction: float = 0.2
    heldout_min: int = 1
    polnear_dev: str | None = "../shared/data/polnear/dev"
    max_dev_articles: int | None = None
    metric: str = "exact_f1"
    model_dir: str = "models/attribution-minilm"
    tolerance_dev: float = 0.005
    tolerance_corrections: float = 0.01
    work_dir: str = "runs/retrain"
    pull_project: str | None = None
    rounds_dir: str = "runs/labelstudio"

    @classmethod
    def from_yaml(cls, path: Path) -> RetrainConfig:
        raw = load_yaml(path, "retrain", empty_ok=True)
        sections = {
            "train_config": None,
            "train_overrides": None,
            "corrections": None,
            "work_dir": None,
            "heldout": {"fraction", "min_articles"},
            "evaluation": {"polnear_dev", "max_dev_articles", "metric"},
            "promotion": {"model_dir", "tolerance"},
            "pull": {"project", "rounds_dir"},
        }
        unknown = set(raw) - set(sections)
        if unknown:
            raise ValueError(f"{path}: unknown keys {sorted(unknown)} (allowed: {sorted(sections)})")
        for name, keys in sections.items():
            if keys is not None and raw.get(name) is not None:
                if not isinstance(raw[name], dict):
                    raise ValueError(f"{path}: '{name}' must be a mapping")
                bad = set(raw[name]) - keys
                if bad:
                    raise ValueError(f"{path}: unknown {name} keys {sorted(bad)} (allowed: {sorted(keys)})")
        held, ev, promo, pull = (raw.get(k) or {} for k in ("heldout", "evaluation", "promotion", "pull"))
        tol = promo.get("tolerance") or {}
        if set(tol) - {"polnear_dev", "corrections"}:
            raise ValueError(f"{path}: promotion.tolerance takes polnear_dev and corrections, got {sorted(tol)}")
        cfg = cls()
        cfg.train_config = str(raw.get("train_config", cfg.train_config))
        cfg.train_overrides = dict(raw.get("train_overrides") or {})
        corrections = raw.get("corrections", cfg.corrections)
        cfg.corrections = [corrections] if isinstance(corrections, str) else list(corrections or [])
        cfg.work_dir = str(raw.get("work_dir", cfg.work_dir))
        cfg.heldout_fraction = float(held.get("fraction", cfg.heldout_fraction))
        cfg.heldout_min = int(held.get("min_articles", cfg.heldout_min))
        cfg.polnear_dev = ev.get("polnear_dev", cfg.polnear_dev)
        cfg.max_dev_articles = ev.get("max_dev_articles", cfg.max_dev_articles)
        cfg.metric = str(ev.get("metric", cfg.metric))
        cfg.model_dir = str(promo.get("model_dir", cfg.model_dir))
        cfg.tolerance_dev = float(tol.get("polnear_dev", cfg.tolerance_dev))
        cfg.tolerance_corrections = float(tol.get("corrections", cfg.tolerance_corrections))
        cfg.pull_project = pull.get("project", cfg.pull_project)
        cfg.rounds_dir = str(pull.get("rounds_dir", cfg.rounds_dir))
        if not 0.0 <= cfg.heldout_fraction < 1.0:
            raise ValueError(f"{path}: heldout.fraction must be in [0, 1), got {cfg.heldout_fraction}")
        if cfg.heldout_min < 0:
            raise ValueError(f"{path}: heldout.min_articles must be >= 0")
        if cfg.metric not in METRICS:
            raise ValueError(f"{path}: evaluation.metric must be one of {METRICS}, got {cfg.metric!r}")
        if cfg.tolerance_dev < 0 or cfg.tolerance_corrections < 0:
            raise ValueError(f"{path}: tolerances are allowed drops and must be >= 0")
        if cfg.max_dev_articles is not None and int(cfg.max_dev_articles) < 1:
            raise ValueError(f"{path}: evaluation.max_dev_articles must be >= 1 or null")
        return cfg


def resolve(path: str | Path) -> Path:
    """Relative paths: the working directory first, then the project root."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p.resolve()
    return (ROOT / p).resolve()


def apply_overrides(cfg, overrides: dict[str, Any]):
    """Merge ``train_overrides`` into a TrainConfig, refusing unknown keys."""
    for key, value in overrides.items():
        if key in ("base_model", "model_name", "output"):
            setattr(cfg, key, value)
        elif key == "model":
            bad = set(value) - {"max_length", "stride", "shape_dim", "dropout"}
            if bad:
                raise ValueError(f"train_overrides.model: unknown keys {sorted(bad)}")
            cfg.model.update(value)
        elif key in ("data", "optim"):
            section = getattr(cfg, key)
            bad = set(value) - set(section.__dataclass_fields__)
            if bad:
                raise ValueError(f"train_overrides.{key}: unknown keys {sorted(bad)}")
            for k, v in value.items():
                setattr(section, k, v)
        else:
            raise ValueError(f"train_overrides: unknown key {key!r}")
    return cfg


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
