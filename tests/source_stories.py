"""Small hand-built articles for the sources tests: text plus SOURCE and CUE spans linked one to one."""

from __future__ import annotations

from annotator.schema import AnnotatedArticle, Article, Attribution, Span


def story(text: str, sources: list[str], cue: str = "said") -> AnnotatedArticle:
    """An article whose SOURCE spans are ``sources`` (left to right), each linked to the next ``cue`` after it."""
    spans: list[Span] = []
    attributions: list[Attribution] = []
    pos = 0
    for i, phrase in enumerate(sources):
        start = text.index(phrase, pos)
        spans.append(Span(f"S{i}", start, start + len(phrase), "SOURCE", phrase))
        c = text.index(cue, start + len(phrase))
        spans.append(Span(f"C{i}", c, c + len(cue), "CUE", cue))
        attributions.append(Attribution(f"A{i}", f"S{i}", f"C{i}", []))
        pos = start + len(phrase)
    return AnnotatedArticle(Article("t1", text), spans, attributions)


def published_by(text: str, phrases: list[str], publisher: str, cue: str = "said") -> AnnotatedArticle:
    """``story`` with the publisher the input names (``article.meta["publisher"]``)."""
    doc = story(text, phrases, cue=cue)
    doc.article.meta["publisher"] = publisher
    return doc
