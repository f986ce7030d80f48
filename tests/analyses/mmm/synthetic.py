"""A small weekly national MMM world in arrays, with its true ROIs (fast model-level tests).

Two channels with flighted spend, geometric adstock and Hill saturation on a trend + yearly
baseline. ``confounded``: channel a's spend follows an unobserved demand driver (a persistent
weekly process that also lifts sales), the situation of most brand budgets.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from zhongcao.analyses.mmm.transforms import convolve, geometric_weights


class World(NamedTuple):
    y: np.ndarray  # (T,)
    spend: np.ndarray  # (T, 2)
    dates: pd.DatetimeIndex
    roi: dict[str, float]  # incremental KPI over the window ÷ spend, per channel
    driver: np.ndarray  # the unobserved demand driver (zero when not confounded)


CHANNELS = ["a", "b"]


def world(weeks: int = 156, seed: int = 0, confounded: float = 0.0, kpi_unit: float = 1.0) -> World:
    """``confounded``: how strongly channel a's spend follows the driver (0 = independent flights);
    ``kpi_unit``: the KPI in units this many times smaller (ROIs this many times larger)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2022-01-03", periods=weeks, freq="W-MON")
    z = np.zeros(weeks)
    for t in range(1, weeks):  # persistent demand swings the baseline columns cannot describe
        z[t] = 0.85 * z[t - 1] + rng.normal(0, 0.5)
    z = z / z.std()
    flights = (rng.random((weeks, 2)) < 0.6) * rng.lognormal(0, 0.4, (weeks, 2))
    spend = flights * np.array([100.0, 60.0])
    if confounded:
        # planners see demand a week late: next week's budget follows this week's demand
        spend[:, 0] = 100.0 * np.exp(confounded * np.r_[0.0, z[:-1]]) * rng.lognormal(0, 0.15, weeks)
    t = np.arange(weeks) / weeks
    base = 1000 * (1 + 0.3 * t + 0.1 * np.sin(2 * np.pi * dates.dayofyear.to_numpy() / 365.25)) + (120 * z if confounded else 0)
    effects = []
    for k, (alpha, half, beta) in enumerate(((0.5, 1.0, 300.0), (0.2, 0.8, 150.0))):
        x = spend[:, k] / spend[:, k].mean()
        ad = convolve(x, geometric_weights(np.array([alpha]), 8))[0]
        effects.append(beta * ad / (ad + half))
    effects_arr = np.stack(effects, 1)
    y = (base + effects_arr.sum(1) + rng.normal(0, 25, weeks)) * kpi_unit
    roi = {ch: float(kpi_unit * effects_arr[:, k].sum() / spend[:, k].sum()) for k, ch in enumerate(CHANNELS)}
    return World(y, spend, dates, roi, z if confounded else np.zeros(weeks))
