"""Writing records safely: one writer per output, exactly once per input, nothing written ever lost.

* JSONL (``.jsonl`` or anything else, ``-`` for standard output): one line per record, flushed and fsynced
  after every chunk, under an exclusive lock on the file (a second writer fails at once with a clear message).
* Parquet (``.parquet``): records go to a JSONL journal beside it (``<out>.partial.jsonl``) while the job runs,
  and become the Parquet file (written under a temporary name, then renamed) when it ends; an interrupted job
  leaves the journal, which ``--resume`` continues.

With ``resume=True`` the records already in the output are indexed by where their input came from (the
record's ``source``: path and line or row), so an input is skipped only if its own record is there; a
half-written last line (a crash mid-write) is cut off first, and any other unreadable line is dropped with a
warning. The ids already used are indexed too, so a repeated id stays a ``duplicate_id`` error across resumes.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from annotator.inputs import ARTICLE_SUFFIXES, is_url

ResumeKey = tuple[str, int | None, int | None]


class OutputError(Exception):
    """The output cannot be used (it is an input, a directory, or locked by another run): a usage error."""


def resume_key(source: dict[str, Any] | None, record_id: str) -> ResumeKey:
    """What identifies an input: its source path and line/row; records from before sources were written fall
    back to their id."""
    if isinstance(source, dict) and "path" in source:
        return (str(source["path"]), source.get("line"), source.get("row"))
    return ("\x00id", None, None) if record_id is None else (f"\x00id:{record_id}", None, None)


def check_output(out: str | Path, inputs: Iterable[str]) -> None:
    """Refuse an output that would destroy or be read as input, before any work is done."""
    if str(out) == "-":
        return
    out_path = Path(out)
    if is_shard_dir(out):
        if out_path.exists() and not out_path.is_dir():
            raise OutputError(f"--out {out} names a directory of Parquet shards, but {out_path} is a file")
        if out_path.is_dir() and any(not p.name.startswith(SHARD_PREFIX) for p in out_path.iterdir()):
            raise OutputError(f"--out {out} holds files that are not Parquet shards of ours; give an empty or new directory")
        return
    if out_path.is_dir():
        raise OutputError(f"--out {out} is a directory: give a file name, e.g. {out_path / 'records.jsonl'}")
    if out_path.suffix.lower() in ARTICLE_SUFFIXES:
        raise OutputError(f"--out {out} has an article suffix ({out_path.suffix}): records are JSON Lines (.jsonl) or Parquet (.parquet)")
    out_abs = Path(os.path.abspath(out_path))
    for raw in inputs:
        if raw == "-" or is_url(raw) or not os.path.exists(raw):
            continue
        path = Path(raw)
        if path.is_dir():
            continue  # a directory is read for article files only, which the suffix check above excludes
        if out_path.exists() and os.path.samefile(out_path, path):
            raise OutputError(f"--out {out} is also an input: writing it would destroy what is being read; choose another file")
        if out_abs == Path(os.path.abspath(path)):
            raise OutputError(f"--out {out} is also an input; choose another file")
        journal = Path(str(out_abs) + ".partial.jsonl")
        if journal == Path(os.path.abspath(path)):
            raise OutputError(f"{raw} is the journal of --out {out}; choose another file")


def _lock(handle: IO[Any], path: Path) -> None:
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise OutputError(f"{path} is being written by another annotator run; wait for it to finish or choose another --out") from None


def _repair(handle: IO[bytes], path: Path) -> int:
    """Cut a torn last line and drop unreadable lines; returns how many lines were dropped."""
    handle.seek(0)
    data = handle.read()
    if not data:
        return 0
    lines = data.split(b"\n")
    tail = lines.pop()  # text after the last newline: a torn line, or b""
    good: list[bytes] = []
    dropped = 1 if tail.strip() else 0
    for line in lines:
        if not line.strip():
            continue
        try:
            json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            dropped += 1
            continue
        good.append(line)
    if dropped:
        body = b"".join(line + b"\n" for line in good)
        handle.seek(0)
        handle.truncate(0)
        handle.write(body)
        handle.flush()
        os.fsync(handle.fileno())
    return dropped


class JsonlWriter:
    """One JSON line per record; ``done`` and ``ids`` index what an earlier run already wrote (resume)."""

    def __init__(self, path: str | Path, resume: bool = False, log: Any = None) -> None:
        self.path = Path(path)
        self.done: set[ResumeKey] = set()
        self.ids: dict[str, str] = {}
        self.count = 0
        self.errors = 0
        self.repaired = 0
        self.to_stdout = str(path) == "-"
        if self.to_stdout:
            self.handle: IO[bytes] = sys.stdout.buffer
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        self.handle = os.fdopen(fd, "r+b")
        _lock(self.handle, self.path)
        if resume:
            self.repaired = _repair(self.handle, self.path)
            if self.repaired and log:
                log(f"resume: dropped {self.repaired} unreadable line(s) of {self.path} (a crash mid-write); their inputs are redone")
            self.handle.seek(0)
            for record in _records(self.handle):
                self.remember(record)
            self.handle.seek(0, os.SEEK_END)
        else:
            self.handle.truncate(0)

    def remember(self, record: dict[str, Any]) -> None:
        """Index one record already in the output."""
        record_id = str(record.get("id"))
        self.done.add(resume_key(record.get("source"), record_id))
        error = record.get("error") or {}
        if error.get("code") != "duplicate_id":
            self.ids.setdefault(record_id, _where(record.get("source")))

    def write(self, record: dict[str, Any]) -> None:
        self.handle.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        self.count += 1
        self.errors += "error" in record

    def flush(self) -> None:
        self.handle.flush()
        if not self.to_stdout:
            os.fsync(self.handle.fileno())

    def close(self, completed: bool = True) -> None:
        self.flush()
        if not self.to_stdout:
            self.handle.close()  # closing releases the lock

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.close(completed=exc_type is None)


def _records(handle: IO[bytes]) -> Iterator[dict[str, Any]]:
    for line in handle:
        if line.strip():
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(record, dict):
                yield record


def _where(source: Any) -> str:
    if not isinstance(source, dict):
        return "an earlier record"
    where = str(source.get("path"))
    if source.get("line") is not None:
        where += f" line {source['line']}"
    if source.get("row") is not None:
        where += f" row {source['row']}"
    return where


# ------------------------------------------------------------------------------------------ Parquet

_SCALARS = ("id", "text", "title", "date")
_JSON_COLUMNS = ("spans", "attributions", "sources", "claims", "score", "cleaning")


def _parquet_schema():
    import pyarrow as pa

    fields = [pa.field(k, pa.string()) for k in _SCALARS]
    fields += [pa.field("source_path", pa.string()), pa.field("source_line", pa.int64()), pa.field("source_row", pa.int64())]
    fields += [pa.field("error_code", pa.string()), pa.field("error_message", pa.string()), pa.field("error_path", pa.string())]
    fields += [pa.field("score_overall", pa.float64())]
    fields += [pa.field(f"{k}_json", pa.string()) for k in _JSON_COLUMNS]
    fields += [pa.field("other_json", pa.string())]
    return pa.schema(fields)


def record_to_row(record: dict[str, Any]) -> dict[str, Any]:
    """A record as one Parquet row: scalars as columns, nested fields as JSON strings (every field kept)."""
    row: dict[str, Any] = {k: record.get(k) for k in _SCALARS}
    source = record.get("source") or {}
    row.update(source_path=source.get("path"), source_line=source.get("line"), source_row=source.get("row"))
    error = record.get("error") or {}
    row.update(error_code=error.get("code"), error_message=error.get("message"), error_path=error.get("path"))
    score = record.get("score")
    row["score_overall"] = float(score["overall"]) if isinstance(score, dict) and isinstance(score.get("overall"), int | float) else None
    for key in _JSON_COLUMNS:
        row[f"{key}_json"] = json.dumps(record[key], ensure_ascii=False) if key in record else None
    other = {k: v for k, v in record.items() if k not in (*_SCALARS, "source", "error", *_JSON_COLUMNS)}
    row["other_json"] = json.dumps(other, ensure_ascii=False) if other else None
    return row


def row_to_record(row: dict[str, Any]) -> dict[str, Any]:
    """Inverse of :func:`record_to_row`, key order as written."""
    record: dict[str, Any] = {k: row[k] for k in ("id", "text")}
    record["spans"] = []
    record["attributions"] = []
    if row.get("source_path") is not None:
        record["source"] = {"path": row["source_path"]}
        for key in ("line", "row"):
            if row.get(f"source_{key}") is not None:
                record["source"][key] = row[f"source_{key}"]
    for key in ("title", "date"):
        if row.get(key) is not None:
            record[key] = row[key]
    for key in _JSON_COLUMNS:
        if row.get(f"{key}_json") is not None:
            record[key] = json.loads(row[f"{key}_json"])
    if row.get("other_json"):
        record.update(json.loads(row["other_json"]))
    if row.get("error_code") is not None:
        record["error"] = {"code": row["error_code"], "message": row["error_message"], "path": row["error_path"]}
    return record


SHARD_PREFIX = "part-"


def is_shard_dir(out: str | Path) -> bool:
    """``--out DIR/``: a trailing slash asks for a directory of Parquet shards."""
    return isinstance(out, str) and out.endswith(("/", os.sep)) and out != "-"


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Records of a JSONL or Parquet output, or of a directory of Parquet shards (the report and tests read any)."""
    path = Path(path)
    if path.is_dir():
        for shard in sorted(path.glob(f"{SHARD_PREFIX}*.parquet")):
            yield from read_records(shard)
        return
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=512):
            yield from (row_to_record(r) for r in batch.to_pylist())
        return
    with open(path, "rb") as handle:
        yield from _records(handle)


class ParquetWriter(JsonlWriter):
    """Records journaled as JSONL next to ``path`` while the job runs, turned into ``path`` when it completes."""

    def __init__(self, path: str | Path, resume: bool = False, log: Any = None) -> None:
        self.final = Path(path)
        journal = Path(str(self.final) + ".partial.jsonl")
        if resume and self.final.exists() and not journal.exists():
            tmp = journal.with_suffix(".tmp")
            with open(tmp, "wb") as f:
                for record in read_records(self.final):
                    f.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
            os.replace(tmp, journal)
        super().__init__(journal, resume=resume, log=log)
        self.log = log

    def close(self, completed: bool = True) -> None:
        if completed:
            self.flush()
            self._convert()
            super().close()
            self.path.unlink(missing_ok=True)
        else:
            super().close()
            if self.log:
                self.log(f"interrupted: records so far are in {self.path}; rerun with --resume to finish {self.final}")

    def _convert(self, batch_rows: int = 2048) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = _parquet_schema()
        tmp = self.final.with_name(f".{self.final.name}.tmp")
        self.handle.seek(0)
        with pq.ParquetWriter(tmp, schema) as writer:
            rows: list[dict[str, Any]] = []
            for record in _records(self.handle):
                rows.append(record_to_row(record))
                if len(rows) >= batch_rows:
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                    rows = []
            if rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        os.replace(tmp, self.final)


class ShardedParquetWriter(ParquetWriter):
    """``--out DIR/``: records journaled as JSONL beside the directory while the job runs, then written as
    ``DIR/part-00000.parquet``, ``part-00001.parquet``, ... of ``shard_rows`` records each, in input order."""

    shard_rows = 100_000

    def _convert(self, batch_rows: int = 2048) -> None:
        import shutil

        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = _parquet_schema()
        tmp = self.final.with_name(f".{self.final.name}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self.handle.seek(0)
        shard, rows, in_shard = 0, [], 0
        writer = None
        try:
            for record in _records(self.handle):
                if writer is None:
                    writer = pq.ParquetWriter(tmp / f"{SHARD_PREFIX}{shard:05d}.parquet", schema)
                rows.append(record_to_row(record))
                in_shard += 1
                if len(rows) >= batch_rows or in_shard >= self.shard_rows:
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                    rows = []
                if in_shard >= self.shard_rows:
                    writer.close()
                    writer, shard, in_shard = None, shard + 1, 0
            if writer is not None:
                if rows:
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                writer.close()
        except BaseException:
            if writer is not None:
                writer.close()
            raise
        old = self.final.with_name(f".{self.final.name}.old")
        if self.final.exists():
            os.replace(self.final, old)
        os.replace(tmp, self.final)
        shutil.rmtree(old, ignore_errors=True)


def open_writer(out: str | Path, resume: bool = False, log: Any = None) -> JsonlWriter:
    """The writer for ``out``: a directory of Parquet shards (``DIR/``), a Parquet file (``.parquet``) or JSONL."""
    if is_shard_dir(out):
        return ShardedParquetWriter(str(out).rstrip("/" + os.sep), resume=resume, log=log)
    if str(out) != "-" and Path(out).suffix.lower() == ".parquet":
        return ParquetWriter(out, resume=resume, log=log)
    return JsonlWriter(out, resume=resume, log=log)
