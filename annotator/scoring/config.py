"""The validated scoring config (``configs/scoring.yaml``): weights of the registered components, their
judgment-call numbers, the patterns that find reporting signals, and the calibrated 0-100 mapping.

Validated once, here, by the project's config layer (:mod:`annotator.config`): unknown or missing keys, negative
values, weights that do not sum to 1, a weight for a component nobody registered, invalid patterns and a
non-monotone mapping are errors that name the file and key. Vocabularies (people nouns, number words) are not
repeated here: they come from the sources lexicon (``configs/sources.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator, model_validator

from annotator.config import (
    ConfigError,
    IntRange,
    Pattern,
    Positive,
    StrictModel,
    Text,
    Unit,
    exactly,
    load_yaml,
    subset_of,
    validate,
)
from annotator.resources import config_file
from annotator.schema import SOURCE_TYPES

DEFAULT_CONFIG = config_file("scoring.yaml")
SIGNALS = ("direct_quotes", "methodology", "sought_comment", "anonymity_reason", "documents_obtained")
PATTERN_KINDS = ("methodology", "sought_comment", "anonymity_reason", "documents_obtained", "leaked_documents", "relayed_interview", "relayed_report")

TypeTable = Annotated[dict[str, Unit], exactly(SOURCE_TYPES)]
SourceTypes = Annotated[list[str], subset_of(SOURCE_TYPES, "source types")]


def _sums_to_one(weights: Mapping[str, float], key: str) -> None:
    total = sum(weights.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"{key}: weights must sum to 1, they sum to {total:.6g}")


class Calibration(StrictModel):
    raw: Annotated[list[Unit], Field(min_length=2)]
    score: Annotated[list[Annotated[float, Field(ge=0.0, le=100.0)]], Field(min_length=2)]
    fitted_on: Text

    @model_validator(mode="after")
    def _monotone(self) -> Calibration:
        xs, ys = self.raw, self.score
        if len(xs) != len(ys):
            raise ValueError(f"raw and score need the same number of points ({len(xs)} vs {len(ys)})")
        if any(b <= a for a, b in zip(xs, xs[1:])) or any(b < a for a, b in zip(ys, ys[1:])):
            raise ValueError("raw must increase and score must not decrease")
        return self


class Coverage(StrictModel):
    min_checkworthy: Unit
    no_claims_value: Unit


class AttributedClaims(StrictModel):
    half_saturation: Positive
    unresolved_value: Unit  # a claim whose source is missing or an unresolved reference ("he said")


class IndependentSources(StrictModel):
    source_values: TypeTable
    half_saturation: Positive


class SourceSelection(StrictModel):
    count_unlinked: bool
    skip_non_answers: bool


class Transparency(StrictModel):
    type_values: TypeTable
    anonymous_specificity_bonus: Unit
    max_specificity: Positive
    secondhand_cap: Unit
    secondhand_cap_exempt: SourceTypes


class Breadth(StrictModel):
    half_saturation: Positive
    max_methodology_count: IntRange(1, 100_000)
    secondhand_weight: Unit


class Diversity(StrictModel):
    half_saturation: Positive
    outlets_as_one_group: bool


class Primary(StrictModel):
    secondhand_types: SourceTypes
    media_words: list[Pattern]
    media_word_exempt: SourceTypes  # sources of these types are never another outlet's material by a media word alone


class Speech(StrictModel):
    verbs: Annotated[list[Text], Field(min_length=1)]  # verbs of speech, every form listed ("said", "says", "told")
    max_words_before: IntRange(0, 5)  # words allowed before the verb in a cue ("also said", "has since told")

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        verbs = "|".join(re.escape(v) for v in sorted(self.verbs, key=len, reverse=True))
        return re.compile(rf"^(?:[\w'’-]+\s+){{0,{self.max_words_before}}}?(?:{verbs})\b", re.IGNORECASE)

    def is_speech(self, cue: str) -> bool:
        """The cue reports someone's words with a verb of speech ("said", "also told", "said in a statement")."""
        return bool(self.pattern.match(cue.strip()))


class Practice(StrictModel):
    signal_weights: Annotated[dict[str, Unit], exactly(SIGNALS)]
    quotes_for_full: IntRange(1, 1000)
    anonymous_quote_value: Unit
    anonymity_reason_when_no_anonymous: Unit
    documents_by_own_outlet: Text  # a pattern with {outlet}: documents the reporting outlet obtained

    @field_validator("documents_by_own_outlet")
    @classmethod
    def _template(cls, value: str) -> str:
        if "{outlet}" not in value:
            raise ValueError("must contain {outlet} (where the reporting outlet's name goes)")
        try:
            re.compile(value.replace("{outlet}", "outlet"))
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return value

    @field_validator("signal_weights")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        total = sum(value.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"weights must sum to 1, they sum to {total:.6g}")
        return value


def _publisher_names(value: dict[str, list[str]]) -> dict[str, list[str]]:
    for key, names in value.items():
        if not str(key).strip() or not names or any(not str(n).strip() for n in names):
            raise ValueError(f"{key!r}: needs a non-empty list of outlet names")
    return value


Publishers = Annotated[dict[str, list[Text]], AfterValidator(_publisher_names)]


class Flags(StrictModel):
    mostly_anonymous: Unit
    mostly_secondhand: Unit
    low_coverage: Unit
    on_record_quotes: IntRange(1, 1000)
    relayed_interview: Unit
    unverified_documents: Unit


class MethodologyCounts(StrictModel):
    max_words_between: IntRange(0, 20)


class ScoringConfig(StrictModel):
    """The validated ``configs/scoring.yaml`` (patterns compiled on first use, mapping checked)."""

    weights: dict[str, Unit]
    calibration: Calibration
    coverage: Coverage
    attributed_claims: AttributedClaims
    independent_sources: IndependentSources
    sources: SourceSelection
    transparency: Transparency
    breadth: Breadth
    diversity: Diversity
    primary: Primary
    practice: Practice
    speech: Speech
    flags: Flags
    patterns: Annotated[dict[str, Annotated[list[Pattern], Field(min_length=1)]], exactly(PATTERN_KINDS)]
    methodology_counts: MethodologyCounts
    # a record's meta ``publisher`` (a slug such as "nyt" or an outlet's name) -> the names the text calls it by
    publishers: Publishers

    @model_validator(mode="after")
    def _weights(self) -> ScoringConfig:
        from annotator.scoring.components import REGISTRY

        unknown = sorted(set(self.weights) - set(REGISTRY))
        if unknown:
            raise ValueError(f"weights: unknown keys {unknown} (registered components: {sorted(REGISTRY)})")
        if not self.weights:
            raise ValueError(f"weights: name at least one component (registered: {sorted(REGISTRY)})")
        _sums_to_one(self.weights, "weights")
        return self

    # -- loading --------------------------------------------------------------------------------------------
    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> ScoringConfig:
        path = Path(path) if path is not None else DEFAULT_CONFIG
        return validate(load_yaml(path, "scoring"), cls, path.name)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], name: str = "scoring config") -> ScoringConfig:
        return validate(dict(raw), cls, name)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump()

    # -- compiled views -------------------------------------------------------------------------------------
    @cached_property
    def signal_patterns(self) -> dict[str, list[re.Pattern[str]]]:
        return {k: [re.compile(p, re.IGNORECASE) for p in v] for k, v in self.patterns.items()}

    def own_documents_pattern(self, outlets: Iterable[str]) -> re.Pattern[str] | None:
        """``practice.documents_by_own_outlet`` for these names of the reporting outlet (None without a name)."""
        names = sorted({n for n in outlets if n}, key=len, reverse=True)
        if not names:
            return None
        alternatives = "(" + "|".join(re.escape(n) for n in names) + ")"
        return re.compile(self.practice.documents_by_own_outlet.replace("{outlet}", alternatives), re.IGNORECASE)

    def publisher_names(self, publisher: str | None) -> list[str]:
        """The names the reporting outlet goes by, from a record's ``publisher`` (``publishers`` keys and names
        match case-insensitively; a publisher the table does not know stands for itself)."""
        if not publisher or not str(publisher).strip():
            return []
        key = str(publisher).strip().lower()
        for slug, names in self.publishers.items():
            if key == slug.lower() or key in {n.lower() for n in names}:
                return list(names)
        return [str(publisher).strip()]

    @cached_property
    def media_patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(p, re.IGNORECASE) for p in self.primary.media_words]

    def to_score(self, raw: float) -> float:
        """The calibrated 0-100 score of a weighted component sum (piecewise linear through the fitted points)."""
        xs, ys = self.calibration.raw, self.calibration.score
        if raw <= xs[0]:
            return float(ys[0]) * (raw / xs[0]) if xs[0] > 0 else float(ys[0])
        for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
            if raw <= x1:
                return float(y0 + (y1 - y0) * (raw - x0) / (x1 - x0))
        last = xs[-1]
        return float(ys[-1] + (100.0 - ys[-1]) * (raw - last) / (1.0 - last)) if last < 1.0 else float(ys[-1])


@lru_cache(maxsize=4)
def load_config(path: str | None = None) -> ScoringConfig:
    return ScoringConfig.from_yaml(path)


__all__ = ["DEFAULT_CONFIG", "SIGNALS", "ConfigError", "ScoringConfig", "load_config"]
