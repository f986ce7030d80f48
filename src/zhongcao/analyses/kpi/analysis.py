"""KPIs: what was spent, reached, engaged, led and sold, by channel and platform.

Reads only marts (aggregates with a stated grain), so it runs unchanged on marts computed
inside a clean room. Every formula and window is written down in docs/metrics.md.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.base import DEFAULT_MIN_GROUP_SIZE, Analysis, Interval, MartSource
from zhongcao.analyses.metrics import repurchase_rate
from zhongcao.analyses.privacy import coarsen_periods, suppress, too_small
from zhongcao.analyses.stats import nps_interval, ratio_bootstrap, safe_div
from zhongcao.errors import InsufficientDataError

FUNNEL_STAGES = ("aware", "interested", "deeply_interested", "purchased", "shared")


class KpiAnalysis(Analysis):
    """Overview KPIs.

    Parameters
    ----------
    min_group_size:
        Segments with fewer survey respondents than this are suppressed (reported as such); the
        published series (``series_``) is summed to the smallest period whose every row holds at
        least this many orders, leads, reads and engagements (or none).
    recent_days:
        Window for the "recent vs previous" trend comparison.
    bootstrap_draws:
        Resamples of days for the ROI interval.
    """

    name: ClassVar[str] = "kpi"
    marts: ClassVar[tuple[str, ...]] = (
        "channel_daily", "platform_daily", "channel_last_touch", "buyer_frequency", "aips_funnel",
        "nps_monthly", "nps_segment", "region_daily",
    )
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "min_group_size": [Interval(int, 1, None)],
        "recent_days": [Interval(int, 7, 365)],
        "bootstrap_draws": [Interval(int, 100, 100_000)],
    }

    def __init__(self, min_group_size: int = DEFAULT_MIN_GROUP_SIZE, recent_days: int = 28,
                 bootstrap_draws: int = 2000) -> None:
        self.min_group_size = min_group_size
        self.recent_days = recent_days
        self.bootstrap_draws = bootstrap_draws

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        channel = source.mart("channel_daily").to_pandas()
        platform = source.mart("platform_daily").to_pandas()
        if channel.empty and platform.empty:
            raise InsufficientDataError("no spend, touches, leads or orders in the workspace: nothing to measure")
        last_touch = source.mart("channel_last_touch").to_pandas()
        # Days stay private (ROI bootstrap, trend); what is published is the coarsened series.
        self._daily = _daily(channel, platform)
        self.series_, self.period_ = coarsen_periods(
            self._daily, day="day", sums=("spend", "reads", "engagements", "leads", "orders", "gmv"),
            people=("orders", "leads", "reads", "engagements"), min_group_size=self.min_group_size)
        # Leads are people: a channel's leads (and its CPL) under the minimum are hidden, with enough
        # others that the total minus the shown channels does not reveal them.
        self.by_channel_ = suppress(_by_channel(channel, last_touch), size="leads", blank=("leads", "won", "cpl"),
                                    min_group_size=self.min_group_size, complement=True)
        self.by_platform_ = _by_platform(platform, float(channel["spend"].sum()))
        repurchase = repurchase_rate(source.mart("buyer_frequency").to_pandas())  # one definition (metrics.py)
        per_platform = suppress(repurchase[repurchase["platform"] != "all"], size="repeat_buyers",
                                blank=("repeat_buyers", "rate", "rate_low", "rate_high"),
                                min_group_size=self.min_group_size, complement=True)
        overall = repurchase[repurchase["platform"] == "all"].assign(suppressed=False)
        self.repurchase_ = pd.concat([per_platform, overall], ignore_index=True)
        for column in ("repeat_buyers", "rate", "rate_low", "rate_high"):
            self.repurchase_[column] = pd.to_numeric(self.repurchase_[column], errors="coerce")
        self.funnel_ = _funnel(source.mart("aips_funnel").to_pandas())
        self.nps_, self.nps_by_segment_ = _nps(
            source.mart("nps_monthly").to_pandas(), source.mart("nps_segment").to_pandas(), self.min_group_size
        )
        self.by_region_ = _by_region(source.mart("region_daily").to_pandas(), self.min_group_size)
        self.totals_ = self._totals(channel, platform)
        self.trend_ = _trend(self._daily, self.recent_days, self.min_group_size)
        return self

    def _totals(self, channel: pd.DataFrame, platform: pd.DataFrame) -> dict[str, float]:
        spend = float(channel["spend"].sum())
        gmv = float(platform["gmv"].sum())
        daily = self._daily
        roi_lo, roi_hi = ratio_bootstrap(
            daily["gmv"].to_numpy(float), daily["spend"].to_numpy(float), draws=self.bootstrap_draws
        )
        rep = self.repurchase_
        overall = rep[rep["platform"] == "all"]
        totals = {
            "spend": spend,
            "impressions": float(channel["impressions"].sum()),
            "views": float(channel["views"].sum()),
            "reads": float(channel["reads"].sum()),
            "engagements": float(channel["engagements"].sum()),
            "leads": _shown(float(channel["leads"].sum()), self.min_group_size),
            "won": _shown(float(channel["won"].sum()), self.min_group_size),
            "orders": float(platform["orders"].sum()),
            "gmv": gmv,
            "cpm": safe_div(spend, float(channel["impressions"].sum())) * 1000,
            "cpe": safe_div(spend, float(channel["engagements"].sum())),
            "cpl": safe_div(spend, _shown(float(channel["leads"].sum()), self.min_group_size)),
            "roi": safe_div(gmv, spend),
            "roi_low": roi_lo,
            "roi_high": roi_hi,
            "aov": safe_div(gmv, float(platform["orders"].sum())),
            "repurchase_rate": float(overall["rate"].iloc[0]) if len(overall) else math.nan,
            "nps": self.nps_["nps"],
            "days": float(len(daily)),
        }
        return totals


def _shown(people: float, min_group: int) -> float:
    """A whole-workspace count of people, or NaN when even the total is under the minimum group."""
    return math.nan if too_small(people, min_group) else people


def _daily(channel: pd.DataFrame, platform: pd.DataFrame) -> pd.DataFrame:
    c = channel.groupby("day", as_index=False)[["spend", "reads", "engagements", "leads"]].sum()
    p = platform.groupby("day", as_index=False)[["orders", "gmv"]].sum()
    daily = c.merge(p, on="day", how="outer").fillna(0).sort_values("day").reset_index(drop=True)
    daily["day"] = pd.to_datetime(daily["day"])
    return daily


def _by_channel(channel: pd.DataFrame, last_touch: pd.DataFrame) -> pd.DataFrame:
    cols = ["spend", "impressions", "clicks", "views", "reads", "engagements", "leads", "won"]
    g = channel.groupby("channel", as_index=False)[cols].sum()
    lt = last_touch.groupby("channel", as_index=False)[["orders", "gmv"]].sum()
    lt = lt.rename(columns={"orders": "last_touch_orders", "gmv": "last_touch_gmv"})
    g = g.merge(lt, on="channel", how="outer").fillna(0)
    g["cpm"] = np.where(g["impressions"] > 0, g["spend"] / g["impressions"].where(g["impressions"] > 0) * 1000, np.nan)
    g["cpe"] = g["spend"] / g["engagements"].where(g["engagements"] > 0)
    g["cpl"] = g["spend"] / g["leads"].where(g["leads"] > 0)
    g["roi_last_touch"] = g["last_touch_gmv"] / g["spend"].where(g["spend"] > 0)
    return g.sort_values("spend", ascending=False).reset_index(drop=True)


def _by_platform(platform: pd.DataFrame, total_spend: float) -> pd.DataFrame:
    g = platform.groupby("platform", as_index=False)[["orders", "gmv", "units"]].sum()
    total = float(g["gmv"].sum())
    g["gmv_share"] = g["gmv"] / total if total else np.nan
    g["aov"] = g["gmv"] / g["orders"].where(g["orders"] > 0)
    g["roi"] = g["gmv"] / total_spend if total_spend else np.nan
    g["closed_loop"] = g["platform"].eq("red")
    return g.sort_values("gmv", ascending=False).reset_index(drop=True)


def _by_region(region: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """Orders and GMV per delivery/panel province; provinces with fewer orders than the minimum
    group are suppressed (an order count bounds the buyers behind it from above)."""
    cols = ["region", "orders", "gmv", "gmv_share", "aov", "suppressed"]
    r = region[region["orders"] > 0].groupby("region", as_index=False)[["orders", "gmv"]].sum()
    if r.empty:
        return pd.DataFrame(columns=cols)
    total = float(r["gmv"].sum())
    r["gmv_share"] = r["gmv"] / total if total else np.nan
    r["aov"] = r["gmv"] / r["orders"]
    r["suppressed"] = r["orders"] < min_group
    r.loc[r["suppressed"], ["orders", "gmv", "gmv_share", "aov"]] = np.nan
    return r.sort_values("gmv", ascending=False, na_position="last").reset_index(drop=True)[cols]


def _funnel(aips: pd.DataFrame) -> pd.DataFrame:
    f = aips.sort_values("step").reset_index(drop=True)[["step", "stage", "users"]].copy()
    f["users"] = f["users"].fillna(0).astype(float)
    previous = f["users"].shift(1)
    f["rate_from_previous"] = f["users"] / previous.where(previous > 0)
    top = float(f["users"].iloc[0]) if len(f) else 0.0
    f["rate_from_aware"] = f["users"] / top if top else np.nan
    return f


def _nps(monthly: pd.DataFrame, segments: pd.DataFrame, min_group: int) -> tuple[dict[str, float], pd.DataFrame]:
    n = float(monthly["responses"].sum())
    score, lo, hi = nps_interval(float(monthly["promoters"].sum()), float(monthly["detractors"].sum()), n)
    overall = {"nps": score, "low": lo, "high": hi, "responses": n}
    rows = []
    for _, r in segments.iterrows():
        s, slo, shi = nps_interval(float(r["promoters"]), float(r["detractors"]), float(r["responses"]))
        rows.append({"attribute": r["attribute"], "value": r["value"], "responses": float(r["responses"]),
                     "nps": s, "low": slo, "high": shi})
    table = pd.DataFrame(rows, columns=["attribute", "value", "responses", "nps", "low", "high"])
    table = pd.concat([suppress(part, size="responses", blank=("responses", "nps", "low", "high"),
                                min_group_size=min_group, complement=True)
                       for _, part in table.groupby("attribute", sort=False)] or [table.assign(suppressed=False)],
                      ignore_index=True)
    for column in ("responses", "nps", "low", "high"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    return overall, table.sort_values(["attribute", "value"]).reset_index(drop=True)


def _trend(daily: pd.DataFrame, days: int, min_group: int) -> dict[str, float]:
    """Recent window vs the one before it; order counts treated as Poisson for the interval.

    Not published when either window holds orders from fewer people than the minimum group."""
    if len(daily) < 2 * days:
        return {}
    recent = daily.tail(days)
    before = daily.iloc[-2 * days : -days]
    o1, o0 = float(recent["orders"].sum()), float(before["orders"].sum())
    if too_small(o1, min_group) or too_small(o0, min_group):
        return {}
    g1, g0 = float(recent["gmv"].sum()), float(before["gmv"].sum())
    change = safe_div(o1 - o0, o0)
    # Log rate ratio of two Poisson counts: se = sqrt(1/o1 + 1/o0).
    if o1 > 0 and o0 > 0:
        se = math.sqrt(1 / o1 + 1 / o0)
        lr = math.log(o1 / o0)
        lo, hi = math.exp(lr - 1.645 * se) - 1, math.exp(lr + 1.645 * se) - 1
    else:
        lo = hi = math.nan
    return {"days": float(days), "orders_recent": o1, "orders_before": o0, "gmv_recent": g1, "gmv_before": g0,
            "orders_change": change, "orders_change_low": lo, "orders_change_high": hi,
            "gmv_change": safe_div(g1 - g0, g0)}
