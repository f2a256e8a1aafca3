"""``annotator ls setup|push|pull``: thin commands over :mod:`annotator.labelstudio.rounds`.

Exit codes: 0 done; 2 bad usage or config, or the project is missing; 3 the server cannot be reached;
4 the API key was rejected; 5 the server failed (5xx). A push that stops halfway says how far it got;
rerunning it imports only what is missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from annotator.labelstudio.client import LabelStudioClient, LabelStudioError, connect

app = typer.Typer(
    help="Label Studio correction rounds. The server URL and API key come from LABEL_STUDIO_URL and "
    "LABEL_STUDIO_API_KEY (or --url/--api-key); start a local server with scripts/labelstudio.sh.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_CODES = {"config": 2, "missing": 2, "request": 2, "unreachable": 3, "auth": 4, "server": 5, "timeout": 5}

ProjectOption = Annotated[str, typer.Option("--project", "-p", help="Project title in Label Studio.")]
UrlOption = Annotated[str | None, typer.Option("--url", help="Server URL (default: $LABEL_STUDIO_URL, else http://127.0.0.1:8089).", show_default=False)]
KeyOption = Annotated[
    str | None,
    typer.Option("--api-key", help="API key (default: $LABEL_STUDIO_API_KEY; prefer the variable: options show up in the process list).", show_default=False),
]
RetriesOption = Annotated[int, typer.Option("--retries", min=0, help="Retries (with exponential backoff) for connection errors, timeouts and 5xx.")]
TimeoutOption = Annotated[float, typer.Option("--timeout", min=1, help="Seconds to wait for each request.")]


def _fail(err: LabelStudioError) -> None:
    typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
    raise typer.Exit(EXIT_CODES.get(err.kind, 5))


def _client(url: str | None, api_key: str | None, retries: int, timeout: float) -> LabelStudioClient:
    client = connect(url, api_key, timeout=timeout, retries=retries)
    client.check()
    return client


class _Bars:
    """One progress bar per push stage (pre-annotate, import), on stderr."""

    def __init__(self) -> None:
        self.bars: dict = {}

    def update(self, stage: str, done: int, total: int) -> None:
        from tqdm.auto import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            self.close()  # the previous stage is over
            bar = self.bars[stage] = tqdm(total=total, desc=stage, unit="article", dynamic_ncols=True)
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


@app.command()
def setup(
    project: ProjectOption,
    config: Annotated[Path | None, typer.Option("--config", help="Labeling config XML (default: configs/labelstudio.xml).")] = None,
    description: Annotated[str, typer.Option(help="Project description shown in Label Studio.")] = "",
    url: UrlOption = None,
    api_key: KeyOption = None,
    retries: RetriesOption = 3,
    timeout: TimeoutOption = 30.0,
) -> None:
    """Create the project with the labeling config (SOURCE/CUE/CONTENT, links, source types, rating), or find
    it and update its config."""
    from annotator.labelstudio.rounds import setup_project

    try:
        info = setup_project(_client(url, api_key, retries, timeout), project, config, description)
    except LabelStudioError as err:
        _fail(err)
    typer.echo(f"{info['action']} project {project!r} (id {info['project_id']}): {info['url']}")


@app.command()
def push(
    paths: Annotated[list[str], typer.Argument(help="Articles: .txt files or directories, .jsonl/.csv with id and text, .html.", show_default=False)],
    project: ProjectOption,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=0, help="Import at most N new articles.")] = None,
    select: Annotated[
        str | None,
        typer.Option(
            "--select",
            help="Which N articles: 'uncertain' = highest mean word entropy of the tagger's tag distribution; 'random' (seeded). Default: input order.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for --select random.")] = 0,
    model: Annotated[Path | None, typer.Option("--model", help="Model directory (default: $ANNOTATOR_MODEL or models/attribution-minilm).")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Tasks per import request.")] = 20,
    threads: Annotated[int | None, typer.Option(help="Torch CPU threads (default: all cores).")] = None,
    url: UrlOption = None,
    api_key: KeyOption = None,
    retries: RetriesOption = 3,
    timeout: TimeoutOption = 30.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the push report as JSON.")] = False,
) -> None:
    """Pre-annotate articles with the model and import them as tasks with predictions (model version, region
    and task scores, links). Articles already in the project (same id) are skipped, so a rerun is safe."""
    from annotator.labelstudio.rounds import SELECTIONS, read_articles
    from annotator.labelstudio.rounds import push as run_push
    from annotator.tagger import Tagger

    if select is not None and select not in SELECTIONS:
        typer.secho(f"error: --select must be one of {', '.join(SELECTIONS)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    bars = _Bars()
    articles, errors, duplicates = read_articles(paths)
    for e in errors:
        typer.echo(f"skipped input {e.id}: {e.code}: {e.message}", err=True)
    try:
        client = _client(url, api_key, retries, timeout)
        client.require_project(project)  # before the model loads: fail fast
        try:
            tagger = Tagger.from_pretrained(model, threads=threads)
        except (FileNotFoundError, OSError, ValueError) as exc:
            typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from None
        report = run_push(
            client,
            project,
            articles,
            tagger,
            limit=limit,
            select=select,
            seed=seed,
            batch_size=batch_size,
            input_errors=errors,
            duplicate_inputs=duplicates,
            progress=bars.update,
        )
    except LabelStudioError as err:
        bars.close()
        _fail(err)
    bars.close()
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    typer.echo(
        f"{report.imported} tasks imported into {project!r} (model {report.model_version}); {report.already_present} already there; "
        f"{len(report.input_errors)} unreadable inputs; {report.duplicate_inputs} duplicate ids in the input"
    )


@app.command()
def pull(
    project: ProjectOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="Round directory: export.json, examples.jsonl and report.json are written here.")],
    url: UrlOption = None,
    api_key: KeyOption = None,
    retries: RetriesOption = 3,
    timeout: TimeoutOption = 60.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole round report as JSON.")] = False,
) -> None:
    """Export the project (full JSON), keep the raw export, and convert completed annotations to training
    examples; report changes versus the model, agreement between annotators and the ratings."""
    from annotator.labelstudio.rounds import format_pull_report
    from annotator.labelstudio.rounds import pull as run_pull

    try:
        report = run_pull(_client(url, api_key, retries, timeout), project, out)
    except LabelStudioError as err:
        _fail(err)
    except OSError as exc:
        typer.secho(f"error: cannot write to {out}: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(report, indent=2) if as_json else format_pull_report(report))
    typer.echo(f"wrote {out / 'export.json'}, {out / 'examples.jsonl'}, {out / 'report.json'}", err=True)
