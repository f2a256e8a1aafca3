"""``annotator retrain``: the command's options and its run; the policy lives in ``annotator.workflows.retrain``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from annotator.cli_options import fail
from annotator.schema import AnnotatedArticle
from annotator.workflows.retrain import (
    ROOT,
    RetrainConfig,
    apply_overrides,
    correction_files,
    decide,
    evaluate_model,
    inside,
    load_corrections,
    load_dev,
    promote_model,
    render_report,
    resolve,
    split_heldout,
)


def retrain(
    config: Annotated[Path, typer.Option("--config", "-c", help="Retrain YAML (see configs/retrain.yaml).")] = ROOT / "configs" / "retrain.yaml",
    corrections: Annotated[list[str] | None, typer.Option("--corrections", help="Round dirs or JSONL files (replaces the config's list).")] = None,
    promote_to: Annotated[Path | None, typer.Option("--promote-to", help="Default model directory: baseline and promotion target.")] = None,
    work_dir: Annotated[Path | None, typer.Option("--work-dir", help="Where candidates and reports go (never inside models/).")] = None,
    candidate: Annotated[Path | None, typer.Option("--candidate", help="Evaluate and maybe promote this model directory instead of training.")] = None,
    polnear_dev: Annotated[Path | None, typer.Option("--polnear-dev", help="PolNeAR dev split directory (overrides the config).")] = None,
    tolerance: Annotated[float | None, typer.Option("--tolerance", help="Set both tolerances (allowed absolute F1 drop).")] = None,
    pull: Annotated[bool, typer.Option("--pull", help="Pull a round from Label Studio first (LABEL_STUDIO_URL/LABEL_STUDIO_API_KEY).")] = False,
    project: Annotated[str | None, typer.Option("--project", help="Project to pull (overrides pull.project).")] = None,
    rounds_dir: Annotated[Path | None, typer.Option("--rounds-dir", help="Where --pull writes the round (overrides pull.rounds_dir).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be done; train, write and promote nothing.")] = False,
    threads: Annotated[int | None, typer.Option(help="Torch CPU threads.")] = None,
) -> None:
    """Retrain with corrections; promote only if neither PolNeAR dev nor held-out corrections get worse
    beyond the tolerance. Writes WORK_DIR/<run>/report.md and report.json."""
    try:
        cfg = RetrainConfig.from_yaml(resolve(config))
    except ValueError as exc:
        fail(str(exc))
    if corrections:
        cfg.corrections = list(corrections)
    if promote_to is not None:
        cfg.model_dir = str(promote_to)
    if work_dir is not None:
        cfg.work_dir = str(work_dir)
    if polnear_dev is not None:
        cfg.polnear_dev = str(polnear_dev)
    if tolerance is not None:
        if tolerance < 0:
            fail("--tolerance must be >= 0")
        cfg.tolerance_dev = cfg.tolerance_corrections = tolerance
    project = project or cfg.pull_project
    if rounds_dir is not None:
        cfg.rounds_dir = str(rounds_dir)
    target = resolve(cfg.model_dir)
    work = resolve(cfg.work_dir)
    if inside(work, ROOT / "models"):
        fail(f"work_dir {work} is inside models/: candidates and checkpoints never go there")
    run_id = time.strftime("%Y%m%d-%H%M%S")
    run_dir = work / run_id
    n = 1
    while run_dir.exists():
        n += 1
        run_dir = work / f"{run_id}-{n}"
    say = lambda m: typer.echo(m, err=True)  # noqa: E731

    if pull:
        if not project:
            fail("--pull needs a project: --project NAME or pull.project in the config")
        round_dir = resolve(cfg.rounds_dir) / f"round-{run_id}"
        if dry_run:
            say(f"would pull project {project!r} into {round_dir}")
        else:
            from annotator.labelstudio.client import LabelStudioError, connect
            from annotator.labelstudio.rounds import format_pull_report
            from annotator.labelstudio.rounds import pull as pull_round

            try:
                report = pull_round(connect(), project, round_dir)
            except LabelStudioError as err:
                fail(f"pull failed: {err}")
            say(format_pull_report(report))
            cfg.corrections.append(str(round_dir))

    files = correction_files(cfg.corrections)
    corrected, origin, bad_lines = load_corrections(files)
    held = split_heldout(sorted(corrected), cfg.heldout_fraction, cfg.heldout_min)
    heldout_docs = [corrected[i] for i in sorted(held)]
    train_corrections = [corrected[i] for i in sorted(corrected) if i not in held]

    from annotator.modeling.trainer import load_corpus
    from annotator.modeling.training_config import TrainConfig

    train_cfg_path = resolve(cfg.train_config)
    try:
        train_cfg = apply_overrides(TrainConfig.from_yaml(train_cfg_path), cfg.train_overrides)
    except ValueError as exc:
        fail(str(exc))
    late: dict[str, dict[str, object]] = {}
    if train_cfg.data.polnear:
        late["data"] = {"polnear": str(resolve(train_cfg.data.polnear))}
    if threads:
        late["optim"] = {"threads": threads}
    train_cfg = train_cfg.with_overrides(late, "--threads")
    base_docs: list[AnnotatedArticle] = []
    selection_dev: list[AnnotatedArticle] = []
    if candidate is None:
        try:
            base_docs, selection_dev = load_corpus(train_cfg, ROOT)
        except (FileNotFoundError, OSError) as exc:
            fail(f"cannot read the base corpus: {exc}")
    corrected_ids = set(corrected)
    merged = [d for d in base_docs if d.id not in corrected_ids] + train_corrections
    replaced = len(base_docs) - (len(merged) - len(train_corrections))
    dev_gold = load_dev(cfg, warn=say)

    say(
        f"corrections: {len(corrected)} articles from {len(files)} file(s) ({bad_lines} unreadable lines skipped); "
        f"{len(held)} held out: {', '.join(sorted(held)) or '-'}"
    )
    if candidate is None:
        say(f"training set: {len(base_docs)} base articles ({replaced} replaced by corrections) + {len(train_corrections)} corrections = {len(merged)}")
    else:
        say(f"training set: none, the candidate is given ({len(train_corrections)} corrections are outside the held-out slice)")
    say(f"evaluation: PolNeAR dev {len(dev_gold)} articles ({cfg.polnear_dev}); held-out corrections {len(heldout_docs)}")
    say(f"baseline and promotion target: {target}{'' if target.exists() else ' (does not exist yet)'}")
    say(f"rule: {cfg.metric} may drop by at most {cfg.tolerance_dev} (PolNeAR dev) and {cfg.tolerance_corrections} (held-out corrections)")
    cand_dir = candidate.resolve() if candidate else run_dir / "model"
    say(f"candidate: {cand_dir}{' (given)' if candidate else ' (to be trained)'}; report: {run_dir / 'report.md'}")
    if dry_run:
        steps = train_cfg.optim.max_steps or f"{train_cfg.optim.epochs} epochs"
        first = "evaluate the given candidate" if candidate else f"train a candidate ({steps}, batch {train_cfg.optim.batch_size}), evaluate it"
        say(f"dry run: would {first} and the baseline, and apply the rule; nothing written")
        return
    if candidate is None and not merged:
        fail("no training articles: no base corpus and no corrections")
    if candidate is not None and not (candidate / "config.json").is_file():
        fail(f"--candidate {candidate} is not a model directory")

    run_dir.mkdir(parents=True)
    train_info: dict[str, Any] = {}
    if candidate is None:
        from annotator.workflows.training import train_model

        metrics = train_model(train_cfg, output=cand_dir, config_path=train_cfg_path, train_docs=merged, dev_docs=selection_dev, log=say)
        train_info = {k: metrics.get(k) for k in ("model_version", "steps", "train_seconds", "train_articles")}

    before = {"polnear_dev": None, "corrections": None}
    if target.is_dir() and (target / "config.json").is_file():
        before = {"polnear_dev": evaluate_model(target, dev_gold, threads), "corrections": evaluate_model(target, heldout_docs, threads)}
    after = {"polnear_dev": evaluate_model(cand_dir, dev_gold, threads), "corrections": evaluate_model(cand_dir, heldout_docs, threads)}
    promote, reasons = decide(before, after, cfg)

    summary: dict[str, Any] = {
        "run": run_dir.name,
        "baseline": str(target),
        "baseline_version": (before["polnear_dev"] or before["corrections"] or {}).get("model_version"),
        "candidate": str(cand_dir),
        "candidate_version": (after["polnear_dev"] or after["corrections"] or {}).get("model_version"),
        "metric": cfg.metric,
        "tolerance": {"polnear_dev": cfg.tolerance_dev, "corrections": cfg.tolerance_corrections},
        "correction_files": [str(f) for f in files],
        "base_articles": len(base_docs),
        "correction_train": len(train_corrections),
        "correction_heldout": len(heldout_docs),
        "heldout_ids": sorted(held),
        "train_articles": len(merged),
        "training": train_info,
        "before": before,
        "after": after,
        "promoted": promote,
        "reasons": reasons,
    }
    if candidate is None:  # the model directory carries its own before/after figures
        evaluation = {k: summary[k] for k in ("run", "baseline", "before", "after", "promoted", "reasons")}
        (cand_dir / "retrain.json").write_text(json.dumps(evaluation, indent=2) + "\n", encoding="utf-8")
    if promote:
        backup = promote_model(cand_dir, target, run_dir)
        summary["replaced_model_backup"] = str(backup) if backup else None
    (run_dir / "report.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    (run_dir / "report.md").write_text(render_report(summary), encoding="utf-8")
    typer.echo(render_report(summary))
    say(f"report: {run_dir / 'report.md'}")
