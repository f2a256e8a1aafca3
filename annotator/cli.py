"""Command-line interface. Thin: every command parses options and calls library functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli_options import (
    BatchSizeOption,
    ChunkSizeOption,
    FailOnErrorOption,
    IdFieldOption,
    InputPaths,
    ModelOption,
    OutOption,
    QuietOption,
    ResumeOption,
    StdinFormatOption,
    TextFieldOption,
    ThreadsOption,
    TitleFieldOption,
    batch_output,
    fail,
    finish,
    input_options,
    loading,
)

app = typer.Typer(
    help="Claim and source-attribution annotator for news: tag SOURCE/CUE/CONTENT spans, link them into "
    "attributions, score how well each article is sourced, and run Label Studio correction rounds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _load_tagger(model: Path | None, threads: int | None = None):
    from annotator.tagger import ModelLoadError, Tagger

    loading(f"model {model or 'shipped'}")
    try:
        return Tagger.from_pretrained(model, threads=threads)
    except (ModelLoadError, FileNotFoundError, ValueError, OSError) as exc:
        fail(str(exc))


@app.command()
def annotate(
    paths: InputPaths,
    out: OutOption,
    model: ModelOption = None,
    batch_size: BatchSizeOption = 32,
    chunk_size: ChunkSizeOption = 16,
    threads: ThreadsOption = None,
    resume: ResumeOption = False,
    quiet: QuietOption = False,
    fail_on_error: FailOnErrorOption = False,
    id_field: IdFieldOption = "id",
    text_field: TextFieldOption = "text",
    title_field: TitleFieldOption = "title",
    stdin_format: StdinFormatOption = "jsonl",
) -> None:
    """Tag SOURCE/CUE/CONTENT spans and link them into attributions; no cleaning (offsets refer to the input text).

    Bad inputs (missing, empty, binary, invalid UTF-8, malformed JSON lines or CSV rows, too large, unsupported
    formats, repeated ids) get an error record in the output and the batch goes on. Exit status: 0, or 1 with
    --fail-on-error when any error record was written; 2 for a usage error (a path that does not exist, an --out
    that is an input, a directory or locked by another run).
    """
    from annotator.batch import run_batch
    from annotator.inputs import count_inputs

    options = input_options(id_field, text_field, title_field, stdin_format)
    with batch_output(paths, out, resume) as writer:
        tagger = _load_tagger(model, threads)

        def process(articles):
            return [doc.to_record() for doc in tagger.annotate(articles, batch_size=batch_size)]

        total = None if quiet else count_inputs(paths)
        counts = run_batch(paths, writer, process, chunk_size=chunk_size, show_progress=not quiet, input_options=options, total=total)
    finish(counts, out, fail_on_error)


@app.command()
def train(
    config: Annotated[Path, typer.Option("--config", "-c", help="Training YAML (see configs/train.yaml).", exists=True, dir_okay=False)],
    output: Annotated[Path | None, typer.Option("--output", help="Model directory to write (default: 'output' in the config).")] = None,
) -> None:
    """Fine-tune the tagger on PolNeAR (plus correction rounds), select on dev, write a model directory."""
    from annotator.modeling.trainer import TrainConfig
    from annotator.modeling.trainer import train as run_training

    try:
        cfg = TrainConfig.from_yaml(config)
    except ValueError as exc:
        fail(str(exc))
    try:
        metrics = run_training(cfg, output=output, config_path=config, log=lambda m: typer.echo(m, err=True))
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    typer.echo(json.dumps({k: metrics[k] for k in ("model_version", "steps", "train_seconds")}))


@app.command("eval")
def evaluate(
    polnear: Annotated[
        Path,
        typer.Option("--polnear", help="A PolNeAR split directory (text/ and attributions/), e.g. ../shared/data/polnear/dev.", exists=True, file_okay=False),
    ],
    model: ModelOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print all metrics as JSON.")] = False,
    limit: Annotated[int | None, typer.Option(help="Only the first N articles.")] = None,
) -> None:
    """Word-token, exact-span and overlap-span P/R/F1 per label, linking accuracy on gold spans, and
    end-to-end attribution F1. Definitions: annotator/modeling/evaluation.py."""
    from annotator.modeling.evaluation import evaluate_predictions
    from annotator.polnear import load_split

    try:
        gold = load_split(polnear)
    except FileNotFoundError as exc:
        fail(str(exc))
    if limit:
        gold = gold[:limit]
    if not gold:
        fail(f"no annotated articles in {polnear}")
    tagger = _load_tagger(model)
    pred = tagger.annotate([g.article for g in gold])
    metrics = evaluate_predictions(gold, pred, tagger.linker)
    metrics["model"] = str(tagger.directory)
    metrics["model_version"] = tagger.model_version
    if as_json:
        typer.echo(json.dumps(metrics, indent=2))
        return
    typer.echo(_format_metrics(metrics))


@app.command("fit-kinds")
def fit_kinds(
    model: Annotated[Path, typer.Option("--model", help="Model directory to fit the head for (the head is written into it).", exists=True, file_okay=False)],
    polnear: Annotated[Path, typer.Option("--polnear", help="PolNeAR root (with train/ and dev/), e.g. ../shared/data/polnear.", exists=True, file_okay=False)],
    labels: Annotated[Path, typer.Option("--labels", help="Labelled cues to fit on.", exists=True, dir_okay=False)] = Path("data/attribution-kinds/train.tsv"),
    dev_labels: Annotated[Path | None, typer.Option("--dev-labels", help="Labelled cues to measure on.", dir_okay=False)] = Path(
        "data/attribution-kinds/dev.tsv"
    ),
) -> None:
    """Fit the attribution-kind head (information / stance / refusal) on hand-labelled cues and write
    kind_head.safetensors and kind_metrics.json into the model directory."""
    from annotator.workflows.kinds import fit_kind_head, write_metrics

    tagger = _load_tagger(model)
    if dev_labels is not None and not dev_labels.exists():
        fail(f"--dev-labels {dev_labels} not found")
    try:
        head, metrics = fit_kind_head(tagger, polnear, labels, dev_labels, log=lambda m: typer.echo(m, err=True))
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    path = head.save(model)
    write_metrics(model, metrics)
    typer.echo(json.dumps({"head": str(path), **{k: v for k, v in metrics.items() if k != "train"}}, indent=2))


def _format_metrics(m: dict) -> str:
    lines = [f"model {m['model_version']} on {m['articles']} articles", "", f"{'':10}{'token P/R/F1':>24}{'exact P/R/F1':>24}{'overlap P/R/F1':>24}"]
    for lab in ("SOURCE", "CUE", "CONTENT", "pooled"):
        cells = [m[k][lab] for k in ("token", "exact_span", "overlap_span")]
        lines.append(f"{lab:10}" + "".join(f"{c['precision']:>8.3f}{c['recall']:>8.3f}{c['f1']:>8.3f}" for c in cells))
    lk = m["linking"]
    lines += [
        "",
        f"linking on gold spans: {lk['triple_accuracy']:.3f} of {lk['attributions']} attributions rebuilt exactly"
        f" (source {lk['source_accuracy']:.3f}, content {lk['content_accuracy']:.3f})",
        f"end-to-end attribution F1: {m['attribution_end_to_end']['f1']:.3f}",
    ]
    return "\n".join(lines)


def _register_optional_commands() -> None:
    """Commands built in their own modules register here (score, ls)."""
    try:
        from annotator.pipeline import register as register_score
    except ImportError:
        pass
    else:
        register_score(app)
    try:
        from annotator.labelstudio.cli import app as ls_app
    except ImportError:
        pass
    else:
        app.add_typer(ls_app, name="ls", help="Label Studio rounds: setup a project, push pre-annotated articles, pull corrections.")


_register_optional_commands()


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
