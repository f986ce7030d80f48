"""Pure statistics for audience comparisons: TGI with an interval, and Monroe et al.'s log-odds."""

from __future__ import annotations

import math

import numpy as np

from zhongcao.analyses.stats import Z90, bh_qvalues  # noqa: F401  (re-exported for the audience analyses)


def tgi(share_a: float, n_a: float, share_b: float, n_b: float, z: float = Z90) -> tuple[float, float, float]:
    """TGI = share in group a / share in group b × 100, with a delta-method interval on the log ratio.

    ``n_a`` and ``n_b`` are the numbers of independent units behind each share (leads, not
    touches: a lead's touches move together). A zero count gets the usual +0.5 correction so
    the interval stays finite and wide.
    """
    if n_a <= 0 or n_b <= 0 or (share_b <= 0 and share_a <= 0):
        return (math.nan, math.nan, math.nan)
    x_a = max(share_a * n_a, 0.5)
    x_b = max(share_b * n_b, 0.5)
    p_a, p_b = x_a / n_a, x_b / n_b
    log_ratio = math.log(p_a / p_b)
    se = math.sqrt(max((1 - min(p_a, 1.0)) / x_a + (1 - min(p_b, 1.0)) / x_b, 0.0))
    point = 100 * share_a / share_b if share_b > 0 else math.inf
    return (point, 100 * math.exp(log_ratio - z * se), 100 * math.exp(log_ratio + z * se))


def tgi_p_value(share_a: float, n_a: float, share_b: float, n_b: float) -> float:
    """One-sided p-value of TGI > 100 (the log ratio of :func:`tgi` over its delta-method standard error)."""
    from scipy.stats import norm

    if n_a <= 0 or n_b <= 0 or (share_b <= 0 and share_a <= 0):
        return math.nan
    x_a, x_b = max(share_a * n_a, 0.5), max(share_b * n_b, 0.5)
    p_a, p_b = x_a / n_a, x_b / n_b
    se = math.sqrt(max((1 - min(p_a, 1.0)) / x_a + (1 - min(p_b, 1.0)) / x_b, 1e-12))
    return float(norm.sf(math.log(p_a / p_b) / se))


def log_odds_dirichlet(counts_a: np.ndarray, counts_b: np.ndarray, prior: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, eq. 16–22).

    For each word w with counts y_a, y_b in two corpora of sizes n_a, n_b and prior α_w
    (α_0 = Σ α_w):

        δ_w = log((y_a + α_w) / (n_a + α_0 − y_a − α_w)) − log((y_b + α_w) / (n_b + α_0 − y_b − α_w))
        σ²_w ≈ 1 / (y_a + α_w) + 1 / (y_b + α_w)

    Returns ``(delta, variance, z = delta / sqrt(variance))``; positive z means the word is
    characteristic of corpus a. The prior shrinks rare words toward zero, which is what keeps
    one-off words off the top of the list.
    """
    ya = np.asarray(counts_a, dtype=float)
    yb = np.asarray(counts_b, dtype=float)
    a = np.asarray(prior, dtype=float)
    if not (ya.shape == yb.shape == a.shape):
        raise ValueError("counts_a, counts_b and prior must have the same shape")
    if np.any(a <= 0):
        raise ValueError("prior pseudo-counts must be positive")
    a0, na, nb = a.sum(), ya.sum(), yb.sum()
    delta = np.log((ya + a) / (na + a0 - ya - a)) - np.log((yb + a) / (nb + a0 - yb - a))
    var = 1.0 / (ya + a) + 1.0 / (yb + a)
    return delta, var, delta / np.sqrt(var)


def informative_prior(background: np.ndarray, strength: float) -> np.ndarray:
    """α_w = strength × the word's share of the background corpus (never zero)."""
    bg = np.asarray(background, dtype=float) + 0.01
    return strength * bg / bg.sum()
