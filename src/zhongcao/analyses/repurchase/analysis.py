"""Repurchase and customer value: repeat rate by first-order cohort and platform, BG/NBD + Gamma-Gamma.

Reads the ``customer_history`` mart: buyers grouped by identical histories (platform, first-order
month, repeat purchase days, recency, age, average repeat order value) with a count. The models'
likelihoods depend on nothing else, so the grouped fit equals the per-customer fit. Published
cohort rates respect the minimum group size (smaller cohorts are suppressed and counted).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE, Analysis, Interval, MartSource
from zhongcao.analyses.metrics import repurchase_rate
from zhongcao.analyses.repurchase.clv import (
    BetaGeoParams,
    GammaGammaParams,
    fit_bgnbd,
    fit_gamma_gamma,
    repeat_gmv_draws,
)
from zhongcao.analyses.stats import wilson
from zhongcao.errors import InsufficientDataError


class RepurchaseAnalysis(Analysis):
    """Repeat purchase by cohort and platform, and the expected value of a new customer.

    Parameters
    ----------
    horizon_weeks:
        How far ahead repeat purchases of a new customer are counted (52 = one year).
    min_group_size:
        Cohorts with fewer buyers are suppressed.
    platform:
        Which buyers the BG/NBD + Gamma-Gamma model describes ('all' = across platforms).
    """

    name: ClassVar[str] = "repurchase"
    marts: ClassVar[tuple[str, ...]] = ("customer_history", "buyer_frequency")  # the rate: metrics.repurchase_rate
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "horizon_weeks": [Interval(int, 1, 520)],
        "min_group_size": [Interval(int, 1, None)],
        "platform": [str],
    }

    def __init__(self, horizon_weeks: int = 52, min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                 platform: str = "all") -> None:
        self.horizon_weeks = horizon_weeks
        self.min_group_size = min_group_size
        self.platform = platform

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        hist = source.mart("customer_history").to_pandas()
        if hist.empty:
            raise InsufficientDataError("no orders in the workspace: repurchase needs order history")
        self.cohorts_ = _cohorts(hist, self.min_group_size)
        # The rate is the registry's (buyers with ≥ 2 orders, metrics.repurchase_rate), the number the KPI
        # card shows too; the models below count purchase days, which is not the same quantity.
        self.by_platform_ = _by_platform(hist, repurchase_rate(source.mart("buyer_frequency").to_pandas()))
        h = hist[hist["platform"] == self.platform]
        if h.empty:
            raise InsufficientDataError(f"no buyers on platform {self.platform!r}")
        bg = fit_bgnbd(h["frequency"], h["recency_weeks"], h["age_weeks"], weights=h["customers"])
        rep = h[h["frequency"] > 0]
        gg = fit_gamma_gamma(rep["frequency"], rep["repeat_value"], weights=rep["customers"])
        self.bgnbd_ = {"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b}
        self.gamma_gamma_ = {"p": gg.p, "q": gg.q, "v": gg.v}
        self.value_ = _new_customer_value(bg, gg, self.horizon_weeks, h)
        self.next_year_ = _next_period(bg, gg, h, self.horizon_weeks)
        return self

    def repeat_value_per_new_customer(self) -> tuple[float, float, float]:
        """Expected repeat GMV per newly acquired customer over the horizon: (mean, low, high)."""
        self.check_is_fitted()
        v = self.value_
        return v["repeat_gmv"], v["repeat_gmv_low"], v["repeat_gmv_high"]


def _cohorts(hist: pd.DataFrame, min_group: int) -> pd.DataFrame:
    g = hist.assign(repeat=np.where(hist["frequency"] > 0, hist["customers"], 0))
    c = g.groupby(["platform", "month"], as_index=False).agg(buyers=("customers", "sum"),
                                                             repeat_buyers=("repeat", "sum"),
                                                             age_weeks=("age_weeks", "max"))
    rows = []
    for r in c.itertuples():
        small = r.buyers < min_group
        lo, hi = wilson(r.repeat_buyers, r.buyers)
        rows.append({"platform": r.platform, "month": pd.Timestamp(r.month).strftime("%Y-%m"),
                     "buyers": math.nan if small else float(r.buyers),
                     "repeat_buyers": math.nan if small else float(r.repeat_buyers),
                     "rate": math.nan if small else r.repeat_buyers / r.buyers,
                     "rate_low": math.nan if small else lo, "rate_high": math.nan if small else hi,
                     "weeks_observed": float(r.age_weeks), "suppressed": bool(small)})
    return pd.DataFrame(rows)


def _by_platform(hist: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Per platform: the registry's repurchase rate, plus purchase days per buyer from the histories."""
    days = {plat: float((g["customers"] * (g["frequency"] + 1)).sum() / g["customers"].sum())
            for plat, g in hist.groupby("platform")}
    out = rates[rates["platform"].isin(days)].copy()
    out["purchase_days_per_buyer"] = out["platform"].map(days)
    return out.sort_values("buyers", ascending=False).reset_index(drop=True)


def _new_customer_value(bg: BetaGeoParams, gg: GammaGammaParams, weeks: int, h: pd.DataFrame) -> dict[str, float]:
    """Repeat purchases and GMV a just-acquired customer is expected to bring within the horizon.

    The 90% interval propagates the parameters' sampling error (their asymptotic normal from the
    observed information, ``clv.repeat_gmv_draws``): a few dozen likelihood evaluations, not refits.
    """
    purchases = float(bg.expected_purchases(weeks))
    value = gg.mean_spend if math.isfinite(gg.mean_spend) else float(
        np.average(h.loc[h["frequency"] > 0, "repeat_value"], weights=h.loc[h["frequency"] > 0, "customers"]))
    draws = repeat_gmv_draws(bg, gg, weeks, h["frequency"], h["recency_weeks"], h["age_weeks"], h["customers"],
                             h["repeat_value"])
    lo, hi = np.quantile(draws, [0.05, 0.95]) if len(draws) >= 100 else (math.nan, math.nan)
    return {"horizon_weeks": float(weeks), "repeat_purchases": purchases, "repeat_order_value": value,
            "repeat_gmv": purchases * value, "repeat_gmv_low": float(lo), "repeat_gmv_high": float(hi)}


def _next_period(bg: BetaGeoParams, gg: GammaGammaParams, h: pd.DataFrame, weeks: int) -> dict[str, float]:
    """Expected repeat purchases and GMV of today's buyers over the next horizon."""
    exp = bg.conditional_expected_purchases(weeks, h["frequency"], h["recency_weeks"], h["age_weeks"])
    alive = bg.probability_alive(h["frequency"], h["recency_weeks"], h["age_weeks"])
    value = np.where(h["frequency"] > 0, gg.conditional_expected_value(h["frequency"], np.maximum(h["repeat_value"], 1e-9)),
                     gg.mean_spend)
    w = h["customers"].to_numpy(float)
    return {"buyers": float(w.sum()), "expected_purchases": float((w * exp).sum()),
            "expected_gmv": float((w * exp * value).sum()), "share_alive": float((w * alive).sum() / w.sum())}
