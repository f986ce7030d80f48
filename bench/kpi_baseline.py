"""The KPIs a user would otherwise compute with plain pandas, straight from the input files.

Same definitions as docs/metrics.md, so the benchmark can check both give the same numbers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def pandas_kpis(folder: Path) -> dict[str, float]:
    spend = pd.read_parquet(folder / "spend.parquet")
    exposures = pd.read_parquet(folder / "exposures.parquet", columns=["user_id", "ts", "channel", "action"])
    leads = pd.read_parquet(folder / "leads.parquet")
    orders = pd.read_parquet(folder / "orders.parquet")
    surveys = pd.read_parquet(folder / "surveys.parquet")

    total_spend = float(spend["amount"].sum())
    engage = exposures["action"].isin(["like", "collect", "comment", "share"])
    per_buyer = orders.groupby("user_id").size()
    promoters = int((surveys["nps"] >= 9).sum())
    detractors = int((surveys["nps"] <= 6).sum())

    # AIPS layers per user.
    acts = exposures.assign(
        interested=exposures["action"] != "view",
        has_read=exposures["action"] == "read",
        has_deep=exposures["action"].isin(["collect", "search", "share"]),
        has_shared=exposures["action"].isin(["share", "comment"]),
    ).groupby("user_id")[["interested", "has_read", "has_deep", "has_shared"]].any()
    buyers = set(orders["user_id"])
    fans = set(surveys.loc[surveys["nps"] >= 9, "user_id"])
    bought = acts.index.isin(list(buyers))
    promoter = acts.index.isin(list(fans))

    # Last touch within 30 days before each order.
    o = orders[["order_id", "user_id", "ordered_at", "amount"]].sort_values("ordered_at")
    e = exposures[["user_id", "ts", "channel"]].sort_values("ts")
    last = pd.merge_asof(o, e, left_on="ordered_at", right_on="ts", by="user_id", direction="backward",
                         tolerance=pd.Timedelta(days=30))
    last_touch_gmv = last.groupby(last["channel"].fillna("none"))["amount"].sum()

    gmv = float(orders["amount"].sum())
    return {
        "spend": total_spend,
        "impressions": float(spend["impressions"].fillna(0).sum()),
        "reads": float((exposures["action"] == "read").sum()),
        "engagements": float(engage.sum()),
        "leads": float(len(leads)),
        "orders": float(len(orders)),
        "gmv": gmv,
        "roi": gmv / total_spend,
        "repurchase_rate": float((per_buyer >= 2).sum() / len(per_buyer)),
        "nps": 100 * (promoters - detractors) / len(surveys),
        "aware": float(len(acts)),
        "deeply_interested": float((acts["has_read"] & acts["has_deep"]).sum()),
        "purchased": float(bought.sum()),
        "shared": float((bought & (acts["has_shared"].to_numpy() | promoter)).sum()),
        "last_touch_gmv_none": float(last_touch_gmv.get("none", 0.0)),
    }
