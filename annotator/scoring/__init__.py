"""The explainable sourcing score: 0-100 from the rubric in ``configs/scoring.yaml``.

Why a rubric and not a model: a standards desk must be able to read *why* an article scored what it did.
Each component (``annotator.scoring.components``, registered by name) is a value in [0, 1] with its weight, the
span ids that earned it and a short reason. ``raw = sum(weight * value)``; ``overall`` maps ``raw`` onto 0-100
through the monotone mapping fitted on rated articles (``annotator calibrate``, ``calibration`` in the config),
so the whole scale is used: a page with no attribution lands near the bottom, an exemplary one near the top.
The weights are fitted too, non-negative, so each one still reads as "how much this matters".

The reporting outlet ("Reuters talked to ...", sources marked ``reporter``) is not a source; stance attributions
(wish, belief, action) and refusals carry no information and make none (``annotator.scoring.context``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotator.schema import AnnotatedArticle, ComponentScore, Score
from annotator.scoring.components import REGISTRY, component
from annotator.scoring.config import DEFAULT_CONFIG, SIGNALS, ScoringConfig, load_config
from annotator.scoring.context import ScoreContext, build_context
from annotator.scoring.flags import FLAGS, find_flags

COMPONENTS = tuple(REGISTRY)

__all__ = [
    "COMPONENTS",
    "DEFAULT_CONFIG",
    "FLAGS",
    "REGISTRY",
    "SIGNALS",
    "ScoreContext",
    "ScoringConfig",
    "component",
    "component_values",
    "load_config",
    "score_article",
    "score_record",
]


def component_values(doc: AnnotatedArticle, config: ScoringConfig | None = None, names: tuple[str, ...] = COMPONENTS) -> dict[str, float]:
    """Every registered component's value for one article, weighted or not (what calibration fits on)."""
    ctx = build_context(doc, config or load_config())
    return {name: REGISTRY[name](ctx)["value"] for name in names}


def score_article(doc: AnnotatedArticle, config: ScoringConfig | None = None) -> Score:
    """The ``score`` field of a record: overall (calibrated 0-100), raw (weighted sum, 0-1), components (value,
    weight, spans, reason), flags with their spans, evidence sentences and statistics.

    Reads ``doc.spans``, ``doc.attributions``, ``doc.sources`` and ``doc.claims`` (empty lists when absent).
    """
    cfg = config or load_config()
    ctx = build_context(doc, cfg)
    components: dict[str, ComponentScore] = {}
    for name, weight in cfg.weights.items():
        part = REGISTRY[name](ctx)
        components[name] = ComponentScore(part.pop("value"), weight, part.pop("spans"), part.pop("reason"), part)
    raw = sum(c.weight * c.value for c in components.values())
    coverage = components["coverage"].value if "coverage" in components else REGISTRY["coverage"](ctx)["value"]
    flags, flag_spans = find_flags(ctx, coverage)
    from annotator.scoring.components import people_counts, secondhand_share

    own, relayed, method = people_counts(ctx)
    known = ctx.known
    total = sum(s.weight for s in known)
    return Score(
        overall=round(cfg.to_score(raw), 1),
        raw=round(raw, 4),
        components=components,
        flags=flags,
        flag_spans=flag_spans,
        evidence={k: [{"start": s, "end": e, "text": ctx.text[s:e]} for s, e in v] for k, v in ctx.signals.items()},
        stats={
            "sources": len(known),
            "independent_sources": len(ctx.own),
            "references": len(ctx.sources) - len(known),
            "people": round(max(own + cfg.breadth.secondhand_weight * relayed, method), 2),
            "claims": len(ctx.claims),
            "attributed_claims": len(ctx.attributed_claims),
            "anonymous_share": round(sum(s.weight for s in known if s.anonymous) / total, 4) if total else 0.0,
            "secondhand_share": round(secondhand_share(ctx), 4),
            "top_source_share": round(max((s.weight for s in known), default=0) / total, 4) if total else 0.0,
        },
    )


def score_record(record: Mapping[str, Any], config: ScoringConfig | None = None) -> dict[str, Any]:
    """The ``score`` field for a JSONL record that already has ``spans``, ``attributions``, ``sources`` and
    ``claims`` (as written by ``annotator score``)."""
    return score_article(AnnotatedArticle.from_record(dict(record)), config).to_dict()
