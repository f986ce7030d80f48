"""Small, pure statistics the scene analyses share: TGI with an interval, rate ratios, share trends."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

Z90 = float(stats.norm.ppf(0.95))


def tgi(a: float, group_total: float, b: float, total: float, z: float = Z90, deff: float = 1.0
        ) -> tuple[float, float, float]:
    """TGI = (a / group_total) ÷ (b / total) × 100 and its interval by the delta method on log TGI.

    ``a`` of the group's ``group_total`` fall in the scene; ``b`` of everyone's ``total`` do.
    var(log TGI) ≈ 1/a − 1/group_total + 1/b − 1/total (the group is part of everyone, which
    makes this slightly conservative). ``deff`` inflates the variance when the counts are not
    independent draws, e.g. reader-note pairs where one user reads several notes (design effect
    ≈ pairs per user).
    """
    if a <= 0 or group_total <= 0 or b <= 0 or total <= 0:
        return (math.nan, math.nan, math.nan)
    value = (a / group_total) / (b / total) * 100.0
    var = max(1 / a - 1 / group_total + 1 / b - 1 / total, 0.0) * max(deff, 1.0)
    se = math.sqrt(var)
    return value, value * math.exp(-z * se), value * math.exp(z * se)


def rate_ratio(a: float, n_a: float, b: float, n_b: float, z: float = Z90) -> tuple[float, float, float]:
    """(a/n_a) ÷ (b/n_b) with a log-scale binomial interval; NaNs when a rate is undefined."""
    if a <= 0 or b <= 0 or n_a <= 0 or n_b <= 0:
        return (math.nan, math.nan, math.nan)
    r = (a / n_a) / (b / n_b)
    se = math.sqrt(max(1 / a - 1 / n_a + 1 / b - 1 / n_b, 0.0))
    return r, r * math.exp(-z * se), r * math.exp(z * se)


def share_trend(t: np.ndarray, y: np.ndarray, z: float = Z90, iterations: int = 50) -> dict[str, float]:
    """Logistic regression of a 0/1 outcome on time: slope (log-odds per unit of t) with a Wald interval.

    Used for "is this scene's share of notes growing": ``t`` in years, ``y`` = the note is in
    the scene. Also returns the fitted share at the first and last time and their ratio.
    """
    t = np.asarray(t, float)
    y = np.asarray(y, float)
    out = {"slope": math.nan, "slope_low": math.nan, "slope_high": math.nan, "p_value": math.nan,
           "share_start": math.nan, "share_end": math.nan, "growth": math.nan}
    if len(t) < 10 or y.sum() < 3 or y.sum() > len(y) - 3 or np.ptp(t) == 0:
        return out
    x = np.column_stack([np.ones_like(t), t - t.mean()])
    beta = np.zeros(2)
    beta[0] = math.log(y.mean() / (1 - y.mean()))
    cov = np.eye(2)
    for _ in range(iterations):  # Newton–Raphson (IRLS); two parameters converge in a few steps
        p = 1 / (1 + np.exp(-(x @ beta)))
        w = p * (1 - p)
        hess = x.T @ (x * w[:, None])
        cov = np.linalg.inv(hess)
        step = cov @ (x.T @ (y - p))
        beta = beta + step
        if np.abs(step).max() < 1e-9:
            break
    se = math.sqrt(cov[1, 1])
    lo_t, hi_t = float(t.min() - t.mean()), float(t.max() - t.mean())
    start = 1 / (1 + math.exp(-(beta[0] + beta[1] * lo_t)))
    end = 1 / (1 + math.exp(-(beta[0] + beta[1] * hi_t)))
    out.update(slope=float(beta[1]), slope_low=float(beta[1] - z * se), slope_high=float(beta[1] + z * se),
               p_value=float(2 * stats.norm.sf(abs(beta[1]) / se)) if se > 0 else math.nan,
               share_start=start, share_end=end, growth=end / start if start > 0 else math.nan)
    return out
