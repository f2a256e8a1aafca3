"""Command-line interface. Thin: every command parses options and calls library functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli_options import (
    AddressOption,
    BatchSizeOption,
    ChunkSizeOption,
    EngineOption,
    FailOnErrorOption,
    IdFieldOption,
    InputPaths,
    ModelOption,
    NumActorsOption,
    OutOption,
    PrecisionOption,
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


def _load_tagger(model: Path | None, threads: int | None = None, precision: str = "auto"):
    from annotator.tagger import ModelLoadError, Tagger

    loading(f"model {model or 'shipped'}")
    try:
        tagger = Tagger.from_pretrained(model, threads=threads, precision=precision)
    except (ModelLoadError, FileNotFoundError, ValueError, OSError) as exc:
        fail(str(exc))
    typer.echo(f"precision {tagger.precision} ({tagger.precision_reason})", err=True)
    return tagger


@app.command()
def annotate(
    paths: InputPaths,
    out: OutOption,
    model: ModelOption = None,
    batch_size: BatchSizeOption = 32,
    chunk_size: ChunkSizeOption = 16,
    threads: ThreadsOption = None,
    precision: PrecisionOption = "auto",
    engine: EngineOption = "local",
    address: AddressOption = None,
    num_actors: NumActorsOption = 2,
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
    check_engine(engine)
    with batch_output(paths, out, resume) as writer:
        if engine == "ray":
            total = None if quiet else count_inputs(paths)
            counts = _run_on_ray(
                paths, writer, "annotate", model, precision, options, {"batch_size": batch_size}, num_actors, chunk_size, address, quiet, total
            )
            finish(counts, out, fail_on_error)
            return
        tagger = _load_tagger(model, threads, precision)

        def process(articles):
            return [doc.to_record() for doc in tagger.annotate(articles, batch_size=batch_size)]

        total = None if quiet else count_inputs(paths)
        counts = run_batch(paths, writer, process, chunk_size=chunk_size, show_progress=not quiet, input_options=options, total=total)
    finish(counts, out, fail_on_error)


def _model_version(model: Path | None) -> str | None:
    """The model's version from its config (the driver of a Ray run does not load the model)."""
    from annotator.tagger import default_model_dir

    try:
        return json.loads(((model or default_model_dir()) / "config.json").read_text(encoding="utf-8")).get("model_version")
    except (OSError, ValueError):
        return None


def check_engine(engine: str) -> None:
    if engine not in ("local", "ray"):
        fail(f"--engine must be local or ray, got {engine!r}")


def _run_on_ray(paths, writer, command, model, precision, options, pipeline_options, num_actors, chunk_size, address, quiet, total):
    from annotator.ray_engine import RayUnavailableError, run_batch_ray

    loading(f"Ray ({address or 'local'}), {num_actors} actor(s), each loading model {model or 'shipped'}")
    try:
        return run_batch_ray(
            paths,
            writer,
            command,
            str(model) if model else None,
            precision=precision,
            input_options=options,
            pipeline_options=pipeline_options,
            num_actors=num_actors,
            chunk_size=chunk_size,
            address=address,
            show_progress=not quiet,
            total=total,
        )
    except RayUnavailableError as exc:
        fail(str(exc))


@app.command()
def train(
    config: Annotated[Path, typer.Option("--config", "-c", help="Training YAML (see configs/train.yaml).", exists=True, dir_okay=False)],
    output: Annotated[Path | None, typer.Option("--output", help="Model directory to write (default: 'output' in the config).")] = None,
    overwrite_shipped: Annotated[
        bool, typer.Option("--overwrite-shipped", help="Allow writing into the shipped model directory (normally: retrain promotes).")
    ] = False,
) -> None:
    """Fine-tune the tagger on PolNeAR (plus correction rounds), select on dev, write a model directory with
    its claims head. Refuses to overwrite the shipped model unless --overwrite-shipped."""
    from annotator.modeling.training_config import TrainConfig
    from annotator.workflows.training import ShippedModelError, train_model

    try:
        cfg = TrainConfig.from_yaml(config)
    except ValueError as exc:
        fail(str(exc))
    try:
        metrics = train_model(cfg, output=output, config_path=config, allow_shipped=overwrite_shipped, log=lambda m: typer.echo(m, err=True))
    except ShippedModelError as exc:
        fail(str(exc))
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
    precision: Annotated[
        str, typer.Option("--precision", help="auto, fp32, bf16, int8, or all: every precision side by side (accuracy and words/s).")
    ] = "auto",
    write: Annotated[bool, typer.Option("--write", help="With --precision all: store the figures with the model (precision.json, model card).")] = False,
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
    if precision == "all":
        from annotator.tagger import default_model_dir
        from annotator.workflows.precision_eval import evaluate_precisions, format_table, write_precision_file

        model_dir = model or default_model_dir()
        result = evaluate_precisions(model_dir, gold, log=lambda m: typer.echo(m, err=True))
        if write:
            write_precision_file(model_dir, result)
            typer.echo(f"wrote {model_dir}/precision.json and the model card's precision table", err=True)
        typer.echo(json.dumps(result, indent=2) if as_json else format_table(result))
        return
    if write:
        fail("--write goes with --precision all")
    tagger = _load_tagger(model, precision=precision)
    pred = tagger.annotate([g.article for g in gold])
    metrics = evaluate_predictions(gold, pred, tagger.linker)
    metrics["model"] = str(tagger.directory)
    metrics["model_version"] = tagger.model_version
    metrics["precision"] = tagger.precision
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

    tagger = _load_tagger(model, precision="fp32")  # heads are fitted on fp32 states
    if dev_labels is not None and not dev_labels.exists():
        fail(f"--dev-labels {dev_labels} not found")
    try:
        head, metrics = fit_kind_head(tagger, polnear, labels, dev_labels, log=lambda m: typer.echo(m, err=True))
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    path = head.save(model)
    write_metrics(model, metrics)
    typer.echo(json.dumps({"head": str(path), **{k: v for k, v in metrics.items() if k != "train"}}, indent=2))


@app.command("fit-claims")
def fit_claims(
    model: ModelOption = None,
    claimbuster: Annotated[Path | None, typer.Option("--claimbuster", help="ClaimBuster train.json (default: from configs/claims.yaml).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Claims config (default: configs/claims.yaml).")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Where the head is written (default: the model directory).")] = None,
) -> None:
    """Fit the claims (check-worthiness) head on a tagger's encoder states and write claims_head.safetensors,
    claims_metrics.json and claims_card.md into the model directory. Run it after every tagger training (annotator
    train does). Design comparisons: scripts/bench_claims_designs.py."""
    from annotator.claims import ClaimsConfig, fit_claims_head

    tagger = _load_tagger(model, precision="fp32")  # heads are fitted on fp32 states
    try:
        metrics = fit_claims_head(tagger, claimbuster, ClaimsConfig.from_yaml(config), output=output)
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    d = metrics["dev"]
    where = output or tagger.directory
    typer.echo(f"claims head written to {where}: dev P {d['precision']:.3f} R {d['recall']:.3f} F1 {d['f1']:.3f} at threshold {d['threshold']}")


@app.command("eval-sources")
def eval_sources(
    gold_dir: Annotated[
        Path,
        typer.Option(
            "--gold",
            help=(
                "Gold set directory: articles.tsv (id, path, optional split and publisher; a relative path is read from this "
                "directory first) and gold.jsonl (annotators' files as data/sources-gold/GUIDELINES.md asks: mentions as "
                "line/text/nth or [start, end]). Unusable records are listed and left out."
            ),
            file_okay=False,
        ),
    ] = Path("data/sources-gold"),
    shared: Annotated[Path, typer.Option("--shared", help="The shared data directory holding PolNeAR and the seed pages.", envvar="ANNOTATOR_SHARED")] = Path(
        "../shared"
    ),
    split: Annotated[
        str,
        typer.Option(
            "--split",
            help=(
                "A split of the gold set (tune, holdout, fresh, fresh2, fresh3, train12, train12b ... train12y: "
                "data/sources-gold/GUIDELINES.md), several joined by commas (pooled in the 'all' row: "
                "train12k,train12l,train12r,train12t,train12u,train12w,train12y), or all."
            ),
        ),
    ] = "all",
    model: ModelOption = None,
    kind_labels: Annotated[Path | None, typer.Option("--kind-labels", help="Hand-labelled cues for attribution-kind accuracy.")] = Path(
        "data/attribution-kinds/dev.tsv"
    ),
    span_labels: Annotated[Path | None, typer.Option("--span-labels", help="Hand-typed PolNeAR-dev SOURCE spans for span-typing accuracy.")] = Path(
        "tests/data/source_types_dev.tsv"
    ),
    errors: Annotated[bool, typer.Option("--errors", help="Also print every missed, false and mistyped source.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print all metrics (per article too) as JSON.")] = False,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help=(
                "Store the pooled figures of the chosen splits with the model (sources_metrics.json and a model-card "
                "section); every HTML report made with that model version then states them. Measure on articles no rule "
                "was written on (the shipped figures: the splits pooled in the 'all' row of --split's help)."
            ),
        ),
    ] = False,
) -> None:
    """Measure the sources table end to end against the gold set of every information source in real
    articles: source-level precision and recall, type, count and secondhand accuracy on the predicted sources,
    attribution-kind accuracy, annotator agreement, and span-typing accuracy. Definitions:
    annotator/workflows/sources_eval.py."""
    from annotator.pipeline import ScorePipeline
    from annotator.workflows.gold_set import GoldProblem, read_splits
    from annotator.workflows.sources_eval import annotator_agreement, evaluate_sources, load_gold, read_kind_labels

    for needed in (gold_dir / "gold.jsonl", gold_dir / "articles.tsv"):
        if not needed.is_file():
            fail(f"{needed} not found (run from the checkout, or pass --gold)")
    splits = read_splits(gold_dir / "articles.tsv")
    chosen = [] if split == "all" else [part.strip() for part in split.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in splits]
    if unknown or (split != "all" and not chosen):
        fail(f"--split must be one or more of {', '.join(splits)} (joined by commas) or all, got {split!r}")
    polnear_dev = shared / "data" / "polnear" / "dev"  # the kind and span-typing labels are PolNeAR dev's
    problems: list[GoldProblem] = []
    repo = gold_dir.resolve().parent.parent  # our set sits in <checkout>/data/sources-gold; example/ ids are files of the checkout
    gold = load_gold(gold_dir / "gold.jsonl", gold_dir / "articles.tsv", shared, repo, gold_dir / "adjudication.json", problems)
    if chosen:
        gold = {k: v for k, v in gold.items() if v[0].split in chosen}
    if not gold:
        fail("no usable gold article" + (":\n" + "\n".join(f"  {p}" for p in problems[:20]) if problems else f" in {gold_dir} for --split {split}"))
    loading(f"model {model or 'shipped'}")
    pipeline = ScorePipeline.from_pretrained(model)
    have_polnear = polnear_dev.is_dir()
    kind_labels, span_labels = (_checkout_file(p) for p in (kind_labels, span_labels))
    labels = read_kind_labels(kind_labels) if have_polnear and kind_labels is not None and kind_labels.is_file() else None
    metrics = evaluate_sources(pipeline, gold, labels, chosen or None)
    metrics["annotator_agreement"] = annotator_agreement(gold)
    metrics["gold_problems"] = [p.to_dict() for p in problems] + metrics.pop("refused")
    if not have_polnear:
        metrics["skipped"] = f"attribution-kind accuracy and span typing need PolNeAR dev ({polnear_dev} not found)"
    if have_polnear and span_labels is not None and span_labels.is_file():
        from annotator.polnear import load_split
        from annotator.sources import SourceLexicon
        from annotator.workflows.span_typing import evaluate, read_labels

        texts = {d.id: d.text for d in load_split(shared / "data" / "polnear" / "dev")}
        typed = evaluate(read_labels(span_labels), texts, SourceLexicon.default())
        metrics["span_typing"] = {k: typed[k] for k in ("n", "accuracy", "macro_accuracy", "count_accuracy")}
    if write:
        from annotator.evidence import TableEvidence, write_evidence
        from annotator.tagger import default_model_dir

        fields = ("articles", "gold", "predicted", "matched", "precision", "recall", "type_accuracy", "count_accuracy")
        if not metrics["articles"]:
            fail("--write: no article was measured, so nothing is stored")
        evidence = TableEvidence(model_version=pipeline.model_version, gold_set=str(gold_dir), splits=chosen, **{k: metrics[k] for k in fields})
        try:
            typer.echo(f"wrote {write_evidence(model or default_model_dir(), evidence)} and its model-card section", err=True)
        except OSError as exc:
            fail(f"--write: cannot store the figures with the model: {exc}")
    if as_json:
        typer.echo(json.dumps(metrics, indent=2, ensure_ascii=False))
        return
    typer.echo(_format_sources(metrics, errors))


@app.command()
def calibrate(
    ratings: Annotated[
        list[Path],
        typer.Option("--ratings", help="Ratings JSONL/CSV (id, rater, rating, reason), or a Label Studio round from `annotator ls pull`. Repeatable."),
    ],
    articles: Annotated[
        Path | None, typer.Option("--articles", help="TSV manifest (id, path) of the rated articles; not needed when the ratings carry the text.")
    ] = None,
    shared: Annotated[Path, typer.Option("--shared", help="Directory the manifest's non-example paths are under.", envvar="ANNOTATOR_SHARED")] = Path(
        "../shared"
    ),
    records: Annotated[
        Path | None, typer.Option("--records", help="Cache of annotated records (JSONL): reused when the text is unchanged, new ones appended.")
    ] = None,
    config: Annotated[Path | None, typer.Option("--config", help="Base scoring YAML whose weights and mapping are refitted (default: shipped).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the calibrated scoring YAML here (default: only report).")] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write the report here (.md Markdown, .json JSON).")] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, help="Cross-validation folds.")] = 5,
    repeats: Annotated[int, typer.Option("--repeats", min=1, help="Cross-validation repeats (different fold splits).")] = 5,
    model: ModelOption = None,
    quiet: QuietOption = False,
) -> None:
    """Fit the score to human 1-5 sourcing ratings: non-negative component weights chosen by cross-validated
    Spearman and a monotone 0-100 mapping, written as a scoring YAML; report the cross-validated agreement with
    the mean rating, each component's contribution and the worst disagreements. See docs/scoring.md."""
    from annotator.config import ConfigError
    from annotator.ratings import RatingsError, agreement, read_ratings
    from annotator.scoring import DEFAULT_CONFIG, ScoringConfig
    from annotator.workflows.calibrate import CalibrationError, annotated_records, article_texts, format_report, read_manifest, write_config
    from annotator.workflows.calibrate import calibrate as fit

    base_path = config or DEFAULT_CONFIG
    try:
        rating_set = read_ratings(ratings)
        base = ScoringConfig.from_yaml(base_path)
        manifest = read_manifest(articles, articles.resolve().parent.parent.parent if articles else Path.cwd(), shared) if articles else None
        texts = article_texts(rating_set, manifest)
    except (RatingsError, ConfigError, CalibrationError, OSError) as exc:
        fail(str(exc))
    if out is not None and out.is_dir():
        fail(f"--out {out} is a directory; name the YAML file to write")
    log = (lambda m: None) if quiet else (lambda m: typer.echo(m, err=True))
    log(f"{len(rating_set.ratings)} ratings of {len(texts)} articles by {len(rating_set.raters)} raters")
    from annotator.pipeline import ScorePipeline

    loading(f"model {model or 'shipped'}")
    pipeline = ScorePipeline.from_pretrained(model, scoring_config=base)
    try:
        recs = annotated_records(texts, pipeline, records, progress=not quiet)
        result = fit(recs, rating_set, base, folds=folds, repeats=repeats, log=log)
    except CalibrationError as exc:
        fail(str(exc))
    result.report["rater_agreement"] = agreement(rating_set)
    text = format_report(result.report)
    if report is not None:
        report.write_text(json.dumps(result.report, indent=2, ensure_ascii=False) if report.suffix == ".json" else text, encoding="utf-8")
    if out is not None:
        try:
            write_config(base_path, result, out)
        except (CalibrationError, ConfigError) as exc:
            fail(str(exc))
        log(f"wrote calibrated scoring config to {out}")
    typer.echo(text)


def _checkout_file(path: Path | None) -> Path | None:
    """A relative data path as given, else under the checkout this package runs from (the labels ship with the
    repository, not the wheel), so the command measures the same from any directory."""
    if path is None or path.is_absolute() or path.is_file():
        return path
    in_checkout = Path(__file__).resolve().parent.parent / path
    return in_checkout if in_checkout.is_file() else path


def _format_sources(m: dict, with_errors: bool) -> str:
    def row(name: str, v: dict) -> str:
        return (
            f"{name:14}{v['predicted']:>6}{v['gold']:>6}{v['precision']:>8.3f}{v['recall']:>8.3f}{v['f1']:>8.3f}"
            f"{v['type_accuracy']:>8.3f}{v['count_accuracy']:>8.3f}{v['secondhand_accuracy']:>8.3f}"
        )

    lines = [f"{m['articles']} articles", f"{'':14}{'pred':>6}{'gold':>6}{'P':>8}{'R':>8}{'F1':>8}{'type':>8}{'count':>8}{'2nd-hd':>8}", row("all", m)]
    lines += [row(f"  {k}", v) for k, v in m["by_split"].items()] + [row(f"  {k}", v) for k, v in m["by_collection"].items()]
    agreement = m["annotator_agreement"]
    if agreement["articles"]:
        lines.append(row("annotators", agreement) + f"   ({agreement['articles']} doubly annotated articles)")
    else:
        lines.append("annotators    (no article has a second annotator: agreement not measured)")
    for split, part in (agreement.get("by_split") or {}).items():
        if len(agreement["by_split"]) > 1:
            lines.append(row(f"  {split}", part) + f"   ({part['articles']} articles)")
    if "attribution_kind" in m:
        k = m["attribution_kind"]
        if k["cues"]:
            lines.append(f"attribution kind: {k['accuracy']} on {k['cues']} labelled cues (information vs stance)")
        else:
            lines.append("attribution kind: no labelled cue in these articles")
    if "span_typing" in m:
        t = m["span_typing"]
        lines.append(f"span typing on {t['n']} gold SOURCE spans: accuracy {t['accuracy']}, macro {t['macro_accuracy']}, count {t['count_accuracy']}")
    if m.get("skipped"):
        lines.append(f"skipped: {m['skipped']}")
    if m.get("gold_problems"):
        lines.append(f"{len(m['gold_problems'])} gold record(s) left out:")
        lines += [f"  {p['where']}: {p['article'] + ': ' if p['article'] else ''}{p['message']}" for p in m["gold_problems"]]
    causes = (m.get("error_causes") or {}).get("all") or {}
    for kind, label in (("missed_source", "missed sources"), ("false_source", "false sources")):
        if causes.get(kind):
            lines.append(f"{label} by cause: " + ", ".join(f"{k} {n}" for k, n in causes[kind].items()))
    if with_errors:
        for art in m["per_article"]:
            for e in art["errors"]:
                lines.append(f"  {art['article']}: {json.dumps(e, ensure_ascii=False)}")
    return "\n".join(lines)


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


@app.command("score")
def score(
    paths: InputPaths,
    out: OutOption,
    report: Annotated[Path | None, typer.Option("--report", help="Also write a self-contained HTML report (batch summary + one section per article).")] = None,
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Model directory with its claims head (default: $ANNOTATOR_MODEL or models/attribution-minilm)."),
    ] = None,
    scoring_config: Annotated[Path | None, typer.Option("--scoring-config", help="Score rubric YAML (default: configs/scoring.yaml).")] = None,
    cleaning_config: Annotated[Path | None, typer.Option("--cleaning-config", help="Boilerplate cleaning YAML (default: configs/cleaning.yaml).")] = None,
    no_clean: Annotated[bool, typer.Option("--no-clean", help="Score the text as given (no boilerplate removal, no language check).")] = False,
    report_limit: Annotated[int, typer.Option(help="Articles shown in full in the report (the summary always covers every record).")] = 500,
    batch_size: BatchSizeOption = 32,
    chunk_size: ChunkSizeOption = 16,
    threads: ThreadsOption = None,
    precision: PrecisionOption = "auto",
    engine: EngineOption = "local",
    address: AddressOption = None,
    num_actors: NumActorsOption = 2,
    resume: ResumeOption = False,
    quiet: QuietOption = False,
    fail_on_error: FailOnErrorOption = False,
    id_field: IdFieldOption = "id",
    text_field: TextFieldOption = "text",
    title_field: TitleFieldOption = "title",
    stdin_format: StdinFormatOption = "jsonl",
) -> None:
    """Score how well each article is sourced (0-100, with reasons), after removing page boilerplate.

    Each output record is the annotate record on the CLEANED text (offsets refer to it) plus sources, claims, score and cleaning.

    Bad inputs (missing, empty, binary, invalid UTF-8, unsupported formats, repeated ids, not English, nothing left after
    cleaning) get an error record; the batch goes on. Exit status: 0; 1 with --fail-on-error when any error record was
    written; 2 for a usage error.
    """
    from annotator.batch import run_batch
    from annotator.clean import CleaningConfig
    from annotator.config import ConfigError
    from annotator.inputs import count_inputs
    from annotator.pipeline import ScorePipeline
    from annotator.scoring import ScoringConfig
    from annotator.tagger import ModelLoadError

    options = input_options(id_field, text_field, title_field, stdin_format)
    if report is not None and str(out) == "-":
        fail("--report needs --out to be a file (the report is built from it)")
    try:  # configs first: a bad key stops the run before anything is opened or loaded
        scoring = ScoringConfig.from_yaml(scoring_config)
        cleaning = CleaningConfig.from_yaml(cleaning_config)
    except (ConfigError, FileNotFoundError, ValueError, OSError) as exc:
        fail(str(exc))
    check_engine(engine)
    with batch_output(paths, out, resume) as writer:
        total = None if quiet else count_inputs(paths)
        if engine == "ray":
            pipeline_options = {
                "scoring_config": str(scoring_config) if scoring_config else None,
                "cleaning_config": str(cleaning_config) if cleaning_config else None,
                "clean": not no_clean,
                "batch_size": batch_size,
            }
            counts = _run_on_ray(paths, writer, "score", model, precision, options, pipeline_options, num_actors, chunk_size, address, quiet, total)
            model_version = _model_version(model)
        else:
            loading(f"model {model or 'shipped'}")
            try:
                pipeline = ScorePipeline.from_pretrained(
                    model,
                    threads=threads,
                    scoring_config=scoring,
                    cleaning_config=cleaning,
                    clean=not no_clean,
                    batch_size=batch_size,
                    precision=precision,
                )
            except (ConfigError, ModelLoadError, FileNotFoundError, ValueError, OSError) as exc:
                fail(str(exc))
            typer.echo(f"precision {pipeline.tagger.precision} ({pipeline.tagger.precision_reason})", err=True)
            counts = run_batch(
                paths,
                writer,
                pipeline.process,
                chunk_size=chunk_size,
                show_progress=not quiet,
                prepare=pipeline.prepare,
                input_options=options,
                total=total,
            )
            model_version = pipeline.model_version
    if report is not None:
        from annotator.evidence import EvidenceError, read_evidence
        from annotator.report import write_report
        from annotator.tagger import default_model_dir

        try:
            evidence = read_evidence(model or default_model_dir(), model_version)
        except EvidenceError as exc:  # the report is still written, without the figures
            typer.echo(f"warning: {exc}", err=True)
            evidence = None
        n = write_report(out, report, limit=report_limit, model_version=model_version, evidence=evidence)
        typer.echo(f"wrote report of {n} records to {report}", err=True)
    finish(counts, out, fail_on_error)


from annotator.cli_retrain import retrain  # noqa: E402  (defined in its own module; a broken module fails loudly)
from annotator.labelstudio.cli import app as ls_app  # noqa: E402

app.command("retrain")(retrain)

app.add_typer(ls_app, name="ls", help="Label Studio rounds: setup a project, push pre-annotated articles, pull corrections.")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
