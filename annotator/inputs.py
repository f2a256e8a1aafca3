"""Reading inputs into Articles (or per-record errors), each carrying where it came from.

Inputs: ``.txt`` files; ``.html``/``.htm`` pages (main text, title and date through trafilatura); directories of
those (read recursively, sorted); ``.jsonl``, ``.csv`` and ``.parquet`` collections with id/text (and optional
title) fields; ``-`` for standard input. Other fields of a collection row go to ``Article.meta``; a ``publisher``
field (the outlet that published the story, or a key of ``publishers`` in ``configs/scoring.yaml``) tells the score
which outlet's own reporting the story is (docs/scoring.md). A bad record never stops a batch: it becomes a ``RecordError`` that is
written to the output in its place.

Ids are stable and unique per input: for directory input the path relative to the given root without its
extension (``a/story``), for a file given by name its stem, for collections the id field. Every item carries a
``SourceRef`` (path, and line or row), so two records are never confused even when their ids collide; repeated
ids are reported by the batch driver as ``duplicate_id`` errors, never merged.

``.txt`` offsets refer to the file decoded with its byte-order mark (UTF-8, UTF-8-BOM, UTF-16, UTF-32) and
line endings kept as they are: no cleaning happens here.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from annotator.csvrows import read_rows
from annotator.schema import Article, RecordError, SourceRef

MAX_BYTES = int(os.environ.get("ANNOTATOR_MAX_BYTES", 5_000_000))  # one article; larger is refused
ARTICLE_SUFFIXES = (".txt", ".html", ".htm")  # what a directory is read for (never JSONL outputs or tables)
COLLECTION_SUFFIXES = (".jsonl", ".csv", ".parquet")
SUPPORTED = ARTICLE_SUFFIXES + COLLECTION_SUFFIXES
# Formats people pass by mistake: named in the error rather than read as (binary) text.
UNSUPPORTED = {
    ".pdf": "PDF",
    ".doc": "Word",
    ".docx": "Word",
    ".odt": "OpenDocument",
    ".rtf": "RTF",
    ".xls": "Excel",
    ".xlsx": "Excel",
    ".ppt": "PowerPoint",
    ".pptx": "PowerPoint",
    ".epub": "EPUB",
    ".zip": "zip archive",
    ".gz": "gzip archive",
    ".bz2": "bzip2 archive",
    ".xz": "xz archive",
    ".tar": "tar archive",
    ".7z": "7-Zip archive",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".gif": "image",
    ".webp": "image",
    ".mp3": "audio",
    ".mp4": "video",
    ".json": "JSON (one document; use JSON Lines, .jsonl)",
}
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
Item = Article | RecordError


@dataclass(frozen=True, slots=True)
class InputOptions:
    """How collections name their fields and how standard input is read."""

    id_field: str = "id"
    text_field: str = "text"
    title_field: str | None = "title"  # used when present
    stdin_format: str = "jsonl"  # jsonl | csv | txt


@dataclass(slots=True)
class ReadStats:
    """What a read skipped without a record: files of other types inside directories."""

    skipped_files: int = 0
    skipped_suffixes: set[str] = field(default_factory=set)


def _ref(path: str | Path, line: int | None = None, row: int | None = None) -> SourceRef:
    """Absolute paths (not resolved through symlinks): a resumed run from another directory still matches."""
    raw = str(path)
    return SourceRef(raw if raw == "-" or is_url(raw) else os.path.abspath(raw), line, row)


def is_url(raw: str) -> bool:
    return bool(_URL.match(raw))


def missing_paths(paths: Iterable[str]) -> list[str]:
    """Top-level paths that do not exist (URLs and ``-`` are not paths: they are judged per record)."""
    return [p for p in paths if p != "-" and not is_url(p) and not os.path.lexists(p)]


# ------------------------------------------------------------------------------------------ decoding


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(b < 9 or 13 < b < 32 for b in head)
    return len(head) > 0 and control / len(head) > 0.1


def _bom_encoding(data: bytes) -> str | None:
    return next((enc for bom, enc in _BOMS if data.startswith(bom)), None)


def decode_bytes(data: bytes) -> tuple[str | None, str | None, str | None]:
    """``(text, error_code, message)``: text decoded by its byte-order mark, else strict UTF-8."""
    encoding = _bom_encoding(data)
    if encoding is None and _looks_binary(data):
        return None, "binary", "file is binary (NUL or control bytes), not a text article"
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        what = encoding or "UTF-8"
        return None, "invalid_utf8", f"file is not valid {what} (byte {exc.start}: {data[exc.start : exc.start + 1]!r})"
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None, None


def check_text(record_id: str, text: Any, source: SourceRef, meta: dict[str, Any] | None = None) -> Item:
    """An Article, or the error that makes this text unusable (not a string, binary, empty, too large)."""
    path = source.path
    if not isinstance(text, str):
        return RecordError(record_id, "bad_text", f"the text field must be a string, got {type(text).__name__}", path, source)
    if "\x00" in text:
        return RecordError(record_id, "binary", "text contains NUL bytes: binary data, not an article", path, source)
    if not text.strip():
        return RecordError(record_id, "empty", "the article is empty (no visible text)", path, source)
    if len(text) > MAX_BYTES or len(text.encode("utf-8")) > MAX_BYTES:
        message = f"the article is larger than {MAX_BYTES} bytes (set ANNOTATOR_MAX_BYTES to raise the limit)"
        return RecordError(record_id, "too_large", message, path, source)
    return Article(record_id, text, dict(meta or {}, path=path), source)


# ------------------------------------------------------------------------------------- single files


def _read_limited(path: Path, record_id: str, source: SourceRef) -> bytes | RecordError:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            message = f"file is {size} bytes, larger than {MAX_BYTES} (set ANNOTATOR_MAX_BYTES to raise the limit)"
            return RecordError(record_id, "too_large", message, str(path), source)
        return path.read_bytes()
    except OSError as exc:
        return RecordError(record_id, "unreadable", f"cannot read file: {exc.strerror or exc}", str(path), source)


def read_text_file(path: Path, record_id: str | None = None) -> Item:
    """One ``.txt`` article; offsets refer to the text decoded with line endings kept."""
    record_id = record_id if record_id is not None else path.stem
    source = _ref(path)
    data = _read_limited(path, record_id, source)
    if isinstance(data, RecordError):
        return data
    text, code, message = decode_bytes(data)
    if text is None:
        return RecordError(record_id, code or "unreadable", message or "", str(path), source)
    return check_text(record_id, text, source)


def read_html_file(path: Path, record_id: str | None = None) -> Item:
    """The main text of an HTML page (trafilatura), with its title and date in ``meta`` when the page has them."""
    item = read_text_file(path, record_id)
    if isinstance(item, RecordError):
        return item
    from annotator.htmltext import extract_article

    text, meta = extract_article(item.text)
    return check_text(item.id, text, item.source or _ref(path), meta)


def _unsupported(record_id: str, raw: str, source: SourceRef) -> RecordError:
    if is_url(raw):
        message = f"URLs are not fetched: download the page and pass the saved .html file ({raw})"
    else:
        suffix = Path(raw).suffix.lower()
        message = f"{UNSUPPORTED.get(suffix, suffix)} files ({suffix}) are not supported: convert them to text or HTML first; supported: {', '.join(SUPPORTED)}"
    return RecordError(record_id, "unsupported_format", message, raw, source)


# -------------------------------------------------------------------------------------- collections


def _normalise_id(value: Any) -> str | None:
    """Ids are strings in the output: 7 and "7" are the same id (and so a duplicate of each other)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def from_mapping(obj: Any, fallback_id: str, where: str, source: SourceRef, options: InputOptions) -> Item:
    """An Article from one JSON object / CSV row / Parquet row, or the error that explains why not."""
    path = source.path
    if not isinstance(obj, dict):
        return RecordError(fallback_id, "bad_record", f"{where} is not an object with '{options.id_field}' and '{options.text_field}'", path, source)
    raw_id = obj.get(options.id_field)
    record_id = _normalise_id(raw_id)
    if record_id is None:
        if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
            return RecordError(fallback_id, "missing_id", f"{where} has no '{options.id_field}'", path, source)
        return RecordError(fallback_id, "bad_record", f"{where}: '{options.id_field}' must be a string or a number, got {type(raw_id).__name__}", path, source)
    if options.text_field not in obj or obj[options.text_field] is None:
        return RecordError(record_id, "missing_text", f"{where} has no '{options.text_field}'", path, source)
    meta = {k: v for k, v in obj.items() if k not in (options.id_field, options.text_field)}
    if options.title_field and options.title_field != "title" and options.title_field in obj:
        meta["title"] = meta.pop(options.title_field)
    return check_text(record_id, obj[options.text_field], source, meta)


def _binary_lines(handle: BinaryIO) -> Iterator[tuple[int, bytes | str]]:
    """Physical lines of a JSONL stream, as bytes (UTF-8) or already decoded (a file with a UTF-16/32 BOM)."""
    head = handle.peek(4)[:4] if hasattr(handle, "peek") else b""
    encoding = _bom_encoding(head)
    if encoding and encoding != "utf-8-sig":
        text = handle.read().decode(encoding, errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            yield number, line.lstrip("\ufeff") if number == 1 else line
        return
    for number, raw in enumerate(handle, 1):
        yield number, raw[3:] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw


def iter_jsonl_stream(handle: BinaryIO, path: str, options: InputOptions) -> Iterator[Item]:
    """Records of a JSONL stream; a malformed line becomes an error with id ``<file>:<line>``."""
    name = Path(path).name if path != "-" else "stdin"
    for lineno, raw in _binary_lines(handle):
        source = _ref(path, line=lineno)
        fallback_id = f"{name}:{lineno}"
        if not raw.strip():
            continue
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield RecordError(fallback_id, "invalid_utf8", f"line {lineno} is not valid UTF-8 (byte {exc.start})", path, source)
                continue
        else:
            line = raw
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RecordError(fallback_id, "bad_json", f"line {lineno} is not valid JSON: {exc.msg} at column {exc.colno}", path, source)
            continue
        except RecursionError:
            yield RecordError(fallback_id, "bad_json", f"line {lineno} is nested too deeply to parse", path, source)
            continue
        yield from_mapping(obj, fallback_id, f"line {lineno}", source, options)


def iter_jsonl(path: Path, options: InputOptions) -> Iterator[Item]:
    try:
        handle = open(path, "rb")
    except OSError as exc:
        yield RecordError(path.name, "unreadable", f"cannot read file: {exc.strerror or exc}", str(path), _ref(path))
        return
    with handle:
        yield from iter_jsonl_stream(handle, str(path), options)


def _text_lines(handle: BinaryIO, path: str) -> Iterator[str]:
    """Decoded physical lines (line endings kept) of a CSV stream; undecodable bytes become U+FFFD, which
    the row then reports."""
    head = handle.peek(4)[:4] if hasattr(handle, "peek") else b""
    encoding = _bom_encoding(head) or "utf-8"
    reader = codecs.getreader(encoding)(handle, errors="replace")
    while line := reader.readline(keepends=True):
        yield line


def iter_csv_stream(handle: BinaryIO, path: str, options: InputOptions) -> Iterator[Item]:
    """Rows of a CSV stream with a header naming the id and text columns; a broken row is a ``bad_csv``
    record and the rows after it are kept (``annotator.csvrows``)."""
    name = Path(path).name if path != "-" else "stdin"
    rows = read_rows(_text_lines(handle, path), MAX_BYTES * 2)
    header: list[str] | None = None
    for row in rows:
        source = _ref(path, line=row.line)
        if header is None:
            if row.fields is None:
                yield RecordError(name, "bad_csv", f"cannot read the CSV header: {row.error}", path, source)
                return
            header = [h.lstrip("\ufeff") for h in row.fields]
            if options.id_field not in header or options.text_field not in header:
                message = f"CSV needs '{options.id_field}' and '{options.text_field}' columns, found {header}"
                yield RecordError(name, "bad_csv", message, path, source)
                return
            continue
        fallback_id = f"{name}:{row.line}"
        if row.fields is None:
            yield RecordError(fallback_id, "bad_csv", f"broken row at {row.error}; the rows after it are kept", path, source)
            continue
        if any("\ufffd" in f for f in row.fields):
            yield RecordError(fallback_id, "invalid_utf8", f"line {row.line}: the row is not valid UTF-8", path, source)
            continue
        yield from_mapping(dict(zip(header, row.fields, strict=True)), fallback_id, f"line {row.line}", source, options)


def iter_csv(path: Path, options: InputOptions) -> Iterator[Item]:
    try:
        handle = open(path, "rb")
    except OSError as exc:
        yield RecordError(path.name, "unreadable", f"cannot read CSV: {exc.strerror or exc}", str(path), _ref(path))
        return
    with handle:
        yield from iter_csv_stream(handle, str(path), options)


def iter_parquet(path: Path, options: InputOptions) -> Iterator[Item]:
    """Rows of a Parquet file (``row`` = 0-based row index), read in record batches so memory stays flat."""
    try:
        import pyarrow.parquet as pq

        parquet = pq.ParquetFile(path)
    except ImportError:
        yield RecordError(path.name, "unsupported_format", "reading Parquet needs pyarrow: pip install pyarrow", str(path), _ref(path))
        return
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a bad file
        yield RecordError(path.name, "unreadable", f"not a readable Parquet file: {exc}", str(path), _ref(path))
        return
    names = parquet.schema_arrow.names
    if options.id_field not in names or options.text_field not in names:
        message = f"Parquet file needs '{options.id_field}' and '{options.text_field}' columns, found {names}"
        yield RecordError(path.name, "bad_record", message, str(path), _ref(path))
        return
    columns = [c for c in (options.id_field, options.text_field, options.title_field, "date", "url") if c and c in names]
    row = 0
    for batch in parquet.iter_batches(batch_size=256, columns=list(dict.fromkeys(columns))):
        for obj in batch.to_pylist():
            source = _ref(path, row=row)
            yield from_mapping(obj, f"{path.name}:{row}", f"row {row}", source, options)
            row += 1


# ------------------------------------------------------------------------------------------ walking


def _walk(root: Path, stats: ReadStats) -> Iterator[tuple[Path, str] | RecordError]:
    """Article files under ``root`` (sorted, recursive) with their ids, and an error for each entry that cannot
    be read: a dangling or looping symlink, an unreadable directory, a document format we do not read."""
    visited: set[str] = set()

    def rel_id(path: Path) -> str:
        rel = path.relative_to(root).as_posix()
        return rel[: -len(path.suffix)] if path.suffix else rel

    def visit(directory: Path) -> Iterator[tuple[Path, str] | RecordError]:
        real = os.path.realpath(directory)
        if real in visited:
            message = f"{directory} leads back to a directory already read (symlink loop); skipped"
            yield RecordError(rel_id(directory), "symlink_loop", message, str(directory), _ref(directory))
            return
        visited.add(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            message = f"cannot list directory: {exc.strerror or exc}"
            yield RecordError(rel_id(directory) or directory.name, "unreadable", message, str(directory), _ref(directory))
            return
        for entry in entries:
            path = Path(entry.path)
            suffix = path.suffix.lower()
            if entry.is_symlink() and not os.path.exists(entry.path):
                try:
                    os.stat(entry.path)
                    code, why = "broken_link", "points to nothing"
                except OSError as exc:
                    looping = exc.errno == 40  # ELOOP
                    code, why = ("symlink_loop", "is a symlink loop") if looping else ("broken_link", f"points to nothing ({os.readlink(entry.path)})")
                yield RecordError(rel_id(path), code, f"{path} {why}; skipped", str(path), _ref(path))
                continue
            if entry.is_dir():
                yield from visit(path)
            elif suffix in ARTICLE_SUFFIXES:
                yield path, rel_id(path)
            elif suffix in UNSUPPORTED and suffix != ".json":
                yield _unsupported(rel_id(path), str(path), _ref(path))
            else:
                stats.skipped_files += 1
                stats.skipped_suffixes.add(suffix or "(none)")

    yield from visit(root)


def iter_inputs(paths: Iterable[str | Path], options: InputOptions | None = None, stats: ReadStats | None = None) -> Iterator[Item]:
    """Every article (or error) from the given paths, in order."""
    options = options or InputOptions()
    stats = stats if stats is not None else ReadStats()
    for raw in paths:
        raw = str(raw)
        if raw == "-":
            yield from _iter_stdin(options)
            continue
        path = Path(raw)
        if is_url(raw) or (path.suffix.lower() in UNSUPPORTED and not path.is_dir()):
            yield _unsupported(path.stem or raw, raw, _ref(raw))
        elif not os.path.lexists(path):
            yield RecordError(path.stem or raw, "not_found", f"no such file or directory: {path}", raw, _ref(raw))
        elif not path.exists():
            yield RecordError(path.stem or raw, "broken_link", f"{path} is a symlink that points to nothing", raw, _ref(raw))
        elif path.is_dir():
            found = False
            for entry in _walk(path, stats):
                found = True
                yield entry if isinstance(entry, RecordError) else _read_file(entry[0], options, entry[1])
            if not found:
                message = f"no {'/'.join(ARTICLE_SUFFIXES)} files in {path}"
                yield RecordError(path.name or raw, "empty_directory", message, raw, _ref(raw))
        else:
            yield from _iter_file(path, options)


def _read_file(path: Path, options: InputOptions, record_id: str) -> Item:
    if path.suffix.lower() in (".html", ".htm"):
        return read_html_file(path, record_id)
    return read_text_file(path, record_id)


def _iter_file(path: Path, options: InputOptions) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from iter_jsonl(path, options)
    elif suffix == ".csv":
        yield from iter_csv(path, options)
    elif suffix == ".parquet":
        yield from iter_parquet(path, options)
    else:
        yield _read_file(path, options, path.stem)


def _iter_stdin(options: InputOptions) -> Iterator[Item]:
    handle = sys.stdin.buffer
    if options.stdin_format == "csv":
        yield from iter_csv_stream(handle, "-", options)
    elif options.stdin_format == "txt":
        data = handle.read(MAX_BYTES + 1)
        source = _ref("-")
        if len(data) > MAX_BYTES:
            yield RecordError("stdin", "too_large", f"standard input is larger than {MAX_BYTES} bytes", "-", source)
            return
        text, code, message = decode_bytes(data)
        yield check_text("stdin", text, source) if text is not None else RecordError("stdin", code or "unreadable", message or "", "-", source)
    else:
        yield from iter_jsonl_stream(handle, "-", options)


# ------------------------------------------------------------------------------------------ counting


def count_inputs(paths: Iterable[str], max_scan_bytes: int = 256_000_000) -> int | None:
    """How many records the paths hold, when that is cheap to know (file counts, JSONL lines under
    ``max_scan_bytes``, Parquet metadata); ``None`` when it is not (standard input, CSV, huge JSONL)."""
    total = 0
    for raw in paths:
        if raw == "-":
            return None
        path = Path(raw)
        if is_url(raw) or not path.exists():
            total += 1
        elif path.is_dir():
            n = 0
            for _entry in _walk(path, ReadStats()):
                n += 1
            total += max(n, 1)
        elif path.suffix.lower() == ".jsonl":
            if path.stat().st_size > max_scan_bytes:
                return None
            with open(path, "rb") as f:
                data = f.read()
            total += sum(1 for line in data.splitlines() if line.strip())
        elif path.suffix.lower() == ".parquet":
            try:
                import pyarrow.parquet as pq

                total += pq.ParquetFile(path).metadata.num_rows
            except Exception:  # noqa: BLE001 - counted as one error record
                total += 1
        elif path.suffix.lower() == ".csv":
            return None
        else:
            total += 1
    return total
