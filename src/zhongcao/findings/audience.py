"""Findings from the lost-lead and segment analyses. Numbers from the analyses; prose from catalogue/audience.toml."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from zhongcao.analyses.audience import LostLeadAnalysis, SegmentAnalysis
from zhongcao.findings import display
from zhongcao.findings.model import Chart, Confidence, Evidence, Finding, Text
from zhongcao.findings.text import Count, Pct, number, render

A = "audience"


def _t(template: str, part: str, **values: Any) -> Text:
    return render(A, template, part, **values)


def _flat(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows for the evidence table: lists become 、-joined text, nested records their titles."""
    rows = []
    for rec in frame.to_dict(orient="records"):
        out = {}
        for k, v in rec.items():
            if isinstance(v, list):
                v = "、".join(str(x.get("title", x)) if isinstance(x, dict) else str(x) for x in v)
            out[k] = v
        rows.append(out)
    return rows


def _tgi(x: float) -> str:
    return "∞" if math.isinf(x) else number(x, 0)


def lost_findings(a: LostLeadAnalysis) -> list[Finding]:
    a.check_is_fitted()
    return [f for f in (_lost_overview(a), _lost_competitors(a)) if f is not None]


def _lost_overview(a: LostLeadAnalysis) -> Finding:
    c = a.counts_
    p = a.profile_
    cand = p[~p["suppressed"] & (p["attribute"] != "lead_note") & (p["tgi_low"] > 100)].sort_values(
        "tgi_low", ascending=False)
    if len(cand):
        top = cand.iloc[0]
        profile = _t("lost_overview", "profile_some", who=display.segment(str(top["attribute"]), top["value"]),
                     tgi=_tgi(float(top["tgi_vs_converted"])))
    else:
        profile = _t("lost_overview", "profile_none")
    definition = (_t("lost_overview", "definition_status") if a.definition == "status"
                  else _t("lost_overview", "definition_window", days=a.window_days))
    v = {"lost_rate": Pct(c["lost_rate"]), "lost": Count(c["lost"]), "converted": Count(c["converted"]),
         "leads": Count(c["leads"]), "definition": definition,
         "not_in_panel": _t("lost_overview", "not_in_panel", n=Count(c["leads_not_in_panel"]))
         if c["leads_not_in_panel"] > 0 else _t("lost_overview", "all_in_panel"),
         "profile": profile}
    rows = p[p["attribute"] != "lead_note"]
    return Finding(
        id="lost.overview", analysis="lost",
        title=_t("lost_overview", "title", **v), summary=_t("lost_overview", "summary", **v),
        action=_t("lost_overview", "action", **v),
        evidence=Evidence(numbers={k: c[k] for k in ("leads", "lost", "converted", "open", "lost_rate",
                                                      "leads_not_in_panel")},
                          rows=_flat(rows), columns=list(rows.columns)),
        confidence=Confidence("descriptive", _t("lost_overview", "confidence", **v), "count"),
        chart=Chart("bar", "value", ["lost_share", "converted_share", "platform_share"],
                    Text("战败 vs 转化 vs 全体用户", "Lost vs converted vs all users"), facet="attribute"),
    )


def _lost_competitors(a: LostLeadAnalysis) -> Finding | None:
    comp = a.competitors_
    over = comp[comp["over_indexed"]] if len(comp) else comp
    cols = ["offer", "terms", "entity_type", "known", "tgi", "tgi_low", "tgi_high", "lost_share", "converted_share",
            "touches_per_100_lost", "lost_touches", "converted_touches", "example_notes", "example_queries"]
    evidence = Evidence(numbers={"competitors": len(comp), "over_indexed": len(over),
                                 "suppressed_for_support": a.suppressed_competitors_},
                        rows=_flat(comp[cols]) if len(comp) else [], columns=cols)
    chart = Chart("bar", "offer", ["tgi"], Text("战败线索的竞品 TGI", "Competitor TGI among lost leads"))
    if comp.empty:
        return None  # no competitor in post-lead notes or searches: nothing was compared
    if over.empty:
        v = {"n": len(comp), "suppressed": a.suppressed_competitors_}
        v["suppressed_part"] = _t("lost_none", "suppressed" if a.suppressed_competitors_ else "none_suppressed", **v)
        return Finding(id="lost.competitors", analysis="lost", title=_t("lost_none", "title", **v),
                       summary=_t("lost_none", "summary", **v), action=_t("lost_none", "action", **v),
                       evidence=evidence, confidence=Confidence("low", _t("lost_none", "confidence", **v),
                                                                "delta method on log TGI, 90%"), chart=chart)
    first = over.iloc[0]
    second = over.iloc[1] if len(over) > 1 else None
    key = "lost_competitors" if second is not None else "lost_one"
    unlisted = over[~over["known"]]
    known = comp[comp["known"]]
    none = _t("lost_competitors", "none")
    v = {
        "first": first["offer"], "second": second["offer"] if second is not None else "",
        "first_share": Pct(first["lost_share"]),
        "first_conv_share": Pct(first["converted_share"]), "first_tgi": _tgi(first["tgi"]),
        "second_tgi": _tgi(second["tgi"]) if second is not None else "", "unlisted": len(unlisted),
        "unlisted_names": "、".join(unlisted["offer"].astype(str)) or none,
        "known_names": "、".join(known["offer"].astype(str)) or none,
        "known_tgi": "、".join(_tgi(x) for x in known["tgi"]) or "—",
        "low": _tgi(first["tgi_low"]), "high": _tgi(first["tgi_high"]),
    }
    # No tracked rival with enough support: say so instead of "TGI —".
    v["known_part"] = _t("lost_known", "some" if len(known) else "none", **v)
    return Finding(
        id="lost.competitors", analysis="lost",
        title=_t(key, "title", **v), summary=_t(key, "summary", **v), action=_t(key, "action", **v), evidence=evidence,
        confidence=Confidence("medium", _t("lost_competitors", "confidence", **v), "delta method on log TGI, 90%",
                              (float(first["tgi_low"]), float(first["tgi_high"])), float(first["tgi"])),
        chart=chart,
    )


def segment_findings(a: SegmentAnalysis) -> list[Finding]:
    a.check_is_fitted()
    out = []
    for i, (seg, themes) in enumerate(a.themes_.groupby("segment", sort=True)):
        themes = themes.sort_values("z", ascending=False)
        terms = a.terms_[a.terms_["segment"] == seg]
        top = themes.head(3)
        names = "、".join(top["theme"].astype(str))
        # Verbatim text only from a theme of at least the minimum group (suppressed ones carry none);
        # without one the sentence is left out rather than shown as a dash.
        text = next((e[0] for e in top["examples"] if isinstance(e, list) and e), None)
        example = _t("segments_pain", "example", text=text) if text is not None else ""
        v = {"attribute": display.value(a.attribute_), "segment": display.segment(a.attribute_, seg), "themes": names, "lead": top.iloc[0]["theme"],
             "terms": "、".join(terms["term"].head(8).astype(str)), "example": example,
             "z": number(float(top.iloc[0]["z"]), 1)}
        slug = re.sub(r"[^a-z0-9]+", "_", str(seg).lower()).strip("_") or f"s{i}"
        out.append(Finding(
            id=f"segments.pain_points.{slug}", analysis="segments",
            title=_t("segments_pain", "title", **v), summary=_t("segments_pain", "summary", **v),
            action=_t("segments_pain", "action", **v),
            evidence=Evidence(numbers={"segment_users": a.sizes_.get(str(seg)), "themes": len(themes)},
                              rows=_flat(themes), columns=list(themes.columns)),
            confidence=Confidence("medium", _t("segments_pain", "confidence", **v),
                                  "log-odds with informative Dirichlet prior (Monroe et al. 2008)",
                                  estimate=float(top.iloc[0]["z"])),
            chart=Chart("bar", "theme", ["z"], Text("区分度最高的主题", "Most distinguishing themes")),
        ))
    if a.suppressed_:
        v = {"n": len(a.suppressed_), "min_group": a.min_group_size, "attribute": a.attribute_,
             "names": "、".join(a.suppressed_)}
        out.append(Finding(
            id="segments.suppressed", analysis="segments",
            title=_t("segments_suppressed", "title", **v), summary=_t("segments_suppressed", "summary", **v),
            action=_t("segments_suppressed", "action", **v),
            evidence=Evidence(numbers={"suppressed": len(a.suppressed_), "min_group_size": a.min_group_size}),
            confidence=Confidence("descriptive", _t("segments_suppressed", "confidence", **v), "privacy rule"),
        ))
    return out
