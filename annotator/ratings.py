"""Human 1-5 sourcing ratings: reading them, averaging them per article, and how well the raters agree.

Ratings are what the score is calibrated against (``annotator calibrate``) and validated on, so they are read in
one place. Three row shapes are accepted, in JSONL or CSV:

* a panel file (``data/ratings/ratings.jsonl``): ``{"id", "rater", "rating", "reason"}``, one row per rating;
* a Label Studio round pulled with ``annotator ls pull``: ``{"id", "text", "rating": {"value", "comment"},
  "labelstudio": {"annotator"}}`` (the text comes along, so the articles need no other source);
* a bare table: ``id,rating`` (``rater`` optional).

Any row may name the article's ``publisher`` (the outlet, or a slug ``configs/scoring.yaml`` ``publishers`` maps to
its names); ``annotator calibrate`` then scores the article knowing who published it.

Agreement is reported as the issue asked: pairwise Spearman, each rater against the mean of the others (the
ceiling for any score), and Krippendorff's alpha (interval and ordinal).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr


class RatingsError(ValueError):
    """A ratings file that cannot be used: names the file and the line."""


@dataclass(frozen=True, slots=True)
class Rating:
    """One rater's 1-5 rating of one article, with the reason they gave."""

    id: str
    rater: str
    rating: int
    reason: str = ""


@dataclass
class RatingSet:
    """Every rating, plus any article texts that came with them (Label Studio rounds carry the text)."""

    ratings: list[Rating]
    texts: dict[str, str] = field(default_factory=dict)
    meta: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> {"publisher": ...} when the rows say

    @property
    def ids(self) -> list[str]:
        return sorted({r.id for r in self.ratings})

    @property
    def raters(self) -> list[str]:
        return sorted({r.rater for r in self.ratings})

    def mean(self) -> dict[str, float]:
        """Article id -> mean rating over its raters."""
        by_id: dict[str, list[int]] = defaultdict(list)
        for r in self.ratings:
            by_id[r.id].append(r.rating)
        return {k: float(np.mean(v)) for k, v in sorted(by_id.items())}

    def matrix(self) -> tuple[list[str], list[str], np.ndarray]:
        """(raters, ids, ratings[rater, id]) with NaN where a rater did not rate an article."""
        raters, ids = self.raters, self.ids
        col = {k: j for j, k in enumerate(ids)}
        row = {k: i for i, k in enumerate(raters)}
        m = np.full((len(raters), len(ids)), np.nan)
        for r in self.ratings:
            m[row[r.rater], col[r.id]] = r.rating
        return raters, ids, m


def _rating_value(value: Any, where: str) -> int:
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise RatingsError(f"{where}: rating must be an integer 1-5, got {value!r}")
    return value


def _from_row(row: Mapping[str, Any], where: str) -> tuple[Rating | None, str | None]:
    """A Rating (None for a pulled example its annotator did not rate) and the text when the row carries it."""
    rid = row.get("id", row.get("article"))
    if rid is None or str(rid).strip() == "":
        raise RatingsError(f"{where}: row has no 'id'")
    raw = row.get("rating")
    text = row.get("text") if isinstance(row.get("text"), str) else None
    if raw is None or (isinstance(raw, Mapping) and raw.get("value") is None):
        if isinstance(raw, Mapping) or "labelstudio" in row:
            return None, text  # a Label Studio example without a rating: nothing to calibrate on
        raise RatingsError(f"{where}: row has no 'rating'")
    ls = row.get("labelstudio") if isinstance(row.get("labelstudio"), Mapping) else {}
    rater = row.get("rater") or ls.get("annotator") or "rater"
    reason = row.get("reason") or (raw.get("comment") if isinstance(raw, Mapping) else None) or ""
    return Rating(str(rid), str(rater), _rating_value(raw, where), str(reason)), text


def read_ratings(paths: Sequence[Path]) -> RatingSet:
    """Ratings from JSONL or CSV files (see the module docstring). A rater who rated an article twice keeps the
    last rating. Raises :class:`RatingsError` naming the file and line of a bad row."""
    latest: dict[tuple[str, str], Rating] = {}
    texts: dict[str, str] = {}
    meta: dict[str, dict[str, str]] = {}
    for path in paths:
        if not path.is_file():
            raise RatingsError(f"{path}: ratings file not found")
        rows: Iterable[tuple[str, Mapping[str, Any]]]
        with open(path, encoding="utf-8-sig", newline="") as f:
            if path.suffix.lower() in (".csv", ".tsv"):
                reader = csv.DictReader(f, delimiter="\t" if path.suffix.lower() == ".tsv" else ",")
                rows = [(f"{path}:{n + 2}", r) for n, r in enumerate(reader)]
            else:
                parsed = []
                for n, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise RatingsError(f"{path}:{n}: not JSON ({exc.msg})") from None
                    if not isinstance(obj, Mapping):
                        raise RatingsError(f"{path}:{n}: expected a JSON object")
                    parsed.append((f"{path}:{n}", obj))
                rows = parsed
            for where, row in rows:
                rating, text = _from_row(row, where)
                if text is not None:
                    texts[str(row.get("id"))] = text
                if isinstance(row.get("publisher"), str) and row["publisher"].strip():
                    meta[str(row.get("id", row.get("article")))] = {"publisher": row["publisher"].strip()}
                if rating is not None:
                    latest[(rating.id, rating.rater)] = rating
    if not latest:
        raise RatingsError(f"no ratings in {', '.join(map(str, paths))}")
    return RatingSet(list(latest.values()), texts, meta)


# ------------------------------------------------------------------------------------------ agreement


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman rank correlation (ties get average ranks); NaN when either side is constant."""
    if len(a) < 3:
        return float("nan")
    rho = spearmanr(a, b).statistic
    return float(rho)


def krippendorff_alpha(matrix: np.ndarray, level: str = "interval") -> float:
    """Krippendorff's alpha for a raters x units matrix (NaN = missing), ``interval`` or ``ordinal`` level.

    Computed from the coincidence matrix of pairable values (Krippendorff 2011, "Computing Krippendorff's
    alpha-reliability"); units with fewer than two ratings are left out."""
    values = sorted({float(v) for v in matrix[~np.isnan(matrix)]})
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    coincidence = np.zeros((k, k))
    for unit in matrix.T:
        present = unit[~np.isnan(unit)]
        m = len(present)
        if m < 2:
            continue
        for i, j in combinations(range(m), 2):
            a, b = index[float(present[i])], index[float(present[j])]
            coincidence[a, b] += 1 / (m - 1)
            coincidence[b, a] += 1 / (m - 1)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n <= 1 or k < 2:
        return float("nan")
    delta = np.zeros((k, k))
    for a in range(k):
        for b in range(k):
            if level == "interval":
                delta[a, b] = (values[a] - values[b]) ** 2
            elif level == "ordinal":
                lo, hi = min(a, b), max(a, b)
                delta[a, b] = (n_c[lo : hi + 1].sum() - (n_c[lo] + n_c[hi]) / 2) ** 2
            else:
                raise ValueError(f"level must be interval or ordinal, got {level!r}")
    observed = (coincidence * delta).sum() / n
    expected = (np.outer(n_c, n_c) * delta).sum() / (n * (n - 1))
    return float(1 - observed / expected) if expected else float("nan")


def agreement(ratings: RatingSet) -> dict[str, Any]:
    """Pairwise Spearman, each rater against the mean of the others, and Krippendorff's alpha."""
    raters, ids, m = ratings.matrix()
    pairwise: dict[str, float] = {}
    for (i, a), (j, b) in combinations(enumerate(raters), 2):
        both = ~np.isnan(m[i]) & ~np.isnan(m[j])
        pairwise[f"{a}~{b}"] = round(spearman(m[i][both], m[j][both]), 3)
    loo: dict[str, float] = {}
    for i, r in enumerate(raters):
        others = np.delete(m, i, axis=0)
        with np.errstate(all="ignore"):
            mean_others = np.nanmean(others, axis=0) if len(others) else np.full(len(ids), np.nan)
        ok = ~np.isnan(m[i]) & ~np.isnan(mean_others)
        loo[r] = round(spearman(m[i][ok], mean_others[ok]), 3)
    per_article = (~np.isnan(m)).sum(axis=0)
    means = np.nanmean(m, axis=0)
    return {
        "articles": len(ids),
        "raters": raters,
        "ratings": int((~np.isnan(m)).sum()),
        "raters_per_article": {"min": int(per_article.min()), "max": int(per_article.max())},
        "pairwise_spearman": pairwise,
        "mean_pairwise_spearman": round(float(np.mean(list(pairwise.values()))), 3) if pairwise else None,
        "rater_vs_others": loo,
        "mean_rater_vs_others": round(float(np.mean(list(loo.values()))), 3) if loo else None,
        "krippendorff_alpha_interval": round(krippendorff_alpha(m, "interval"), 3),
        "krippendorff_alpha_ordinal": round(krippendorff_alpha(m, "ordinal"), 3),
        "mean_rating_histogram": {str(v): int(((means >= v - 0.5) & (means < v + 0.5)).sum()) for v in range(1, 6)},
    }
