"""Lift study from a randomized holdout, read from the holdout marts (group × day aggregates).

Eligible users were split at random into ``exposed`` (shown the campaign) and ``holdout``
(deliberately not shown). Orders per user in the two groups over the campaign window plus a
tail differ only because of the campaign, so

    incremental orders = O_e − O_h · N_e / N_h

with variance O_e + O_h · (N_e / N_h)² (order counts treated as Poisson), and for revenue the
compound-Poisson variance Σ amount² in each group. Intervals are normal 90%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

Z90 = 1.6448536269514722


@dataclass(frozen=True)
class Campaign:
    name: str
    channel: str
    start: pd.Timestamp
    end: pd.Timestamp
    cost: float


def find_campaign(touches: pd.DataFrame, campaigns: pd.DataFrame, name: str | None) -> Campaign | None:
    """The spend campaign whose window shows the largest exposed-vs-holdout touch gap on its channel.

    ``campaigns`` is the campaign_daily mart; a campaign's window runs from its first to its last
    day of spend.
    """
    if touches.empty or campaigns.empty:
        return None
    t = touches.assign(day=pd.to_datetime(touches["day"]))
    days = campaigns.groupby(["campaign", "channel"], as_index=False).agg(
        cost=("cost", "sum"), start=("day", "min"), end=("day", "max"))
    best: tuple[float, Campaign] | None = None
    for row in days.itertuples():
        if name is not None and row.campaign != name:
            continue
        start, end = pd.Timestamp(row.start), pd.Timestamp(row.end)
        w = t[(t["channel"] == row.channel) & (t["day"] >= start) & (t["day"] <= end)]
        per = w.groupby("holdout_group").agg(touches=("touches", "sum"), users=("group_users", "max"))
        if not {"exposed", "holdout"} <= set(per.index):
            continue
        # Extra touches per exposed user per day of the window: a short held-out campaign stands
        # out against always-on spend on the same channel, which reaches both groups alike.
        gap = float(per.loc["exposed", "touches"] / per.loc["exposed", "users"]
                    - per.loc["holdout", "touches"] / per.loc["holdout", "users"]) / ((end - start).days + 1)
        camp = Campaign(str(row.campaign), str(row.channel), start, end, float(row.cost))
        if best is None or gap > best[0]:
            best = (gap, camp)
    return best[1] if best is not None and (best[0] > 0 or name is not None) else None


def lift_study(orders: pd.DataFrame, campaign: Campaign, tail_days: int) -> dict[str, float]:
    """Incremental orders and revenue of the exposed group, with 90% intervals and incremental ROI."""
    o = orders.assign(day=pd.to_datetime(orders["day"]))
    end = campaign.end + pd.Timedelta(days=tail_days)
    w = o[(o["day"] >= campaign.start) & (o["day"] <= end)]
    sizes = orders.groupby("holdout_group")["group_users"].max()
    n_e, n_h = float(sizes.get("exposed", 0)), float(sizes.get("holdout", 0))
    g = w.groupby("holdout_group")[["orders", "revenue", "revenue_sq"]].sum()

    def get(group: str, col: str) -> float:
        return float(g[col].get(group, 0.0)) if col in g else 0.0

    k = n_e / n_h if n_h else math.nan
    inc = get("exposed", "orders") - get("holdout", "orders") * k
    se = math.sqrt(get("exposed", "orders") + get("holdout", "orders") * k * k)
    inc_rev = get("exposed", "revenue") - get("holdout", "revenue") * k
    se_rev = math.sqrt(get("exposed", "revenue_sq") + get("holdout", "revenue_sq") * k * k)
    cost = campaign.cost
    return {
        "exposed_users": n_e, "holdout_users": n_h,
        "exposed_orders": get("exposed", "orders"), "holdout_orders": get("holdout", "orders"),
        "exposed_revenue": get("exposed", "revenue"), "holdout_revenue": get("holdout", "revenue"),
        "incremental_orders": inc, "incremental_orders_low": inc - Z90 * se, "incremental_orders_high": inc + Z90 * se,
        "incremental_revenue": inc_rev, "incremental_revenue_low": inc_rev - Z90 * se_rev,
        "incremental_revenue_high": inc_rev + Z90 * se_rev,
        "cost": cost,
        "incremental_roi": inc_rev / cost if cost else math.nan,
        "incremental_roi_low": (inc_rev - Z90 * se_rev) / cost if cost else math.nan,
        "incremental_roi_high": (inc_rev + Z90 * se_rev) / cost if cost else math.nan,
        "tail_days": float(tail_days),
    }
