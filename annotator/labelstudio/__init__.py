"""Label Studio correction rounds: set up a project, push pre-annotated articles, pull corrections.

``convert`` (our records <-> Label Studio results) is pure and needs nothing extra; ``client`` and
``rounds`` import ``label-studio-sdk`` lazily, so the core package works without it.
"""

from annotator.labelstudio.client import LabelStudioError

__all__ = ["LabelStudioError"]
