"""annotator: claim and source-attribution annotator for news."""

__version__ = "0.1.0"
