"""Findings from the marketing-mix, budget and repurchase analyses; prose from catalogue/{mmm,budget,repurchase}.toml."""

from __future__ import annotations

import math

import pandas as pd

from zhongcao.analyses.budget import BudgetAnalysis
from zhongcao.analyses.mmm import MmmAnalysis
from zhongcao.analyses.repurchase import RepurchaseAnalysis
from zhongcao.findings import display
from zhongcao.findings.mmm_charts import mmm_charts, response_chart
from zhongcao.findings.mmm_review import adjust_level, next_experiment_finding, review_findings, with_caveat
from zhongcao.findings.model import Chart, Confidence, Evidence, Finding, Level, Text, records
from zhongcao.findings.text import Count, Money, Pct, money, number, render


def _level(width_ratio: float, converged: bool = True) -> Level:
    """Interval width relative to the estimate: narrow is high confidence; a sampler that did not converge is low."""
    if not converged or not math.isfinite(width_ratio):
        return "low"
    return "high" if width_ratio < 0.5 else "medium" if width_ratio < 1.5 else "low"


def mmm_findings(a: MmmAnalysis) -> list[Finding]:
    a.check_is_fitted()
    out = [_long_term(a), _diagnostics(a), *review_findings(a), *next_experiment_finding(a)]
    return [f for f in out if f is not None]


def _long_term(a: MmmAnalysis) -> Finding:
    lt = a.long_term_
    best, worst = lt.iloc[0], lt.iloc[-1]
    t = lambda part, **v: render("mmm", "long_term", part, **v)  # noqa: E731
    v = {"best": best["channel"], "best_roi": number(best["long_term_roi"]), "worst": worst["channel"],
         "worst_roi": number(worst["long_term_roi"]), "best_short": number(best["short_term_roi"]),
         "best_carry": number(best["carry_over_roi"]), "best_repeat": number(best["repeat_roi"]),
         "low": number(best["long_term_roi_low"]), "high": number(best["long_term_roi_high"]),
         "worst_low": number(worst["long_term_roi_low"]), "worst_high": number(worst["long_term_roi_high"]),
         "weeks": int(a.repeat_horizon_weeks), "worst_spend": Money(worst["spend"]),
         "p_worst": Pct(float(worst["p_long_term_roi_above_1"]))}
    width = (best["long_term_roi_high"] - best["long_term_roi_low"]) / max(abs(best["long_term_roi"]), 1e-9)
    cols = ["channel", "spend", "short_term_roi", "carry_over_roi", "repeat_roi", "long_term_roi",
            "long_term_roi_low", "long_term_roi_high", "p_long_term_roi_above_1"]
    units = render("mmm", "units", "text", spend=a.units_["spend"], kpi=a.units_["kpi"])
    summary = t("summary", **v)
    return Finding(
        id="mmm.long_term_roi", analysis="mmm", title=t("title", **v),
        summary=Text(summary.zh + units.zh, f"{summary.en} {units.en}"), action=t("action", **v),
        evidence=Evidence(numbers={"best_long_term_roi": float(best["long_term_roi"]),
                                   "worst_long_term_roi": float(worst["long_term_roi"]),
                                   "repeat_gmv_per_gmv": float(a.repeat_.get("repeat_gmv_per_gmv", 0.0))},
                          rows=records(lt[cols]), columns=cols),
        confidence=Confidence(adjust_level(_level(width, a.convergence_["ok"]), a.review_),
                              with_caveat(t("confidence", **v), a.review_, hardly_moved=True),
                              "Bayesian MMM posterior, 90% credible interval",
                              (float(best["long_term_roi_low"]), float(best["long_term_roi_high"])),
                              float(best["long_term_roi"])),
        money_at_stake=float(lt["spend"].sum()),
        chart=Chart("bar", "channel", ["short_term_roi", "carry_over_roi", "repeat_roi"],
                    Text("各渠道长效 ROI：当期、延续、复购", "Long-term ROI by channel: short-term, carry-over, repeat"),
                    stack=True),
    )


def _diagnostics(a: MmmAnalysis) -> Finding:
    c = a.convergence_
    t = lambda part, **v: render("mmm", "diagnostics", part, **v)  # noqa: E731
    status = "ok" if c["ok"] else "not_ok"
    v = {"rhat": number(c["max_rhat"], 3), "rhat_roi": number(c["max_rhat_roi"], 3), "ess": Count(c["min_ess"]),
         "r2": number(a.fit_["r2"], 2), "periods": int(a.totals_["periods"]),
         # MAPE is undefined when some period sold nothing: then it is left out, not shown as "—".
         "mape_part": render("mmm", "diagnostics", "mape", mape=Pct(a.fit_["mape"], 1))
         if a.fit_.get("mape") is not None and math.isfinite(a.fit_["mape"]) else "",
         "status": render("mmm", "status", status),
         "collinear": render("mmm", "collinear", "some" if a.collinear_ else "none", n=len(a.collinear_))}
    studies = ", ".join(f"{s['channel']} {number(s['roi'], 2)} ± {number(s['se'], 2)}" for s in a.lift_studies_)
    v["calibration"] = (render("mmm", "calibration", "some", n=len(a.lift_studies_), studies=studies)
                        if a.lift_studies_ else render("mmm", "calibration", "none"))
    cols = ["channel", "roi", "roi_low", "roi_high", "mroi", "carry_share", "rhat", "ess"]
    return Finding(
        id="mmm.diagnostics", analysis="mmm", title=t("title", **v), summary=t("summary", **v), action=t("action", **v),
        evidence=Evidence(numbers={"max_rhat": c["max_rhat"], "max_rhat_roi": c["max_rhat_roi"],
                                   "min_ess": c["min_ess"], "r2": a.fit_["r2"],
                                   "mape": a.fit_["mape"], "collinear_pairs": len(a.collinear_),
                                   "lift_studies": len(a.lift_studies_)},
                          rows=records(a.channels_[cols]), columns=cols),
        confidence=Confidence(adjust_level("high" if c["ok"] else "low", a.review_),
                              with_caveat(t("confidence", **v), a.review_, hardly_moved=True),
                              "split R-hat and ESS over walkers"),
        money_at_stake=0.0,
        chart=Chart("bar", "channel", ["roi", "mroi"], Text("各渠道 ROI 与边际 ROI", "ROI and marginal ROI by channel")),
        charts=mmm_charts(a),
    )


def _join(parts: list[Text], zh: str, en: str) -> Text:
    return Text(zh=zh.join(p.zh for p in parts), en=en.join(p.en for p in parts))


def budget_findings(b: BudgetAnalysis) -> list[Finding]:
    b.check_is_fitted()
    plan, g = b.plan_.copy(), b.gain_
    t = lambda part, **v: render("budget", "plan", part, **v)  # noqa: E731
    # The headline names every channel the plan moves (not only the largest cut and add), and a channel
    # held by the ±bound is said to be: its marginal ROI would move it further.
    eps = 1e-6 * max(float(plan["current"].sum()), 1.0)
    plan["bound"] = ["at_upper" if o >= c * b.upper - eps and o > c + eps else
                     "at_lower" if o <= c * b.lower + eps and o < c - eps else "free"
                     for c, o in zip(plan["current"], plan["optimal"], strict=True)]
    down, up = plan[plan["change"] < -eps], plan[plan["change"] > eps].iloc[::-1]

    def names(rows: pd.DataFrame) -> Text:
        return _join([display.value(c) for c in rows["channel"]], "、", ", ")

    def lines(rows: pd.DataFrame, sign: str) -> Text:
        return _join([render("budget", "plan", "line", channel=display.value(r.channel),
                             change=Text(zh=sign + money(abs(r.change), "zh"), en=sign + money(abs(r.change), "en")),
                             mroi=number(r.mroi_current)) for r in rows.itertuples()], "，", ", ")

    held = plan[plan["bound"] != "free"]
    bound = Pct(max(1 - b.lower, b.upper - 1))
    v = {"from": names(down), "to": names(up), "moved": Money(float(up["change"].sum())),
         "cuts": lines(down, "−"), "adds": lines(up, "+"), "bound": bound, "gain": Money(g["mean"]),
         "low": Money(g["low"]), "high": Money(g["high"]), "p": Pct(g["probability"]),
         "first": g["window_first"], "last": g["window_last"],
         "held": t("held", channels=names(held), bound=bound) if len(held) else ""}
    width = (g["high"] - g["low"]) / max(abs(g["mean"]), 1e-9)
    level: Level = adjust_level("low" if g["probability"] < 0.8 else _level(width), b.review_)
    out = [Finding(
        id="budget.plan", analysis="budget", title=t("title", **v), summary=t("summary", **v), action=t("action", **v),
        evidence=Evidence(numbers={"gain": g["mean"], "gain_low": g["low"], "gain_high": g["high"],
                                   "probability": g["probability"], "moved": float(up["change"].sum()),
                                   "lower": b.lower, "upper": b.upper}, rows=records(plan), columns=list(plan.columns)),
        confidence=Confidence(level, with_caveat(t("confidence", **v), b.review_),
                              "posterior draws of the response curves, 90%", (g["low"], g["high"]), g["mean"]),
        money_at_stake=float(plan["change"].abs().sum()),
        chart=Chart("bar", "channel", ["current", "optimal"], Text("当前与建议预算", "Current vs proposed budget")),
        charts=[c for c in (response_chart(b),) if c],
    )]
    s = b.scenarios_
    if len(s):
        ts = lambda part, **v: render("budget", "scenarios", part, **v)  # noqa: E731
        texts = [(r.scenario, render("budget", "scenario_line", "text", extra=Money(r.extra_spend),
                                     change=Money(r.change), low=Money(r.change_low), high=Money(r.change_high)))
                 for r in s.itertuples()]
        lines = {lang: "; ".join(f"{name}: {text.get(lang)}" for name, text in texts) for lang in ("zh", "en")}
        v2 = {"n": len(s), "list": Text(lines["zh"], lines["en"])}
        out.append(Finding(
            id="budget.scenarios", analysis="budget", title=ts("title", **v2), summary=ts("summary", **v2),
            action=ts("action", **v2),
            evidence=Evidence(numbers={"scenarios": len(s)}, rows=records(s), columns=list(s.columns)),
            confidence=Confidence(adjust_level("medium", b.review_), with_caveat(ts("confidence", **v2), b.review_),
                                  "posterior draws of the response curves, 90%"),
            money_at_stake=float(s["extra_spend"].abs().sum()),
            chart=Chart("bar", "scenario", ["change"], Text("情景下的增量变化", "Change in incremental sales by scenario")),
        ))
    return out


def repurchase_findings(r: RepurchaseAnalysis) -> list[Finding]:
    r.check_is_fitted()
    p = r.by_platform_
    per = p[p["platform"] != "all"].sort_values("rate")
    overall = p[p["platform"] == "all"].iloc[0] if (p["platform"] == "all").any() else p.iloc[0]
    val = r.value_
    t = lambda part, **v: render("repurchase", "value", part, **v)  # noqa: E731
    v = {"rate": Pct(overall["rate"]), "lowest": per.iloc[0]["platform"] if len(per) else "all",
         "lowest_rate": Pct(per.iloc[0]["rate"]) if len(per) else Pct(overall["rate"]),
         "highest": per.iloc[-1]["platform"] if len(per) else "all",
         "highest_rate": Pct(per.iloc[-1]["rate"]) if len(per) else Pct(overall["rate"]),
         "weeks": int(val["horizon_weeks"]), "purchases": number(val["repeat_purchases"], 2),
         "value": Money(val["repeat_gmv"]), "low": Money(val["repeat_gmv_low"]), "high": Money(val["repeat_gmv_high"]),
         "alive": Pct(r.next_year_["share_alive"]), "next_gmv": Money(r.next_year_["expected_gmv"]),
         "suppressed": int(r.cohorts_["suppressed"].sum()) if len(r.cohorts_) else 0, "min_group": r.min_group_size}
    v["suppressed_part"] = t("suppressed" if v["suppressed"] else "none_suppressed", **v)
    rows = r.cohorts_
    return [Finding(
        id="repurchase.customer_value", analysis="repurchase", title=t("title", **v), summary=t("summary", **v),
        action=t("action", **v),
        evidence=Evidence(numbers={"repeat_purchases_per_new_customer": val["repeat_purchases"],
                                   "repeat_gmv_per_new_customer": val["repeat_gmv"], **r.bgnbd_, **r.gamma_gamma_},
                          rows=records(rows), columns=list(rows.columns)),
        confidence=Confidence("medium", t("confidence", **v), "BG/NBD + Gamma-Gamma maximum likelihood; 90% from the observed information",
                              (val["repeat_gmv_low"], val["repeat_gmv_high"]), val["repeat_gmv"]),
        money_at_stake=float(r.next_year_["expected_gmv"]),
        chart=Chart("line", "month", ["rate"], Text("各首购月份的复购率（每个平台一条线）",
                                                     "Repurchase rate by first-order month, one line per platform"),
                    series="platform", where={"suppressed": False}),
    )]
