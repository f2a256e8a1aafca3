"""Strict CSV rows that survive a broken row.

Python's ``csv`` module, given a row with an unterminated quote, reads on into the next rows until some later
quote closes the field: one broken row silently swallows good ones. Here every record is parsed in strict mode
from a replayable stream of physical lines; when a record fails (a stray quote, end of file inside a quoted
field, a NUL byte, the wrong number of fields after spanning several lines) it becomes one ``bad_csv`` row and
parsing restarts on the physical line after the one the broken record started on, so the rows after it are kept.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(slots=True)
class CsvRow:
    """One parsed row (``fields``) or one broken row (``error``); ``line`` is its first physical line (1-based)."""

    line: int
    fields: list[str] | None = None
    error: str | None = None


class _Lines:
    """Physical lines with their numbers; lines can be pushed back to be read again."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._source = iter(lines)
        self._pending: deque[tuple[int, str]] = deque()
        self._next_number = 1
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self._pending:
            item = self._pending.popleft()
        else:
            item = (self._next_number, next(self._source))
            self._next_number += 1
        self.taken.append(item)
        return item[1]

    def replay(self, items: list[tuple[int, str]]) -> None:
        self._pending.extendleft(reversed(items))


def read_rows(lines: Iterable[str], field_size_limit: int) -> Iterator[CsvRow]:
    """Rows of a CSV text stream (lines keep their line endings), header included as the first row."""
    csv.field_size_limit(field_size_limit)
    stream = _Lines(lines)
    width: int | None = None
    while True:
        stream.taken = []
        reader = csv.reader(stream, strict=True)
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if not stream.taken:
                return
            first = stream.taken[0][0]
            yield CsvRow(first, error=f"line {first}: {exc}")
            stream.replay(stream.taken[1:])  # the broken record's own first line is dropped, the rest re-read
            continue
        taken = stream.taken
        first = taken[0][0]
        if not fields or fields == [""]:
            continue  # blank line
        if width is None:
            width = len(fields)
            yield CsvRow(first, fields=fields)
            continue
        if len(fields) != width:
            problem = "more" if len(fields) > width else "fewer"
            yield CsvRow(first, error=f"line {first}: {len(fields)} fields, {problem} than the header's {width}")
            if len(taken) > 1:
                stream.replay(taken[1:])  # a record that spanned lines may have swallowed the next rows
            continue
        yield CsvRow(first, fields=fields)
