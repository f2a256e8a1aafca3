"""Our records <-> Label Studio results (pure functions, no server, no SDK).

The labeling config is ``configs/labelstudio.xml``; its control names are the constants below.

Regions: one ``labels`` result per span, region id = span id, value ``{start, end, text, labels: [LABEL]}``.
Offsets in Label Studio are JavaScript string offsets (UTF-16 code units); ours are Python character
offsets. They differ only when the text holds characters outside the Basic Multilingual Plane (emoji),
and :class:`OffsetMap` converts both ways.

Links (``relation`` results) encode attributions with the CUE as the hub:
  * CUE -> SOURCE: the cue's source (at most one per cue);
  * CUE -> CONTENT: one per content part of the cue's attribution;
  * CONTENT -> SOURCE: an attribution with no cue.
Arrow direction and relation label are not needed to read a link back: the roles follow from the labels
of the two regions. A CONTENT with no link is an attribution of its own with no cue and no source (as
the linker outputs it), and every CUE makes one attribution.

Per SOURCE region, a ``choices`` result (``source_type``) with the same region id carries the source
type; per CUE region, one (``attribution_kind``: information, stance, declined) carries the kind of its
attribution (a cue without it is information); the article-level ``rating`` (``sourcing``, 1-5) and ``textarea`` (``comment``) carry the rating.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.schema import LABELS, SOURCE_TYPES, AnnotatedArticle, Article, Attribution, Span

LABELS_CONTROL = "label"
TYPE_CONTROL = "source_type"
KIND_CONTROL = "attribution_kind"
KIND_CHOICES = ("information", "stance", "declined")
RATING_CONTROL = "sourcing"
COMMENT_CONTROL = "comment"
TEXT_OBJECT = "text"
RELATION_SOURCE = "source"
RELATION_CONTENT = "content"


class OffsetMap:
    """Python character offsets <-> JavaScript (UTF-16) offsets for one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.identity = all(ord(ch) <= 0xFFFF for ch in text)
        if not self.identity:
            js = [0]
            for ch in text:
                js.append(js[-1] + (2 if ord(ch) > 0xFFFF else 1))
            self._to_js = js
            self._to_py = {j: p for p, j in enumerate(js)}

    def to_js(self, offset: int) -> int:
        return offset if self.identity else self._to_js[offset]

    def to_py(self, offset: int) -> int | None:
        """None when the offset falls inside a surrogate pair (not a character boundary)."""
        if self.identity:
            return offset
        return self._to_py.get(offset)

    @property
    def js_length(self) -> int:
        return len(self.text) if self.identity else self._to_js[-1]


# ---------------------------------------------------------------------------------------- to Label Studio


def prediction_result(doc: AnnotatedArticle, source_types: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Label Studio ``result`` list for one article: regions (with scores), source types, links."""
    offsets = OffsetMap(doc.text)
    result: list[dict[str, Any]] = []
    for span in doc.spans:
        value = {"start": offsets.to_js(span.start), "end": offsets.to_js(span.end), "text": doc.text[span.start : span.end]}
        result.append(
            {
                "id": span.id,
                "from_name": LABELS_CONTROL,
                "to_name": TEXT_OBJECT,
                "type": "labels",
                "value": value | {"labels": [span.label]},
                "score": round(float(span.score), 4),
            }
        )
        kind = (source_types or {}).get(span.id)
        if span.label == "SOURCE" and kind in SOURCE_TYPES:
            result.append({"id": span.id, "from_name": TYPE_CONTROL, "to_name": TEXT_OBJECT, "type": "choices", "value": value | {"choices": [kind]}})
    spans = doc.span_by_id()
    for a in doc.attributions:
        if a.cue is not None and a.cue in spans:
            cue = spans[a.cue]
            value = {"start": offsets.to_js(cue.start), "end": offsets.to_js(cue.end), "text": doc.text[cue.start : cue.end]}
            choice = "declined" if a.declined else a.kind
            result.append({"id": cue.id, "from_name": KIND_CONTROL, "to_name": TEXT_OBJECT, "type": "choices", "value": value | {"choices": [choice]}})
    for link_from, link_to, label in attribution_links(doc.attributions):
        result.append(relation(link_from, link_to, label))
    return result


def relation(from_id: str, to_id: str, label: str) -> dict[str, Any]:
    return {"type": "relation", "from_id": from_id, "to_id": to_id, "direction": "right", "labels": [label]}


def attribution_links(attributions: list[Attribution]) -> list[tuple[str, str, str]]:
    """(from region, to region, relation label) for each link that encodes the attributions."""
    links: list[tuple[str, str, str]] = []
    for a in attributions:
        if a.cue is not None:
            if a.source is not None:
                links.append((a.cue, a.source, RELATION_SOURCE))
            links.extend((a.cue, c, RELATION_CONTENT) for c in a.content)
        elif a.source is not None:
            links.extend((c, a.source, RELATION_SOURCE) for c in a.content)
    return links


def task_payload(doc: AnnotatedArticle, model_version: str, task_score: float, source_types: dict[str, str] | None = None) -> dict[str, Any]:
    """One task to import: the article text and id (``data.ext_id``) plus the model's prediction."""
    return {
        "data": {"text": doc.text, "ext_id": doc.id},
        "predictions": [{"model_version": model_version, "score": round(float(task_score), 4), "result": prediction_result(doc, source_types)}],
    }


# --------------------------------------------------------------------------------------- from Label Studio


@dataclass
class Problem:
    """Something wrong in an annotation; ``fatal`` problems make the whole annotation unusable as an example."""

    code: str
    message: str
    fatal: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "fatal": self.fatal}


@dataclass
class ParsedResult:
    """A Label Studio result list read back into our data model."""

    doc: AnnotatedArticle
    source_types: dict[str, str] = field(default_factory=dict)
    rating: int | None = None
    comment: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.fatal for p in self.problems)


def parse_result(article_id: str, text: str, result: list[dict[str, Any]] | None) -> ParsedResult:
    """Regions, links, source types and rating from one annotation's (or prediction's) ``result``.

    Never raises on bad content: problems are collected. Fatal ones (unknown label, bad offsets,
    overlapping regions, links to missing regions, contradictory links) mean the annotation must not be
    used for training; warnings (an unknown extra control, a source type left on a region that is no
    longer a SOURCE) are reported and the item ignored.
    """
    problems: list[Problem] = []
    offsets = OffsetMap(text)
    spans: list[Span] = []
    by_id: dict[str, Span] = {}
    choices: list[dict[str, Any]] = []
    kind_choices: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    rating: int | None = None
    comments: list[str] = []
    if not isinstance(result, list):
        problems.append(Problem("bad_result", f"'result' must be a list, got {type(result).__name__}"))
        result = []
    for n, item in enumerate(result):
        if not isinstance(item, dict):
            problems.append(Problem("bad_item", f"result item {n} is not an object"))
            continue
        kind, control = item.get("type"), item.get("from_name")
        if kind == "relation":
            relations.append(item)
        elif control == LABELS_CONTROL and kind == "labels":
            span = _read_region(item, n, text, offsets, problems)
            if span is None:
                continue
            if span.id in by_id:
                problems.append(Problem("duplicate_region_id", f"region id {span.id!r} is used twice"))
                continue
            by_id[span.id] = span
            spans.append(span)
        elif control == TYPE_CONTROL and kind == "choices":
            choices.append(item)
        elif control == KIND_CONTROL and kind == "choices":
            kind_choices.append(item)
        elif control == RATING_CONTROL and kind == "rating":
            value = (item.get("value") or {}).get("rating")
            if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 5 or int(value) != value:
                problems.append(Problem("bad_rating", f"sourcing rating must be an integer 1-5, got {value!r}"))
            else:
                rating = int(value)
        elif control == COMMENT_CONTROL and kind == "textarea":
            value = (item.get("value") or {}).get("text")
            parts = value if isinstance(value, list) else [value]
            comments.extend(str(p) for p in parts if p)
        elif control == LABELS_CONTROL:
            problems.append(Problem("bad_item", f"result item {n}: control 'label' with type {kind!r} (expected 'labels')"))
        else:
            problems.append(Problem("unknown_control", f"result item {n}: unknown control {control!r} of type {kind!r} ignored", fatal=False))

    spans.sort(key=lambda s: (s.start, s.end))
    for left, right in zip(spans, spans[1:]):
        if right.start < left.end:
            problems.append(
                Problem(
                    "overlapping_regions",
                    f"regions {left.id!r} ({left.label} {left.start}-{left.end}) and {right.id!r} ({right.label} {right.start}-{right.end}) "
                    "overlap; a word has one label",
                )
            )
    source_types = _read_source_types(choices, by_id, problems)
    attributions = _read_links(relations, by_id, problems)
    kinds = _read_kinds(kind_choices, by_id, problems)
    for a in attributions:
        picked = kinds.get(a.cue or "", "information")
        a.kind = "stance" if picked == "stance" else "information"
        a.declined = picked == "declined"
    doc = AnnotatedArticle(Article(article_id, text), spans, attributions)
    comment = "\n".join(comments).strip() or None
    return ParsedResult(doc=doc, source_types=source_types, rating=rating, comment=comment, problems=problems)


def _read_region(item: dict[str, Any], n: int, text: str, offsets: OffsetMap, problems: list[Problem]) -> Span | None:
    value = item.get("value") or {}
    region = item.get("id")
    if not isinstance(region, str | int) or str(region) == "":
        problems.append(Problem("missing_region_id", f"result item {n} is a region without an id"))
        return None
    region = str(region)
    labels = value.get("labels")
    if not isinstance(labels, list) or len(labels) != 1 or labels[0] not in LABELS:
        problems.append(Problem("unknown_label", f"region {region!r} has labels {labels!r}; expected exactly one of {', '.join(LABELS)}"))
        return None
    start, end = value.get("start"), value.get("end")
    if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
        problems.append(Problem("bad_offsets", f"region {region!r} has non-integer offsets {start!r}-{end!r}"))
        return None
    if not 0 <= start < end <= offsets.js_length:
        problems.append(Problem("bad_offsets", f"region {region!r} offsets {start}-{end} are outside the text (length {offsets.js_length})"))
        return None
    py_start, py_end = offsets.to_py(start), offsets.to_py(end)
    if py_start is None or py_end is None:
        problems.append(Problem("bad_offsets", f"region {region!r} offsets {start}-{end} split a character"))
        return None
    covered = text[py_start:py_end]
    if not covered.strip():
        problems.append(Problem("empty_region", f"region {region!r} ({labels[0]}) covers only whitespace"))
        return None
    claimed = value.get("text")
    if isinstance(claimed, str) and claimed.strip() and claimed.strip() != covered.strip():
        problems.append(Problem("text_mismatch", f"region {region!r}: its text {claimed[:40]!r} is not the text at {start}-{end} ({covered[:40]!r})"))
        return None
    return Span(region, py_start, py_end, labels[0], covered, 1.0)


def _read_kinds(choices: list[dict[str, Any]], by_id: dict[str, Span], problems: list[Problem]) -> dict[str, str]:
    """CUE region id -> information / stance / declined; a kind on another region is ignored with a warning."""
    kinds: dict[str, str] = {}
    for item in choices:
        region = str(item.get("id", ""))
        picked = (item.get("value") or {}).get("choices")
        if not isinstance(picked, list) or len(picked) != 1 or picked[0] not in KIND_CHOICES:
            problems.append(Problem("unknown_attribution_kind", f"region {region!r}: kind {picked!r} is not one of {', '.join(KIND_CHOICES)}"))
            continue
        span = by_id.get(region)
        if span is None or span.label != "CUE":
            problems.append(Problem("kind_on_non_cue", f"attribution kind {picked[0]} on region {region!r}, which is not a CUE, ignored", fatal=False))
        else:
            kinds[region] = picked[0]
    return kinds


def _read_source_types(choices: list[dict[str, Any]], by_id: dict[str, Span], problems: list[Problem]) -> dict[str, str]:
    types: dict[str, str] = {}
    for item in choices:
        region = str(item.get("id", ""))
        picked = (item.get("value") or {}).get("choices")
        if not isinstance(picked, list) or len(picked) != 1 or picked[0] not in SOURCE_TYPES:
            problems.append(Problem("unknown_source_type", f"region {region!r}: source type {picked!r} is not one of {', '.join(SOURCE_TYPES)}"))
            continue
        span = by_id.get(region)
        if span is None:
            problems.append(Problem("type_for_missing_region", f"source type {picked[0]} refers to region {region!r}, which does not exist"))
        elif span.label != "SOURCE":
            problems.append(Problem("type_on_non_source", f"source type {picked[0]} on {span.label} region {region!r} ignored", fatal=False))
        else:
            types[region] = picked[0]
    return types


def _read_links(relations: list[dict[str, Any]], by_id: dict[str, Span], problems: list[Problem]) -> list[Attribution]:
    """Attributions from links; see the module docstring for the encoding."""
    source_of_cue: dict[str, str] = {}
    cue_of_content: dict[str, str] = {}
    source_of_content: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    for rel in relations:
        a, b = str(rel.get("from_id", "")), str(rel.get("to_id", ""))
        missing = [r for r in (a, b) if r not in by_id]
        if missing:
            problems.append(Problem("relation_to_missing_region", f"link {a!r} -> {b!r} refers to missing region(s) {', '.join(map(repr, missing))}"))
            continue
        pair = {by_id[a].label: a, by_id[b].label: b}
        if (a, b) in seen or (b, a) in seen:
            continue
        seen.add((a, b))
        if set(pair) == {"CUE", "SOURCE"}:
            cue, src = pair["CUE"], pair["SOURCE"]
            if source_of_cue.get(cue, src) != src:
                problems.append(Problem("cue_with_several_sources", f"cue {cue!r} is linked to sources {source_of_cue[cue]!r} and {src!r}"))
            source_of_cue[cue] = src
        elif set(pair) == {"CUE", "CONTENT"}:
            cue, content = pair["CUE"], pair["CONTENT"]
            if cue_of_content.get(content, cue) != cue:
                problems.append(Problem("content_with_several_cues", f"content {content!r} is linked to cues {cue_of_content[content]!r} and {cue!r}"))
            cue_of_content[content] = cue
        elif set(pair) == {"CONTENT", "SOURCE"}:
            content, src = pair["CONTENT"], pair["SOURCE"]
            if source_of_content.get(content, src) != src:
                problems.append(Problem("content_with_several_sources", f"content {content!r} is linked to sources {source_of_content[content]!r} and {src!r}"))
            source_of_content[content] = src
        else:
            labels = f"{by_id[a].label} -> {by_id[b].label}"
            problems.append(
                Problem("bad_relation", f"link {a!r} -> {b!r} ({labels}) means nothing: links join a CUE to its SOURCE or CONTENT, or a CONTENT to a SOURCE")
            )
    for content, src in source_of_content.items():
        cue = cue_of_content.get(content)
        if cue is not None and source_of_cue.get(cue, src) != src:
            problems.append(Problem("contradictory_links", f"content {content!r} is linked to source {src!r} but its cue {cue!r} to {source_of_cue[cue]!r}"))
        elif cue is not None:
            source_of_cue.setdefault(cue, src)

    spans = sorted(by_id.values(), key=lambda s: (s.start, s.end))
    attributions: list[Attribution] = []
    for cue in (s for s in spans if s.label == "CUE"):
        contents = [s.id for s in spans if cue_of_content.get(s.id) == cue.id]
        attributions.append(Attribution("", source_of_cue.get(cue.id), cue.id, contents))
    cueless: dict[str, list[str]] = {}
    for content in (s for s in spans if s.label == "CONTENT" and s.id not in cue_of_content):
        src = source_of_content.get(content.id)
        if src is None:
            attributions.append(Attribution("", None, None, [content.id]))
        else:
            cueless.setdefault(src, []).append(content.id)
    attributions.extend(Attribution("", src, None, contents) for src, contents in cueless.items())
    starts = {s.id: s.start for s in spans}
    attributions.sort(key=lambda a: min([starts[a.cue] if a.cue else 10**12] + [starts[c] for c in a.content]))  # as the linker orders them
    for i, a in enumerate(attributions, 1):
        a.id = f"a{i}"
    return attributions
