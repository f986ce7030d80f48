"""Findings from a fitted AttributionAnalysis. Numbers from the analysis; prose from catalogue/attribution.toml."""

from __future__ import annotations

import math
from typing import Any

from zhongcao.analyses.attribution import AttributionAnalysis
from zhongcao.findings import display
from zhongcao.findings.model import Chart, Confidence, Evidence, Finding, Text, records
from zhongcao.findings.text import Count, Money, Pct, number, render

A = "attribution"


def attribution_findings(fitted: AttributionAnalysis) -> list[Finding]:
    fitted.check_is_fitted()
    out = []
    for build in (_channels, _lift, _creator_roi, _midfunnel, _journeys):
        finding = build(fitted)
        if finding is not None:
            out.append(finding)
    return out


def _t(template: str, part: str, **values: Any) -> Text:
    return render(A, template, part, **values)



def _channels(a: AttributionAnalysis) -> Finding | None:
    ch = a.channels_[a.channels_["conversion"] == "orders"]
    if ch.empty:
        return None
    wide = ch.pivot_table(index="channel", columns="model", values="share", aggfunc="sum").fillna(0.0)
    if "markov" not in wide or "last_touch" not in wide:
        return None
    gap = (wide["last_touch"] - wide["markov"]).sort_values()
    over = str(gap.index[-1])  # last touch gives it most more than Markov
    mk = ch[ch["model"] == "markov"].set_index("channel")
    paid = mk[mk["cost"] > 0].sort_values("roi")
    if paid.empty:
        return None
    best, worst = paid.iloc[-1], paid.iloc[0]
    v = {"over": over, "over_last": Pct(wide.loc[over, "last_touch"]), "over_markov": Pct(wide.loc[over, "markov"]),
         "best": str(paid.index[-1]), "best_roi": number(best["roi"]), "best_low": number(best["roi_low"]),
         "best_high": number(best["roi_high"]), "worst": str(paid.index[0]), "worst_roi": number(worst["roi"]),
         "worst_low": number(worst["roi_low"]), "worst_high": number(worst["roi_high"]),
         "orders": Count(float(a.journeys_.loc[a.journeys_["conversion_type"] != "lead", "conversions"].sum())),
         "lookback": int(a.journeys_["lookback_days"].max())}
    cols = ["channel", "model", "conversions", "conversions_low", "conversions_high", "share", "revenue",
            "revenue_low", "revenue_high", "cost", "roi", "roi_low", "roi_high", "cpa"]
    return Finding(
        id="attribution.channels", analysis=A,
        title=_t("channels", "title", **v), summary=_t("channels", "summary", **v),
        action=_t("channels", "action", **v),
        evidence=Evidence(numbers={"best_roi": float(best["roi"]), "worst_roi": float(worst["roi"]),
                                   "over_last_touch_share": float(wide.loc[over, "last_touch"]),
                                   "over_markov_share": float(wide.loc[over, "markov"])},
                          rows=records(ch[cols]), columns=cols),
        confidence=Confidence("medium", _t("channels", "confidence", **v), "Poisson bootstrap over journeys, 90%",
                              (float(best["roi_low"]), float(best["roi_high"])), float(best["roi"])),
        money_at_stake=float(worst["cost"]),
        chart=Chart("bar", "channel", ["share"], Text("各渠道归因占比：7 种模型", "Channel share of orders: 7 models"),
                    series="model"),
    )


def _lift(a: AttributionAnalysis) -> Finding | None:
    s = a.lift_
    if not s or not math.isfinite(s.get("incremental_orders", math.nan)):
        return None
    significant = s["incremental_orders_low"] > 0
    v = {"campaign": s["campaign"], "channel": s["channel"], "inc": Count(s["incremental_orders"]),
         "low": Count(max(s["incremental_orders_low"], 0.0)), "high": Count(s["incremental_orders_high"]),
         "inc_rev": Money(s["incremental_revenue"]), "iroi": number(s["incremental_roi"]),
         "iroi_low": number(s["incremental_roi_low"]), "iroi_high": number(s["incremental_roi_high"]),
         "lift_share": Pct(s["lift_share"]), "last_share": Pct(s["last_touch_share"]),
         "markov_share": Pct(s["markov_share"]), "holdout": Count(s["holdout_users"]),
         "exposed": Count(s["exposed_users"]), "start": s["start"], "end": s["end"], "tail": int(s["tail_days"]),
         "cost": Money(s["cost"])}
    verdict = "works" if significant and s["incremental_roi"] >= 1 else ("weak" if significant else "none")
    rows = [{"method": "lift study", "orders": s["incremental_orders"], "share": s["lift_share"]},
            {"method": "last touch", "orders": s["last_touch_claimed_orders"], "share": s["last_touch_share"]},
            {"method": "markov", "orders": s["markov_claimed_orders"], "share": s["markov_share"]}]
    return Finding(
        id="attribution.lift", analysis=A,
        title=_t("lift", "title", **v), summary=_t("lift", "summary", **v),
        action=_t("lift", f"action_{verdict}", **v),
        evidence=Evidence(numbers={k: s[k] for k in ("incremental_orders", "incremental_orders_low",
                                                     "incremental_orders_high", "incremental_revenue",
                                                     "incremental_roi", "cost", "exposed_users", "holdout_users")},
                          rows=rows, columns=["method", "orders", "share"]),
        confidence=Confidence("high" if significant else "low", _t("lift", "confidence", **v),
                              "randomized holdout, Poisson normal 90% interval",
                              (s["incremental_orders_low"], s["incremental_orders_high"]), s["incremental_orders"]),
        money_at_stake=float(s["cost"]),
        chart=Chart("bar", "method", ["orders"], Text("增量实验 vs 归因模型", "Lift study vs attribution models")),
    )


def _creator_roi(a: AttributionAnalysis) -> Finding | None:
    cp = a.creator_platforms_
    shown = cp[~cp["suppressed"] & (cp["cost"] > 0) & cp["roi"].notna()]
    if shown.empty:
        return None
    off = shown[shown["platform"] != "red"].sort_values("roi", ascending=False)
    top = (off if len(off) else shown.sort_values("roi", ascending=False)).iloc[0]
    creator = str(top["creator_id"])
    mine = cp[(cp["creator_id"] == creator) & ~cp["suppressed"]]
    off_share = float(mine.loc[mine["platform"] != "red", "revenue"].sum() / mine["revenue"].sum())
    v = {"creator": creator, "platform": str(top["platform"]), "roi": number(top["roi"], 1),
         "low": number(top["roi_low"], 1), "high": number(top["roi_high"], 1), "revenue": Money(top["revenue"]),
         "cost": Money(top["cost"]), "off_share": Pct(off_share),
         "suppressed": int(cp["suppressed"].sum())}
    cols = ["creator_id", "platform", "journeys", "conversions", "revenue", "revenue_low", "revenue_high", "cost",
            "roi", "roi_low", "roi_high"]
    rows = shown.sort_values("roi", ascending=False).head(50)
    return Finding(
        id="attribution.creator_roi", analysis=A,
        title=_t("creator_roi", "title", **v), summary=_t("creator_roi", "summary", **v),
        action=_t("creator_roi", "action", **v),
        evidence=Evidence(numbers={"roi": float(top["roi"]), "roi_low": float(top["roi_low"]),
                                   "roi_high": float(top["roi_high"]), "offsite_share": off_share,
                                   "suppressed_groups": int(cp["suppressed"].sum())},
                          rows=records(rows[cols]), columns=cols),
        confidence=Confidence("medium", _t("creator_roi", "confidence", **v), "compound Poisson normal 90%, linear",
                              (float(top["roi_low"]), float(top["roi_high"])), float(top["roi"])),
        money_at_stake=float(top["revenue"]),
        chart=Chart("bar", "creator_id", ["roi"], Text("达人分平台 ROI（线性归因）", "Creator ROI by platform (linear)"),
                    series="platform"),
    )


def _midfunnel(a: AttributionAnalysis) -> Finding | None:
    m = a.midfunnel_
    if m.empty:
        return None
    ch = m[(m["level"] == "channel") & ~m["suppressed"] & m["cpti"].notna()].sort_values("cpti")
    if ch.empty:
        return None
    best, worst = ch.iloc[0], ch.iloc[-1]
    v = {"best": best["channel"], "best_cpti": Money(best["cpti"]), "worst": worst["channel"],
         "worst_cpti": Money(worst["cpti"]), "rate": Pct(best["search_rate"], 1),
         "low": Pct(best["search_rate_low"], 1), "high": Pct(best["search_rate_high"], 1),
         "new_deep": Count(best["new_deep_readers"]), "suppressed": int(m["suppressed"].sum())}
    cols = ["level", "channel", "creator_id", "readers", "search_rate", "search_rate_low", "search_rate_high",
            "click_rate", "deep_readers", "new_deep_readers", "cost", "cpti"]
    shown = m[~m["suppressed"]]
    return Finding(
        id="attribution.midfunnel", analysis=A,
        title=_t("midfunnel", "title", **v), summary=_t("midfunnel", "summary", **v),
        action=_t("midfunnel", "action", **v),
        evidence=Evidence(numbers={"best_cpti": float(best["cpti"]), "worst_cpti": float(worst["cpti"]),
                                   "search_rate": float(best["search_rate"])},
                          rows=records(shown[cols].head(80)), columns=cols),
        confidence=Confidence("medium", _t("midfunnel", "confidence", **v), "Wilson 90% interval",
                              (float(best["search_rate_low"]), float(best["search_rate_high"])),
                              float(best["search_rate"])),
        money_at_stake=float(worst["cost"]) * 0.5,
        chart=Chart("bar", "channel", ["cpti"], Text("各渠道新增深度兴趣用户成本（CPTI）",
                                                     "Cost per new deeply interested user by channel"),
                    where={"level": "channel"}),
    )


def _journeys(a: AttributionAnalysis) -> Finding | None:
    flows = a.flows_
    if flows.empty:
        return None
    # The Sankey shows the biggest flows; the evidence keeps every link.
    ends = flows[flows["target"].isin(["converted", "not converted"])]
    converted = ends[ends["target"] == "converted"].groupby("source")["journeys"].sum()
    total = ends.groupby("source")["journeys"].sum()
    rate = (converted / total).dropna()
    rate = rate[total.loc[rate.index] >= a.min_group_size]  # a rate over fewer journeys is not published
    if rate.empty:
        return None
    best = str(rate.idxmax())
    v = {"best": display.step(best), "best_rate": Pct(float(rate.max()), 1), "journeys": Count(float(total.sum())),
         "links": len(flows)}
    cols = ["source", "target", "journeys"]
    return Finding(
        id="attribution.journeys", analysis=A,
        title=_t("journeys", "title", **v), summary=_t("journeys", "summary", **v),
        action=_t("journeys", "action", **v),
        evidence=Evidence(numbers={"journeys": float(total.sum()), "best_end_rate": float(rate.max())},
                          rows=records(flows.head(40)), columns=cols),
        confidence=Confidence("descriptive", _t("journeys", "confidence", **v), "count"),
        money_at_stake=0.0,
        chart=Chart("sankey", "source", ["target", "journeys"], Text("订单前的触点路径", "Touch paths before orders")),
    )
