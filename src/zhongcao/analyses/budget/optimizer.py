"""Budget optimisation over any response model: ``response(spend) -> outcome draws``.

The optimiser knows nothing of the MMM: it needs channels, the current spend per channel and a
function giving posterior draws of the outcome for a spend vector. ``CurveResponse`` is the usual
implementation: per-channel response curves on a spend grid, one curve per posterior draw,
interpolated (channels add up, as in the MMM).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import optimize

from zhongcao.errors import AnalysisError


class ResponseModel(Protocol):
    channels: Sequence[str]
    current: np.ndarray  # spend per channel over the planning window

    def response(self, spend: np.ndarray) -> np.ndarray:
        """Posterior draws of the outcome (e.g. incremental GMV) for a spend vector: shape (draws,)."""
        ...


@dataclass
class CurveResponse:
    """Response curves: ``grid`` (C, K) spend levels, ``curves`` (draws, C, K) outcomes at them."""

    channels: Sequence[str]
    current: np.ndarray
    grid: np.ndarray
    curves: np.ndarray

    def channel_response(self, k: int, spend: float) -> np.ndarray:
        g = self.grid[k]
        if spend <= g[-1]:
            i = int(np.clip(np.searchsorted(g, spend) - 1, 0, len(g) - 2))
            w = (spend - g[i]) / (g[i + 1] - g[i])
            return self.curves[:, k, i] * (1 - w) + self.curves[:, k, i + 1] * w
        slope = (self.curves[:, k, -1] - self.curves[:, k, -2]) / (g[-1] - g[-2])
        return self.curves[:, k, -1] + slope * (spend - g[-1])  # beyond the grid: last marginal return

    def response(self, spend: np.ndarray) -> np.ndarray:
        return sum(self.channel_response(k, float(s)) for k, s in enumerate(spend))  # type: ignore[return-value]


def marginal(model: ResponseModel, spend: np.ndarray, step: float = 0.01) -> np.ndarray:
    """Mean extra outcome per extra unit of spend, per channel (marginal ROI), by finite differences."""
    base = float(model.response(spend).mean())
    out = np.empty(len(spend))
    for k in range(len(spend)):
        h = max(step * float(model.current[k]), 1e-6)
        more = spend.copy()
        more[k] += h
        out[k] = (float(model.response(more).mean()) - base) / h
    return out


@dataclass(frozen=True)
class Plan:
    channels: list[str]
    current: np.ndarray
    optimal: np.ndarray
    gain_mean: float
    gain_low: float
    gain_high: float
    p_gain: float  # posterior probability that the plan beats the current split
    mroi_current: np.ndarray
    mroi_optimal: np.ndarray


def optimise(model: ResponseModel, budget: float | None = None, lower: np.ndarray | float = 0.7,
             upper: np.ndarray | float = 1.3, min_mroi: float | None = None, level: float = 0.9) -> Plan:
    """Best split of the budget within per-channel bounds (multipliers of current spend).

    Fixed budget (default: today's total): maximise the expected outcome with Σ spend = budget.
    Flexible (``min_mroi`` given): maximise outcome − min_mroi × spend with Σ spend ≤ budget, i.e.
    spend while a further unit returns at least ``min_mroi``.
    """
    cur = np.asarray(model.current, float)
    if np.any(cur < 0) or cur.sum() <= 0:
        raise AnalysisError("the budget plan needs current spend above zero")
    total = float(cur.sum() if budget is None else budget)
    lo = cur * np.broadcast_to(lower, cur.shape)
    hi = cur * np.broadcast_to(upper, cur.shape)
    if lo.sum() > total + 1e-6 or (min_mroi is None and hi.sum() < total - 1e-6):
        raise AnalysisError(f"the budget {total:,.0f} cannot be split within the bounds "
                            f"({lo.sum():,.0f} to {hi.sum():,.0f})")
    scale = total / len(cur)

    def objective(z: np.ndarray) -> float:
        s = z * scale
        value = float(model.response(s).mean())
        if min_mroi is not None:
            value -= min_mroi * float(s.sum())
        return -value / scale

    if min_mroi is None:
        cons = [{"type": "eq", "fun": lambda z: (z.sum() * scale - total) / scale}]
        x0 = np.clip(cur * total / cur.sum(), lo, hi) / scale
    else:
        cons = [{"type": "ineq", "fun": lambda z: (total - z.sum() * scale) / scale}]
        x0 = np.clip(cur, lo, hi) / scale
    res = optimize.minimize(objective, x0, method="SLSQP", bounds=list(zip(lo / scale, hi / scale, strict=True)),
                            constraints=cons, options={"maxiter": 300, "ftol": 1e-10})
    best = np.clip(res.x * scale, lo, hi)
    gain = model.response(best) - model.response(cur)
    if min_mroi is not None:
        gain = gain - min_mroi * (best.sum() - cur.sum())
    q = (1 - level) / 2
    return Plan(list(model.channels), cur, best, float(gain.mean()), float(np.quantile(gain, q)),
                float(np.quantile(gain, 1 - q)), float(np.mean(gain > 0)), marginal(model, cur), marginal(model, best))


@dataclass(frozen=True)
class Scenario:
    name: str
    spend: np.ndarray
    change_mean: float
    change_low: float
    change_high: float
    extra_spend: float


def scenario(model: ResponseModel, multipliers: Mapping[str, float], name: str = "", level: float = 0.9) -> Scenario:
    """What happens to the outcome when some channels' spend is multiplied (e.g. {"kol": 1.2})."""
    unknown = set(multipliers) - set(model.channels)
    if unknown:
        raise AnalysisError(f"unknown channel(s) {sorted(unknown)}; channels are {list(model.channels)}")
    cur = np.asarray(model.current, float)
    new = np.array([cur[k] * multipliers.get(ch, 1.0) for k, ch in enumerate(model.channels)])
    change = model.response(new) - model.response(cur)
    q = (1 - level) / 2
    return Scenario(name or ", ".join(f"{c}×{m:g}" for c, m in multipliers.items()), new, float(change.mean()),
                    float(np.quantile(change, q)), float(np.quantile(change, 1 - q)), float(new.sum() - cur.sum()))
