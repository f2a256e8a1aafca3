"""The score's components: one small function each, registered by name.

A component reads the shared :class:`~annotator.scoring.context.ScoreContext` and returns a value in [0, 1],
the span ids that earned it and a one-line reason. ``configs/scoring.yaml`` ``weights`` names the components in
use: listing a registered name adds it, leaving one out drops it. Add a component with ``@component("name")``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from annotator.schema import ON_RECORD_TYPES
from annotator.scoring.context import ScoreContext, ScoredSource, methodology_people

Component = dict[str, Any]
REGISTRY: dict[str, Callable[[ScoreContext], Component]] = {}
_QUOTES = '"“”„«»'


def component(name: str) -> Callable[[Callable[[ScoreContext], Component]], Callable[[ScoreContext], Component]]:
    """Register a component function under ``name`` (the key used in ``weights``)."""

    def register(fn: Callable[[ScoreContext], Component]) -> Callable[[ScoreContext], Component]:
        REGISTRY[name] = fn
        return fn

    return register


def result(value: float, spans: Sequence[str], reason: str, **extra: Any) -> Component:
    out = {"value": round(max(0.0, min(1.0, float(value))), 4), "spans": list(spans), "reason": reason}
    out.update(extra)
    return out


def plural(n: float, word: str) -> str:
    return f"{n:g} {word}" if n == 1 else f"{n:g} {word}s"


def saturating(n: float, half: float) -> float:
    """``n / (n + half)``: the first sources matter most; ``half`` of them give 0.5."""
    return n / (n + half) if n > 0 else 0.0


@component("coverage")
def coverage(ctx: ScoreContext) -> Component:
    """Share of check-worthy claims carried by an information attribution."""
    claims, attributed = ctx.claims, ctx.attributed_claims
    by_id = {a.id: a for a in ctx.attributions}
    earned = {x for c in attributed for x in (by_id[c.attribution].source, by_id[c.attribution].cue) if x}
    if not claims:
        return result(ctx.cfg.coverage.no_claims_value, [], "no check-worthy claims found (neutral value)")
    return result(len(attributed) / len(claims), ctx.sort_ids(earned), f"{len(attributed)} of {plural(len(claims), 'check-worthy claim')} attributed")


@component("attributed_claims")
def attributed_claims(ctx: ScoreContext) -> Component:
    """Claims the story's own sources carry (not relayed from another outlet), each worth its source's type value.

    A claim counts ``independent_sources.source_values`` of its source (a named person 1, a vague anonymous source
    0.2); one with no tagged or no resolved source counts ``attributed_claims.unresolved_value``; saturating."""
    cfg = ctx.cfg.attributed_claims
    values = ctx.cfg.independent_sources.source_values
    by_id = {a.id: a for a in ctx.attributions}
    worth = 0.0
    earned: set[str] = set()
    for c in ctx.own_attributed_claims:
        a = by_id[c.attribution]
        src = ctx.attribution_source(a)
        worth += cfg.unresolved_value if src is None or not src.known else values.get(src.type, 0.0)
        earned.update(x for x in (a.cue,) if x)
    n, relayed = len(ctx.own_attributed_claims), len(ctx.attributed_claims) - len(ctx.own_attributed_claims)
    reason = f"{plural(n, 'attributed claim')} on the story's own sources (worth {worth:.2f} by source type; half value at {cfg.half_saturation:g})"
    if relayed:
        reason += f"; {relayed} more relayed from other outlets, not counted"
    return result(saturating(worth, cfg.half_saturation), ctx.sort_ids(earned), reason, count=n, relayed=relayed)


def independent_value(s: ScoredSource, values: dict[str, float]) -> float:
    return values.get(s.type, 0.0)


@component("independent_sources")
def independent_sources(ctx: ScoreContext) -> Component:
    """Distinct sources the story reached itself (not only through another outlet), each worth its type's value.

    A single-source piece is low whatever it quotes; a source every attribution of which is relayed is not counted."""
    cfg = ctx.cfg.independent_sources
    own = ctx.own
    n = sum(independent_value(s, cfg.source_values) for s in own)
    relayed = len(ctx.known) - len(own)
    reason = f"{plural(len(own), 'independent source')} (worth {n:.2f} by type)"
    if relayed:
        reason += f"; {relayed} more through other outlets, not counted"
    spans = [s.span_ids[0] for s in own if s.span_ids]
    return result(saturating(n, cfg.half_saturation), ctx.sort_ids(spans), reason, count=len(own))


@component("transparency")
def transparency(ctx: ScoreContext) -> Component:
    """Named / on-record sources vs anonymous ones (anonymous graded by specificity), weighted by attributions."""
    cfg = ctx.cfg.transparency
    tv, bonus, cap, exempt = cfg.type_values, cfg.anonymous_specificity_bonus, cfg.secondhand_cap, set(cfg.secondhand_cap_exempt)

    def value_of(s: ScoredSource) -> float:
        value = tv.get(s.type, tv["REFERENCE"])
        if s.anonymous:
            value += bonus * s.specificity
        if s.secondhand and s.type not in exempt:
            value = min(value, cap)  # another outlet's report: the reader cannot see how it was sourced
        return min(1.0, value)

    scored = ctx.known or ctx.sources
    if not scored:
        return result(0.0, [], "no sources")
    total = sum(s.weight for s in scored)
    value = sum(s.weight * value_of(s) for s in scored) / total
    on_record = [s for s in scored if s.type in ON_RECORD_TYPES]
    anon = [s for s in scored if s.anonymous]
    reason = f"{len(on_record)} of {plural(len(scored), 'source')} on the record, {len(anon)} anonymous"
    if anon:
        reason += f" (mean specificity {sum(s.specificity for s in anon) / len(anon):.2f})"
    return result(value, ctx.sort_ids(sid for s in on_record for sid in s.span_ids), reason)


def people_counts(ctx: ScoreContext) -> tuple[int, int, int]:
    """(own people, people through other outlets, people named in a methodology statement)."""
    from annotator.sources import distinct_source_count

    own = distinct_source_count([s.raw for s in ctx.known if not s.secondhand])
    relayed = distinct_source_count([s.raw for s in ctx.known if s.secondhand])
    return own, relayed, methodology_people(ctx.text, ctx.signals["methodology"], ctx.cfg)


@component("breadth")
def breadth(ctx: ScoreContext) -> Component:
    """People and bodies the story rests on (a counted group by its number, other outlets' people at a fraction).

    A methodology statement ("spoke to four officials") counts too; the larger of the two."""
    cfg = ctx.cfg.breadth
    own, relayed, method = people_counts(ctx)
    people = round(max(own + cfg.secondhand_weight * relayed, method), 2)
    reason = f"{plural(len(ctx.known), 'distinct source')} standing for about {own + relayed} people or bodies"
    if relayed:
        reason += f" ({relayed} of them through other outlets, counted x{cfg.secondhand_weight:g})"
    if method:
        reason += f"; the methodology statement names {method}"
    spans = [s.span_ids[0] for s in ctx.known if s.span_ids]
    return result(saturating(people, cfg.half_saturation), ctx.sort_ids(spans), reason, people=people)


@component("diversity")
def diversity(ctx: ScoreContext) -> Component:
    """Distinct affiliations or sides that speak; other outlets form one group, not one side each."""
    groups: dict[str, list[str]] = {}
    one_group = ctx.cfg.diversity.outlets_as_one_group
    for s in ctx.known:
        if one_group and s.secondhand and s.type in ("MEDIA_OUTLET", "DOCUMENT", "ANONYMOUS_VAGUE", "ANONYMOUS_DESCRIBED"):
            key = "other outlets' reporting"
        elif s.affiliation:
            key = f"affiliation: {s.affiliation}"
        elif s.type in ("NAMED_ORGANIZATION", "MEDIA_OUTLET") and s.name:
            key = f"organisation: {s.name}"
        elif s.type == "DOCUMENT":
            key = "documents"
        elif s.anonymous:
            key = "unaffiliated anonymous sources"
        else:
            key = "unaffiliated named sources"
        groups.setdefault(key, []).extend(s.span_ids[:1])
    g = len(groups)
    reason = plural(g, "distinct group") + (f": {', '.join(sorted(groups))}" if groups else "")
    spans = ctx.sort_ids(i for ids in groups.values() for i in ids)
    return result(saturating(g, ctx.cfg.diversity.half_saturation), spans, reason, groups=sorted(groups))


def top_source(ctx: ScoreContext) -> tuple[ScoredSource | None, float]:
    """The source most attributions rest on, and its share of them."""
    known = ctx.known
    if not known:
        return None, 0.0
    top = max(known, key=lambda s: s.weight)
    return top, top.weight / sum(s.weight for s in known)


@component("spread")
def spread(ctx: ScoreContext) -> Component:
    """One minus the share of attributions resting on the top source: a write-up of one interview is 0."""
    top, share = top_source(ctx)
    if top is None:
        return result(0.0, [], "no sources")
    name = top.name or (top.raw.mentions[0].text if top.raw.mentions else top.id)
    return result(1.0 - share if len(ctx.known) > 1 else 0.0, top.span_ids, f"{share:.0%} of attributions rest on the top source ({name})")


def secondhand_share(ctx: ScoreContext) -> float:
    known = ctx.known
    total = sum(s.weight for s in known)
    return sum(s.weight for s in known if s.secondhand) / total if total else 0.0


@component("primary")
def primary(ctx: ScoreContext) -> Component:
    """Own reporting rather than relaying: one minus the share of attributions on sources only other outlets reached.

    Weighted by the attributions each source carries; relayed material is decided in annotator.scoring.relay."""
    known = ctx.known
    if not known:
        return result(0.0, [], "no sources")
    share = secondhand_share(ctx)
    second = [s for s in known if s.secondhand]
    reason = f"{share:.0%} of attributions rest on sources only other outlets reached ({len(second)} of {plural(len(known), 'source')})"
    relayed = sum(ctx.relayed.values())
    if relayed:
        reason += f"; {plural(relayed, 'attribution')} relayed from other outlets' reports, interviews or documents"
    return result(1.0 - share, ctx.sort_ids(sid for s in known if not s.secondhand for sid in s.span_ids), reason)


@component("speech")
def speech(ctx: ScoreContext) -> Component:
    """People's words as they said them: share of attributions with a verb of speech (said, told, added).

    The rest are writings, posts and other outlets' reports ("wrote", "tweeted", "reported", "according to") or the
    writer's account of what someone did ("accused", "vowed", "called for"). ``speech.verbs`` (up to
    ``speech.max_words_before`` words may precede the verb in the cue: "also said", "later told")."""
    cfg = ctx.cfg.speech
    spans = ctx.doc.span_by_id()
    cues = [(a.cue, spans[a.cue].text) for a in ctx.attributions if a.cue in spans]
    if not cues:
        return result(0.0, [], "no attribution cues")
    spoken = [i for i, text in cues if cfg.is_speech(text)]
    others = sorted({text.strip().lower() for i, text in cues if i not in spoken})
    reason = f"{len(spoken)} of {plural(len(cues), 'attribution')} report people's words (said, told, added)"
    if others:
        reason += f"; the others: {', '.join(others[:5])}{' ...' if len(others) > 5 else ''}"
    return result(len(spoken) / len(cues), ctx.sort_ids(spoken), reason, count=len(spoken))


def _has_quote(text: str, start: int, end: int) -> bool:
    """A direct quote: quotation marks inside the content span or right around it."""
    return any(q in text[max(0, start - 2) : end + 2] for q in _QUOTES)


def quotes(ctx: ScoreContext) -> tuple[list[str], list[str]]:
    """Content span ids of direct quotes from on-record and from other sources."""
    spans = ctx.doc.span_by_id()
    on_record: list[str] = []
    other: list[str] = []
    for a in ctx.attributions:
        parts = [spans[c] for c in a.content if c in spans]
        src = ctx.source_of_span.get(a.source) if a.source else None
        if not parts or src is None or not any(_has_quote(ctx.text, p.start, p.end) for p in parts):
            continue
        (on_record if src.type in ("NAMED_PERSON", "NAMED_ORGANIZATION") else other).extend(p.id for p in parts)
    return on_record, other


@component("practice")
def practice(ctx: ScoreContext) -> Component:
    """Reporting practice: comment sought from those concerned, a methodology statement, documents the outlet obtained.

    Each signal earns its ``practice.signal_weights`` share; direct quotes and reasons for anonymity are computed
    too (shares in the config, reported in ``signals``)."""
    pc = ctx.cfg.practice
    spans = ctx.doc.span_by_id()
    on_record, other = quotes(ctx)
    n_on = len({spans[i].start for i in on_record})
    n_other = len({spans[i].start for i in other})
    found = ctx.signals
    has_anon = any(s.anonymous for s in ctx.known)
    if found["anonymity_reason"]:
        reason_value = 1.0
    else:
        reason_value = pc.anonymity_reason_when_no_anonymous if ctx.known and not has_anon else 0.0
    values = {
        "direct_quotes": min(1.0, (n_on + pc.anonymous_quote_value * n_other) / pc.quotes_for_full),
        "methodology": 1.0 if found["methodology"] else 0.0,
        "sought_comment": 1.0 if found["sought_comment"] else 0.0,
        "anonymity_reason": reason_value,
        "documents_obtained": 1.0 if found["documents_obtained"] else 0.0,
    }
    value = sum(pc.signal_weights[k] * v for k, v in values.items())
    evidence = found["methodology"] + found["sought_comment"] + found["anonymity_reason"] + found["documents_obtained"]
    present = [k.replace("_", " ") for k in ("methodology", "sought_comment", "anonymity_reason", "documents_obtained") if values[k] > 0 and found[k]]
    reason = f"{n_on} on-record and {n_other} other direct quote(s); " + (
        ", ".join(present) if present else "no methodology statement, comment request, reason for anonymity or documents obtained"
    )
    return result(
        value,
        ctx.sort_ids(on_record + other + ctx.spans_in(evidence)),
        reason,
        signals={k: round(v, 4) for k, v in values.items()},
    )
