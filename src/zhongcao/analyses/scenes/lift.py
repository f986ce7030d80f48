"""Pure maths for strategy lift: difference-in-differences, synthetic control, interrupted time series.

All functions take plain arrays of equal-length periods (weeks), so they are testable by hand
and reusable outside the workspace.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

Z90 = float(stats.norm.ppf(0.95))


def did(treated: np.ndarray, control: np.ndarray, post: np.ndarray, *, draws: int = 2000, block: int = 4,
        seed: int = 0, level: float = 0.90) -> dict[str, float]:
    """Relative difference-in-differences on totals: (T_post/T_pre) ÷ (C_post/C_pre) − 1.

    The interval comes from a moving-block bootstrap of weeks (blocks of ``block`` weeks drawn
    within the pre and within the post period, treated and control together), which keeps
    overdispersion and short-run autocorrelation. The pre-trend test regresses the weekly
    log(T/C) on time before the change; a slope indistinguishable from 0 (p ≥ 0.05) passes.
    """
    t, c, post = np.asarray(treated, float), np.asarray(control, float), np.asarray(post, bool)
    pre = ~post
    est = _ratio(t, c, pre, post) - 1.0
    rng = np.random.default_rng(seed)
    pre_idx, post_idx = np.flatnonzero(pre), np.flatnonzero(post)
    boot = np.empty(draws)
    for i in range(draws):
        a = _blocks(rng, pre_idx, block)
        b = _blocks(rng, post_idx, block)
        boot[i] = (t[b].sum() / max(t[a].sum(), 1e-12)) / max(c[b].sum() / max(c[a].sum(), 1e-12), 1e-12) - 1.0
    alpha = (1 - level) / 2
    lo, hi = np.quantile(boot, [alpha, 1 - alpha])
    trend = pre_trend(t[pre], c[pre])
    return {"estimate": float(est), "low": float(lo), "high": float(hi),
            "p_value": float(2 * min((boot <= 0).mean(), (boot >= 0).mean())),
            "pre_trend_slope": trend["slope"], "pre_trend_p": trend["p_value"],
            "pre_trend_ok": bool(trend["p_value"] >= 0.05) if not math.isnan(trend["p_value"]) else False,
            "treated_pre": float(t[pre].sum()), "treated_post": float(t[post].sum()),
            "control_pre": float(c[pre].sum()), "control_post": float(c[post].sum()),
            "weeks_pre": int(pre.sum()), "weeks_post": int(post.sum())}


def _ratio(t: np.ndarray, c: np.ndarray, pre: np.ndarray, post: np.ndarray) -> float:
    return float((t[post].sum() / t[pre].sum()) / (c[post].sum() / c[pre].sum()))


def _blocks(rng: np.random.Generator, idx: np.ndarray, block: int) -> np.ndarray:
    n = len(idx)
    b = max(1, min(block, n))
    starts = rng.integers(0, n - b + 1, size=math.ceil(n / b))
    return np.concatenate([idx[s:s + b] for s in starts])[:n]


def pre_trend(treated_pre: np.ndarray, control_pre: np.ndarray) -> dict[str, float]:
    """OLS slope of log((T+0.5)/(C+0.5)) on period index, with its two-sided p-value."""
    y = np.log((np.asarray(treated_pre, float) + 0.5) / (np.asarray(control_pre, float) + 0.5))
    if len(y) < 4:
        return {"slope": math.nan, "p_value": math.nan}
    res = stats.linregress(np.arange(len(y), dtype=float), y)
    return {"slope": float(res.slope), "p_value": float(res.pvalue)}


def synthetic_control(treated: np.ndarray, donors: np.ndarray, post: np.ndarray) -> dict[str, object]:
    """Synthetic control: non-negative donor weights summing to 1 that track the treated series before.

    Each series is scaled by its pre-period mean so large and small donors compete fairly.
    Returns the relative lift (post actual ÷ post synthetic − 1), the weights, the pre-period
    fit (RMSPE of the scaled series) and placebo lifts (each donor in turn treated by the others),
    whose spread says how large a lift arises by chance.
    """
    t = np.asarray(treated, float)
    d = np.asarray(donors, float)
    post = np.asarray(post, bool)
    lift, weights, rmspe = _synth(t, d, post)
    placebos = []
    for j in range(d.shape[1]):
        others = np.delete(d, j, axis=1)
        if others.shape[1] >= 1:
            placebos.append(_synth(d[:, j], others, post)[0])
    pl = np.asarray(placebos, float)
    p = float((np.sum(np.abs(pl) >= abs(lift)) + 1) / (len(pl) + 1)) if len(pl) else math.nan
    return {"estimate": float(lift), "weights": weights.tolist(), "pre_rmspe": float(rmspe),
            "placebo_lifts": pl.tolist(), "placebo_p": p}


def _synth(t: np.ndarray, d: np.ndarray, post: np.ndarray) -> tuple[float, np.ndarray, float]:
    pre = ~post
    tm = max(t[pre].mean(), 1e-12)
    dm = np.maximum(d[pre].mean(axis=0), 1e-12)
    ts, ds = t / tm, d / dm
    k = d.shape[1]

    def loss(w: np.ndarray) -> float:
        r = ts[pre] - ds[pre] @ w
        return float(r @ r)

    res = optimize.minimize(loss, np.full(k, 1 / k), method="SLSQP", bounds=[(0, 1)] * k,
                            constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}])
    w = np.clip(res.x, 0, None)
    w = w / w.sum() if w.sum() > 0 else np.full(k, 1 / k)
    synth = ds @ w * tm
    lift = t[post].sum() / max(synth[post].sum(), 1e-12) - 1.0
    rmspe = math.sqrt(float(np.mean((ts[pre] - ds[pre] @ w) ** 2)))
    return float(lift), w, rmspe


def interrupted_time_series(events: np.ndarray, exposure: np.ndarray, post: np.ndarray,
                            level: float = 0.90) -> dict[str, float]:
    """Segmented Poisson regression of events per unit of exposure (leads per yuan) with a break.

    log E[events_t] = log exposure_t + a + b·t + c·post_t + d·post_t·(t − t0), fitted by IRLS,
    with the variance scaled by the Pearson overdispersion. ``level_change`` = exp(c) − 1 is the
    jump in events per yuan at the break. The before/after cost per event ratio
    (exposure_post/events_post) ÷ (exposure_pre/events_pre) gets a log-scale interval from the
    event counts with the same overdispersion.
    """
    y = np.asarray(events, float)
    e = np.asarray(exposure, float)
    post = np.asarray(post, bool)
    keep = e > 0
    y, e, post = y[keep], e[keep], post[keep]
    n = len(y)
    t = np.arange(n, dtype=float)
    t0 = float(np.argmax(post)) if post.any() else float(n)
    x = np.column_stack([np.ones(n), (t - t0) / max(n, 1), post.astype(float), post * (t - t0) / max(n, 1)])
    off = np.log(e)
    beta = np.zeros(4)
    beta[0] = math.log(max(y.sum(), 0.5) / e.sum())
    cov = np.eye(4)
    for _ in range(100):
        mu = np.exp(off + x @ beta)
        hess = x.T @ (x * mu[:, None])
        cov = np.linalg.pinv(hess)
        step = cov @ (x.T @ (y - mu))
        beta = beta + step
        if np.abs(step).max() < 1e-10:
            break
    mu = np.exp(off + x @ beta)
    phi = max(1.0, float(np.sum((y - mu) ** 2 / mu) / max(n - 4, 1)))
    z = float(stats.norm.ppf(0.5 + level / 2))
    se_c = math.sqrt(cov[2, 2] * phi)
    pre = ~post
    cpe_pre = e[pre].sum() / max(y[pre].sum(), 1e-12)
    cpe_post = e[post].sum() / max(y[post].sum(), 1e-12)
    ratio = cpe_post / cpe_pre
    se_r = math.sqrt(phi * (1 / max(y[pre].sum(), 0.5) + 1 / max(y[post].sum(), 0.5)))
    return {"level_change": math.exp(beta[2]) - 1, "level_low": math.exp(beta[2] - z * se_c) - 1,
            "level_high": math.exp(beta[2] + z * se_c) - 1, "slope_change": float(beta[3]),
            "cost_before": float(cpe_pre), "cost_after": float(cpe_post), "cost_ratio": float(ratio),
            "cost_ratio_low": float(ratio * math.exp(-z * se_r)), "cost_ratio_high": float(ratio * math.exp(z * se_r)),
            "events_before": float(y[pre].sum()), "events_after": float(y[post].sum()), "overdispersion": phi}


def detect_break(treated: np.ndarray, control: np.ndarray, candidates: np.ndarray) -> tuple[int, float]:
    """The candidate period where the treated/control ratio shifts most: (index, |z|) of the largest
    Poisson z-statistic of the log ratio-of-ratios. A searched date overstates certainty; say so."""
    t, c = np.asarray(treated, float), np.asarray(control, float)
    best, best_z = -1, 0.0
    for k in candidates:
        post = np.arange(len(t)) >= k
        parts = (t[~post].sum(), t[post].sum(), c[~post].sum(), c[post].sum())
        if min(parts) <= 0:
            continue
        lr = math.log(parts[1] / parts[0]) - math.log(parts[3] / parts[2])
        zval = abs(lr) / math.sqrt(sum(1 / p for p in parts))
        if zval > best_z:
            best, best_z = int(k), zval
    return best, best_z
