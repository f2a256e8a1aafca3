"""Workflows that combine stages and models: fitting heads on a trained tagger, evaluations on labelled data."""
