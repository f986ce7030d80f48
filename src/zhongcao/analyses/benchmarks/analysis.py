"""Creator lists alone (蒲公英, 新红, 千瓜 exports): price benchmarks, peers, suspicious accounts, shortlist.

A brand often has a creator list and nothing else. This analysis needs only the ``creators``
table and answers what the list can:

- **price benchmarks** per tier × category: median and quartiles of the quote per 1,000
  followers, per 1,000 average reads (quoted CPM) and per average engagement (quoted CPE);
- **price outliers** against peers (same tier and category; the tier alone when the group is
  small): robust z of log quoted CPE, from the median and the MAD (× 1.4826), so one extreme
  account does not move the norm it is judged by; |z| ≥ ``outlier_z`` is an outlier;
- **suspicious engagement** against the category norm: engagement per follower far below it
  (followers that do not engage: bought or dormant) or likes per collect far above it (likes
  without saves: bought likes), each with the account's value, the norm and the z as evidence;
- **爆文率** (viral notes ÷ notes published in the export's period) where the export gives both;
- **follower profiles** where given: main age band, female share, interest tags;
- a **shortlist** under budget (``creators.shortlist``, the same integer program), maximising
  the expected engagement of one booked note, never booking a suspicious account or a quote
  far below its peers (to be verified first); the naive plans (biggest accounts, cheapest CPE)
  choose from the same creators.

A 0 that an export writes for "no data" (新红's CPE/CPM, a quote of 0) is read as missing:
those columns are listed in ``ZERO_IS_MISSING``. Tiers follow followers (docs/creators.md).
Reads user rows: no. Reads ``Workspace.staged("creators")``: the creator list is business data
about public accounts, not people in the audience panel.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from zhongcao.analyses.base import Analysis, Interval, MartSource, user_rows
from zhongcao.analyses.creators import shortlist
from zhongcao.analyses.creators.profile import tier
from zhongcao.errors import AnalysisError, InsufficientDataError

ZERO_IS_MISSING = ("quote", "video_quote", "image_cpe", "video_cpe", "image_cpm", "video_cpm", "avg_reads",
                   "organic_reads_median", "organic_impressions_median", "organic_engagements_median",
                   "sponsored_reads_median", "sponsored_engagements_median", "commercial_avg_engagement")
"""Columns where creator exports write 0 for "no data" (77.5% of 新红's 图文CPE is 0): read as missing."""

MAD_SCALE = 1.4826  # MAD × this estimates the standard deviation of a normal distribution
PEER_COLUMNS = ["tier", "category"]


class BenchmarkAnalysis(Analysis):
    """Benchmarks and screening from a creator list.

    Parameters
    ----------
    min_peers:
        Smallest peer group (tier × category) a creator is compared within; smaller groups fall
        back to the tier, then to the whole list.
    outlier_z:
        Robust z at or beyond which a quoted CPE is a price outlier.
    suspicious_z:
        Robust z at or beyond which engagement per follower (low) or likes per collect (high)
        marks an account as suspicious.
    budget:
        Shortlist budget (CNY); None = ten median quotes.
    """

    name: ClassVar[str] = "benchmarks"
    user_tables: ClassVar[tuple[str, ...]] = ("creators",)  # business data about public accounts
    marts: ClassVar[tuple[str, ...]] = ()
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "min_peers": [Interval(int, 5, None)],
        "outlier_z": [Interval(float, 1.0, None)],
        "suspicious_z": [Interval(float, 1.0, None)],
        "budget": [Interval(float, 0, None), None],
    }

    def __init__(self, min_peers: int = 20, outlier_z: float = 3.0, suspicious_z: float = 3.5,
                 budget: float | None = None) -> None:
        self.min_peers = min_peers
        self.outlier_z = outlier_z
        self.suspicious_z = suspicious_z
        self.budget = budget

    def fit(self, source: MartSource) -> Self:
        self._validate_params()
        rows = user_rows(source)  # a declared capability: marts from a clean room have no rows
        if rows is None:
            raise AnalysisError("benchmarks: needs a workspace (the creators table)")
        staged = rows.staged
        raw = staged("creators").to_pandas()
        c = measures(raw)
        c = c[c["followers"] > 0].reset_index(drop=True)
        if len(c) < 30:
            raise InsufficientDataError(f"benchmarks need at least 30 creators with a follower count; got {len(c)}")
        c["peer_group"] = _peer_groups(c, self.min_peers)
        for col, log in (("cpe_quoted", True), ("engagement_per_follower", True), ("likes_per_collect", True)):
            c[f"{col}_norm"], c[f"{col}_z"] = _robust(c, col, log)
        c["price_outlier"] = np.select([c["cpe_quoted_z"] >= self.outlier_z, c["cpe_quoted_z"] <= -self.outlier_z],
                                       ["expensive", "cheap"], "")
        low_engagement = c["engagement_per_follower_z"] <= -self.suspicious_z
        bought_likes = c["likes_per_collect_z"] >= self.suspicious_z
        c["suspicious"] = low_engagement | bought_likes
        c["signals"] = [", ".join(s for s, on in (("low_engagement", a), ("likes_without_saves", b)) if on)
                        for a, b in zip(low_engagement, bought_likes, strict=True)]
        self.columns_ = sorted(set(raw.columns))
        self.creators_ = c
        self.benchmarks_ = _benchmarks(c)
        self.outliers_ = c[c["price_outlier"] != ""].sort_values("cpe_quoted_z", ascending=False,
                                                                key=abs).reset_index(drop=True)
        self.suspicious_ = c[c["suspicious"]].sort_values("engagement_per_follower_z").reset_index(drop=True)
        self.follower_profile_ = _follower_profile(c)
        self.coverage_ = {col: int(c[col].notna().sum()) for col in
                          ("quote", "avg_reads", "avg_engagement", "viral_rate", "follower_age", "female_share",
                           "follower_interests", "likes_per_collect")}
        self.coverage_["creators"] = len(c)
        self._shortlist(c)
        return self

    def _shortlist(self, c: pd.DataFrame) -> None:
        quoted = c[c["quote"].fillna(0) > 0].copy()
        self.budget_ = float(self.budget) if self.budget is not None else 10 * float(quoted["quote"].median()) \
            if len(quoted) else 0.0
        empty = pd.DataFrame(columns=["creator_id", "name", "tier", "category", "region", "followers", "quote",
                                      "cpe_quoted", "avg_engagement", "viral_rate"])
        if quoted.empty or self.budget_ <= 0:
            self.shortlist_, self.plans_ = empty, pd.DataFrame(columns=["plan", "creators", "spend", "value"])
            return
        quoted["value"] = quoted["avg_engagement"].fillna(0.0)
        quoted["tgi"] = np.nan
        # Never booked: suspicious accounts, and quotes far below their peers (verify those first: a
        # placeholder price in the export would otherwise fill the budget).
        bookable = quoted[~quoted["suspicious"] & (quoted["price_outlier"] != "cheap")]
        try:
            best = shortlist.solve(bookable, self.budget_)
            plans = shortlist.compare(bookable, self.budget_)
        except AnalysisError as exc:
            self.shortlist_, self.plans_ = empty, pd.DataFrame(columns=["plan", "creators", "spend", "value"])
            self.shortlist_error_ = str(exc)
            return
        self.shortlist_ = best[best["book"]][list(empty.columns)].reset_index(drop=True)
        self.plans_ = plans.rename(columns={"expected_orders": "value"})


def measures(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per creator with the measures the benchmarks use (NaN where the export lacks them)."""
    c = pd.DataFrame({"creator_id": raw["creator_id"].astype(str)})

    def num(name: str) -> pd.Series:
        if name not in raw:
            return pd.Series(np.nan, index=raw.index, dtype=float)
        s = pd.to_numeric(raw[name], errors="coerce").astype(float)
        return s.where(s > 0) if name in ZERO_IS_MISSING else s

    def text(name: str) -> pd.Series:
        if name not in raw:
            return pd.Series(pd.NA, index=raw.index, dtype="string")
        s = raw[name].astype("string").str.strip()
        return s.mask(s.isin(["", "-", "—", "--", "无", "暂无"]))  # exports' ways of writing "no data"

    c["name"] = text("name")
    c["region"] = text("region")
    detail = text("subcategory")
    c["category"] = detail.fillna(text("category")).fillna("—")
    c["followers"] = num("followers")
    c["tier"] = tier(c["followers"])
    c["quote"] = num("quote")
    likes, collects, comments = num("avg_likes"), num("avg_collects"), num("avg_comments")
    per_note = likes.fillna(0) + collects.fillna(0) + comments.fillna(0)
    per_note = per_note.where(likes.notna() | collects.notna() | comments.notna())
    c["avg_engagement"] = per_note.fillna(num("organic_engagements_median")).where(lambda s: s > 0)
    c["avg_reads"] = num("avg_reads").fillna(num("organic_reads_median")).fillna(num("organic_impressions_median"))
    c["quote_per_kfollower"] = c["quote"] / c["followers"] * 1000
    c["cpm_quoted"] = c["quote"] / c["avg_reads"] * 1000
    c["cpe_quoted"] = c["quote"] / c["avg_engagement"]
    c["export_cpe"], c["export_cpm"] = num("image_cpe"), num("image_cpm")
    c["engagement_per_follower"] = c["avg_engagement"] / c["followers"]
    c["engagement_per_read"] = c["avg_engagement"] / c["avg_reads"]
    c["likes_per_collect"] = likes / collects.where(collects > 0)
    viral, period_notes = num("viral_notes"), num("new_notes")
    c["viral_notes"] = viral
    c["viral_rate"] = (viral / period_notes.where(period_notes > 0)).clip(upper=1.0)
    c["follower_age"] = text("follower_age")
    c["female_share"] = num("female_share").fillna(_female_share(text("follower_gender")))
    c["follower_interests"] = text("follower_interests")
    return c


def _female_share(values: pd.Series) -> pd.Series:
    """新红's ``男='10.16%', 女='89.84%'`` → 0.8984 (NaN when absent)."""
    found = values.astype("string").str.extract(r"女\W*([\d.]+)\s*%", expand=False)
    return pd.to_numeric(found, errors="coerce") / 100


def _peer_groups(c: pd.DataFrame, min_peers: int) -> pd.Series:
    """``tier · category`` where that group has ``min_peers`` creators, else the tier, else all."""
    full = c["tier"].astype(str) + " · " + c["category"].astype(str)
    size_full = full.map(full.value_counts())
    size_tier = c["tier"].map(c["tier"].value_counts())
    return full.where(size_full >= min_peers, c["tier"].astype(str).where(size_tier >= min_peers, "all"))


def _robust(c: pd.DataFrame, col: str, log: bool) -> tuple[pd.Series, pd.Series]:
    """Per peer group: the median (the norm) and each creator's robust z (median/MAD, on logs if asked)."""
    x = c[col].where(c[col] > 0) if log else c[col]
    y = np.log(x) if log else x
    med = y.groupby(c["peer_group"]).transform("median")
    mad = (y - med).abs().groupby(c["peer_group"]).transform("median") * MAD_SCALE
    z = (y - med) / mad.where(mad > 0)
    norm = np.exp(med) if log else med
    return norm, z


def _benchmarks(c: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (t, cat), g in c.groupby(PEER_COLUMNS, sort=True):
        row: dict[str, Any] = {"tier": t, "category": cat, "creators": len(g), "quoted": int(g["quote"].notna().sum())}
        for col in ("quote", "quote_per_kfollower", "cpm_quoted", "cpe_quoted", "engagement_per_follower",
                    "likes_per_collect", "viral_rate"):
            s = g[col].dropna()
            row[f"{col}_median"] = float(s.median()) if len(s) else np.nan
            row[f"{col}_p25"] = float(s.quantile(0.25)) if len(s) else np.nan
            row[f"{col}_p75"] = float(s.quantile(0.75)) if len(s) else np.nan
        rows.append(row)
    return pd.DataFrame(rows).sort_values("creators", ascending=False).reset_index(drop=True)


def _follower_profile(c: pd.DataFrame) -> pd.DataFrame:
    """Creators per follower age band, female-share band and interest tag (where the export gives them)."""
    parts = []
    for attr, values in (("follower_age", c["follower_age"]), ("follower_interests", c["follower_interests"]),
                         ("female_share", pd.cut(c["female_share"], [0, 0.3, 0.5, 0.7, 0.9, 1.0001],
                                                 labels=["<30%", "30–50%", "50–70%", "70–90%", "≥90%"],
                                                 right=False).astype("string"))):
        counts = values.dropna().value_counts()
        if len(counts):
            parts.append(pd.DataFrame({"attribute": attr, "value": counts.index.astype(str),
                                       "creators": counts.to_numpy(int), "share": counts.to_numpy(float) / counts.sum()}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["attribute", "value", "creators", "share"])


__all__ = ["ZERO_IS_MISSING", "BenchmarkAnalysis", "measures"]
