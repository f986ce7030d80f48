"""Findings from the scene, region and lift analyses. Numbers from the analyses; prose from catalogue/scenes.toml."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from zhongcao.analyses.scenes import LiftAnalysis, RegionAnalysis, SceneAnalysis
from zhongcao.findings import display
from zhongcao.findings.model import Chart, Confidence, Evidence, Finding, Text
from zhongcao.findings.text import Count, Pct, catalogue, number, render

A = "scenes"
CARD_MIN_TGI = 120.0  # lower 90% bound of the region's lead-scene TGI for a product insight card


def _t(template: str, part: str, **values: Any) -> Text:
    return render(A, template, part, **values)


def _w(key: str) -> Text:
    words = catalogue(A)["words"]
    return Text(zh=words[f"{key}_zh"] or " ", en=words[f"{key}_en"] or " ")


def _flat(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for rec in frame.to_dict(orient="records"):
        # A segment stays a mapping {attribute: [values]}: the report names it in each language.
        rows.append({k: ("、".join(map(str, v)) if isinstance(v, list) else
                         ({a: list(b) for a, b in v.items()} if isinstance(v, dict) else v))
                     for k, v in rec.items()})
    return rows


def _n(x: float, digits: int = 2) -> str:
    return number(x, digits) if x is not None and not (isinstance(x, float) and math.isnan(x)) else "—"


def scene_findings(a: SceneAnalysis) -> list[Finding]:
    a.check_is_fitted()
    out = [_overview(a)]
    persona = _persona(a)
    if persona is not None:
        out.append(persona)
    out.append(_unplanned(a))
    return out


def _overview(a: SceneAnalysis) -> Finding:
    s = a.scenes_.sort_values("notes", ascending=False)
    top = s.iloc[0]
    conv = s[s["conversion_ratio"].notna()].sort_values("conversion_ratio", ascending=False)
    best = conv.iloc[0] if len(conv) else top
    v = {"n": len(s), "top": top["label"], "top_share": Pct(top["note_share"]),
         "scenes": "、".join(f"{r.label}（{'/'.join(r.terms[:3])}）" for r in s.head(6).itertuples()),
         "best": best["label"], "best_ratio": _n(best["conversion_ratio"]),
         "low": _n(best["conversion_low"]), "high": _n(best["conversion_high"])}
    v["conversion"] = _t("overview", "conversion" if len(conv) else "no_conversion", **v)
    cols = ["scene", "label", "terms", "notes", "note_share", "save_rate", "comment_rate", "conversion",
            "conversion_ratio", "distance", "growth", "coherence", "examples"]
    interval = None
    if not math.isnan(float(best["conversion_low"])):
        interval = (float(best["conversion_low"]), float(best["conversion_high"]))
    return Finding(
        id="scenes.overview", analysis=A,
        title=_t("overview", "title", **v), summary=_t("overview", "summary", **v), action=_t("overview", "action", **v),
        evidence=Evidence(numbers={"scenes": len(s), "notes": int(s["notes"].sum())}, rows=_flat(s[cols]),
                          columns=cols),
        confidence=Confidence("medium" if interval else "descriptive",
                              _t("overview", "confidence" if len(conv) else "confidence_counts", **v),
                              "log-scale binomial ratio, 90%", interval,
                              None if math.isnan(float(best["conversion_ratio"])) else float(best["conversion_ratio"])),
        chart=Chart("bar", "label", ["notes"], Text("各场景笔记数", "Notes per scene")),
    )


def _persona(a: SceneAnalysis) -> Finding | None:
    seg = a.segments_
    if seg.empty:
        return None
    ok = seg[~seg["suppressed"] & (seg["tgi_low"] > 100)].sort_values("tgi_low", ascending=False)
    if ok.empty:
        return None
    top = ok.iloc[0]
    labels = dict(zip(a.scenes_["scene"], a.scenes_["label"], strict=True))
    v = {"scene": labels[int(top["scene"])], "segment": display.segment(str(top["attribute"]), top["value"]), "tgi": _n(top["tgi"], 0),
         "suppressed": int(seg["suppressed"].sum()), "min_group": a.min_group_size,
         "low": _n(top["tgi_low"], 0), "high": _n(top["tgi_high"], 0)}
    rows = seg[~seg["suppressed"]].assign(label=lambda f: f["scene"].map(labels))
    cols = ["label", "attribute", "value", "share", "tgi", "tgi_low", "tgi_high"]
    return Finding(
        id="scenes.persona", analysis=A,
        title=_t("persona", "title", **v), summary=_t("persona", "summary", **v), action=_t("persona", "action", **v),
        evidence=Evidence(numbers={"suppressed_cells": v["suppressed"]}, rows=_flat(rows[cols]), columns=cols),
        confidence=Confidence("medium", _t("persona", "confidence", **v), "delta method on log TGI, 90%",
                              (float(top["tgi_low"]), float(top["tgi_high"])), float(top["tgi"])),
        chart=Chart("heatmap", "label", ["value", "tgi"], Text("场景 × 人群 TGI（100 = 与整体相同）",
                                                                "Scene × segment TGI (100 = as everyone)")),
    )


def _unplanned(a: SceneAnalysis) -> Finding:
    s = a.scenes_
    cols = ["label", "terms", "distance", "share_start", "share_end", "growth", "trend", "trend_low", "trend_high",
            "save_ratio", "comment_ratio", "conversion_ratio", "opportunity", "segment"]
    if a.unplanned_.empty:
        v = {"n": len(s), "far": a.far, "far_n": int((s["distance"] >= a.far).sum())}
        return Finding(id="scenes.unplanned", analysis=A, title=_t("unplanned_none", "title", **v),
                       summary=_t("unplanned_none", "summary", **v), action=_t("unplanned_none", "action", **v),
                       evidence=Evidence(numbers={"far_scenes": v["far_n"]}),
                       confidence=Confidence("low", _t("unplanned_none", "confidence", **v), "logistic trend, 90%"))
    u = a.unplanned_.iloc[0]
    parts = [display.segment(k, "/".join(vv)) if len(vv) > 1 and k not in ("gender",) else
             Text(zh=" / ".join(display.segment(k, x).zh for x in vv), en=" / ".join(display.segment(k, x).en for x in vv))
             for k, vv in u["segment"].items()]
    segment = Text(zh=" · ".join(p.zh for p in parts), en=" · ".join(p.en for p in parts)) if parts else \
        Text(zh="所有读者", en="all readers")
    q = a.quarterly_[a.quarterly_["scene"] == u["scene"]]
    v = {"scene": u["label"], "segment": segment, "distance": _n(u["distance"]), "start": Pct(u["share_start"]),
         "end": Pct(u["share_end"]), "growth": _n(u["growth"], 1), "save_ratio": _n(u["save_ratio"], 1),
         "comment_ratio": _n(u["comment_ratio"], 1), "conversion_ratio": _n(u["conversion_ratio"], 1),
         "terms": "、".join(u["terms"][:6]), "example": (u["examples"] or ["—"])[0],
         "low": _n(u["trend_low"]), "high": _n(u["trend_high"])}
    readers = float(u["readers"]) if not math.isnan(float(u["readers"])) else 0.0
    return Finding(
        id="scenes.unplanned", analysis=A,
        title=_t("unplanned", "title", **v), summary=_t("unplanned", "summary", **v),
        action=_t("unplanned", "action", **v),
        evidence=Evidence(numbers={"scene": str(u["label"]), "distance": float(u["distance"]),
                                   "growth": float(u["growth"]), "trend": float(u["trend"]),
                                   "save_ratio": float(u["save_ratio"]), "conversion_ratio": float(u["conversion_ratio"]),
                                   "readers": readers, "quarters": len(q)},
                          rows=_flat(a.unplanned_[cols]), columns=cols),
        confidence=Confidence("medium", _t("unplanned", "confidence", **v), "logistic regression slope, Wald 90%",
                              (float(u["trend_low"]), float(u["trend_high"])), float(u["trend"])),
        chart=Chart("bar", "label", ["growth"], Text("远离卖点且增长的场景", "Scenes far from the selling points, growing")),
    )


def region_findings(a: RegionAnalysis) -> list[Finding]:
    a.check_is_fitted()
    m = a.matrix_
    regional = m[(m["level"] == "region") & ~m["suppressed"]]
    sig = regional[regional["significant"]].sort_values("tgi", ascending=False)
    first = a.content_[a.content_["rank"] == 1].sort_values("tgi", ascending=False)
    # A card is a template to act on: only regions whose lead scene is clearly theirs get one.
    cards = first[first["tgi_low"] >= CARD_MIN_TGI]
    pairs = Text(zh="；".join(f"{display.value(r.region).zh}→{r.label}" for r in first.head(4).itertuples()),
                 en="; ".join(f"{display.value(r.region).en} → {r.label}" for r in first.head(4).itertuples()))
    top = sig.iloc[0] if len(sig) else None
    basis = Text("读者", "readers") if a.basis_ == "readers" else Text("作者", "authors")
    v = {"pairs": pairs, "basis": basis, "suppressed": int(m["suppressed"].sum()), "min_group": a.min_group_size,
         "top": f"{top['area']} × {top['label']}" if top is not None else "—",
         "low": _n(top["tgi_low"], 0) if top is not None else "—", "high": _n(top["tgi_high"], 0) if top is not None else "—"}
    cols = ["level", "area", "label", "reads", "share", "tgi", "tgi_low", "tgi_high", "significant"]
    out = [Finding(
        id="regions.matrix", analysis="regions",
        # No clear cell: say so, instead of "matrix: —" and "interval — to —".
        title=_t("region_matrix" if top is not None and len(first) else "region_matrix_none", "title", **v),
        summary=_t("region_matrix", "summary", **v), action=_t("region_matrix", "action", **v),
        evidence=Evidence(numbers={"regions": int(regional["area"].nunique()), "significant_cells": len(sig),
                                   "suppressed_cells": v["suppressed"], "basis": a.basis_},
                          rows=_flat(m[~m["suppressed"]][cols]), columns=cols),
        confidence=Confidence("medium" if top is not None else "low",
                              _t("region_matrix" if top is not None else "region_matrix_none", "confidence", **v),
                              "delta method on log TGI, 90%",
                              (float(top["tgi_low"]), float(top["tgi_high"])) if top is not None else None,
                              float(top["tgi"]) if top is not None else None),
        chart=Chart("heatmap", "area", ["label", "tgi"], Text("大区 × 场景 TGI（100 = 与全国相同）",
                                                               "Macro-region × scene TGI (100 = as the country)"),
                    where={"level": "region"}),
    )]
    content_cols = ["region", "rank", "label", "tgi", "tgi_low", "tgi_high", "words", "examples", "products"]
    for i, card in enumerate(cards.itertuples(), 1):
        words = list(card.words) or ["—"]
        products = list(card.products) or ["—"]
        cv = {"region": card.region, "scene": card.label, "tgi": _n(card.tgi, 0), "tgi_x": _n(card.tgi / 100, 1),
              "words": "、".join(words), "examples": "、".join(card.examples[:2]) or "—",
              "products": "、".join(products), "first_words": "、".join(words[:3]), "first_product": products[0],
              "low": _n(card.tgi_low, 0), "high": _n(card.tgi_high, 0)}
        rows = a.content_[a.content_["region"] == card.region][content_cols]
        out.append(Finding(
            id=f"regions.card_{i}", analysis="regions",
            title=_t("region_card", "title", **cv), summary=_t("region_card", "summary", **cv),
            action=_t("region_card", "action", **cv),
            evidence=Evidence(numbers={"region": card.region, "scene": card.label, "tgi": float(card.tgi)},
                              rows=_flat(rows), columns=content_cols),
            confidence=Confidence("medium", _t("region_card", "confidence", **cv), "delta method on log TGI, 90%",
                                  (float(card.tgi_low), float(card.tgi_high)), float(card.tgi)),
            chart=Chart("bar", "label", ["tgi"], _t("region_card", "chart", **cv)),
        ))
    return out


def lift_findings(a: LiftAnalysis) -> list[Finding]:
    a.check_is_fitted()
    out = []
    r = a.regional_
    if r.get("status") == "estimated" and r.get("estimates"):
        out.append(_lift_regional(r))
    b = a.brand_wide_
    if b.get("status") == "estimated":
        out.append(_lift_brand(b))
    return out


def _signed(x: float) -> str:
    return "—" if x is None or math.isnan(x) else f"{x:+.0%}"


def _lift_regional(r: dict[str, Any]) -> Finding:
    est = {e["metric"]: e for e in r["estimates"]}
    o = est.get("orders") or next(iter(est.values()))
    g = est.get("gmv", {})
    verdict = "keep" if o["low"] > 0 else ("harm" if o["high"] < 0 else "unsure")
    v = {"treated": "、".join(r["treated"]), "start": r["start"], "orders": _signed(o["estimate"]),
         "gmv": _signed(g.get("estimate", math.nan)), "low": _signed(o["low"]), "high": _signed(o["high"]),
         "extra": Count(o["extra"]), "synthetic": _signed(o["synthetic"]), "synthetic_p": _n(o["synthetic_p"]),
         "pre_p": _n(o["pre_trend_p"]), "pre_verdict": _w("pre_ok" if o["pre_trend_ok"] else "pre_bad"),
         "detected": _w("detected" if r["detected"] else "given"), "verdict": _w(verdict)}
    level = "low" if r["detected"] or not o["pre_trend_ok"] else ("high" if o["low"] > 0 or o["high"] < 0 else "medium")
    cols = ["metric", "estimate", "low", "high", "p_value", "pre_trend_p", "synthetic", "synthetic_p", "extra",
            "treated_pre", "treated_post", "control_pre", "control_post"]
    rows = [{k: e[k] for k in cols} for e in r["estimates"]]
    gmv_post = float(g.get("treated_post", 0.0))
    return Finding(
        id="lift.regional", analysis="lift",
        title=_t("lift_regional", "title", **v), summary=_t("lift_regional", "summary", **v),
        action=_t("lift_regional", "action", **v),
        evidence=Evidence(numbers={"treated": "、".join(r["treated"]), "start": r["start"], "lift_orders": o["estimate"],
                                   "lift_gmv": g.get("estimate"), "pre_trend_p": o["pre_trend_p"],
                                   "detected": str(r["detected"]).lower()},
                          rows=rows, columns=cols),
        confidence=Confidence(level, _t("lift_regional", "confidence", **v), "difference-in-differences, block bootstrap 90%",
                              (o["low"], o["high"]), o["estimate"]),
        money_at_stake=gmv_post - gmv_post / (1 + g["estimate"]) if g and g.get("estimate", -1) > -1 else 0.0,
        chart=Chart("bar", "metric", ["estimate"], Text("调整带来的变化（双重差分，90% 区间）",
                                                        "Change from the content switch (difference-in-differences, 90%)"),
                    where={"metric": ["orders", "gmv"]}),  # leads: too few for an interval worth drawing
    )


def _lift_brand(b: dict[str, Any]) -> Finding:
    verdict = "cheaper" if b["cost_ratio_high"] < 1 else ("dearer" if b["cost_ratio_low"] > 1 else "flat")
    v = {"start": b["start"], "before": f"¥{b['cost_before']:,.0f}", "after": f"¥{b['cost_after']:,.0f}",
         "change": _signed(b["cost_change"]), "level": _signed(b["level_change"]), "level_low": _signed(b["level_low"]),
         "level_high": _signed(b["level_high"]), "ratio": _n(b["cost_ratio"]), "low": _n(b["cost_ratio_low"]),
         "high": _n(b["cost_ratio_high"]), "leads_before": Count(b["events_before"]),
         "leads_after": Count(b["events_after"]), "channels": Text(zh="、".join(display.value(c).zh for c in b["channels"]),
                                                       en=", ".join(display.value(c).en for c in b["channels"])),
         "excluded": "、".join(b["excluded_campaigns"]) or Text(zh="无", en="none"), "phi": _n(b["overdispersion"], 1),
         "detected": _w("detected" if b["detected"] else "given"), "verdict": _w(verdict)}
    level = "low" if b["detected"] else ("high" if verdict != "flat" else "medium")
    numbers = {k: b[k] for k in ("cost_before", "cost_after", "cost_ratio", "cost_ratio_low", "cost_ratio_high",
                                 "cost_change", "level_change", "level_low", "level_high", "events_before",
                                 "events_after", "overdispersion")}
    return Finding(
        id="lift.brand_wide", analysis="lift",
        title=_t("lift_brand", "title", **v), summary=_t("lift_brand", "summary", **v),
        action=_t("lift_brand", "action", **v),
        evidence=Evidence(numbers={**numbers, "start": b["start"], "detected": str(b["detected"]).lower()},
                          rows=[{"period": "before", "cost_per_lead": b["cost_before"], "leads": b["events_before"]},
                                {"period": "after", "cost_per_lead": b["cost_after"], "leads": b["events_after"]}],
                          columns=["period", "cost_per_lead", "leads"]),
        confidence=Confidence(level, _t("lift_brand", "confidence", **v),
                              "interrupted time series (segmented quasi-Poisson), 90%",
                              (b["cost_change_low"], b["cost_change_high"]), b["cost_change"]),
        money_at_stake=abs(b["cost_before"] - b["cost_after"]) * b["events_after"],
        chart=Chart("bar", "period", ["cost_per_lead"], Text("调整前后线索成本", "Cost per lead before and after")),
    )
