"""Findings from a fitted KpiAnalysis. Numbers come from the analysis; prose from catalogue/kpi.toml."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from zhongcao.analyses.kpi import KpiAnalysis
from zhongcao.findings import display
from zhongcao.findings.model import Chart, Confidence, Evidence, Finding, Text, records
from zhongcao.findings.text import Count, Money, Pct, number, pct, render

A = "kpi"


def kpi_findings(kpi: KpiAnalysis) -> list[Finding]:
    kpi.check_is_fitted()
    out = [_overview(kpi)]
    for build in (_regions, _platform_split, _channel_efficiency, _repurchase, _nps, _funnel, _trend):
        finding = build(kpi)
        if finding is not None:
            out.append(finding)
    return out


def _t(template: str, part: str, **values: Any) -> Text:
    return render(A, template, part, **values)



def _overview(kpi: KpiAnalysis) -> Finding:
    t = kpi.totals_
    v = {
        "spend": Money(t["spend"]), "gmv": Money(t["gmv"]), "roi": number(t["roi"]),
        "days": int(t["days"]), "orders": Count(t["orders"]), "leads": Count(t["leads"]),
        "cpm": Money(t["cpm"]), "cpe": Money(t["cpe"]), "cpl": Money(t["cpl"]), "aov": Money(t["aov"]),
        "low": number(t["roi_low"]), "high": number(t["roi_high"]),
    }
    # A partial workspace gets a card that says what it covers, never an ROI from a missing side.
    key = "overview" if t["spend"] > 0 and t["orders"] > 0 else ("overview_gmv" if t["orders"] > 0 else "overview_spend")
    if key == "overview_gmv":
        v["leads_part"] = _t(key, "leads" if t["leads"] > 0 else "no_leads", **v)
    if key == "overview_spend":
        v["leads_part"] = _t(key, "leads", **v) if t["leads"] > 0 else ""
    if key == "overview":  # only the costs that have a denominator: no "0 leads; CPL —"
        v["leads_part"] = _t(key, "leads", **v) if t["leads"] > 0 else ""
        costs = [_t(key, c, **v) for c in ("cpm", "cpe", "cpl") if math.isfinite(t[c]) and t[c] > 0]
        v["costs"] = Text(zh="；" + "，".join(c.zh for c in costs), en="; " + ", ".join(c.en for c in costs)) \
            if costs else ""
    # The series is published at the smallest period whose every row meets the minimum group.
    daily = kpi.series_.assign(day=kpi.series_["day"].dt.strftime("%Y-%m-%d"))
    shown = {"overview": ("spend", "gmv", "roi", "orders", "leads", "cpm", "cpe", "cpl", "reads", "engagements",
                          "impressions", "aov"),
             "overview_gmv": ("gmv", "orders", "leads", "aov"),
             "overview_spend": ("spend", "leads", "cpm", "cpe", "cpl", "reads", "engagements", "impressions")}[key]
    if key == "overview":
        confidence = Confidence("medium", _t(key, "confidence", **v), "bootstrap over days, 90%",
                                (t["roi_low"], t["roi_high"]), t["roi"])
    else:
        confidence = Confidence("descriptive", _t(key, "confidence", **v), "count")
    series = {"overview": ["gmv", "spend"], "overview_gmv": ["gmv"], "overview_spend": ["spend"]}[key]
    return Finding(
        id="kpi.overview", analysis=A,
        title=_t(key, "title", **v), summary=_t(key, "summary", **v), action=_t(key, "action", **v),
        evidence=Evidence(numbers={k: t[k] for k in shown}, rows=records(daily), columns=list(daily.columns)),
        confidence=confidence,
        money_at_stake=t["spend"] if t["spend"] > 0 else t["gmv"],
        chart=Chart("line", "day", series, Text("成交与投入（按时段）", "Sales and spend by period")),
    )


def _regions(kpi: KpiAnalysis) -> Finding | None:
    r = getattr(kpi, "by_region_", None)
    if r is None:
        return None
    known = r[~r["suppressed"] & (r["region"] != "unknown")]
    if len(known) < 2:
        return None
    top3 = known.head(3)
    v = {"top": str(known.iloc[0]["region"]), "top_share": Pct(float(known.iloc[0]["gmv_share"])),
         "top3": Text(zh="、".join(display.value(r).zh for r in top3["region"].astype(str)),
                      en=", ".join(display.value(r).en for r in top3["region"].astype(str))), "top3_share": Pct(float(top3["gmv_share"].sum())),
         "provinces": len(known), "suppressed": int(r["suppressed"].sum()), "min_group": kpi.min_group_size,
         "unknown": Pct(float(r.loc[r["region"] == "unknown", "gmv_share"].sum()))}
    v["suppressed_part"] = _t("regions", "suppressed" if v["suppressed"] else "none_suppressed", **v)
    return Finding(
        id="kpi.regions", analysis=A,
        title=_t("regions", "title", **v), summary=_t("regions", "summary", **v), action=_t("regions", "action", **v),
        evidence=Evidence(numbers={"provinces": len(known), "top_share": float(known.iloc[0]["gmv_share"])},
                          rows=records(r), columns=list(r.columns)),
        confidence=Confidence("descriptive", _t("regions", "confidence", **v), "count"),
        money_at_stake=float(top3["gmv"].sum()),
        chart=Chart("bar", "region", ["gmv"], _t("regions", "chart")),
    )


def _platform_split(kpi: KpiAnalysis) -> Finding | None:
    p = kpi.by_platform_
    if p.empty or float(p["gmv"].sum()) <= 0:
        return None
    red = float(p.loc[p["platform"] == "red", "gmv"].sum())
    off = p[p["platform"] != "red"]
    off_gmv = float(off["gmv"].sum())
    total = red + off_gmv
    if off.empty:
        return None
    if len(p[p["gmv"] > 0]) < 2:
        return None  # one platform: nothing to split
    top = str(off.iloc[0]["platform"])
    v = {
        "offsite_share": Pct(off_gmv / total), "top_offsite": top, "red_gmv": Money(red), "offsite_gmv": Money(off_gmv),
        "offsite_list": Text(zh="、".join(display.value(p).zh for p in off["platform"].astype(str)),
                             en=", ".join(display.value(p).en for p in off["platform"].astype(str))),
        "understatement": number(total / red, 1) if red > 0 else "",
    }
    # Without closed-loop orders the understatement is unbounded: say what is known instead.
    summary = "platform_split" if red > 0 else "platform_split_offsite"
    return Finding(
        id="kpi.platform_split", analysis=A,
        title=_t("platform_split", "title", **v), summary=_t(summary, "summary", **v),
        action=_t("platform_split", "action", **v),
        evidence=Evidence(numbers={"red_gmv": red, "offsite_gmv": off_gmv, "offsite_share": off_gmv / total},
                          rows=records(p), columns=list(p.columns)),
        confidence=Confidence("descriptive", _t("platform_split", "confidence", **v), "count"),
        money_at_stake=off_gmv,
        chart=Chart("bar", "platform", ["gmv"], Text("各平台成交", "Sales by platform")),
    )


def _channel_efficiency(kpi: KpiAnalysis) -> Finding | None:
    c = kpi.by_channel_
    paid = c[(c["spend"] > 0) & (c["engagements"] > 0)].sort_values("cpe")
    if len(paid) < 2:
        return None
    best, worst = paid.iloc[0], paid.iloc[-1]
    v = {
        "best": best["channel"], "worst": worst["channel"],
        "best_cpe": Money(best["cpe"]), "worst_cpe": Money(worst["cpe"]),
        "best_spend": Money(best["spend"]), "worst_spend": Money(worst["spend"]),
        "ratio": number(worst["cpe"] / best["cpe"], 1),
    }
    cols = ["channel", "spend", "impressions", "reads", "engagements", "leads", "cpm", "cpe", "cpl",
            "last_touch_orders", "last_touch_gmv", "roi_last_touch"]
    return Finding(
        id="kpi.channel_efficiency", analysis=A,
        title=_t("channel_efficiency", "title", **v), summary=_t("channel_efficiency", "summary", **v),
        action=_t("channel_efficiency", "action", **v),
        evidence=Evidence(numbers={"best_cpe": float(best["cpe"]), "worst_cpe": float(worst["cpe"])},
                          rows=records(c[cols]), columns=cols),
        confidence=Confidence("medium", _t("channel_efficiency", "confidence", **v), "exact ratio"),
        money_at_stake=float(worst["spend"]),
        chart=Chart("bar", "channel", ["cpe"], Text("各渠道互动成本", "Cost per engagement by channel")),
    )


def _repurchase(kpi: KpiAnalysis) -> Finding | None:
    r = kpi.repurchase_
    overall = r[r["platform"] == "all"]
    per = r[(r["platform"] != "all") & (r["buyers"] > 0)].sort_values("rate")
    if overall.empty or float(overall["buyers"].iloc[0]) == 0:
        return None
    o = overall.iloc[0]
    if float(o["repeat_buyers"]) == 0 and float(o["buyers"]) >= kpi.totals_["orders"]:
        return None  # every order has its own buyer id (anonymous buyers): repurchase cannot be measured
    hidden = int(per["rate"].isna().sum())  # platforms whose buyers are under the minimum group: not published
    per = per[per["rate"].notna()]
    lowest = str(per.iloc[0]["platform"]) if len(per) else "all"
    by_platform = Text(zh="，".join(f"{display.value(row.platform).zh} {pct(row.rate)}" for row in per.itertuples()),
                       en=", ".join(f"{display.value(row.platform).en} {pct(row.rate)}" for row in per.itertuples()))
    if hidden:
        more = render("kpi", "repurchase", "hidden", n=hidden, min=kpi.min_group_size)
        by_platform = Text(zh=f"{by_platform.zh}{more.zh}", en=f"{by_platform.en}{more.en}")
    v = {"rate": Pct(o["rate"]), "buyers": Count(o["buyers"]), "repeat": Count(o["repeat_buyers"]),
         "by_platform": by_platform, "lowest": lowest, "low": pct(o["rate_low"], 1), "high": pct(o["rate_high"], 1)}
    return Finding(
        id="kpi.repurchase", analysis=A,
        title=_t("repurchase", "title", **v), summary=_t("repurchase", "summary", **v),
        action=_t("repurchase", "action", **v),
        evidence=Evidence(numbers={"rate": float(o["rate"]), "buyers": float(o["buyers"])},
                          rows=records(r), columns=list(r.columns)),
        confidence=Confidence("high" if o["buyers"] >= 1000 else "medium", _t("repurchase", "confidence", **v),
                              "Wilson 90% interval", (float(o["rate_low"]), float(o["rate_high"])), float(o["rate"])),
        money_at_stake=kpi.totals_["gmv"] * float(o["rate"]),
        chart=Chart("bar", "platform", ["rate"], Text("各平台复购率", "Repurchase rate by platform")),
    )


def _nps(kpi: KpiAnalysis) -> Finding | None:
    n = kpi.nps_
    if not n["responses"]:
        return None
    seg = kpi.nps_by_segment_
    if seg.empty:
        return None  # no segment to compare (no user panel)
    shown = seg[~seg["suppressed"].astype(bool)].sort_values("nps")
    if shown.empty:
        return None
    lo, hi = shown.iloc[0], shown.iloc[-1]

    def name(row: pd.Series) -> Text:
        return display.segment(str(row["attribute"]), row["value"])  # 年龄段 30-34, not age_band=30-34

    v = {"nps": number(n["nps"], 0), "lowest_segment": name(lo), "lowest_nps": number(lo["nps"], 0),
         "highest_segment": name(hi), "highest_nps": number(hi["nps"], 0), "responses": Count(n["responses"]),
         "suppressed": int(seg["suppressed"].sum()), "min_group": kpi.min_group_size,
         "low": number(n["low"], 0), "high": number(n["high"], 0)}
    return Finding(
        id="kpi.nps", analysis=A,
        title=_t("nps", "title", **v), summary=_t("nps", "summary", **v), action=_t("nps", "action", **v),
        evidence=Evidence(numbers={"nps": n["nps"], "responses": n["responses"]},
                          rows=records(seg), columns=list(seg.columns)),
        confidence=Confidence("high" if n["responses"] >= 400 else "medium", _t("nps", "confidence", **v),
                              "normal approximation, 90%", (n["low"], n["high"]), n["nps"]),
        money_at_stake=kpi.totals_["gmv"] * 0.01 * max(0.0, 50 - float(lo["nps"])) / 50,
        chart=Chart("bar", "value", ["nps"], Text("各人群 NPS", "NPS by segment"), facet="attribute",
                    where={"suppressed": False}),
    )


def _funnel(kpi: KpiAnalysis) -> Finding | None:
    f = kpi.funnel_
    if len(f) < 2 or float(f["users"].iloc[0]) == 0:
        return None
    steps = f.iloc[1:4]  # the drop into "shared" is not a sales lever
    worst = steps.loc[steps["rate_from_previous"].idxmin()]
    i = int(worst.name)
    from_stage, to_stage = str(f.loc[i - 1, "stage"]), str(worst["stage"])
    counts = dict(zip(f["stage"], f["users"], strict=True))
    v = {"from_stage": _t("stages", from_stage), "to_stage": _t("stages", to_stage),
         "rate": Pct(float(worst["rate_from_previous"]), 1), "advice": _t("advice", from_stage),
         "aware": Count(counts.get("aware", math.nan)), "interested": Count(counts.get("interested", math.nan)),
         "deep": Count(counts.get("deeply_interested", math.nan)), "purchased": Count(counts.get("purchased", math.nan)),
         "shared": Count(counts.get("shared", math.nan))}
    lost_users = float(f.loc[i - 1, "users"] - worst["users"])
    return Finding(
        id="kpi.funnel", analysis=A,
        title=_t("funnel", "title", **v), summary=_t("funnel", "summary", **v), action=_t("funnel", "action", **v),
        evidence=Evidence(numbers={"stage": to_stage, "rate_from_previous": float(worst["rate_from_previous"])},
                          rows=records(f), columns=list(f.columns)),
        confidence=Confidence("descriptive", _t("funnel", "confidence", **v), "count"),
        money_at_stake=lost_users * 0.01 * (kpi.totals_["aov"] if math.isfinite(kpi.totals_["aov"]) else 0.0),
        chart=Chart("funnel", "stage", ["users"], Text("AIPS 人群漏斗", "AIPS audience funnel")),
    )


def _trend(kpi: KpiAnalysis) -> Finding | None:
    t = kpi.trend_
    if not t:
        return None
    lo, hi = t["orders_change_low"], t["orders_change_high"]
    significant = math.isfinite(lo) and (lo > 0 or hi < 0)
    up = t["orders_change"] >= 0
    advice = "trend_flat" if not significant else ("trend_up" if up else "trend_down")
    v = {"days": int(t["days"]), "direction": _t("advice", "up" if up else "down"),
         "change": pct(abs(t["orders_change"]), 1), "before": Count(t["orders_before"]),
         "recent": Count(t["orders_recent"]), "gmv_change": pct(t["gmv_change"], 1),
         "advice": _t("advice", advice), "low": pct(lo, 1), "high": pct(hi, 1)}
    return Finding(
        id="kpi.trend", analysis=A,
        title=_t("trend", "title", **v), summary=_t("trend", "summary", **v), action=_t("trend", "action", **v),
        evidence=Evidence(numbers={k: t[k] for k in t}),
        confidence=Confidence("high" if significant else "low", _t("trend", "confidence", **v),
                              "Poisson rate ratio, 90%", (lo, hi), t["orders_change"]),
        money_at_stake=abs(t["gmv_recent"] - t["gmv_before"]),
    )
