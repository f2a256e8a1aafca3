"""The sources stage itself: type every SOURCE span of an article, mark outlet roles, cluster, build records."""

from __future__ import annotations

from typing import Any

from annotator.schema import AnnotatedArticle
from annotator.sources.clustering import cluster_mentions
from annotator.sources.context import _context
from annotator.sources.lexicon import SourceLexicon
from annotator.sources.mentions import _analyse
from annotator.sources.outlets import mark_outlet_roles
from annotator.sources.records import _entity_record


def analyze_sources(doc: AnnotatedArticle, lexicon: SourceLexicon | None = None) -> list[dict[str, Any]]:
    """The record's ``"sources"``: every SOURCE span typed and clustered into distinct sources.

    Returns one dict per source, sorted by first mention; every SOURCE span of ``doc`` is in exactly one
    source's ``mentions``. See docs/sources.md for the fields.
    """
    lexicon = lexicon or SourceLexicon.default()
    text = doc.text
    ctx = _context(text, lexicon)
    spans = sorted((s for s in doc.spans if s.label == "SOURCE"), key=lambda s: (s.start, s.end, s.id))
    mentions = [_analyse(text, s.start, s.end, s.id, ctx) for s in spans]
    for m, s in zip(mentions, spans, strict=True):
        m.span_id = s.id
    mark_outlet_roles(doc, mentions, ctx)
    entities = cluster_mentions(mentions, doc, lexicon)
    by_id = {s.id: s for s in spans}
    return [_entity_record(i + 1, e, text, by_id, lexicon) for i, e in enumerate(entities)]
