"""The one data model that flows through every stage.

Every offset is a character offset into ``Article.text``: the exact text that is written out with the
record, so any consumer (Label Studio, the HTML report, an evaluator) highlights what the model saw.
Stages add fields to an ``AnnotatedArticle``; none of them mutates text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Label = Literal["SOURCE", "CUE", "CONTENT"]
LABELS: tuple[str, ...] = ("SOURCE", "CUE", "CONTENT")
# The source taxonomy of DESIGN.md, in one place: the typer, the scorer and the Label Studio config all use it.
SOURCE_TYPES: tuple[str, ...] = (
    "NAMED_PERSON",
    "NAMED_ORGANIZATION",
    "MEDIA_OUTLET",
    "DOCUMENT",
    "ANONYMOUS_DESCRIBED",
    "ANONYMOUS_VAGUE",
    "REFERENCE",
)


@dataclass(slots=True, frozen=True)
class SourceRef:
    """Where an input record came from: a file (``path``), plus its ``line`` (JSONL, CSV: the first physical
    line, 1-based) or ``row`` (Parquet: 0-based row index). ``path`` is ``-`` for standard input.

    Written into every record as ``source``; resuming a batch is keyed on it, so two inputs are never confused
    even when they share an id.
    """

    path: str
    line: int | None = None
    row: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.line is not None:
            out["line"] = self.line
        if self.row is not None:
            out["row"] = self.row
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceRef:
        return cls(str(data["path"]), data.get("line"), data.get("row"))


@dataclass(slots=True)
class Article:
    """One story as read from the input; ``text`` is what every offset refers to."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    source: SourceRef | None = None


@dataclass(slots=True)
class Span:
    """A labelled character range ``[start, end)`` of ``Article.text``."""

    id: str
    start: int
    end: int
    label: str
    text: str
    score: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
            "score": round(float(self.score), 4),
        }


@dataclass(slots=True)
class Attribution:
    """Who (source span id or None) says (cue span id or None) what (content span ids, in text order).

    ``kind`` is ``information`` (speech, writing, a report, a document, data) or ``stance`` (belief, wish,
    intention, emotion, action); ``declined`` marks a refusal ("declined to comment"). Only information that
    was not declined makes a source (``annotator.kinds``).
    """

    id: str
    source: str | None
    cue: str | None
    content: list[str] = field(default_factory=list)
    score: float = 1.0
    kind: str = "information"
    declined: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "cue": self.cue, "content": list(self.content), "kind": self.kind, "declined": self.declined}


@dataclass(slots=True)
class AnnotatedArticle:
    """An article plus everything the stages found in it."""

    article: Article
    spans: list[Span] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    sources: list[dict[str, Any]] | None = None
    claims: list[dict[str, Any]] | None = None
    score: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    features: dict[str, Any] | None = None  # in-memory only (e.g. per-word encoder states); never written

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def text(self) -> str:
        return self.article.text

    def span_by_id(self) -> dict[str, Span]:
        return {s.id: s for s in self.spans}

    def to_record(self) -> dict[str, Any]:
        """The JSONL record documented in the README (annotate contract plus score fields when present)."""
        record: dict[str, Any] = {
            "id": self.article.id,
            "text": self.article.text,
            "spans": [s.to_dict() for s in self.spans],
            "attributions": [a.to_dict() for a in self.attributions],
        }
        if self.article.source is not None:
            record["source"] = self.article.source.to_dict()
        for key in ("title", "date"):
            if self.article.meta.get(key):
                record[key] = self.article.meta[key]
        if self.sources is not None:
            record["sources"] = self.sources
        if self.claims is not None:
            record["claims"] = self.claims
        if self.score is not None:
            record["score"] = self.score
        record.update(self.extra)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> AnnotatedArticle:
        """Rebuild from a JSONL record (e.g. gold data or a previous run)."""
        source = SourceRef.from_dict(record["source"]) if isinstance(record.get("source"), dict) else None
        meta = {k: record[k] for k in ("title", "date") if record.get(k)}
        article = Article(id=str(record["id"]), text=record["text"], meta=meta, source=source)
        spans = [
            Span(
                id=str(s["id"]),
                start=int(s["start"]),
                end=int(s["end"]),
                label=str(s["label"]),
                text=s.get("text", article.text[int(s["start"]) : int(s["end"])]),
                score=float(s.get("score", 1.0)),
            )
            for s in record.get("spans", [])
        ]
        attributions = [
            Attribution(
                id=str(a["id"]),
                source=a.get("source"),
                cue=a.get("cue"),
                content=list(a.get("content", [])),
                kind=str(a.get("kind", "information")),
                declined=bool(a.get("declined", False)),
            )
            for a in record.get("attributions", [])
        ]
        return cls(article=article, spans=spans, attributions=attributions)


@dataclass(slots=True)
class RecordError:
    """A per-record failure: written to the output in place of the record so the batch goes on."""

    id: str
    code: str
    message: str
    path: str | None = None
    source: SourceRef | None = None

    def to_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self.id, "text": "", "spans": [], "attributions": []}
        if self.source is not None:
            record["source"] = self.source.to_dict()
        record["error"] = {"code": self.code, "message": self.message, "path": self.path}
        return record
