"""Strategy lift: did changing content in some regions (or brand-wide) from a date move leads, orders and GMV?

Reads marts only: ``region_daily`` (orders, GMV, leads per day × province) and ``channel_daily``
(spend and leads per day × channel). Regional changes are estimated by difference-in-differences
against all other regions, checked with a synthetic control built from the other regions; a
brand-wide change by interrupted time series on leads per yuan of the channels that bring leads.

When the brand does not say where and when it changed content, the analysis searches for the
largest break (regions × month starts). A searched date overstates certainty, so findings from a
detected date are marked low confidence and say so.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.base import Analysis, Interval, MartSource
from zhongcao.analyses.scenes.lift import detect_break, did, interrupted_time_series, synthetic_control
from zhongcao.contract.geo import normalise_province, region_group
from zhongcao.errors import AnalysisError

METRICS = ("orders", "gmv", "leads")
_MIN_WEEKS = 8
EXPERIMENT_MARKERS = ("实验", "测试", "holdout", "test")


class LiftAnalysis(Analysis):
    """DiD + synthetic control for a regional content change; ITS for a brand-wide one.

    Parameters
    ----------
    treated:
        Regions or provinces that changed content (华南, 广东, 粤 …); None: detect.
    start:
        ISO date the regional change started; None: detect.
    brand_start:
        ISO date of a brand-wide change (for the ITS on cost per lead); None: detect.
    exclude_campaigns:
        Campaign names whose spend is left out of the cost per lead, or substrings that mark them;
        by default experiments (实验, 测试, holdout, test): a randomized lift study is not
        business-as-usual spend and is measured by its own holdout.
    min_z:
        Smallest break statistic that counts as a detected change when searching.
    draws:
        Block-bootstrap draws for the DiD interval.
    seed:
        Bootstrap seed.
    """

    name: ClassVar[str] = "lift"
    marts: ClassVar[tuple[str, ...]] = ("region_daily", "channel_daily", "campaign_daily")
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "treated": [list, tuple, None],
        "start": [str, None],
        "brand_start": [str, None],
        "exclude_campaigns": [list, tuple],
        "min_z": [Interval(float, 0.0, None)],
        "draws": [Interval(int, 100, 100_000)],
        "seed": [Interval(int, 0, None)],
    }

    def __init__(self, treated: list[str] | None = None, start: str | None = None, brand_start: str | None = None,
                 exclude_campaigns: tuple[str, ...] = EXPERIMENT_MARKERS, min_z: float = 5.0, draws: int = 2000, seed: int = 0) -> None:
        self.treated = treated
        self.start = start
        self.brand_start = brand_start
        self.exclude_campaigns = exclude_campaigns
        self.min_z = min_z
        self.draws = draws
        self.seed = seed

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        # Parameters win; otherwise the changes the brand declared in brand.toml; otherwise search.
        changes = source.brand.changes
        regional = next((c for c in changes if c.get("regions")), None)
        wide = next((c for c in changes if not c.get("regions")), None)
        treated = self.treated if self.treated is not None else (list(regional["regions"]) if regional else None)
        start = self.start if self.start is not None else (str(regional["date"]) if regional else None)
        brand_start = self.brand_start if self.brand_start is not None else (str(wide["date"]) if wide else None)
        self.inputs_ = {"treated": treated, "start": start, "brand_start": brand_start,
                        "source": "parameters" if self.treated or self.start or self.brand_start
                        else ("brand.toml" if changes else "search")}
        if treated is not None:
            _groups(treated)  # an unknown region name is an error even when the data are too short
        weekly = _weekly_regions(source.mart("region_daily").to_pandas())
        self.regional_ = self._regional(weekly, treated, start)
        self.brand_wide_ = self._brand_wide(source.mart("channel_daily").to_pandas(),
                                            source.mart("campaign_daily").to_pandas(), brand_start)
        if not self.regional_ and not self.brand_wide_:
            self.regional_ = {"status": "none", "detected": treated is None or start is None}
        return self

    def _regional(self, weekly: pd.DataFrame, treated_names: list[str] | None, start: str | None) -> dict[str, Any]:
        if weekly.empty:
            return {}
        weeks = weekly.index.get_level_values("week").unique().sort_values()
        if len(weeks) < 2 * _MIN_WEEKS:
            return {}
        orders = weekly["orders"].unstack("group", fill_value=0.0).reindex(weeks, fill_value=0.0)
        groups = [g for g in orders.columns if g != "unknown"]
        detected = False
        if treated_names is not None:
            treated = _groups(treated_names)
            missing = [g for g in treated if g not in groups]
            if missing or not treated:
                raise AnalysisError(f"lift: treated regions {treated_names!r} not found; regions are {groups}")
        else:
            treated = []
        start_idx = None
        if start is not None:
            start_idx = int(np.searchsorted(weeks, pd.Timestamp(start), side="left"))
        if not treated or start_idx is None:
            detected = True
            candidates = np.arange(_MIN_WEEKS * 2, len(weeks) - _MIN_WEEKS, 4)
            if start_idx is not None:
                candidates = np.array([start_idx])
            best = (None, -1, 0.0)
            for g in (treated[:1] if treated else groups):
                control = orders[[c for c in groups if c not in (treated or [g])]].sum(axis=1).to_numpy(float)
                k, z = detect_break(orders[g].to_numpy(float), control, candidates)
                if z > best[2]:
                    best = (g, k, z)
            if best[0] is None or best[2] < self.min_z:
                return {}
            treated = treated or [str(best[0])]
            start_idx = best[1]
        if start_idx is None or start_idx < _MIN_WEEKS or start_idx > len(weeks) - 2:
            raise AnalysisError(f"lift: start {start!r} leaves too few weeks before or after")
        post = np.arange(len(weeks)) >= start_idx
        donors = [g for g in groups if g not in treated]
        rows = []
        synth: dict[str, Any] = {}
        for metric in METRICS:
            table = weekly[metric].unstack("group", fill_value=0.0).reindex(weeks, fill_value=0.0)
            t = table[treated].sum(axis=1).to_numpy(float)
            c = table[donors].sum(axis=1).to_numpy(float)
            if t[~post].sum() <= 0 or c[~post].sum() <= 0 or t[post].sum() <= 0:
                continue
            r = did(t, c, post, draws=self.draws, seed=self.seed)
            s = synthetic_control(t, table[donors].to_numpy(float), post)
            synth[metric] = {**s, "donors": donors}
            extra = r["treated_post"] - r["treated_post"] / (1 + r["estimate"]) if r["estimate"] > -1 else math.nan
            rows.append({"metric": metric, **r, "synthetic": s["estimate"], "synthetic_p": s["placebo_p"],
                         "extra": extra})
        return {"status": "estimated", "detected": detected, "treated": treated, "control": donors,
                "start": str(pd.Timestamp(weeks[start_idx]).date()),
                "estimates": rows, "synthetic": synth,
                "weekly": {m: {"treated": weekly[m].unstack("group", fill_value=0.0).reindex(weeks, fill_value=0.0)[
                    treated].sum(axis=1).round(2).tolist()} for m in ("orders",)},
                "weeks": [str(pd.Timestamp(w).date()) for w in weeks]}

    def _brand_wide(self, channel: pd.DataFrame, campaigns: pd.DataFrame, brand_start: str | None) -> dict[str, Any]:
        if channel.empty or float(channel["leads"].sum()) < 20:
            return {}
        lead_channels = channel.groupby("channel")["leads"].sum()
        lead_channels = list(lead_channels[lead_channels > 0].index)
        c = channel[channel["channel"].isin(lead_channels)].copy()
        c["week"] = pd.to_datetime(c["day"]).dt.to_period("W-SUN").dt.start_time
        w = c.groupby("week")[["spend", "leads"]].sum().sort_index()
        markers = [m.lower() for m in self.exclude_campaigns]
        names = campaigns["campaign"].astype(str)
        out = campaigns[campaigns["channel"].isin(lead_channels)
                        & names.map(lambda n: any(m in n.lower() for m in markers))].copy()
        excluded = sorted(set(out["campaign"].astype(str)))
        if len(out):
            out["week"] = pd.to_datetime(out["day"]).dt.to_period("W-SUN").dt.start_time
            w["spend"] = (w["spend"] - out.groupby("week")["cost"].sum().reindex(w.index, fill_value=0.0)).clip(lower=0)
        w = w[w["spend"] > 0]
        if len(w) < 2 * _MIN_WEEKS:
            return {}
        weeks = w.index
        detected = brand_start is None
        if detected:
            k, z = detect_break(w["leads"].to_numpy(float), w["spend"].to_numpy(float),
                                np.arange(_MIN_WEEKS, len(w) - _MIN_WEEKS, 4))
            if k < 0 or z < self.min_z:
                return {}
        else:
            k = int(np.searchsorted(weeks, pd.Timestamp(brand_start), side="left"))
            if k < 2 or k > len(w) - 2:
                raise AnalysisError(f"lift: brand_start {brand_start!r} leaves too few weeks before or after")
        post = np.arange(len(w)) >= k
        r = interrupted_time_series(w["leads"].to_numpy(float), w["spend"].to_numpy(float), post)
        return {"status": "estimated", "detected": detected, "start": str(pd.Timestamp(weeks[k]).date()),
                "channels": [str(x) for x in lead_channels], "excluded_campaigns": excluded, **r,
                "cost_change": r["cost_ratio"] - 1, "cost_change_low": r["cost_ratio_low"] - 1,
                "cost_change_high": r["cost_ratio_high"] - 1}


def _groups(names: list[str] | tuple[str, ...]) -> list[str]:
    """Region groups named directly (华南) or through a province in any spelling (广东省, 粤, 深圳)."""
    out: list[str] = []
    for n in names:
        g = region_group(normalise_province(n)) if n not in _REGION_GROUPS else n
        if g is None:
            raise AnalysisError(f"lift: {n!r} is neither a region (华南, 西南, …) nor a province")
        if g not in out:
            out.append(g)
    return out


_REGION_GROUPS = frozenset({"华北", "东北", "华东", "华中", "华南", "西南", "西北", "港澳台"})


def _weekly_regions(daily: pd.DataFrame) -> pd.DataFrame:
    if daily.empty:
        return pd.DataFrame(columns=list(METRICS))
    d = daily.copy()
    d["group"] = d["region"].map(lambda v: region_group(normalise_province(v)) or "unknown")
    d["week"] = pd.to_datetime(d["day"]).dt.to_period("W-SUN").dt.start_time
    return d.groupby(["week", "group"])[list(METRICS)].sum().astype(float)
