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
ANONYMOUS_TYPES: tuple[str, ...] = ("ANONYMOUS_DESCRIBED", "ANONYMOUS_VAGUE")  # sources nobody can name
ON_RECORD_TYPES: tuple[str, ...] = ("NAMED_PERSON", "NAMED_ORGANIZATION", "DOCUMENT")  # sources a reader can check


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
class Mention:
    """One place the text names a source: a SOURCE span (``span``) or a phrase the sources stage derived from a
    methodology or citing sentence (``span`` None, ``derived`` says how)."""

    start: int
    end: int
    text: str
    span: str | None = None
    type: str | None = None
    derived: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text, "span": self.span, "type": self.type}
        if self.derived is not None:
            out["derived"] = self.derived
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Mention:
        return cls(int(d["start"]), int(d["end"]), str(d.get("text", "")), d.get("span"), d.get("type"), d.get("derived"))


@dataclass(slots=True)
class Source:
    """An information source of the article, as the sources stage decided it (docs/sources.md, Record fields)."""

    id: str
    type: str
    specificity: float = 0.0
    count: int | None = None
    plural: bool = False
    name: str | None = None
    affiliation: str | None = None
    secondhand: bool = False
    relayed_by: str | None = None
    reporter: bool = False
    mentions: list[Mention] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "specificity": self.specificity,
            "count": self.count,
            "plural": self.plural,
            "name": self.name,
            "affiliation": self.affiliation,
            "secondhand": self.secondhand,
            "relayed_by": self.relayed_by,
            "reporter": self.reporter,
            "mentions": [m.to_dict() for m in self.mentions],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Source:
        count = d.get("count")
        spec = d.get("specificity")
        return cls(
            id=str(d.get("id")),
            type=str(d.get("type", "REFERENCE")),
            specificity=float(spec) if isinstance(spec, (int, float)) and not isinstance(spec, bool) else 0.0,
            count=count if isinstance(count, int) and not isinstance(count, bool) else None,
            plural=bool(d.get("plural", False)),
            name=d.get("name"),
            affiliation=d.get("affiliation"),
            secondhand=bool(d.get("secondhand", False)),
            relayed_by=d.get("relayed_by"),
            reporter=bool(d.get("reporter", False)),
            mentions=[Mention.from_dict(m) for m in d.get("mentions", []) if isinstance(m, dict) and "start" in m and "end" in m],
        )


@dataclass(slots=True)
class Claim:
    """A check-worthy sentence and the attribution that carries it, if any."""

    start: int
    end: int
    text: str
    checkworthy: float
    attributed: bool = False
    attribution: str | None = None

    def to_dict(self) -> dict[str, Any]:
        keys = ("start", "end", "text", "checkworthy", "attributed", "attribution")
        return {k: getattr(self, k) for k in keys}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        start, end = int(d["start"]), int(d["end"])
        return cls(start, end, str(d.get("text", "")), float(d.get("checkworthy", 1.0)), bool(d.get("attributed", False)), d.get("attribution"))


@dataclass(slots=True)
class ComponentScore:
    """One component of the score: its value in [0, 1], weight, the span ids that earned it and why; ``details``
    holds what a component adds (``people``, ``groups``, ``signals``, ``count``), written beside the fixed keys."""

    value: float
    weight: float
    spans: list[str] = field(default_factory=list)
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "weight": self.weight, "spans": list(self.spans), "reason": self.reason, **self.details}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ComponentScore:
        fixed = ("value", "weight", "spans", "reason")
        details = {k: v for k, v in d.items() if k not in fixed}
        return cls(float(d.get("value", 0.0)), float(d.get("weight", 0.0)), list(d.get("spans", [])), str(d.get("reason", "")), details)


@dataclass(slots=True)
class Score:
    """The sourcing score of one article (docs/scoring.md)."""

    overall: float
    raw: float
    components: dict[str, ComponentScore] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    flag_spans: dict[str, list[str]] = field(default_factory=dict)
    evidence: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "raw": self.raw,
            "components": {k: c.to_dict() for k, c in self.components.items()},
            "flags": list(self.flags),
            "flag_spans": {k: list(v) for k, v in self.flag_spans.items()},
            "evidence": self.evidence,
            "stats": self.stats,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Score:
        return cls(
            overall=float(d.get("overall", 0.0)),
            raw=float(d.get("raw", 0.0)),
            components={k: ComponentScore.from_dict(c) for k, c in (d.get("components") or {}).items()},
            flags=list(d.get("flags", [])),
            flag_spans={k: list(v) for k, v in (d.get("flag_spans") or {}).items()},
            evidence=dict(d.get("evidence") or {}),
            stats=dict(d.get("stats") or {}),
        )


@dataclass(slots=True)
class AnnotatedArticle:
    """An article plus everything the stages found in it."""

    article: Article
    spans: list[Span] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    sources: list[Source] | None = None
    claims: list[Claim] | None = None
    score: Score | None = None
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

    @property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        """Sentence ranges of the text, split once per text (``annotator.text.sentences``)."""
        from annotator.text import sentences

        return sentences(self.text)

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
        for key in ("title", "date", "publisher"):
            if self.article.meta.get(key):
                record[key] = self.article.meta[key]
        if self.sources is not None:
            record["sources"] = [s.to_dict() for s in self.sources]
        if self.claims is not None:
            record["claims"] = [c.to_dict() for c in self.claims]
        if self.score is not None:
            record["score"] = self.score.to_dict()
        record.update(self.extra)
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> AnnotatedArticle:
        """Rebuild from a JSONL record (e.g. gold data or a previous run)."""
        source = SourceRef.from_dict(record["source"]) if isinstance(record.get("source"), dict) else None
        meta = {k: record[k] for k in ("title", "date", "publisher") if record.get(k)}
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
        sources = [Source.from_dict(s) for s in record["sources"] if isinstance(s, dict)] if isinstance(record.get("sources"), list) else None
        claims = [Claim.from_dict(c) for c in record["claims"] if isinstance(c, dict)] if isinstance(record.get("claims"), list) else None
        score = Score.from_dict(record["score"]) if isinstance(record.get("score"), dict) else None
        known = {"id", "text", "spans", "attributions", "source", "title", "date", "publisher", "sources", "claims", "score", "error"}
        extra = {k: v for k, v in record.items() if k not in known}
        return cls(article=article, spans=spans, attributions=attributions, sources=sources, claims=claims, score=score, extra=extra)


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
