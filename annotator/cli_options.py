"""Options and the job wrapper shared by the batch commands (`annotate`, `score`), declared once so their help,
defaults, checks and exit codes agree."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from annotator.inputs import InputOptions, missing_paths
from annotator.outputs import JsonlWriter, OutputError, check_output, open_writer

InputPaths = Annotated[
    list[str],
    typer.Argument(
        help="Articles: .txt and .html/.htm files, directories of them (read recursively; id = path under the directory "
        "without extension), .jsonl/.csv/.parquet collections (id and text fields), or '-' for standard input.",
        show_default=False,
    ),
]
OutOption = Annotated[
    str,
    typer.Option(
        "--out",
        "-o",
        help="Output: JSON Lines (one record per input, in input order), '.parquet' for a Parquet file, 'DIR/' (with the "
        "slash) for a directory of Parquet shards, or '-' for stdout. Must not be an input; locked while the job runs.",
    ),
]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Model directory (default: $ANNOTATOR_MODEL or the shipped models/attribution-minilm)."),
]
BatchSizeOption = Annotated[int, typer.Option(min=1, help="Windows per forward pass.")]
ChunkSizeOption = Annotated[int, typer.Option(min=1, help="Articles read, processed and written together (flushed after each chunk).")]
ThreadsOption = Annotated[int | None, typer.Option(min=1, help="Torch CPU threads (default: all cores).")]
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="local: this process. ray: the same stages on Ray Data actors (pip install 'annotator[ray]'), on this "
        "machine or the cluster at --address; same records, same resume rules. See README, 'Distributed scoring on Ray'.",
    ),
]
AddressOption = Annotated[
    str | None, typer.Option("--address", help="--engine ray: the Ray cluster to join (e.g. ray://head:10001 or auto); default: start a local Ray.")
]
NumActorsOption = Annotated[int, typer.Option("--num-actors", min=1, help="--engine ray: actors (each loads the model once and uses 1 CPU).")]
PrecisionOption = Annotated[
    str,
    typer.Option(
        "--precision",
        help="Encoder precision: auto (the fastest this CPU runs natively that kept PolNeAR dev exact F1 within 0.005 of fp32), "
        "fp32, bf16 or int8. See README, 'Choosing a precision'.",
    ),
]
ResumeOption = Annotated[
    bool,
    typer.Option("--resume", help="Append to --out, skipping inputs whose record is already there (matched by source path and line/row)."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
FailOnErrorOption = Annotated[bool, typer.Option("--fail-on-error", help="Exit with status 1 if any error record was written.")]
IdFieldOption = Annotated[str, typer.Option("--id-field", help="Id field of .jsonl/.csv/.parquet inputs.")]
TextFieldOption = Annotated[str, typer.Option("--text-field", help="Text field of .jsonl/.csv/.parquet inputs.")]
TitleFieldOption = Annotated[str, typer.Option("--title-field", help="Title field of .jsonl/.csv/.parquet inputs (kept in the record when present).")]
StdinFormatOption = Annotated[str, typer.Option("--stdin-format", help="How '-' is read: jsonl, csv or txt (one article).")]


def fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def input_options(id_field: str, text_field: str, title_field: str, stdin_format: str) -> InputOptions:
    if stdin_format not in ("jsonl", "csv", "txt"):
        fail(f"--stdin-format must be jsonl, csv or txt, got {stdin_format!r}")
    return InputOptions(id_field=id_field, text_field=text_field, title_field=title_field or None, stdin_format=stdin_format)


@contextmanager
def batch_output(paths: list[str], out: str | Path, resume: bool) -> Iterator[JsonlWriter]:
    """Check the inputs and the output before any work (usage errors exit 2), then hold the locked writer.

    The writer is opened (and locked) before the model loads, so a second run on the same --out fails at once.
    """
    missing = missing_paths(paths)
    if missing:
        fail(f"no such file or directory: {', '.join(missing)}")
    existed = str(out) == "-" or Path(out).exists() or Path(str(out).rstrip("/") + ".partial.jsonl").exists()
    try:
        check_output(out, paths)
        writer = open_writer(out, resume=resume, log=lambda m: typer.echo(m, err=True))
    except OutputError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write --out {out}: {exc.strerror or exc}")
    completed = False
    try:
        yield writer
        completed = True
    finally:
        writer.close(completed=completed)
        if not completed and not existed and writer.count == 0:
            writer.path.unlink(missing_ok=True)  # a run that failed before its first record leaves nothing behind


def loading(what: str) -> None:
    """One line on stderr while a model loads (it can take a while on a cold disk)."""
    typer.echo(f"loading {what} ...", err=True)


def finish(counts, out: Path, fail_on_error: bool, echo: Callable[[str], None] | None = None) -> None:
    """One closing line on stderr, then the exit status: 1 with --fail-on-error when any error record was written."""
    msg = f"wrote {counts.written} records to {out} ({counts.errors} errors"
    if counts.duplicates:
        msg += f", {counts.duplicates} of them duplicate ids"
    if counts.skipped:
        msg += f", {counts.skipped} skipped as already written"
    msg += ")"
    stats = counts.read_stats
    if stats.skipped_files:
        msg += f"; {stats.skipped_files} files of other types in the directories were not read ({', '.join(sorted(stats.skipped_suffixes))})"
    (echo or (lambda m: typer.echo(m, err=True)))(msg)
    if fail_on_error and counts.errors:
        raise typer.Exit(1)
