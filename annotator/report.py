"""The HTML report of a scoring run: one self-contained file, no network, no CDN.

Layout: a batch summary (score distribution as an inline SVG histogram, flag counts, a table of every
article linking to its section, the error records with their messages), then one section per article:
a score card with component bars and flags, the cleaned text with SOURCE / CUE / CONTENT highlighted and
claim sentences underlined (attributed or not), the attributions, the sources table and the claims table.
Hovering a highlighted span shows its attribution; clicking it marks every span of that attribution and
its row in the attributions list.

Rendering: ``annotator/templates/report.html.j2`` with Jinja2 autoescaping on, so every field from a record (text,
ids, names, labels, messages, numbers from a foreign file) is escaped; this module only prepares plain data for it.
The only unescaped markup is our own CSS and script (``templates/report.css``, ``report.js``), and a
Content-Security-Policy allows that one script by hash: an article containing ``<script>`` shows it as text.
"""

from __future__ import annotations

import base64
import hashlib
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from annotator.evidence import TableEvidence
from annotator.resources import template_file

POSITIVE_FLAGS = {"methodology_statement", "sought_comment", "on_record_quotes", "anonymity_explained"}
COMPONENT_LABELS = {
    "coverage": "Attribution coverage",
    "attributed_claims": "Attributed material",
    "independent_sources": "Independent sources",
    "transparency": "Transparency",
    "breadth": "Breadth",
    "diversity": "Diversity",
    "spread": "Spread across sources",
    "primary": "Primary reporting",
    "practice": "Good practice",
}
BINS = 10

LABEL_CLASSES = frozenset({"SOURCE", "CUE", "CONTENT"})  # a label from a foreign file never becomes a class name


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Records of a score output (JSONL or Parquet); unreadable lines are skipped (the writer never leaves them)."""
    from annotator.outputs import read_records as read_output

    yield from read_output(path)


# ------------------------------------------------------------------------------------------ summary


def histogram_data(scores: list[float], bins: int = BINS, width: int = 560, height: int = 220) -> dict[str, Any]:
    """Bars of the score distribution over [0, 100] (one per 100/bins points), laid out for the SVG."""
    counts = [0] * bins
    for s in scores:
        counts[min(bins - 1, max(0, int(s // (100 / bins))))] += 1
    top = max(counts) if any(counts) else 1
    left, bottom, plot_h = 36, 28, height - 48
    bar_w = (width - left - 10) / bins
    base = height - bottom
    bars = []
    for i, c in enumerate(counts):
        h = plot_h * c / top
        bars.append(
            {"lo": int(i * 100 / bins), "hi": int((i + 1) * 100 / bins), "count": c, "x": left + i * bar_w + 2, "y": base - h,
             "w": bar_w - 4, "h": h, "label_x": left + i * bar_w}
        )  # fmt: skip
    return {"n": len(scores), "width": width, "height": height, "left": left, "base": base, "top_y": base - plot_h, "top": top, "bars": bars}


def histogram_svg(scores: list[float], bins: int = BINS, width: int = 560, height: int = 220) -> str:
    """Score distribution over [0, 100] as an inline SVG bar chart (the report's histogram, on its own)."""
    return str(_macros().histogram(histogram_data(scores, bins, width, height)))


# ------------------------------------------------------------------------------------------ article


def _attribution_text(attr: Mapping[str, Any], spans: Mapping[str, Mapping[str, Any]]) -> str:
    def t(span_id: str | None) -> str:
        return f"“{spans[span_id]['text']}”" if span_id in spans else "(none)"

    content = " … ".join(spans[c]["text"] for c in attr.get("content", []) if c in spans)
    return f"{attr.get('id')}: source {t(attr.get('source'))} · cue {t(attr.get('cue'))} · content “{content}”"


def text_segments(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The article text cut where spans and claims start and end; each piece says how to mark it (never nested)."""
    text: str = record.get("text", "")
    spans = sorted(record.get("spans", []), key=lambda s: (s["start"], s["end"]))
    claims = record.get("claims") or []
    attr_of_span: dict[str, list[str]] = {}
    spans_by_id = {s["id"]: s for s in spans}
    titles: dict[str, str] = {}
    for a in record.get("attributions", []):
        for sid in [a.get("source"), a.get("cue"), *a.get("content", [])]:
            if sid:
                attr_of_span.setdefault(sid, []).append(a["id"])
        titles[a["id"]] = _attribution_text(a, spans_by_id)
    cuts = {0, len(text)}
    for s in spans:
        cuts.update((s["start"], s["end"]))
    for c in claims:
        cuts.update((c["start"], c["end"]))
    points = sorted(p for p in cuts if 0 <= p <= len(text))
    out: list[dict[str, Any]] = []
    si = 0
    for lo, hi in zip(points, points[1:], strict=False):
        if lo >= hi:
            continue
        while si < len(spans) and spans[si]["end"] <= lo:
            si += 1
        span = spans[si] if si < len(spans) and spans[si]["start"] <= lo and hi <= spans[si]["end"] else None
        claim = next((c for c in claims if c["start"] <= lo and hi <= c["end"]), None)
        piece = text[lo:hi]
        if span is None and claim is None:
            out.append({"plain": True, "text": piece})
            continue
        classes = ["seg"]
        title_parts: list[str] = []
        seg: dict[str, Any] = {"plain": False, "text": piece, "span": None, "attrs": None}
        if span is not None:
            classes.append(f"lab-{span['label']}" if span.get("label") in LABEL_CLASSES else "lab-other")
            seg["span"] = str(span["id"])
            aids = attr_of_span.get(span["id"], [])
            seg["attrs"] = " ".join(aids) or None
            title_parts.append(f"{span.get('label')} {span.get('id')}")
            title_parts.extend(titles[a] for a in aids)
        if claim is not None:
            status = "attributed" if claim.get("attributed") else "unattributed"
            classes.append(f"claim-{status}")
            which = f", {claim.get('attribution')}" if claim.get("attribution") else ""
            title_parts.append(f"claim ({status}{which}), check-worthiness {claim.get('checkworthy')}")
        seg["classes"] = " ".join(classes)
        seg["title"] = " | ".join(title_parts)
        out.append(seg)
    return out


def highlighted_text(record: Mapping[str, Any]) -> str:
    """The article text as escaped HTML with spans and claims marked (the report's text block, on its own)."""
    return str(_macros().text_block(text_segments(record)))


def _source_row(s: Mapping[str, Any]) -> dict[str, Any]:
    count = s.get("count")
    if s.get("reporter"):
        note = " (the reporting outlet; not counted as a source)"
    elif s.get("relayed_by"):
        note = f" (secondhand: told {s['relayed_by']})"
    else:
        note = " (secondhand)" if s.get("secondhand") else ""
    spec = s.get("specificity")
    return {
        "id": s.get("id"),
        "type": s.get("type"),
        "note": note,
        "specificity": "" if spec is None else spec,
        "count": str(count) if count is not None else ("several" if s.get("plural") else "1"),
        "who": " / ".join(str(x) for x in (s.get("name"), s.get("affiliation")) if x),
        "mentions": "; ".join(str(m.get("text", "")) for m in s.get("mentions", [])),
    }


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def article_data(n: int, record: Mapping[str, Any]) -> dict[str, Any]:
    """What one article section shows: score card, marked text, attributions, sources and claims."""
    spans = {s["id"]: s for s in record.get("spans", [])}
    score = record.get("score") or {}
    components = [
        {"name": name, "label": COMPONENT_LABELS.get(name, name), "value": max(0.0, min(1.0, _number(c.get("value")))),
         "weight": _number(c.get("weight")), "reason": c.get("reason")}
        for name, c in (score.get("components") or {}).items()
    ]  # fmt: skip
    return {
        "n": n,
        "id": record.get("id"),
        "cleaning": {k: (record.get("cleaning") or {}).get(k) for k in ("kept_lines", "dropped_lines", "dropped_stories")} if record.get("cleaning") else None,
        "score": {"overall": score.get("overall"), "flags": list(score.get("flags", []))},
        "components": components,
        "segments": text_segments(record),
        "attributions": [{"id": a["id"], "text": _attribution_text(a, spans)} for a in record.get("attributions", [])],
        "sources": [_source_row(s) for s in record.get("sources") or []],
        "claims": [{k: c.get(k) for k in ("text", "checkworthy", "attributed", "attribution")} for c in record.get("claims") or []],
    }


def article_section(n: int, record: Mapping[str, Any]) -> str:
    """One article's section as HTML."""
    return str(_macros().article(article_data(n, record)))


@cache
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(template_file(""))), autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    env.globals["positive_flags"] = POSITIVE_FLAGS
    return env


def _template():
    return _environment().get_template("report.html.j2")


def _macros():
    return _environment().get_template("report_macros.j2").module


@cache
def _static(name: str) -> str:
    return template_file(name).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------ document


def render_report(records: Iterable[Mapping[str, Any]], limit: int = 500, model_version: str | None = None,
                  title: str = "Sourcing report", max_rows: int = 10_000, evidence: TableEvidence | None = None) -> str:  # fmt: skip
    """The whole report as one HTML string. Only the first ``limit`` scored articles get a full section;
    the histogram and flag counts cover every record. ``evidence``, the model's measured sources table, is said
    once at the top so a reader knows how far to trust each table."""
    scores: list[float] = []
    flags: Counter = Counter()
    errors: list[dict[str, Any]] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    articles: list[dict[str, Any]] = []
    total = 0
    for rec in records:
        total += 1
        if "error" in rec:
            err = rec.get("error") if isinstance(rec.get("error"), Mapping) else {"message": rec.get("error")}
            errors.append({"id": rec.get("id"), "error": {k: err.get(k) for k in ("code", "message", "path")}})
            continue
        score = rec.get("score") or {}
        n = len(scores)
        if isinstance(score.get("overall"), (int, float)):
            scores.append(float(score["overall"]))
        flags.update(score.get("flags", []))
        if len(rows) < max_rows:
            rows.append((n, {"id": rec.get("id"), "overall": score.get("overall"), "flags": list(score.get("flags", []))}))
        if n < limit:
            articles.append(article_data(n, rec))
    stats = {"mean": statistics.mean(scores), "median": statistics.median(scores), "min": min(scores), "max": max(scores)} if scores else {}
    page = _template().render(
        title=title,
        total=total,
        scores=scores,
        stats=stats,
        errors=errors,
        model_version=model_version,
        evidence=evidence,
        hist=histogram_data(scores),
        flags=sorted(flags.items(), key=lambda kv: (-kv[1], kv[0])),
        rows=rows,
        unlisted=max(0, total - len(rows) - len(errors)),
        shown=min(limit, len(scores)),
        articles=articles,
        css=Markup(_static("report.css")),
        script=Markup(_static("report.js")),
        script_hash=_script_hash(),
    )
    return page.lstrip()


def _script_hash() -> str:
    """CSP hash of the report's one script: even markup that slipped past escaping could not run a script."""
    digest = hashlib.sha256(_static("report.js").encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def write_report(jsonl: str | Path, out: str | Path, limit: int = 500, model_version: str | None = None, evidence: TableEvidence | None = None) -> int:
    """Render the report of a score JSONL file into ``out`` (records streamed); returns the number of records."""
    counter = Counter()

    def counted() -> Iterator[dict[str, Any]]:
        for rec in read_records(jsonl):
            counter["n"] += 1
            yield rec

    page = render_report(counted(), limit=limit, model_version=model_version, evidence=evidence)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(page, encoding="utf-8")
    return counter["n"]
