"""A focused library for the attribution tagger, laid out like SpanMarker / sentence-transformers:
configuration, modeling, windows (data), trainer, evaluation and model card each in their own module."""

from annotator.modeling.configuration import TaggerConfig
from annotator.modeling.modeling import TaggerModel

__all__ = ["TaggerConfig", "TaggerModel"]
