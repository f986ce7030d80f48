"""Small pure statistics shared by analyses (intervals for rates, ratios and NPS)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from zhongcao.engine.sql import PEOPLE_SKETCH_SIZE
from zhongcao.errors import AnalysisError

Z90 = float(stats.norm.ppf(0.95))


def wilson(successes: float, n: float, z: float = Z90) -> tuple[float, float]:
    """Wilson score interval for a proportion (90% by default)."""
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def nps_interval(promoters: float, detractors: float, n: float, z: float = Z90) -> tuple[float, float, float]:
    """NPS (−100…100) with a normal-approximation interval on the difference of two shares."""
    if n <= 0:
        return (math.nan, math.nan, math.nan)
    pp, pd = promoters / n, detractors / n
    score = pp - pd
    var = (pp + pd - score * score) / n
    half = z * math.sqrt(max(var, 0.0))
    return (100 * score, 100 * max(-1.0, score - half), 100 * min(1.0, score + half))


def ratio_bootstrap(
    numerators: np.ndarray, denominators: np.ndarray, *, draws: int = 2000, seed: int = 0, level: float = 0.9
) -> tuple[float, float]:
    """Interval for sum(num)/sum(den) by resampling units (days, users) with replacement."""
    n = len(numerators)
    if n == 0 or float(np.sum(denominators)) <= 0:
        return (math.nan, math.nan)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(draws, n))
    num = numerators[idx].sum(axis=1)
    den = denominators[idx].sum(axis=1)
    ratios = num[den > 0] / den[den > 0]
    alpha = (1 - level) / 2
    return (float(np.quantile(ratios, alpha)), float(np.quantile(ratios, 1 - alpha)))


def safe_div(num: float, den: float) -> float:
    return num / den if den else math.nan


def distinct_people(frame: pd.DataFrame, keys: list[str], sketch: str = "people_sketch") -> pd.Series:
    """Distinct people per group of ``keys``, capped at the sketch size, from the rows' people sketches.

    Each row's sketch holds the ``PEOPLE_SKETCH_SIZE`` smallest tokens of its people, so the
    union of a group's sketches has at least that many tokens when the group has at least that
    many people, and exactly its people when it has fewer (``engine.sql.merge_people_sketches``).
    A group holding a full sketch is decided without merging; only groups of small rows are
    unioned, which keeps this cheap however many rows a large group has.
    """
    if sketch not in frame:  # a mart built before sketches existed: say how to get one
        raise AnalysisError(f"the mart has no {sketch} column (an older version built it); ingest the input "
                            "folder into a new workspace to rebuild the marts")
    k = PEOPLE_SKETCH_SIZE
    size = frame[sketch].map(lambda s: 0 if s is None else len(s))
    groups = size.groupby([frame[c] for c in keys])
    decided = groups.transform("max") >= k  # per row: its group holds a full sketch
    out = (groups.max() >= k).astype(int) * k
    tokens = frame.loc[~decided, [*keys, sketch]].explode(sketch).dropna(subset=[sketch])
    counts = tokens.groupby(keys)[sketch].nunique()
    out.loc[counts.index] = counts.clip(upper=k).astype(int)
    return out


def bh_qvalues(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) in the input order; NaN stays NaN."""
    p = np.asarray(p, dtype=float)
    out = np.full(len(p), np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    if len(ok):
        order = ok[np.argsort(p[ok])]
        ranked = p[order] * len(ok) / np.arange(1, len(ok) + 1)
        out[order] = np.minimum.accumulate(ranked[::-1])[::-1].clip(0, 1)
    return out
