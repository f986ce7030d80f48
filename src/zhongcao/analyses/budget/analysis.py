"""Budget plan: response curves, marginal ROI, the best split of next period's budget, scenarios.

Builds on the marketing-mix model, a parameter (``mmm``): the pipeline hands over the ``mmm``
analysis it fitted, so the model is fitted once per run; reads marts only, through it. The optimiser itself (``optimizer.py``) works with any
model that returns outcome draws for a spend vector.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.base import Analysis, Interval, MartSource, fitted
from zhongcao.analyses.budget.optimizer import CurveResponse, optimise, scenario
from zhongcao.analyses.mmm import BayesianMMM, MmmAnalysis

DEFAULT_SCENARIOS: tuple[tuple[str, dict[str, float]], ...] = (
    ("+20% kol", {"kol": 1.2}),
    ("feeds ÷ 2", {"feeds": 0.5}),
)


def response_curves(model: BayesianMMM, draws: int = 200, max_multiplier: float = 3.0, points: int = 31,
                    fine: int = 41, seed: int = 0) -> CurveResponse:
    """Incremental KPI over the fitted window if each channel's spend pattern were scaled (0…max×).

    ``points`` span 0…max×; ``fine`` more lie between 0.5× and 1.5×, where plans usually move.
    The optimiser interpolates linearly between grid points, so all channels but one end on a
    grid point: with 31 points alone budgets moved in steps of 10% of a channel's spend.
    """
    theta, beta = model.flat_draws()
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(theta), size=min(draws, len(theta)), replace=False)
    theta, beta = theta[pick], beta[pick]
    # Rounded before np.unique: 0.6 from one linspace and 0.6000000000000001 from the other are one point.
    mult = np.unique(np.round(np.concatenate([np.linspace(0.0, max_multiplier, points),
                                              np.linspace(0.5, 1.5, fine)]), 9))
    current = model.spend_.sum((0, 1))
    curves = np.empty((len(pick), len(model.channels_), len(mult)))
    for k in range(len(model.channels_)):
        pattern = model.spend_[..., k]
        for j, m in enumerate(mult):
            curves[:, k, j] = model.channel_response(k, pattern * m, theta, beta).sum((1, 2))
    return CurveResponse(list(model.channels_), current, current[:, None] * mult[None, :], curves)


class BudgetAnalysis(Analysis):
    """Where next period's budget should go, how much that gains, and how sure we are.

    Parameters
    ----------
    budget_change:
        Total budget relative to today's (1.0 = same total, the fixed-budget plan).
    lower, upper:
        Per-channel bounds as multipliers of today's spend (0.7–1.3 = move at most 30%).
    scenarios:
        Named what-ifs, ``{name: {channel: multiplier}}``; channels not in the data are skipped.
    mmm:
        The marketing-mix model the plan is built on; None: a default ``MmmAnalysis``. A fitted
        one is used as it is (the pipeline hands over the run's ``mmm`` analysis).
    """

    name: ClassVar[str] = "budget"
    marts: ClassVar[tuple[str, ...]] = MmmAnalysis.marts  # through the MMM it builds on
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "budget_change": [Interval(float, 0.1, 10.0)],
        "lower": [Interval(float, 0.0, 1.0)],
        "upper": [Interval(float, 1.0, 100.0)],
        "scenarios": [dict, None],
        "mmm": [MmmAnalysis, None],
    }

    def __init__(self, budget_change: float = 1.0, lower: float = 0.7, upper: float = 1.3,
                 scenarios: Mapping[str, Mapping[str, float]] | None = None,
                 mmm: MmmAnalysis | None = None) -> None:
        self.budget_change = budget_change
        self.lower = lower
        self.upper = upper
        self.scenarios = scenarios
        self.mmm = mmm

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        mmm = fitted(self.mmm if self.mmm is not None else MmmAnalysis(), source)
        model = mmm.fitted_model()
        resp = response_curves(model)
        self.kpi_ = mmm.kpi
        # The plan rests on the model: its review (calibrated, possibly confounded channels) travels with it.
        self.review_ = {k: mmm.review_[k] for k in ("verdict", "calibrated", "confounded", "hardly_moved")}
        self.review_["checks"] = [{"name": c["name"], "verdict": c["verdict"]} for c in mmm.review_["checks"]]
        plan = optimise(resp, budget=float(resp.current.sum()) * self.budget_change, lower=self.lower, upper=self.upper)
        per_period = 1.0 / max(len(model.dates_), 1)
        self.plan_ = pd.DataFrame({
            "channel": plan.channels, "current": plan.current, "optimal": plan.optimal,
            "change": plan.optimal - plan.current, "change_pct": plan.optimal / plan.current - 1,
            "current_per_period": plan.current * per_period, "optimal_per_period": plan.optimal * per_period,
            "mroi_current": plan.mroi_current, "mroi_optimal": plan.mroi_optimal,
        }).sort_values("change").reset_index(drop=True)
        self.gain_ = {"mean": plan.gain_mean, "low": plan.gain_low, "high": plan.gain_high,
                      "probability": plan.p_gain, "budget": float(plan.optimal.sum()),
                      "current_budget": float(plan.current.sum()),
                      "window_first": str(model.dates_.min().date()), "window_last": str(model.dates_.max().date())}
        wanted = dict(self.scenarios) if self.scenarios is not None else dict(DEFAULT_SCENARIOS)
        rows = []
        for name, mult in wanted.items():
            usable = {c: float(m) for c, m in mult.items() if c in resp.channels}
            if not usable:
                continue
            s = scenario(resp, usable, name)
            rows.append({"scenario": s.name, "extra_spend": s.extra_spend, "change": s.change_mean,
                         "change_low": s.change_low, "change_high": s.change_high,
                         "return_per_extra_cny": s.change_mean / s.extra_spend if s.extra_spend else np.nan})
        self.scenarios_ = pd.DataFrame(rows, columns=["scenario", "extra_spend", "change", "change_low",
                                                      "change_high", "return_per_extra_cny"])
        mult = resp.grid / np.where(resp.current[:, None] > 0, resp.current[:, None], 1.0)
        curve_rows = []
        for k, ch in enumerate(resp.channels):
            mean = resp.curves[:, k, :].mean(0)
            low, high = np.quantile(resp.curves[:, k, :], [0.05, 0.95], axis=0)
            for j in range(resp.grid.shape[1]):
                curve_rows.append({"channel": ch, "spend_multiplier": float(mult[k, j]), "spend": float(resp.grid[k, j]),
                                   "response": float(mean[j]), "response_low": float(low[j]),
                                   "response_high": float(high[j])})
        self.curves_ = pd.DataFrame(curve_rows)
        return self
