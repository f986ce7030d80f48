"""Findings from a fitted BenchmarkAnalysis (a creator list alone); prose from catalogue/benchmarks.toml."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from zhongcao.analyses.benchmarks import BenchmarkAnalysis
from zhongcao.findings.model import Chart, Confidence, Evidence, Finding, Text
from zhongcao.findings.text import Count, Money, Pct, number, render

A = "benchmarks"


def _t(name: str, part: str, **v: Any) -> Text:
    return render(A, name, part, **v)


def _rows(frame: pd.DataFrame, cols: list[str], n: int = 200) -> list[dict[str, Any]]:
    f = frame[[c for c in cols if c in frame.columns]].head(n)
    return f.astype(object).where(f.notna(), None).to_dict(orient="records")


def _finding(key: str, v: dict[str, Any], evidence: Evidence, level: str, method: str, money: float,
             chart: Chart | None = None) -> Finding:
    return Finding(id=f"{A}.{key}", analysis=A, title=_t(key, "title", **v), summary=_t(key, "summary", **v),
                   action=_t(key, "action", **v), evidence=evidence,
                   confidence=Confidence(level, _t(key, "confidence", **v), method),  # type: ignore[arg-type]
                   money_at_stake=money, chart=chart)


def benchmark_findings(a: BenchmarkAnalysis) -> list[Finding]:
    a.check_is_fitted()
    return [f for f in (_prices(a), _outliers(a), _suspicious(a), _viral(a), _followers(a), _shortlist(a))
            if f is not None]


def _prices(a: BenchmarkAnalysis) -> Finding | None:
    b = a.benchmarks_[a.benchmarks_["quoted"] > 0]
    if b.empty:
        return None
    top = b.iloc[0]  # the largest peer group
    quoted = a.creators_["quote"].notna()
    v = {"creators": Count(a.coverage_["creators"]), "quoted": Count(int(quoted.sum())), "groups": len(b),
         "tier": top["tier"], "category": top["category"], "n": Count(top["creators"]),
         "quote": Money(top["quote_median"]), "q25": Money(top["quote_p25"]), "q75": Money(top["quote_p75"]),
         "per_k": Money(top["quote_per_kfollower_median"])}
    # A cost the list cannot give (no reads or engagement exported) is left out, not shown as "—".
    for key, col in (("cpm", "cpm_quoted_median"), ("cpe", "cpe_quoted_median")):
        known = pd.notna(top[col]) and math.isfinite(float(top[col]))
        v[f"{key}_part"] = _t("prices", key, **{key: Money(float(top[col]))}) if known else ""
    cols = ["tier", "category", "creators", "quoted", "quote_median", "quote_p25", "quote_p75",
            "quote_per_kfollower_median", "cpm_quoted_median", "cpm_quoted_p25", "cpm_quoted_p75",
            "cpe_quoted_median", "cpe_quoted_p25", "cpe_quoted_p75", "engagement_per_follower_median",
            "likes_per_collect_median"]
    return _finding("prices", v, Evidence(numbers={"creators": a.coverage_["creators"], "quoted": int(quoted.sum()),
                                                   "quote_median": float(top["quote_median"]),
                                                   "cpe_quoted_median": float(top["cpe_quoted_median"])},
                                          rows=_rows(b, cols), columns=cols),
                    "descriptive", "median and quartiles per tier × category", a.budget_,
                    Chart("bar", "tier", ["cpe_quoted_median"], _t("prices", "chart"), series="category"))


def _outliers(a: BenchmarkAnalysis) -> Finding | None:
    o = a.outliers_
    if o.empty:
        return None
    expensive = o[o["price_outlier"] == "expensive"]
    cheap = o[o["price_outlier"] == "cheap"]
    v = {"n": len(o), "expensive": len(expensive), "cheap": len(cheap), "z": number(a.outlier_z, 1)}
    cols = ["creator_id", "name", "tier", "category", "peer_group", "followers", "quote", "avg_engagement",
            "cpe_quoted", "cpe_quoted_norm", "cpe_quoted_z", "price_outlier"]
    return _finding("outliers", v, Evidence(numbers={"outliers": len(o), "expensive": len(expensive),
                                                     "cheap": len(cheap)}, rows=_rows(o, cols), columns=cols),
                    "low", "robust z (median, MAD × 1.4826) of log quoted CPE within peers",
                    float(expensive["quote"].sum()))


def _suspicious(a: BenchmarkAnalysis) -> Finding | None:
    s = a.suspicious_
    if s.empty:
        return None
    low = s["signals"].str.contains("low_engagement")
    likes = s["signals"].str.contains("likes_without_saves")
    first = s.iloc[0]
    v = {"n": len(s), "low": int(low.sum()), "likes": int(likes.sum()), "z": number(a.suspicious_z, 1),
         "example": str(first["name"]) if pd.notna(first["name"]) else str(first["creator_id"]),
         "example_rate": Pct(float(first["engagement_per_follower"]), 2),
         "norm_rate": Pct(float(first["engagement_per_follower_norm"]), 2)}
    cols = ["creator_id", "name", "tier", "category", "followers", "avg_engagement", "engagement_per_follower",
            "engagement_per_follower_norm", "engagement_per_follower_z", "likes_per_collect",
            "likes_per_collect_norm", "likes_per_collect_z", "signals", "quote"]
    return _finding("suspicious", v, Evidence(numbers={"suspicious": len(s), "low_engagement": int(low.sum()),
                                                       "likes_without_saves": int(likes.sum())},
                                              rows=_rows(s, cols), columns=cols),
                    "low", "robust z against the peer norm (rule, not a verdict)", float(s["quote"].fillna(0).sum()))


def _viral(a: BenchmarkAnalysis) -> Finding | None:
    c = a.creators_[a.creators_["viral_rate"].notna()]
    if len(c) < 30:
        return None
    g = c.groupby(["tier", "category"]).agg(creators=("creator_id", "size"), viral_rate=("viral_rate", "median"),
                                            viral_notes=("viral_notes", "median")).reset_index()
    top = c.sort_values("viral_rate", ascending=False)
    v = {"n": Count(len(c)), "median": Pct(float(c["viral_rate"].median()), 1),
         "p90": Pct(float(c["viral_rate"].quantile(0.9)), 1), "zero": Count(int((c["viral_rate"] == 0).sum()))}
    rows = _rows(g, list(g.columns)) + _rows(top, ["creator_id", "name", "tier", "category", "viral_notes",
                                                   "viral_rate", "quote"], 50)
    return _finding("viral", v, Evidence(numbers={"creators": len(c), "median_viral_rate": float(c["viral_rate"].median())},
                                         rows=rows, columns=["tier", "category", "creators", "viral_rate", "viral_notes",
                                                             "creator_id", "name", "quote"]),
                    "descriptive", "viral notes ÷ notes published in the export's period", 0.0)


def _followers(a: BenchmarkAnalysis) -> Finding | None:
    p = a.follower_profile_
    if p.empty:
        return None
    ages = p[p["attribute"] == "follower_age"]
    women = p[p["attribute"] == "female_share"]
    top_age = ages.iloc[0] if len(ages) else None
    parts = []
    if top_age is not None:
        parts.append(_t("followers", "age", band=top_age["value"], share=Pct(float(top_age["share"]))))
    if len(women):
        mostly = float(women.loc[women["value"].isin(["70–90%", "≥90%"]), "share"].sum())
        parts.append(_t("followers", "women", share=Pct(mostly)))
    tags = p[p["attribute"] == "follower_interests"]
    if len(tags):
        parts.append(_t("followers", "interests", tags="、".join(tags["value"].head(3))))
    v = {"headline": parts[0], "details": Text(zh="；".join(t.zh for t in parts), en="; ".join(t.en for t in parts)),
         "n": Count(int(p.groupby("attribute")["creators"].sum().max()))}
    return _finding("followers", v, Evidence(numbers={"attributes": int(p["attribute"].nunique())},
                                             rows=_rows(p, list(p.columns)), columns=list(p.columns)),
                    "descriptive", "count of creators by the export's follower profile", 0.0,
                    Chart("bar", "value", ["share"], _t("followers", "chart")))


def _shortlist(a: BenchmarkAnalysis) -> Finding | None:
    if a.shortlist_.empty or a.plans_.empty:
        return None
    plans = a.plans_.set_index("plan")
    opt, big = plans.loc["optimal"], plans.loc["biggest_accounts"]
    names = a.shortlist_["name"].fillna(a.shortlist_["creator_id"]).astype(str)
    v = {"budget": Money(a.budget_), "n": int(opt["creators"]), "spend": Money(float(opt["spend"])),
         "value": Count(float(opt["value"])), "big": Count(float(big["value"])), "big_n": int(big["creators"]),
         "excluded": len(a.suspicious_) + int((a.creators_["price_outlier"] == "cheap").sum()),
         "names": ", ".join(names.head(8))}
    rows = a.plans_.drop(columns=["booked"]).to_dict(orient="records") + _rows(a.shortlist_, list(a.shortlist_.columns))
    return _finding("shortlist", v, Evidence(numbers={"budget": a.budget_, "expected_engagement": float(opt["value"]),
                                                      "biggest_accounts_engagement": float(big["value"])},
                                             rows=rows, columns=["plan", "creators", "spend", "value",
                                                                 *a.shortlist_.columns]),
                    "low", "integer program (HiGHS) over the export's average engagement", a.budget_,
                    Chart("bar", "plan", ["value"], _t("shortlist", "chart")))
