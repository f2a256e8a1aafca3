"""The validated scoring config (``configs/scoring.yaml``): weights of the registered components, their
judgment-call numbers, the patterns that find reporting signals, and the calibrated 0-100 mapping.

Validated once, here: unknown or missing keys, negative values, weights that do not sum to 1, a weight for a
component nobody registered, invalid patterns and a non-monotone mapping are errors that name the file and key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.configcheck import Bool, ConfigError, Int, ListOf, MapOf, Num, Regex, Str, check, check_sums_to_one, load_yaml
from annotator.resources import config_file
from annotator.schema import SOURCE_TYPES

DEFAULT_CONFIG = config_file("scoring.yaml")
SIGNALS = ("direct_quotes", "methodology", "sought_comment", "anonymity_reason", "documents_obtained")
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "another": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "dozen": 12, "a dozen": 12, "two dozen": 24, "dozens of": 24,
}  # fmt: skip

_UNIT = Num(0.0, 1.0)
_POSITIVE = Num(1e-9)
_TYPE_VALUES = MapOf(_UNIT, allowed=SOURCE_TYPES, required=True)


def _schema(components: tuple[str, ...]) -> dict[str, Any]:
    return {
        "weights": MapOf(_UNIT, allowed=components),
        "calibration": {"raw": ListOf(_UNIT, 2), "score": ListOf(Num(0.0, 100.0), 2), "fitted_on": Str()},
        "coverage": {"min_checkworthy": _UNIT, "no_claims_value": _UNIT},
        "attributed_claims": {"half_saturation": _POSITIVE},
        "independent_sources": {"source_values": _TYPE_VALUES, "half_saturation": _POSITIVE},
        "sources": {"count_unlinked": Bool(), "skip_non_answers": Bool()},
        "transparency": {
            "type_values": _TYPE_VALUES,
            "anonymous_specificity_bonus": _UNIT,
            "max_specificity": _POSITIVE,
            "secondhand_cap": _UNIT,
            "secondhand_cap_exempt": ListOf(Str()),
        },
        "breadth": {"half_saturation": _POSITIVE, "max_methodology_count": Int(1, 100_000), "secondhand_weight": _UNIT},
        "diversity": {"half_saturation": _POSITIVE, "outlets_as_one_group": Bool()},
        "primary": {"secondhand_types": ListOf(Str()), "media_words": ListOf(Regex())},
        "practice": {
            "signal_weights": MapOf(_UNIT, allowed=SIGNALS, required=True),
            "quotes_for_full": Int(1, 1000),
            "anonymous_quote_value": _UNIT,
            "anonymity_reason_when_no_anonymous": _UNIT,
        },
        "flags": {
            "mostly_anonymous": _UNIT,
            "mostly_secondhand": _UNIT,
            "low_coverage": _UNIT,
            "on_record_quotes": Int(1, 1000),
            "relayed_interview": _UNIT,
            "unverified_documents": _UNIT,
        },
        "patterns": {
            "methodology": ListOf(Regex(), 1),
            "sought_comment": ListOf(Regex(), 1),
            "anonymity_reason": ListOf(Regex(), 1),
            "documents_obtained": ListOf(Regex(), 1),
            "leaked_documents": ListOf(Regex(), 1),
            "relayed_interview": ListOf(Regex(), 1),
        },
        "methodology_counts": {"people_nouns": ListOf(Str(), 1), "max_words_between": Int(0, 20)},
    }


@dataclass
class ScoringConfig:
    """The validated ``configs/scoring.yaml`` (patterns compiled, mapping checked)."""

    raw: dict[str, Any]
    path: str = "scoring.yaml"

    def __post_init__(self) -> None:
        from annotator.scoring.components import REGISTRY

        where = Path(self.path).name
        check(self.raw, _schema(tuple(REGISTRY)), where)
        if not self.raw["weights"]:
            raise ConfigError(f"{where}: weights: name at least one component (registered: {sorted(REGISTRY)})")
        check_sums_to_one(self.raw["weights"], f"{where}: weights")
        check_sums_to_one(self.raw["practice"]["signal_weights"], f"{where}: practice.signal_weights")
        for key, types in (
            ("primary.secondhand_types", self.raw["primary"]["secondhand_types"]),
            ("transparency.secondhand_cap_exempt", self.raw["transparency"]["secondhand_cap_exempt"]),
        ):
            bad = sorted(set(types) - set(SOURCE_TYPES))
            if bad:
                raise ConfigError(f"{where}: {key}: unknown source types {bad} (known: {list(SOURCE_TYPES)})")
        cal = self.raw["calibration"]
        xs, ys = cal["raw"], cal["score"]
        if len(xs) != len(ys):
            raise ConfigError(f"{where}: calibration: raw and score need the same number of points ({len(xs)} vs {len(ys)})")
        if any(b <= a for a, b in zip(xs, xs[1:])) or any(b < a for a, b in zip(ys, ys[1:])):
            raise ConfigError(f"{where}: calibration: raw must increase and score must not decrease")
        self.patterns = {k: [re.compile(p, re.IGNORECASE) for p in v] for k, v in self.raw["patterns"].items()}
        self.media_words = [re.compile(p, re.IGNORECASE) for p in self.raw["primary"]["media_words"]]
        nouns = "|".join(sorted({re.escape(n.lower()) for n in self.raw["methodology_counts"]["people_nouns"]}, key=len, reverse=True))
        numbers = "|".join(sorted((re.escape(k) for k in NUMBER_WORDS), key=len, reverse=True))
        between = self.raw["methodology_counts"]["max_words_between"]
        self.count_re = re.compile(rf"\b(?P<num>\d+|{numbers})\s+(?:[\w’'\-.]+\s+){{0,{between}}}?(?P<noun>{nouns})\b", re.IGNORECASE)

    @classmethod
    def from_yaml(cls, path: str | Path | None = None) -> ScoringConfig:
        path = Path(path) if path is not None else DEFAULT_CONFIG
        return cls(load_yaml(path, "scoring"), str(path))

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], name: str = "scoring config") -> ScoringConfig:
        return cls(dict(raw), name)

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    @property
    def weights(self) -> dict[str, float]:
        return dict(self.raw["weights"])

    def to_score(self, raw: float) -> float:
        """The calibrated 0-100 score of a weighted component sum (piecewise linear through the fitted points)."""
        xs, ys = self.raw["calibration"]["raw"], self.raw["calibration"]["score"]
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
