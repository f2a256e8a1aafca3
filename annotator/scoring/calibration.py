"""Fitting the score to human ratings: non-negative component weights chosen by cross-validated rank correlation,
and a monotone mapping of the weighted sum onto 0-100.

Why this shape: a desk must be able to read the weights ("how much does comment-seeking matter?"), so they stay
non-negative and sum to one; the data are a few hundred rated articles at most, so the fit has few parameters: one
weight per component (non-negative least squares on the mean rating, shrunk by a ridge whose strength is picked by
cross-validated Spearman) and a two-parameter logistic mapping (``score = 100 / (1 + exp(-(a + b * raw)))``),
sampled into the config's piecewise-linear ``calibration`` points. The logistic is strictly increasing, so the
mapping never changes the ranking the weights give; it only spreads the scores over the 0-100 range.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import curve_fit, nnls
from scipy.stats import spearmanr

RIDGE_GRID = (0.0, 0.03, 0.1, 0.3, 1.0, 3.0)


def rank_corr(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman correlation; 0 when either side is constant (a component no article varies on)."""
    if np.ptp(np.asarray(a, dtype=float)) == 0 or np.ptp(np.asarray(b, dtype=float)) == 0:
        return 0.0
    rho = spearmanr(a, b).statistic
    return float(rho) if np.isfinite(rho) else 0.0


def fit_weights(x: np.ndarray, y: np.ndarray, ridge: float) -> np.ndarray:
    """Non-negative weights (summing to 1) for the columns of ``x`` that best predict ``y`` linearly, with a ridge
    penalty ``ridge * n`` on the raw weights. All-zero (nothing helps) falls back to equal weights."""
    n, k = x.shape
    xc = x - x.mean(axis=0)
    yc = y - y.mean()
    if ridge > 0:
        xc = np.vstack([xc, np.sqrt(ridge * n) * np.eye(k)])
        yc = np.concatenate([yc, np.zeros(k)])
    w, _ = nnls(xc, yc)
    total = w.sum()
    return w / total if total > 0 else np.full(k, 1.0 / k)


def _folds(n: int, k: int, seed: int) -> list[np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    return [order[i::k] for i in range(k)]


def cv_spearman(x: np.ndarray, y: np.ndarray, ridge: float, folds: int = 5, repeats: int = 10, seed: int = 0) -> float:
    """Mean over repeats of the Spearman correlation of pooled out-of-fold predictions with ``y``."""
    scores = []
    for r in range(repeats):
        pred = np.zeros(len(y))
        for test in _folds(len(y), folds, seed + r):
            train = np.setdiff1d(np.arange(len(y)), test)
            pred[test] = x[test] @ fit_weights(x[train], y[train], ridge)
        scores.append(rank_corr(pred, y))
    return float(np.mean(scores))


def choose_ridge(x: np.ndarray, y: np.ndarray, folds: int = 5, repeats: int = 4, seed: int = 100) -> float:
    """The ridge strength from ``RIDGE_GRID`` with the best cross-validated Spearman (ties: the stronger ridge)."""
    results = [(round(cv_spearman(x, y, r, folds, repeats, seed), 4), r) for r in RIDGE_GRID]
    return max(results)[1]


@dataclass
class CrossValidation:
    """Nested cross-validation: the ridge is chosen inside each training fold, so the estimate is honest."""

    spearman: float
    spread: float
    per_repeat: list[float] = field(default_factory=list)
    predictions: np.ndarray | None = None


def nested_cv(x: np.ndarray, y: np.ndarray, folds: int = 5, repeats: int = 5, seed: int = 0) -> CrossValidation:
    per_repeat = []
    pooled = np.zeros(len(y))
    for r in range(repeats):
        pred = np.zeros(len(y))
        for test in _folds(len(y), folds, seed + r):
            train = np.setdiff1d(np.arange(len(y)), test)
            ridge = choose_ridge(x[train], y[train], folds=folds, repeats=2, seed=seed + 1000 + r)
            pred[test] = x[test] @ fit_weights(x[train], y[train], ridge)
        per_repeat.append(rank_corr(pred, y))
        pooled += pred / repeats
    return CrossValidation(float(np.mean(per_repeat)), float(np.std(per_repeat)), per_repeat, pooled)


def _logistic(raw: np.ndarray, a: float, b: float) -> np.ndarray:
    return 100.0 / (1.0 + np.exp(-(a + b * raw)))


def fit_mapping(raw: np.ndarray, target: np.ndarray, points: int = 21) -> tuple[list[float], list[float], tuple[float, float]]:
    """The increasing logistic that carries the distribution of ``raw`` (0-1) onto that of ``target`` (0-100),
    sampled at ``points`` raw values in [0, 1] (the config's ``calibration``), and its two parameters.

    Fitted on the sorted values paired rank for rank (quantile matching), not by regressing target on raw: a
    regression pulls every score toward the middle, while matching quantiles uses the scale as the raters did."""
    raw_sorted, target_sorted = np.sort(raw), np.sort(target)
    spread = float(raw.std()) or 0.1
    guess = (-(float(raw.mean()) / spread), 1.0 / spread)
    bounds = ([-50.0, 1e-3], [50.0, 500.0])
    (a, b), _ = curve_fit(_logistic, raw_sorted, target_sorted, p0=guess, bounds=bounds, maxfev=20000)
    xs = np.linspace(0.0, 1.0, points)
    ys = _logistic(xs, a, b)
    return [round(float(v), 4) for v in xs], [round(float(v), 2) for v in np.maximum.accumulate(ys)], (float(a), float(b))


def rating_to_target(rating: np.ndarray) -> np.ndarray:
    """A mean 1-5 rating on the 0-100 scale: 1 -> 0, 3 -> 50, 5 -> 100."""
    return (np.asarray(rating, dtype=float) - 1.0) * 25.0
