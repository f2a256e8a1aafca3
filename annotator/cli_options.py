"""Options shared by the batch commands (`annotate`, `score`), declared once so their help and defaults agree."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

InputPaths = Annotated[
    list[str],
    typer.Argument(
        help=".txt files, directories of .txt/.html files, .jsonl files with 'id' and 'text', .csv (id,text) or .html pages.",
        show_default=False,
    ),
]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output JSONL file ('-' for stdout); one line per article, in input order.")]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Model directory (default: $ANNOTATOR_MODEL or the shipped models/attribution-minilm)."),
]
BatchSizeOption = Annotated[int, typer.Option(help="Windows per forward pass.")]
ChunkSizeOption = Annotated[int, typer.Option(help="Articles read, processed and written together (flushed after each chunk).")]
ThreadsOption = Annotated[int | None, typer.Option(help="Torch CPU threads (default: all cores).")]
ResumeOption = Annotated[bool, typer.Option("--resume", help="Append to --out, skipping ids already in it (after a crash or Ctrl-C).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


def report_counts(counts: dict[str, int], out: Path) -> None:
    """One closing line on stderr: how many records were written, how many are errors, how many were skipped."""
    msg = f"wrote {counts['written']} records to {out} ({counts['errors']} errors"
    msg += f", {counts['skipped']} skipped as already done)" if counts.get("skipped") else ")"
    typer.echo(msg, err=True)
