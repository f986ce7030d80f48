"""The views a marketing-mix user expects next to the MMM cards (as Meridian and Robyn draw them):
actual vs predicted with R², adstock decay per channel, a contribution waterfall, spend share vs
effect share, ROI with intervals per channel, and the response curves with today's and the
planned spend marked. Each is a ``Chart`` with its own rows, computed from what the fitted
analyses already hold; numbers only, labels come from the display catalogue.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from zhongcao.analyses.budget import BudgetAnalysis
from zhongcao.analyses.mmm import MmmAnalysis
from zhongcao.findings.model import Chart, Text

MAX_POINTS = 120
"""A daily fit is drawn by week beyond this many periods (readable, and the file stays small)."""


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict(orient="records"):
        out.append({k: (None if isinstance(v, float) and not math.isfinite(v) else
                        v.item() if hasattr(v, "item") else v) for k, v in rec.items()})
    return out


def fit_chart(a: MmmAnalysis) -> Chart | None:
    """Actual KPI against the model's fit (baseline + every channel's contribution), with R²."""
    c = a.contributions_
    if c is None or c.empty:
        return None
    channels = [ch for ch in a.channels_["channel"] if ch in c.columns]
    frame = pd.DataFrame({"day": pd.to_datetime(c["period"]), "actual": c["actual"],
                          "predicted": c["baseline"] + c[channels].sum(axis=1)})
    if len(frame) > MAX_POINTS:  # by week: the daily fit's noise hides the shape
        frame = frame.set_index("day").resample("W-MON", label="left", closed="left").sum().reset_index()
    frame["day"] = frame["day"].dt.strftime("%Y-%m-%d")
    r2 = a.fit_.get("r2")
    r2_text = f"{r2:.2f}" if isinstance(r2, float) and math.isfinite(r2) else "—"
    return Chart("line", "day", ["actual", "predicted"],
                 Text(f"实际成交 vs 模型拟合（R² = {r2_text}）", f"Actual vs predicted sales (R² = {r2_text})"),
                 rows=_records(frame))


def adstock_chart(a: MmmAnalysis) -> Chart | None:
    """How a unit of spend's effect spreads over the following periods, per channel (posterior mean)."""
    model = getattr(a, "_model", None)
    if model is None:
        return None
    rows = []
    summary = a.channels_.set_index("channel")
    for k, ch in enumerate(model.channels_):
        step = model.chains_[k].adstock()
        if step is None or ch not in summary.index:
            continue
        names = [f"adstock.{p.name}" for p in step.params]
        if any(n not in summary.columns for n in names):
            continue
        values = np.array([[float(summary.at[ch, n]) for n in names]])
        weights = step.weights(values)[0]
        rows += [{"channel": ch, "lag": int(lag), "weight": float(w)} for lag, w in enumerate(weights)]
    if not rows:
        return None
    unit = ("天", "day") if model.period_ == "day" else ("周", "week")
    return Chart("line", "lag", ["weight"],
                 Text(f"投放效应的衰减：投放后第几{unit[0]}还剩多少效应", f"Adstock decay: the effect by {unit[1]} after the spend"),
                 series="channel", rows=rows)


def waterfall_chart(a: MmmAnalysis) -> Chart | None:
    """Total sales built up from the baseline and each channel's contribution."""
    c = a.contributions_
    if c is None or c.empty:
        return None
    rows = [{"step": "base", "contribution": float(c["baseline"].sum())}]
    rows += [{"step": str(r.channel), "contribution": float(r.contribution)}
             for r in a.channels_.sort_values("contribution", ascending=False).itertuples()]
    return Chart("waterfall", "step", ["contribution"],
                 Text("成交额的构成：基线 + 各渠道贡献", "Where sales came from: baseline + each channel"), rows=rows)


def share_chart(a: MmmAnalysis) -> Chart | None:
    """Each channel's share of spend against its share of the media effect."""
    ch = a.channels_
    spend, effect = float(ch["spend"].sum()), float(ch["contribution"].clip(lower=0).sum())
    if spend <= 0 or effect <= 0:
        return None
    rows = [{"channel": r.channel, "spend_share": float(r.spend) / spend,
             "effect_share": max(float(r.contribution), 0.0) / effect} for r in ch.itertuples()]
    return Chart("bar", "channel", ["spend_share", "effect_share"],
                 Text("投入占比 vs 效应占比", "Share of spend vs share of effect"), rows=rows)


def roi_chart(a: MmmAnalysis) -> Chart | None:
    """ROI per channel with its 90% credible interval (a forest plot; 1 = break-even)."""
    cols = ["channel", "roi", "roi_low", "roi_high"]
    if any(c not in a.channels_.columns for c in cols):
        return None
    rows = _records(a.channels_[cols].sort_values("roi", ascending=False))
    return Chart("forest", "channel", ["roi"],
                 Text("各渠道 ROI 与 90% 可信区间（虚线 = 1，盈亏平衡）",
                      "ROI by channel with 90% credible intervals (dashed line = 1, break-even)"), rows=rows)


def mmm_charts(a: MmmAnalysis) -> list[Chart]:
    """Every MMM view the fitted analysis can give, in reading order."""
    return [c for c in (fit_chart(a), roi_chart(a), waterfall_chart(a), share_chart(a), adstock_chart(a)) if c]


def response_chart(b: BudgetAnalysis) -> Chart | None:
    """Per channel, incremental sales against spend, with today's and the planned spend marked."""
    curves = getattr(b, "curves_", None)
    if curves is None or curves.empty:
        return None
    plan = b.plan_.set_index("channel")
    frame = curves[curves["spend_multiplier"] <= 2.0].copy()
    frame["current"] = frame["channel"].map(plan["current"])
    frame["optimal"] = frame["channel"].map(plan["optimal"])
    frame = frame.sort_values(["channel", "spend"])
    return Chart("line", "spend", ["response"],
                 Text("响应曲线：投入 → 增量成交（实线 = 当前投入，虚线 = 建议投入）",
                      "Response curves: spend → incremental sales (solid = today, dashed = planned)"),
                 facet="channel", marks=["current", "optimal"],
                 rows=_records(frame[["channel", "spend", "response", "response_low", "response_high",
                                      "current", "optimal"]]))
