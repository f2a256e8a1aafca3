"""Batch driver shared by ``annotate`` and ``score``: read lazily, process in chunks, write in input order.

Errors stay per record: a bad file becomes an error line, and an exception while processing one chunk is
retried article by article so only the offending article gets an error line.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from tqdm.auto import tqdm

from annotator.io import Item, JsonlWriter, iter_inputs
from annotator.schema import Article, RecordError

Processor = Callable[[Sequence[Article]], list[dict[str, Any]]]


def _chunks(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    while chunk := list(islice(items, size)):
        yield chunk


def run_batch(
    paths: Iterable[str],
    writer: JsonlWriter,
    process: Processor,
    chunk_size: int = 16,
    show_progress: bool = True,
    prepare: Callable[[Item], Item] | None = None,
) -> dict[str, int]:
    """Feed every input through ``process`` and write one record per input; returns counts."""
    bar = tqdm(desc="articles", unit="article", disable=not show_progress, dynamic_ncols=True)
    skipped = 0
    items = iter_inputs(paths)
    if prepare is not None:
        items = (prepare(i) for i in items)
    for chunk in _chunks(items, chunk_size):
        todo = [i for i in chunk if i.id not in writer.done]
        skipped += len(chunk) - len(todo)
        articles = [i for i in todo if isinstance(i, Article)]
        results = _process_safely(process, articles)
        by_position = iter(results)
        for item in todo:
            record = item.to_record() if isinstance(item, RecordError) else next(by_position)
            writer.write(record)
        writer.flush()
        bar.update(len(chunk))
    bar.close()
    return {"written": writer.count, "errors": writer.errors, "skipped": skipped}


def _process_safely(process: Processor, articles: list[Article]) -> list[dict[str, Any]]:
    if not articles:
        return []
    try:
        return process(articles)
    except Exception:  # noqa: BLE001 - isolate the failing article, keep the batch going
        if len(articles) == 1:
            a = articles[0]
            detail = traceback.format_exc(limit=1).strip().splitlines()[-1]
            return [RecordError(a.id, "processing_failed", detail, a.meta.get("path")).to_record()]
        return [r for a in articles for r in _process_safely(process, [a])]
