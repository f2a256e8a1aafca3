"""``--engine ray``: the same batch job on Ray Data, on this machine or an existing cluster.

What stays the same as the local engine (``annotator.batch``): the inputs are read by the same readers on the
driver (so ids, ``source`` fields, error records and duplicate ids are identical), inputs already in ``--out`` are
skipped (``--resume``), the articles are cut into the same chunks (``--chunk-size``, a character budget), and the
driver writes every record through the same locked writer, in input order, exactly once. What Ray does: the stages
themselves. Chunks go to Ray Data in windows of ``window`` chunks, one row per chunk; ``map_batches`` runs them on a
pool of actors (``ActorPoolStrategy(size=num_actors)``), each of which loads the model once per window and runs
clean -> tag -> ... -> score on one chunk at a time, exactly as the local engine does (the same windows are batched
together, so even the last bits of fp32 results agree). An actor that dies is restarted and
its chunk retried by Ray (``max_restarts`` / ``max_task_retries``); a failure inside one article is that article's
error record.

Ray is an optional extra (``pip install 'annotator[ray]'``); this module imports it only when the engine is used.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

from tqdm.auto import tqdm

from annotator.batch import BatchCounts, _process_safely, chunked, fresh_items, release_freed_memory
from annotator.inputs import InputOptions, Item
from annotator.outputs import JsonlWriter
from annotator.schema import Article, RecordError, SourceRef


class RayUnavailableError(RuntimeError):
    """Ray is not installed, or the cluster could not be reached."""


def _to_row(seq: int, item: Item) -> dict[str, Any]:
    if isinstance(item, RecordError):
        return {"seq": seq, "kind": "error", "payload": json.dumps(item.to_record(), ensure_ascii=False)}
    source = item.source.to_dict() if item.source is not None else None
    payload = {"id": item.id, "text": item.text, "meta": item.meta, "source": source}
    return {"seq": seq, "kind": "article", "payload": json.dumps(payload, ensure_ascii=False, default=str)}


def _from_row(payload: str) -> Article:
    d = json.loads(payload)
    source = SourceRef.from_dict(d["source"]) if d.get("source") else None
    return Article(d["id"], d["text"], d.get("meta") or {}, source)


class StageWorker:
    """One Ray actor: loads the pipeline once, then turns chunks (one per row) into records (JSON strings)."""

    def __init__(self, command: str, model: str | None, precision: str, threads: int, options: dict[str, Any]) -> None:
        import torch

        torch.set_num_threads(max(1, threads))
        if command == "score":
            from annotator.pipeline import ScorePipeline

            pipeline = ScorePipeline.from_pretrained(model, precision=precision, **options)
            self.process, self.prepare = pipeline.process, pipeline.prepare
        else:
            from annotator.tagger import Tagger

            tagger = Tagger.from_pretrained(model, precision=precision)
            batch_size = options.get("batch_size", 32)
            self.process = lambda articles: [d.to_record() for d in tagger.annotate(articles, batch_size=batch_size)]
            self.prepare = None

    def run_chunk(self, rows: list[dict[str, Any]]) -> list[str]:
        """Records of one chunk, in order: what ``annotator.batch.run_batch`` does for a chunk."""
        items: list[Item | None] = []
        for row in rows:
            if row["kind"] == "error":
                items.append(None)  # an error record from the reader: passed through as is
                continue
            article = _from_row(row["payload"])
            items.append(self.prepare(article) if self.prepare is not None else article)
        articles = [i for i in items if isinstance(i, Article)]
        results = iter(_process_safely(self.process, articles))
        out = []
        for item, row in zip(items, rows, strict=True):
            if item is None:
                out.append(row["payload"])
            elif isinstance(item, RecordError):
                out.append(json.dumps(item.to_record(), ensure_ascii=False))
            else:
                out.append(json.dumps(next(results), ensure_ascii=False))
        release_freed_memory()
        return out

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        seqs = [int(s) for s in batch["seq"]]
        records = [json.dumps(self.run_chunk(json.loads(str(chunk)))) for chunk in batch["chunk"]]
        return {"seq": seqs, "records": records}


def connect(address: str | None, num_cpus: int | None) -> Any:
    """Start a local Ray (``address`` None) or join a cluster; quiet, no dashboard."""
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailableError("--engine ray needs Ray: pip install 'annotator[ray]'") from exc
    if ray.is_initialized():
        return ray
    kwargs: dict[str, Any] = {
        "ignore_reinit_error": True,
        "log_to_driver": False,
        "include_dashboard": False,
        "logging_level": logging.ERROR,
    }
    if address:
        kwargs["address"] = address
    else:
        kwargs["num_cpus"] = num_cpus or os.cpu_count() or 1
    try:
        ray.init(**kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RayUnavailableError(f"cannot start or reach Ray{' at ' + address if address else ''}: {exc}") from exc
    return ray


def _windows(chunks: Iterator[list[Item]], size: int) -> Iterator[list[list[Item]]]:
    window: list[list[Item]] = []
    for chunk in chunks:
        window.append(chunk)
        if len(window) >= size:
            yield window
            window = []
    if window:
        yield window


def run_batch_ray(
    paths: Iterable[str],
    writer: JsonlWriter,
    command: str,
    model: str | None,
    precision: str = "auto",
    input_options: InputOptions | None = None,
    pipeline_options: dict[str, Any] | None = None,
    num_actors: int = 2,
    threads_per_actor: int = 1,
    chunk_size: int = 16,
    max_chunk_chars: int = 400_000,
    window: int = 2_000,
    address: str | None = None,
    show_progress: bool = True,
    total: int | None = None,
) -> BatchCounts:
    """Run ``command`` (``score`` or ``annotate``) over the inputs on Ray Data; returns the same counts as
    :func:`annotator.batch.run_batch`."""
    connect(address, None if address else num_actors * threads_per_actor)
    import ray.data as ray_data

    ctx = ray_data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # records come back in input order, as the local engine writes them
    ctx.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    counts = BatchCounts()
    bar = tqdm(desc="articles", unit="article", total=total, disable=not show_progress, dynamic_ncols=True)
    errors_before = writer.errors

    constructor = {"command": command, "model": model, "precision": precision, "threads": threads_per_actor, "options": pipeline_options or {}}
    seq = 0
    for part in _windows(chunked(fresh_items(paths, writer, input_options, counts, bar), chunk_size, max_chunk_chars), window):
        rows = []
        for chunk in part:
            rows.append({"seq": seq, "chunk": json.dumps([_to_row(i, item) for i, item in enumerate(chunk)], ensure_ascii=False)})
            seq += 1
        ds = ray_data.from_items(rows, override_num_blocks=max(1, min(len(rows), 200)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Ray's notices about argument names that change between its releases
            ds = ds.map_batches(
                StageWorker,
                fn_constructor_kwargs=constructor,
                batch_size=1,  # one chunk per call, as the local engine processes them
                batch_format="numpy",
                compute=ray_data.ActorPoolStrategy(size=num_actors),
                num_cpus=threads_per_actor,
                max_restarts=3,  # a dead actor is restarted ...
                max_task_retries=3,  # ... and its chunk retried
            )
        done: set[int] = set()
        for batch in ds.iter_batches(batch_size=1, batch_format="numpy"):
            for s, records in zip(batch["seq"], batch["records"], strict=True):
                if int(s) in done:
                    continue  # a retried chunk never writes its records twice
                done.add(int(s))
                chunk_records = json.loads(str(records))
                for record in chunk_records:
                    writer.write(json.loads(record))
                writer.flush()
                bar.update(len(chunk_records))
    bar.close()
    counts.written = writer.count
    counts.errors = writer.errors - errors_before
    return counts
