"""The HTML report of a scoring run: one self-contained file, no network, no CDN.

Layout: a batch summary (score distribution as an inline SVG histogram, flag counts, a table of every
article linking to its section, the error records with their messages), then one section per article:
a score card with component bars and flags, the cleaned text with SOURCE / CUE / CONTENT highlighted and
claim sentences underlined (attributed or not), the attributions, the sources table and the claims table.
Hovering a highlighted span shows its attribution; clicking it marks every span of that attribution and
its row in the attributions list.

Safety: every piece of article text, id, name and message goes through ``html.escape``; the only script
is the fixed one below, so an article containing ``<script>`` shows it as text and never runs it.
"""

from __future__ import annotations

import base64
import hashlib
import html
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

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

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2329;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:16px 24px 64px}
h1{font-size:24px;margin:16px 0 4px} h2{font-size:20px;margin:0 0 8px} h3{font-size:15px;margin:18px 0 6px}
.muted{color:#66707a;font-size:13px}
section.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:16px 20px;margin:18px 0}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e6e9ed;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f0f2f5}
.score-big{font-size:40px;font-weight:700;line-height:1} .score-head{display:flex;gap:24px;align-items:center}
.bar{background:#e6e9ed;border-radius:4px;height:12px;width:220px;display:inline-block;vertical-align:middle}
.bar>span{display:block;height:100%;border-radius:4px;background:#3b7dd8}
.comp td{padding:3px 6px} .comp td:nth-child(2){white-space:nowrap}
.flag{display:inline-block;border-radius:10px;padding:1px 9px;margin:2px 4px 2px 0;font-size:12px;background:#fde2e1;color:#8a1c15}
.flag.good{background:#dff3e3;color:#1d6b31}
.text{white-space:pre-wrap;font-size:15px;line-height:1.7;background:#fcfcfd;border:1px solid #e6e9ed;border-radius:6px;padding:12px 14px}
.seg.lab-SOURCE{background:#ffe3a3;border-radius:3px;cursor:pointer}
.seg.lab-CUE{background:#bfe3ff;border-radius:3px;cursor:pointer}
.seg.lab-CONTENT{background:#e1f3d8;cursor:pointer}
.seg.claim-attributed{text-decoration:underline dotted #2f8f46;text-decoration-thickness:2px;text-underline-offset:4px}
.seg.claim-unattributed{text-decoration:underline wavy #c4362c;text-decoration-thickness:1px;text-underline-offset:4px}
.seg.active{outline:2px solid #d9480f;outline-offset:1px}
li.attr.active{background:#fff0e6}
.legend span{margin-right:12px;padding:0 6px;border-radius:3px}
.error td{color:#8a1c15}
svg text{font:11px system-ui,sans-serif;fill:#3b4148}
"""

_SCRIPT = """
document.addEventListener('click', function (ev) {
  var seg = ev.target.closest('.seg[data-attr]');
  if (!seg) return;
  var article = seg.closest('section.article');
  article.querySelectorAll('.active').forEach(function (el) { el.classList.remove('active'); });
  var ids = seg.getAttribute('data-attr').split(' ');
  ids.forEach(function (id) {
    article.querySelectorAll('.seg[data-attr~="' + id + '"]').forEach(function (el) { el.classList.add('active'); });
    var row = article.querySelector('li.attr[data-attr="' + id + '"]');
    if (row) { row.classList.add('active'); }
  });
  var box = article.querySelector('.attr-detail');
  var first = article.querySelector('li.attr[data-attr="' + ids[0] + '"]');
  if (box && first) { box.textContent = first.textContent; }
});
"""


LABEL_CLASSES = frozenset({"SOURCE", "CUE", "CONTENT"})  # a label from a foreign file never becomes a class name


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def read_records(path: str | Path) -> Iterator[dict[str, Any]]:
    """Records of a score output (JSONL or Parquet); unreadable lines are skipped (the writer never leaves them)."""
    from annotator.outputs import read_records as read_output

    yield from read_output(path)


# ------------------------------------------------------------------------------------------ summary


def histogram_svg(scores: list[float], bins: int = BINS, width: int = 560, height: int = 220) -> str:
    """Score distribution over [0, 100] as an inline SVG bar chart (one bar per 100/bins points)."""
    counts = [0] * bins
    for s in scores:
        counts[min(bins - 1, max(0, int(s // (100 / bins))))] += 1
    top = max(counts) if any(counts) else 1
    left, bottom, plot_h = 36, 28, height - 48
    bar_w = (width - left - 10) / bins
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="score-histogram" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>Distribution of sourcing scores ({len(scores)} articles)</title>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 6}" y2="{height - bottom}" stroke="#8a939c"/>',
        f'<line x1="{left}" y1="{height - bottom - plot_h}" x2="{left}" y2="{height - bottom}" stroke="#8a939c"/>',
        f'<text x="{left - 6}" y="{height - bottom - plot_h + 4}" text-anchor="end">{top}</text>',
        f'<text x="{left - 6}" y="{height - bottom + 4}" text-anchor="end">0</text>',
    ]
    for i, c in enumerate(counts):
        h = plot_h * c / top
        x = left + i * bar_w + 2
        y = height - bottom - h
        lo, hi = int(i * 100 / bins), int((i + 1) * 100 / bins)
        parts.append(
            f'<rect class="hist-bar" data-bin="{lo}-{hi}" data-count="{c}" x="{x:.1f}" y="{y:.1f}" width="{bar_w - 4:.1f}" '
            f'height="{h:.1f}" fill="#3b7dd8"><title>{lo}-{hi}: {c} article(s)</title></rect>'
        )
        if c:
            parts.append(f'<text x="{x + (bar_w - 4) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{c}</text>')
        parts.append(f'<text x="{left + i * bar_w:.1f}" y="{height - bottom + 14}" text-anchor="middle">{lo}</text>')
    parts.append(f'<text x="{width - 10}" y="{height - bottom + 14}" text-anchor="end">100</text>')
    parts.append(f'<text x="{left + (width - left) / 2:.0f}" y="{height - 2}" text-anchor="middle">sourcing score</text>')
    parts.append("</svg>")
    return "".join(parts)


def _summary(total: int, shown: int, model_version: str | None, scores_all: list[float],
             flags_all: Counter, errors: list[dict[str, Any]], rows: list[tuple[int, dict[str, Any]]]) -> str:  # fmt: skip
    out = ['<section class="card" id="summary"><h2>Batch summary</h2>']
    meta = f"{total} record(s): {len(scores_all)} scored, {len(errors)} error(s)"
    if model_version:
        meta += f" · model {_e(model_version)}"
    out.append(f'<p class="muted">{meta}</p>')
    if scores_all:
        out.append(
            f"<p>Mean score <b>{statistics.mean(scores_all):.1f}</b>, median <b>{statistics.median(scores_all):.1f}</b>, "
            f"min {min(scores_all):.1f}, max {max(scores_all):.1f}.</p>"
        )
    out.append(histogram_svg(scores_all))
    if flags_all:
        out.append("<h3>Flags</h3><p>")
        for flag, n in sorted(flags_all.items(), key=lambda kv: (-kv[1], kv[0])):
            cls = "flag good" if flag in POSITIVE_FLAGS else "flag"
            out.append(f'<span class="{cls}">{_e(flag)}: {n}</span>')
        out.append("</p>")
    out.append('<h3>Articles</h3><table id="article-table"><tr><th>#</th><th>id</th><th>score</th><th>flags</th></tr>')
    for n, rec in rows:
        score = rec.get("score") or {}
        link = f'<a href="#art-{n}">{_e(rec.get("id"))}</a>' if n < shown else _e(rec.get("id"))
        flags = " ".join(_e(f) for f in score.get("flags", []))
        out.append(f"<tr><td>{n + 1}</td><td>{link}</td><td>{_e(score.get('overall', ''))}</td><td>{flags}</td></tr>")
    if total > len(rows) + len(errors):
        out.append(f'<tr><td colspan="4" class="muted">… {total - len(rows) - len(errors)} more scored article(s) not listed</td></tr>')
    out.append("</table>")
    if errors:
        out.append('<h3>Errors</h3><table id="error-table"><tr><th>id</th><th>code</th><th>message</th><th>path</th></tr>')
        for rec in errors:
            err = rec.get("error") or {}
            out.append(
                f'<tr class="error"><td>{_e(rec.get("id"))}</td><td>{_e(err.get("code"))}</td>'
                f"<td>{_e(err.get('message'))}</td><td>{_e(err.get('path'))}</td></tr>"
            )
        out.append("</table>")
    if shown < len(scores_all):
        out.append(f'<p class="muted">Only the first {shown} articles are shown in full (--report-limit).</p>')
    out.append("</section>")
    return "".join(out)


# ------------------------------------------------------------------------------------------ article


def _attribution_text(attr: Mapping[str, Any], spans: Mapping[str, Mapping[str, Any]]) -> str:
    def t(span_id: str | None) -> str:
        return f"“{spans[span_id]['text']}”" if span_id in spans else "(none)"

    content = " … ".join(spans[c]["text"] for c in attr.get("content", []) if c in spans)
    return f"{attr.get('id')}: source {t(attr.get('source'))} · cue {t(attr.get('cue'))} · content “{content}”"


def highlighted_text(record: Mapping[str, Any]) -> str:
    """The article text as escaped HTML with spans and claims marked; segments never nest."""
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
    out: list[str] = []
    si = 0
    for lo, hi in zip(points, points[1:], strict=False):
        if lo >= hi:
            continue
        while si < len(spans) and spans[si]["end"] <= lo:
            si += 1
        span = spans[si] if si < len(spans) and spans[si]["start"] <= lo and hi <= spans[si]["end"] else None
        claim = next((c for c in claims if c["start"] <= lo and hi <= c["end"]), None)
        piece = _e(text[lo:hi])
        if span is None and claim is None:
            out.append(piece)
            continue
        classes = ["seg"]
        attrs: list[str] = []
        title_parts: list[str] = []
        if span is not None:
            classes.append(f"lab-{span['label']}" if span.get("label") in LABEL_CLASSES else "lab-other")
            attrs.append(f'data-span="{_e(span["id"])}"')
            aids = attr_of_span.get(span["id"], [])
            if aids:
                attrs.append(f'data-attr="{_e(" ".join(aids))}"')
            title_parts.append(f"{span.get('label')} {span.get('id')}")
            title_parts.extend(titles[a] for a in aids)
        if claim is not None:
            status = "attributed" if claim.get("attributed") else "unattributed"
            classes.append(f"claim-{status}")
            title_parts.append(f"claim ({status}{', ' + str(claim.get('attribution')) if claim.get('attribution') else ''}), "
                               f"check-worthiness {claim.get('checkworthy')}")  # fmt: skip
        out.append(f'<span class="{" ".join(classes)}" {" ".join(attrs)} title="{_e(" | ".join(title_parts))}">{piece}</span>')
    return "".join(out)


def _score_card(score: Mapping[str, Any]) -> str:
    out = ['<div class="score-head">', f'<div><div class="score-big" data-score="{_e(score.get("overall"))}">{_e(score.get("overall"))}</div>',
           '<div class="muted">of 100</div></div><div>']  # fmt: skip
    for flag in score.get("flags", []):
        cls = "flag good" if flag in POSITIVE_FLAGS else "flag"
        out.append(f'<span class="{cls}" data-flag="{_e(flag)}">{_e(flag)}</span>')
    if not score.get("flags"):
        out.append('<span class="muted">no flags</span>')
    out.append('</div></div><table class="comp"><tr><th>component</th><th>value</th><th>weight</th><th>why</th></tr>')
    for name, comp in (score.get("components") or {}).items():
        value = float(comp.get("value", 0.0))
        out.append(
            f'<tr data-component="{_e(name)}"><td>{_e(COMPONENT_LABELS.get(name, name))}</td>'
            f'<td><span class="bar" title="{value:.2f}"><span style="width:{100 * value:.1f}%"></span></span> {value:.2f}</td>'
            f"<td>{float(comp.get('weight', 0)):.2f}</td><td>{_e(comp.get('reason'))}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _sources_table(record: Mapping[str, Any]) -> str:
    sources = record.get("sources") or []
    if not sources:
        return '<p class="muted">No sources found.</p>'
    out = ['<table class="sources"><tr><th>id</th><th>type</th><th>specificity</th><th>count</th><th>name / affiliation</th>'
           "<th>mentions</th></tr>"]  # fmt: skip
    for s in sources:
        count = s.get("count")
        count_text = str(count) if count is not None else ("several" if s.get("plural") else "1")
        mentions = "; ".join(m.get("text", "") for m in s.get("mentions", []))
        who = " / ".join(x for x in (s.get("name"), s.get("affiliation")) if x)
        if s.get("reporter"):
            second = " (the reporting outlet; not counted as a source)"
        elif s.get("relayed_by"):
            second = f" (secondhand: told {s['relayed_by']})"
        else:
            second = " (secondhand)" if s.get("secondhand") else ""
        spec = s.get("specificity")
        out.append(
            f'<tr data-source-type="{_e(s.get("type"))}"><td>{_e(s.get("id"))}</td><td>{_e(s.get("type"))}{second}</td>'
            f"<td>{_e('' if spec is None else spec)}</td><td>{_e(count_text)}</td><td>{_e(who)}</td><td>{_e(mentions)}</td></tr>"
        )
    out.append("</table>")
    return "".join(out)


def _claims_table(record: Mapping[str, Any]) -> str:
    claims = record.get("claims") or []
    if not claims:
        return '<p class="muted">No check-worthy claims found.</p>'
    out = ['<table class="claims"><tr><th>claim</th><th>check-worthiness</th><th>attributed</th></tr>']
    for c in claims:
        status = f"yes ({_e(c.get('attribution'))})" if c.get("attributed") else "<b>no</b>"
        cls = "attributed" if c.get("attributed") else "unattributed"
        out.append(f'<tr class="claim {cls}"><td>{_e(c.get("text"))}</td><td>{_e(c.get("checkworthy"))}</td><td>{status}</td></tr>')
    out.append("</table>")
    return "".join(out)


def article_section(n: int, record: Mapping[str, Any]) -> str:
    """One article: score card, highlighted text, attributions, sources and claims."""
    spans = {s["id"]: s for s in record.get("spans", [])}
    score = record.get("score") or {}
    cleaning = record.get("cleaning")
    out = [f'<section class="card article" id="art-{n}" data-record-id="{_e(record.get("id"))}">',
           f"<h2>{n + 1}. {_e(record.get('id'))}</h2>"]  # fmt: skip
    if cleaning:
        out.append(
            f'<p class="muted">cleaning: kept {cleaning.get("kept_lines")} lines, dropped {cleaning.get("dropped_lines")} '
            f"boilerplate lines and {cleaning.get('dropped_stories')} other stories</p>"
        )
    out.append(_score_card(score))
    out.append(
        '<h3>Text</h3><p class="legend muted"><span class="seg lab-SOURCE">SOURCE</span><span class="seg lab-CUE">CUE</span>'
        '<span class="seg lab-CONTENT">CONTENT</span><span class="seg claim-attributed">attributed claim</span>'
        '<span class="seg claim-unattributed">unattributed claim</span> hover a span for its attribution, click to mark it</p>'
    )
    out.append(f'<div class="text">{highlighted_text(record)}</div>')
    out.append('<p class="attr-detail muted" aria-live="polite"></p>')
    attrs = record.get("attributions", [])
    out.append(f"<h3>Attributions ({len(attrs)})</h3>")
    if attrs:
        out.append('<ol class="attrs">')
        for a in attrs:
            out.append(f'<li class="attr" data-attr="{_e(a["id"])}">{_e(_attribution_text(a, spans))}</li>')
        out.append("</ol>")
    else:
        out.append('<p class="muted">No attributions found.</p>')
    out.append(f"<h3>Sources ({len(record.get('sources') or [])})</h3>{_sources_table(record)}")
    out.append(f"<h3>Claims ({len(record.get('claims') or [])})</h3>{_claims_table(record)}")
    out.append('<p><a href="#summary">back to the summary</a></p></section>')
    return "".join(out)


# ------------------------------------------------------------------------------------------ document


def render_report(records: Iterable[Mapping[str, Any]], limit: int = 500, model_version: str | None = None,
                  title: str = "Sourcing report", max_rows: int = 10_000) -> str:  # fmt: skip
    """The whole report as one HTML string. Only the first ``limit`` scored articles get a full section;
    the histogram and flag counts cover every record."""
    scores: list[float] = []
    flags: Counter = Counter()
    errors: list[dict[str, Any]] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    sections: list[str] = []
    total = 0
    for rec in records:
        total += 1
        if "error" in rec:
            errors.append(dict(rec))
            continue
        score = rec.get("score") or {}
        n = len(scores)
        if isinstance(score.get("overall"), (int, float)):
            scores.append(float(score["overall"]))
        flags.update(score.get("flags", []))
        if len(rows) < max_rows:
            rows.append((n, {"id": rec.get("id"), "score": {"overall": score.get("overall"), "flags": score.get("flags", [])}}))
        if n < limit:
            sections.append(article_section(n, rec))
    shown = min(limit, len(scores))
    body = _summary(total, shown, model_version, scores, flags, errors, rows) + "".join(sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src '{_script_hash()}'; img-src data:\">"
        f"<style>{_CSS}</style></head><body><main><h1>{_e(title)}</h1>"
        '<p class="muted">Scores 0-100 from configs/scoring.yaml; every offset refers to the cleaned text shown here.</p>'
        f"{body}</main><script>{_SCRIPT}</script></body></html>\n"
    )


def _script_hash() -> str:
    """CSP hash of the report's one script: even markup that slipped past escaping could not run a script."""
    digest = hashlib.sha256(_SCRIPT.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def write_report(jsonl: str | Path, out: str | Path, limit: int = 500, model_version: str | None = None) -> int:
    """Render the report of a score JSONL file into ``out`` (records streamed); returns the number of records."""
    counter = Counter()

    def counted() -> Iterator[dict[str, Any]]:
        for rec in read_records(jsonl):
            counter["n"] += 1
            yield rec

    page = render_report(counted(), limit=limit, model_version=model_version)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(page, encoding="utf-8")
    return counter["n"]
