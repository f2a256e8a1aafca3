"""A sources gold set on disk, read into :class:`GoldArticle` records for ``annotator eval-sources``.

A gold set is a folder with ``articles.tsv`` (columns ``id``, ``path``, and optionally ``split`` and ``publisher``)
and ``gold.jsonl`` (one object per article and annotator: every information source of its main story, as
``data/sources-gold/GUIDELINES.md`` asks). Ours is ``data/sources-gold/``; anyone can point ``eval-sources --gold``
at their own, so that the figure is measured on articles we never saw:

* an article's ``path`` may be absolute, relative to the gold folder, or (our set) under the checkout or ``../shared``;
* a mention may be written as the guideline asks, ``{"line": L, "text": "...", "nth": k}`` (converted here against
  the article file, so annotators' files can be used as they are), or as a character range ``[start, end)``;
* a record that cannot be used (a missing file, a mention not found on its line, an unknown type, a line that is not
  JSON) becomes a :class:`GoldProblem` naming the file, line and reason, and the rest are measured. Our own set is
  read strictly: a problem there is an error.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.schema import SOURCE_TYPES

Range = tuple[int, int]
DEFAULT_SPLIT = "gold"  # the split of an articles.tsv row that names none


@dataclass
class GoldSource:
    type: str
    count: int | None
    secondhand: bool
    mentions: list[Range]
    name: str = ""


@dataclass
class GoldArticle:
    id: str
    split: str
    path: Path
    annotator: str
    sources: list[GoldSource]
    not_sources: list[tuple[Range, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # what the collection says of the article: its publisher


@dataclass(frozen=True)
class GoldProblem:
    """A gold record left out of the measurement, and why (``where`` is ``file:line``)."""

    where: str
    article: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, "article": self.article, "message": self.message}

    def __str__(self) -> str:
        return f"{self.where}: {self.article + ': ' if self.article else ''}{self.message}"


class GoldError(ValueError):
    """A problem in a gold set read strictly (ours)."""


class ArticleLines:
    """The raw text of one article split as ``cat -n`` numbers its lines, for guideline-form mentions."""

    def __init__(self, path: Path) -> None:
        self.lines = path.read_text(encoding="utf-8").split("\n")
        self.starts: list[int] = []
        pos = 0
        for line in self.lines:
            self.starts.append(pos)
            pos += len(line) + 1


def mention_range(mention: Any, lines: ArticleLines | None, size: int | None = None) -> Range:
    """A mention as ``[start, end)`` or as the guideline's ``{"line", "text", "nth"}`` -> a raw character range.
    Raises ``ValueError`` saying what is wrong."""
    if isinstance(mention, list | tuple) and len(mention) == 2 and all(isinstance(v, int) for v in mention):
        start, end = int(mention[0]), int(mention[1])
        if not 0 <= start < end or (size is not None and end > size):
            raise ValueError(f"range {list(mention)} is not inside the article")
        return start, end
    if not isinstance(mention, dict) or "line" not in mention or not mention.get("text"):
        raise ValueError(f'a mention must be [start, end] or {{"line": L, "text": "...", "nth": k}}, got {json.dumps(mention, ensure_ascii=False)[:80]}')
    if lines is None:
        raise ValueError("the article file could not be read")
    line, text, nth = int(mention["line"]), str(mention["text"]), int(mention.get("nth") or 1)
    if not 1 <= line <= len(lines.lines):
        raise ValueError(f"line {line} is outside the article ({len(lines.lines)} lines)")
    pos = -1
    for _ in range(max(nth, 1)):
        pos = lines.lines[line - 1].find(text, pos + 1)
        if pos < 0:
            raise ValueError(f"{text!r} does not occur {nth} time(s) on line {line}")
    return lines.starts[line - 1] + pos, lines.starts[line - 1] + pos + len(text)


def read_articles(articles_path: Path, repo: Path, shared: Path, problems: list[GoldProblem]) -> dict[str, tuple[str, Path, dict[str, str]]]:
    """``articles.tsv`` -> article id -> (split, file, metadata); rows without an id or path, or whose file is
    missing, become problems."""
    from annotator.workflows.calibrate import META_KEYS, article_file, collection_metadata, collection_root

    out: dict[str, tuple[str, Path, dict[str, str]]] = {}
    tables: dict[Path, dict[str, dict[str, str]]] = {}
    with open(articles_path, encoding="utf-8", newline="") as f:
        for n, row in enumerate(csv.DictReader(f, delimiter="\t"), 2):
            where = f"{articles_path}:{n}"
            article_id, path_text = (row.get("id") or "").strip(), (row.get("path") or "").strip()
            if not article_id or not path_text:
                problems.append(GoldProblem(where, article_id or None, "a row needs an 'id' and a 'path'"))
                continue
            file = article_file(path_text, article_id, articles_path.parent, repo, shared)
            if not file.is_file():
                tried = "" if Path(path_text).is_absolute() else f" (a relative path is tried in {articles_path.parent} first)"
                problems.append(GoldProblem(where, article_id, f"article file {file} not found{tried}"))
                continue
            # the publisher as the row or the collection's metadata.tsv gives it; the pipeline names the reporting outlet
            meta = {k: row[k].strip() for k in META_KEYS if (row.get(k) or "").strip()}
            meta = meta or collection_metadata(file, collection_root(file, articles_path.parent, repo, shared), tables)
            out[article_id] = ((row.get("split") or "").strip() or DEFAULT_SPLIT, file, meta)
    return out


def read_splits(articles_path: Path) -> list[str]:
    """The splits ``articles.tsv`` names (``gold`` for rows that name none)."""
    with open(articles_path, encoding="utf-8", newline="") as f:
        return sorted({(row.get("split") or "").strip() or DEFAULT_SPLIT for row in csv.DictReader(f, delimiter="\t") if row.get("id")})


def _source(s: Any, lines: ArticleLines, size: int) -> GoldSource:
    if not isinstance(s, dict):
        raise ValueError("a source must be an object")
    if s.get("type") not in SOURCE_TYPES:
        raise ValueError(f"type {s.get('type')!r} is not one of {', '.join(SOURCE_TYPES)}")
    count = s.get("count")
    if count is not None and (not isinstance(count, int) or count < 1):
        raise ValueError(f"count {count!r} must be a whole number of at least 1, or null")
    mentions = s.get("mentions")
    if not isinstance(mentions, list) or not mentions:
        raise ValueError("a source needs at least one mention")
    return GoldSource(s["type"], count, bool(s.get("secondhand")), [mention_range(m, lines, size) for m in mentions], str(s.get("name") or ""))


def _record(obj: Any, articles: dict[str, tuple[str, Path, dict[str, str]]], read: dict[Path, ArticleLines]) -> GoldArticle:
    """One line of ``gold.jsonl`` -> its annotation; ``ValueError`` says what is wrong. ``read`` keeps each article
    file once read (one per annotator otherwise)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("article"), str):
        raise ValueError('a line must be an object with an "article" id')
    if obj["article"] not in articles:
        raise ValueError("the article is not in articles.tsv (or its file is missing)")
    split, path, meta = articles[obj["article"]]
    try:
        lines = read[path] if path in read else read.setdefault(path, ArticleLines(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"article file {path} cannot be read as UTF-8 text ({type(exc).__name__})") from None
    size = lines.starts[-1] + len(lines.lines[-1])
    if not isinstance(obj.get("sources", []), list):
        raise ValueError('"sources" must be a list')
    sources = []
    for k, s in enumerate(obj.get("sources") or []):
        try:
            sources.append(_source(s, lines, size))
        except ValueError as exc:
            raise ValueError(f"source {k + 1}: {exc}") from None
    not_sources = []
    for k, n in enumerate(obj.get("not_sources") or []):
        where, why = (n.get("span", n), str(n.get("why") or "other")) if isinstance(n, dict) else (n, "other")
        try:
            not_sources.append((mention_range(where, lines, size), why))
        except ValueError as exc:
            raise ValueError(f"not_source {k + 1}: {exc}") from None
    return GoldArticle(obj["article"], split, path, str(obj.get("annotator") or "A"), sources, not_sources, meta)


def load_gold(
    gold_path: Path, articles_path: Path, shared: Path, repo: Path, adjudication: Path | None = None, problems: list[GoldProblem] | None = None
) -> dict[str, list[GoldArticle]]:
    """Article id -> its annotations, the gold first: the first annotator's by name unless ``adjudication`` names
    another, with its decisions applied (``data/sources-gold/adjudication.json``: mentions and sources added, sources
    merged, sources removed after the pooled review). Later entries are raw.

    With ``problems`` given, unusable records are appended to it and left out; without, the first one raises
    :class:`GoldError` (our own set must be whole)."""
    found: list[GoldProblem] = []
    articles = read_articles(articles_path, repo, shared, found)
    out: dict[str, list[GoldArticle]] = {}
    read: dict[Path, ArticleLines] = {}
    with open(gold_path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            obj: Any = None
            try:
                obj = json.loads(line)
                article = _record(obj, articles, read)
            except ValueError as exc:  # json.JSONDecodeError is one
                article_id = obj.get("article") if isinstance(obj, dict) and isinstance(obj.get("article"), str) else None
                found.append(GoldProblem(f"{gold_path}:{n}", article_id, str(exc) if obj is not None else f"not JSON ({exc})"))
                continue
            out.setdefault(article.id, []).append(article)
    if found and problems is None:
        raise GoldError("; ".join(str(p) for p in found[:5]) + (f" (and {len(found) - 5} more)" if len(found) > 5 else ""))
    if problems is not None:
        problems.extend(found)
    _adjudicate(out, json.loads(adjudication.read_text(encoding="utf-8")) if adjudication is not None and adjudication.is_file() else {})
    return out


def _adjudicate(out: dict[str, list[GoldArticle]], decisions: dict[str, Any]) -> None:
    """Order each article's annotations (the primary first) and apply the adjudication decisions in place."""
    for article_id, versions in out.items():
        primary = decisions.get("primary", {}).get(article_id)
        versions.sort(key=lambda a: (a.annotator != primary, a.annotator))

    def adjudicated_copy(article: str, annotator: str) -> GoldArticle:
        """The annotator's adjudicated version of ``article``, made on the first decision and reused after, so
        every decision for one article and annotator lands in the same version."""
        existing = next((v for v in out[article] if v.annotator == annotator + "+adjudicated"), None)
        if existing is not None:
            return existing
        version = next(v for v in out[article] if v.annotator == annotator)
        sources = [GoldSource(s.type, s.count, s.secondhand, list(s.mentions), s.name) for s in version.sources]
        copy = GoldArticle(version.id, version.split, version.path, annotator + "+adjudicated", sources, version.not_sources, version.meta)
        out[article] = [copy] + [v for v in out[article] if v is not version] + [version]
        return copy

    for add in decisions.get("add_mentions", []) + decisions.get("add_sources", []):
        version = adjudicated_copy(add["article"], add["annotator"])
        if "span" in add:
            version.sources[add["source"]].mentions.append(tuple(add["span"]))
        else:
            s = add["source"]
            version.sources.append(GoldSource(s["type"], s.get("count"), bool(s.get("secondhand")), [tuple(m) for m in s["mentions"]], s.get("name", "")))
    dropped = [adjudicated_copy(r["article"], r["annotator"]).sources[r["source"]] for r in decisions.get("remove_sources", [])]
    for merge in decisions.get("merge", []):
        adjudicated = adjudicated_copy(merge["article"], merge["annotator"])
        before = adjudicated.sources
        target = before[merge["into"]]
        merged = GoldSource(target.type, merge.get("count", target.count), target.secondhand, list(target.mentions), target.name)
        for i in merge["sources"]:
            merged.mentions += before[i].mentions
        merged.mentions.sort()
        drop = set(merge["sources"]) | {merge["into"]}
        adjudicated.sources = [merged] + [s for i, s in enumerate(before) if i not in drop]
    for r, source in zip(decisions.get("remove_sources", []), dropped, strict=True):
        version = adjudicated_copy(r["article"], r["annotator"])
        version.sources = [s for s in version.sources if s is not source]
