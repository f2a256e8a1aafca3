"""Flags: plain-language warnings and credits a desk reads before the number (``score.flags``), each with the
spans that raised it (``score.flag_spans``). Thresholds live in ``configs/scoring.yaml`` ``flags``."""

from __future__ import annotations

from annotator.scoring.components import people_counts, quotes, secondhand_share, top_source
from annotator.scoring.context import ScoreContext, ScoredSource

FLAGS = (
    "no_attribution",
    "all_anonymous",
    "mostly_anonymous",
    "single_source",
    "single_anonymous_source",
    "mostly_secondhand",
    "relayed_interview",
    "unverified_documents",
    "low_coverage",
    "methodology_statement",
    "sought_comment",
    "on_record_quotes",
    "anonymity_explained",
)


def _share(sources: list[ScoredSource], ctx: ScoreContext) -> float:
    total = sum(s.weight for s in ctx.known)
    return sum(s.weight for s in sources) / total if total else 0.0


def find_flags(ctx: ScoreContext, coverage: float) -> tuple[list[str], dict[str, list[str]]]:
    """The flags that hold for this article, and the span ids behind each new-style flag."""
    fl = ctx.cfg.flags
    known, found = ctx.known, ctx.signals
    flags: list[str] = []
    spans: dict[str, list[str]] = {}
    total = sum(s.weight for s in known)
    anon_share = sum(s.weight for s in known if s.anonymous) / total if total else 0.0
    if not known and not any(a.cue or a.source for a in ctx.attributions):
        flags.append("no_attribution")
    if known and all(s.anonymous for s in known):
        flags.append("all_anonymous")
    if known and anon_share >= fl.mostly_anonymous:
        flags.append("mostly_anonymous")
    _, _, method = people_counts(ctx)
    if len(known) == 1 and known[0].people <= 1 and method <= 1:
        flags.append("single_source")
        spans["single_source"] = known[0].span_ids
        if known[0].anonymous:
            flags.append("single_anonymous_source")
    if known and secondhand_share(ctx) >= fl.mostly_secondhand:
        flags.append("mostly_secondhand")
    interviews = [s for s in known if s.relayed_interview]
    top, _ = top_source(ctx)
    if interviews and (_share(interviews, ctx) >= fl.relayed_interview or top in interviews):
        flags.append("relayed_interview")
        spans["relayed_interview"] = ctx.sort_ids(i for s in interviews for i in s.span_ids)
    documents = [s for s in known if s.leaked]
    if documents and _share(documents, ctx) >= fl.unverified_documents and not found["sought_comment"]:
        flags.append("unverified_documents")
        spans["unverified_documents"] = ctx.sort_ids(i for s in documents for i in s.span_ids)
    if ctx.claims and coverage < fl.low_coverage:
        flags.append("low_coverage")
    if found["methodology"]:
        flags.append("methodology_statement")
    if found["sought_comment"]:
        flags.append("sought_comment")
    on_record, _ = quotes(ctx)
    starts = {ctx.order[i][0] for i in on_record if i in ctx.order}
    if len(starts) >= fl.on_record_quotes:
        flags.append("on_record_quotes")
    if found["anonymity_reason"]:
        flags.append("anonymity_explained")
    return flags, spans
