"""The scoring job: read -> clean -> tag -> link -> type sources -> find claims -> score -> write.

Each stage is a small function of the one data model (``Article`` -> ``AnnotatedArticle``); this module
only wires them; the ``annotator score`` command (``annotator/cli.py``) calls it. The record written per
article is the ``annotate`` record (on the *cleaned* text)
plus ``sources``, ``claims``, ``score`` and a ``cleaning`` summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.clean import CleaningConfig, clean_article
from annotator.inputs import Item
from annotator.layout import find_furniture
from annotator.schema import AnnotatedArticle, Article, RecordError
from annotator.scoring import ScoringConfig, score_article

if TYPE_CHECKING:
    from annotator.tagger import Tagger


class ScorePipeline:
    """Cleaning, tagging, source typing, claim detection and scoring for batches of articles."""

    def __init__(
        self,
        tagger: Tagger,
        claim_detector: Any,
        scoring_config: ScoringConfig | None = None,
        cleaning_config: CleaningConfig | None = None,
        clean: bool = True,
        batch_size: int = 32,
    ) -> None:
        from annotator.sources import analyze_sources

        self.tagger = tagger
        self.claim_detector = claim_detector
        self.analyze_sources = analyze_sources
        self.scoring_config = scoring_config or ScoringConfig.from_yaml()
        self.cleaning_config = cleaning_config or CleaningConfig.from_yaml()
        self.clean = clean
        self.batch_size = batch_size

    @classmethod
    def from_pretrained(
        cls,
        model: str | Path | None = None,
        threads: int | None = None,
        scoring_config: ScoringConfig | str | Path | None = None,
        cleaning_config: CleaningConfig | str | Path | None = None,
        clean: bool = True,
        batch_size: int = 32,
        precision: str = "auto",
    ) -> ScorePipeline:
        """The shipped model (or ``model``) with its claims head, and the configs (validated here, before any work)."""
        from annotator.claims import ClaimDetector
        from annotator.tagger import Tagger

        scoring = scoring_config if isinstance(scoring_config, ScoringConfig) else ScoringConfig.from_yaml(scoring_config)
        cleaning = cleaning_config if isinstance(cleaning_config, CleaningConfig) else CleaningConfig.from_yaml(cleaning_config)
        tagger = Tagger.from_pretrained(model, threads=threads, precision=precision)
        detector = ClaimDetector.for_tagger(tagger)
        return cls(tagger, detector, scoring, cleaning, clean=clean, batch_size=batch_size)

    @property
    def model_version(self) -> str:
        return self.tagger.model_version

    # ------------------------------------------------------------------ stages
    def prepare(self, item: Item) -> Item:
        """Read -> clean (or keep the text as is with ``clean=False``) -> mark page furniture -> name the publisher
        as the outlet lexicon does; errors pass through."""
        if isinstance(item, RecordError):
            return item
        if self.clean:
            item = clean_article(item, self.cleaning_config)
            if isinstance(item, RecordError):
                return item
        item.meta["furniture"] = find_furniture(item.text, self.cleaning_config, title=item.meta.get("title"))
        if item.meta.get("publisher"):
            # one spelling for every stage: a slug the scoring config knows ("wash-post") becomes the outlet's name
            item.meta["publisher"] = self.scoring_config.publisher_names(str(item.meta["publisher"]))[0]
        return item

    def analyze(self, articles: Sequence[Article]) -> list[AnnotatedArticle]:
        """Tag, link, type sources, find claims and score (articles are already cleaned)."""
        docs = self.tagger.annotate(list(articles), batch_size=self.batch_size, keep_hidden=True)
        for doc in docs:
            doc.sources = self.analyze_sources(doc)
        claims = self.claim_detector.find_claims_batch(docs)
        for doc, doc_claims in zip(docs, claims, strict=True):
            doc.claims = doc_claims
            doc.features = None  # encoder states are large and never written
            doc.score = score_article(doc, self.scoring_config)
            if "cleaning" in doc.article.meta:
                doc.extra["cleaning"] = doc.article.meta["cleaning"]
            doc.extra["furniture"] = [f.to_dict() for f in doc.article.meta.get("furniture") or []]
        return docs

    def process(self, articles: Sequence[Article]) -> list[dict[str, Any]]:
        """Records for ``run_batch``: one per article, in order."""
        return [doc.to_record() for doc in self.analyze(articles)]

    def score_texts(self, items: Sequence[str | Article]) -> list[dict[str, Any]]:
        """Convenience for scripts and tests: clean, analyse and return records (errors as error records)."""
        articles = [i if isinstance(i, Article) else Article(f"doc-{n + 1}", i) for n, i in enumerate(items)]
        prepared = [self.prepare(a) for a in articles]
        ok = [p for p in prepared if isinstance(p, Article)]
        records = iter(self.process(ok)) if ok else iter(())
        return [p.to_record() if isinstance(p, RecordError) else next(records) for p in prepared]
