"""Reading inputs into Articles (or per-record errors) and writing JSONL safely.

Inputs: ``.txt`` files, directories of ``.txt`` files, ``.jsonl`` files with ``id`` and ``text``,
``.csv`` files with ``id`` and ``text`` columns, and ``.html`` files (visible text). A bad record never
stops a batch: it becomes a ``RecordError`` that is written to the output in its place.

``.txt`` offsets refer to the file read as UTF-8 with ``newline=''``: no cleaning happens here.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from annotator.schema import Article, RecordError

MAX_BYTES = int(os.environ.get("ANNOTATOR_MAX_BYTES", 5_000_000))  # one article; larger is refused
SUPPORTED = (".txt", ".jsonl", ".csv", ".html", ".htm")
DIRECTORY_SUFFIXES = (".txt", ".html", ".htm")  # a directory is a collection of articles, never of JSONL outputs
Item = Article | RecordError


def _check_text(record_id: str, text: Any, path: str) -> Item:
    if not isinstance(text, str):
        return RecordError(record_id, "bad_text", f"'text' must be a string, got {type(text).__name__}", path)
    if "\x00" in text:
        return RecordError(record_id, "binary", "text contains NUL bytes: binary data, not an article", path)
    if not text.strip():
        return RecordError(record_id, "empty", "the article is empty (no visible text)", path)
    if len(text.encode("utf-8")) > MAX_BYTES:
        return RecordError(record_id, "too_large", f"the article is larger than {MAX_BYTES} bytes (set ANNOTATOR_MAX_BYTES to raise the limit)", path)
    return Article(record_id, text, {"path": path})


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(b < 9 or 13 < b < 32 for b in head)
    return len(head) > 0 and control / len(head) > 0.1


def read_text_file(path: Path) -> Item:
    """One ``.txt`` article, id = file stem; offsets refer to the UTF-8 text read with ``newline=''``."""
    record_id = path.stem
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return RecordError(record_id, "too_large", f"file is {size} bytes, larger than {MAX_BYTES} (set ANNOTATOR_MAX_BYTES to raise the limit)", str(path))
        data = path.read_bytes()
    except OSError as exc:
        return RecordError(record_id, "unreadable", f"cannot read file: {exc.strerror or exc}", str(path))
    if _looks_binary(data):
        return RecordError(record_id, "binary", "file is binary (NUL or control bytes), not a text article", str(path))
    try:
        text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="").read()
    except UnicodeDecodeError as exc:
        return RecordError(record_id, "invalid_utf8", f"file is not valid UTF-8 (byte {exc.start}: {data[exc.start : exc.start + 1]!r})", str(path))
    if text.startswith("\ufeff"):
        text = text[1:]
    return _check_text(record_id, text, str(path))


def read_html_file(path: Path) -> Item:
    """Visible text of an HTML page (scripts, styles and tags dropped); offsets refer to that text."""
    item = read_text_file(path)
    if isinstance(item, RecordError):
        return item
    from annotator.htmltext import html_to_text

    return _check_text(item.id, html_to_text(item.text), str(path))


def iter_jsonl(path: Path) -> Iterator[Item]:
    """Records of a JSONL file; a malformed line becomes an error with id ``<file>:<line>``."""
    try:
        handle = open(path, "rb")
    except OSError as exc:
        yield RecordError(path.name, "unreadable", f"cannot read file: {exc.strerror or exc}", str(path))
        return
    with handle:
        for lineno, raw in enumerate(handle, 1):
            fallback_id = f"{path.name}:{lineno}"
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield RecordError(fallback_id, "invalid_utf8", f"line {lineno} is not valid UTF-8 (byte {exc.start})", str(path))
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RecordError(fallback_id, "bad_json", f"line {lineno} is not valid JSON: {exc.msg} at column {exc.colno}", str(path))
                continue
            yield _from_mapping(obj, fallback_id, f"line {lineno}", str(path))


def _from_mapping(obj: Any, fallback_id: str, where: str, path: str) -> Item:
    if not isinstance(obj, dict):
        return RecordError(fallback_id, "bad_record", f"{where} is not an object with 'id' and 'text'", path)
    record_id = obj.get("id")
    if record_id is None or (isinstance(record_id, str) and not record_id.strip()):
        return RecordError(fallback_id, "missing_id", f"{where} has no 'id'", path)
    if "text" not in obj:
        return RecordError(str(record_id), "missing_text", f"{where} has no 'text'", path)
    item = _check_text(str(record_id), obj["text"], path)
    if isinstance(item, Article):
        item.meta.update({k: v for k, v in obj.items() if k not in ("id", "text")})
    return item


def iter_csv(path: Path) -> Iterator[Item]:
    """Rows of a CSV file with ``id`` and ``text`` columns (header required)."""
    csv.field_size_limit(MAX_BYTES * 2)
    try:
        handle = open(path, encoding="utf-8", newline="", errors="strict")
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
    except (OSError, UnicodeDecodeError) as exc:
        yield RecordError(path.name, "unreadable", f"cannot read CSV: {exc}", str(path))
        return
    with handle:
        if "id" not in fields or "text" not in fields:
            yield RecordError(path.name, "bad_csv", f"CSV needs 'id' and 'text' columns, found {fields}", str(path))
            return
        row_no = 1
        while True:
            row_no += 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except (csv.Error, UnicodeDecodeError) as exc:
                yield RecordError(f"{path.name}:{row_no}", "bad_csv", f"row {row_no}: {exc}", str(path))
                break
            if None in row:
                yield RecordError(str(row.get("id") or f"{path.name}:{row_no}"), "bad_csv", f"row {row_no} has more fields than the header", str(path))
                continue
            yield _from_mapping(row, f"{path.name}:{row_no}", f"row {row_no}", str(path))


def iter_inputs(paths: Iterable[str | Path]) -> Iterator[Item]:
    """Every article (or error) from the given paths, in order; directories are read sorted and recursively
    for .txt and .html files."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield RecordError(path.stem or str(path), "not_found", f"no such file or directory: {path}", str(path))
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in DIRECTORY_SUFFIXES)
            if not files:
                yield RecordError(path.name, "empty_directory", f"no {'/'.join(DIRECTORY_SUFFIXES)} files in {path}", str(path))
            for file in files:
                yield from _iter_file(file)
        else:
            yield from _iter_file(path)


def _iter_file(path: Path) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from iter_jsonl(path)
    elif suffix == ".csv":
        yield from iter_csv(path)
    elif suffix in (".html", ".htm"):
        yield read_html_file(path)
    else:
        yield read_text_file(path)


class JsonlWriter:
    """Writes one JSON line per record straight to FILE and flushes after each batch, so a crash or a
    Ctrl-C loses nothing already written. With ``resume=True`` the ids already in FILE are skipped by the
    caller and new records are appended (a half-written last line from a crash is cut off first)."""

    def __init__(self, path: str | Path, resume: bool = False) -> None:
        self.path = Path(path)
        self.done: set[str] = set()
        self.count = 0
        self.errors = 0
        self.to_stdout = str(path) == "-"
        if self.to_stdout:
            self.handle: IO[str] = sys.stdout
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if resume and self.path.exists():
            _cut_partial_line(self.path)
            self.done = _ids_in(self.path)
        self.handle = open(self.path, "a" if resume else "w", encoding="utf-8")

    def write(self, record: dict[str, Any]) -> None:
        self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.count += 1
        self.errors += "error" in record

    def flush(self) -> None:
        self.handle.flush()
        if not self.to_stdout:
            os.fsync(self.handle.fileno())

    def close(self) -> None:
        self.flush()
        if not self.to_stdout:
            self.handle.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _cut_partial_line(path: Path) -> None:
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as f:
            f.truncate(data.rfind(b"\n") + 1)


def _ids_in(path: Path) -> set[str]:
    ids: set[str] = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                ids.add(str(json.loads(line)["id"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    return ids
