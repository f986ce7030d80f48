"""Creator profile: tier, organic and sponsored medians (never mixed), CPE, CPM, audience fit, and
the incremental orders of their readers from a matched comparison.

Formulas (docs/creators.md):

- tier by followers: 头部 ≥ 500k, 腰部 50k–500k, 初级 5k–50k, 素人 < 5k;
- quoted CPE = quote ÷ median engagement (likes + collects + comments + shares) of the creator's
  sponsored notes (organic notes when none is sponsored); quoted CPM = quote ÷ median views × 1000;
  paid CPE/CPM use the fees actually paid (``notes.cost``) over the same notes' totals;
- audience fit: TGI = share of the brand's target segment among the creator's engaged readers ÷
  its share in the panel × 100;
- incremental orders: readers' orders in their read windows (first touch to 30 days after the
  last) minus what panel users of the same gender × age band × activity band order in windows
  of the same length (the matched comparison), then shrunk per touch towards the pooled rate by
  empirical Bayes (James–Stein), because a creator with 40 readers has a few orders of noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

TIERS = ("头部", "腰部", "初级", "素人")
TIER_EN = {"头部": "top", "腰部": "mid", "初级": "micro", "素人": "nano"}
CELL = ["gender", "age_band", "activity_band"]


def tier(followers: pd.Series) -> pd.Series:
    f = pd.to_numeric(followers, errors="coerce").fillna(0)
    return pd.Series(np.select([f >= 500_000, f >= 50_000, f >= 5_000], list(TIERS[:3]), TIERS[3]), index=f.index)


def note_medians(notes: pd.DataFrame) -> pd.DataFrame:
    """Per creator: medians of views/likes/collects/comments, organic and sponsored kept apart."""
    cols = ["views", "likes", "collects", "comments", "engagement"]
    out = []
    for flag, label in ((False, "organic"), (True, "sponsored")):
        part = notes[notes["sponsored"].fillna(False).astype(bool) == flag]
        g = part.groupby("creator_id")
        med = g[cols].median().add_prefix(f"{label}_median_")
        med[f"{label}_notes"] = g.size()
        out.append(med)
    return pd.concat(out, axis=1)


def costs(notes: pd.DataFrame, creators: pd.DataFrame, medians: pd.DataFrame) -> pd.DataFrame:
    """Quoted CPE/CPM from the quote and median results; paid CPE/CPM from fees actually paid."""
    q = creators.set_index("creator_id")["quote"].astype(float)
    m = medians.reindex(q.index)
    eng = m["sponsored_median_engagement"].where(m["sponsored_notes"] > 0, m["organic_median_engagement"])
    views = m["sponsored_median_views"].where(m["sponsored_notes"] > 0, m["organic_median_views"])
    out = pd.DataFrame(index=q.index)
    out["quote"] = q
    out["cpe_quoted"] = q / eng.where(eng > 0)
    out["cpm_quoted"] = q / views.where(views > 0) * 1000
    paid = notes[notes["cost"].fillna(0) > 0].groupby("creator_id")[["cost", "engagement", "views"]].sum()
    paid = paid.reindex(q.index)
    out["paid"] = paid["cost"].fillna(0.0)
    out["cpe_paid"] = paid["cost"] / paid["engagement"].where(paid["engagement"] > 0)
    out["cpm_paid"] = paid["cost"] / paid["views"].where(paid["views"] > 0) * 1000
    return out


def cpe(quote: float, likes: float, collects: float, comments: float, shares: float = 0.0) -> float:
    """Cost per engagement for one price and one (median) note result."""
    e = likes + collects + comments + shares
    return quote / e if e > 0 else float("nan")


def cpm(quote: float, views: float) -> float:
    return quote / views * 1000 if views > 0 else float("nan")


def _target_mask(frame: pd.DataFrame, target: Mapping[str, object]) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    used = False
    for attr, wanted in target.items():
        if attr not in frame.columns:
            continue
        values = [str(v) for v in wanted] if isinstance(wanted, list | tuple) else [str(wanted)]
        mask &= frame[attr].astype(str).isin(values)
        used = True
    return mask if used else pd.Series(False, index=frame.index)


def audience_fit(readers: pd.DataFrame, baseline: pd.DataFrame, target: Mapping[str, object]) -> pd.DataFrame:
    """TGI of each creator's engaged readers for the brand's target segment (NaN without a target)."""
    if not target:
        return pd.DataFrame({"engaged_readers": readers.groupby("creator_id")["engaged_readers"].sum(), "tgi": np.nan})
    panel_share = baseline.loc[_target_mask(baseline, target), "users"].sum() / max(baseline["users"].sum(), 1)
    r = readers.assign(in_target=_target_mask(readers, target))
    g = r.groupby("creator_id")
    engaged = g["engaged_readers"].sum()
    in_target = r[r["in_target"]].groupby("creator_id")["engaged_readers"].sum().reindex(engaged.index).fillna(0)
    share = in_target / engaged.where(engaged > 0)
    return pd.DataFrame({"engaged_readers": engaged, "target_share": share,
                         "tgi": share / panel_share * 100 if panel_share > 0 else np.nan})


def matched_incremental(readers: pd.DataFrame, baseline: pd.DataFrame) -> pd.DataFrame:
    """Readers' orders minus matched expectation, per creator, with an empirical-Bayes estimate.

    ``readers`` must already be limited to the brand's notes. Returns per creator: readers,
    touches, orders, expected (matched), excess, incremental (shrunk), incremental_low/high (90%).
    """
    base = baseline.groupby(CELL, as_index=False)[["users", "orders"]].sum()
    days = float(baseline["days"].max()) if len(baseline) else 1.0
    base["rate"] = base["orders"] / (base["users"] * days).where(base["users"] > 0)
    pooled = float(base["orders"].sum()) / max(float(base["users"].sum()) * days, 1.0)
    r = readers.merge(base[[*CELL, "rate"]], on=CELL, how="left")
    r["expected"] = r["window_seconds"] / 86400 * r["rate"].fillna(pooled)
    g = r.groupby("creator_id")[["readers", "touches", "orders", "expected"]].sum()
    g["excess"] = g["orders"] - g["expected"]
    t = g["touches"].clip(lower=1.0)
    theta = g["excess"] / t  # incremental orders per touch, observed
    var = (g["orders"] + g["expected"]).clip(lower=1.0) / t**2  # Poisson noise of the difference
    w_all = t / t.sum()
    mu = float((theta * w_all).sum())
    # Method of moments for the spread of true per-touch effects (floored to keep shrinkage finite).
    tau2 = max(float((w_all * (theta - mu) ** 2).sum() - (w_all * var).sum()), 1e-12)
    weight = tau2 / (tau2 + var)
    post = weight * theta + (1 - weight) * mu
    post_sd = np.sqrt(weight * var)
    g["incremental"] = post * g["touches"]
    g["incremental_low"] = (post - 1.645 * post_sd) * g["touches"]
    g["incremental_high"] = (post + 1.645 * post_sd) * g["touches"]
    g["shrinkage"] = 1 - weight
    return g


def incremental_ranking_inputs(readers: pd.DataFrame, brand: str | None, aliases: Sequence[str] = ()) -> pd.DataFrame:
    """Rows of ``creator_readers`` about the brand (note brand equals its name or an alias)."""
    names = {n for n in (brand, *aliases) if n}
    if not names:
        return readers.iloc[0:0]
    return readers[readers["note_brand"].isin(names)]
