"""Findings of the model review (one card per check) and the caveats every card built on the model carries.

A failed check makes the model uncalibrated: the ROI, long-term ROI and budget cards say so and
drop to low confidence. A channel flagged as possibly confounded lowers their confidence by one
level. Prose in catalogue/mmm.toml; docs/mmm.md "Model review".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from zhongcao.analyses.mmm import MmmAnalysis
from zhongcao.findings import display
from zhongcao.findings.model import Confidence, Evidence, Finding, Level, Text
from zhongcao.findings.text import Count, Money, Pct, number, render

_LOWER: dict[Level, Level] = {"high": "medium", "medium": "low", "low": "low", "descriptive": "descriptive"}


def failed_checks(review: Mapping[str, Any]) -> list[str]:
    return [c["name"] for c in review.get("checks", []) if c["verdict"] == "fail"]


def adjust_level(level: Level, review: Mapping[str, Any]) -> Level:
    """A card's confidence given the review of the model it rests on."""
    if not review.get("calibrated", True):
        return "low"
    return _LOWER[level] if review.get("confounded") else level


def _names(codes: Iterable[str]) -> Text:
    """Channels or regions by name in each language (a code such as tmall_ad is never shown raw)."""
    names = [display.value(str(c)) for c in codes]
    if not names:
        return Text("无", "none")
    return Text("、".join(n.zh for n in names), ", ".join(n.en for n in names))


def _rows(rows: Iterable[Mapping[str, Any]], numbers: Callable[[Mapping[str, Any]], str]) -> Text:
    """One "channel numbers" item per row, the channel by name in each language."""
    items = [(display.value(str(r["channel"])), numbers(r)) for r in rows]
    return Text("；".join(f"{n.zh} {v}" for n, v in items), "; ".join(f"{n.en} {v}" for n, v in items))


def _by_channel(rows: Iterable[Mapping[str, Any]], channels: set[str]) -> list[dict[str, Any]]:
    """Convergence rows with the channel in its own column (shown by name), the quantity after it:
    "tmall_ad.adstock.alpha" → channel tmall_ad, quantity adstock.alpha; a model-wide one (sigma) → 全部 / All."""
    out = []
    for r in rows:
        head, _, rest = str(r["quantity"]).partition(".")
        channel, quantity = (head, rest) if head in channels and rest else ("all", str(r["quantity"]))
        out.append({"channel": channel, "quantity": quantity, **{k: v for k, v in r.items() if k != "quantity"}})
    return out


def caveat(review: Mapping[str, Any], hardly_moved: bool = False) -> Text:
    """What a card built on the model must say about its review (empty when nothing)."""
    parts: list[Text] = []
    if not review.get("calibrated", True):
        parts.append(render("mmm", "caveat", "uncalibrated", checks=", ".join(failed_checks(review))))
    if review.get("confounded"):
        parts.append(render("mmm", "caveat", "confounded", channels=_names(review["confounded"])))
    if hardly_moved and review.get("hardly_moved"):
        parts.append(render("mmm", "caveat", "hardly_moved", channels=_names(review["hardly_moved"])))
    return Text("".join(p.zh for p in parts), " ".join(p.en for p in parts))


def with_caveat(statement: Text, review: Mapping[str, Any], hardly_moved: bool = False) -> Text:
    extra = caveat(review, hardly_moved)
    return Text(statement.zh + extra.zh, (statement.en + " " + extra.en).strip())


def review_findings(a: MmmAnalysis) -> list[Finding]:
    review = a.review_
    if not review.get("checks"):
        return []
    cfg = review["config"]
    spend = {r["channel"]: float(r["spend"]) for r in a.channels_.to_dict("records")}
    total = float(sum(spend.values()))
    out = []
    for check in review["checks"]:
        name, verdict, n = check["name"], check["verdict"], check["numbers"]
        flagged = list(check["flagged"])
        values = {"verdict": render("mmm", "verdict", verdict), **_values(name, n, check, cfg, flagged)}
        t = lambda part, v=values, nm=name: render("mmm", f"review_{nm}", part, **v)  # noqa: E731
        summary = (t("summary_no_holdout") if name == "fit" and "holdout_coverage" not in n else t("summary"))
        at_stake = (sum(spend.get(ch, 0.0) for ch in flagged) if name in ("prior_shift", "consistency", "confounding")
                    else total if verdict != "pass" else 0.0)
        rows = _by_channel(check["rows"], set(spend)) if name == "convergence" else check["rows"]
        columns = list(rows[0]) if rows else []
        out.append(Finding(
            id=f"mmm.review.{name}", analysis="mmm", title=t("title"), summary=summary, action=t(f"action_{verdict}"),
            evidence=Evidence(numbers={"verdict": verdict, **{k: float(v) for k, v in n.items()},
                                       "flagged": ", ".join(flagged)}, rows=rows, columns=columns),
            confidence=Confidence("descriptive", t("confidence"), f"model review check: {name}, verdict {verdict}"),
            money_at_stake=float(at_stake),
        ))
    return out


def _values(name: str, n: Mapping[str, float], check: Mapping[str, Any], cfg: Mapping[str, Any],
            flagged: list[str]) -> dict[str, Any]:
    channels = _names(flagged)
    if name == "convergence":
        return {"rhat_roi": number(n["max_rhat_roi"], 3), "rhat": number(n["max_rhat"], 3), "ess": Count(n["min_ess"]),
                "ess_roi": Count(n["min_ess_roi"]), "flagged": channels, "lim_roi": cfg["rhat_roi"],
                "lim_par": cfg["rhat_parameter"], "lim_ess": int(cfg["ess_min"]), "lim_fail": cfg["rhat_fail"],
                "lim_ess_fail": int(cfg["ess_fail"])}
    if name == "prior_shift":
        rows = _rows(check["rows"], lambda r: f"{number(r['sd_ratio'], 2)}, {number(r['mean_shift'], 2)}")
        moved = (render("mmm", "moved", "some", channels=channels) if flagged else render("mmm", "moved", "none"))
        return {"moved": moved, "rows": rows, "channels": channels, "ratio": cfg["prior_sd_ratio"],
                "shift": cfg["prior_mean_shift"]}
    if name == "fit":
        return {"coverage": Pct(n["coverage"]), "holdout": Pct(n.get("holdout_coverage", float("nan"))),
                "r2": number(n["r2"], 2), "mape": Pct(n["mape"], 1), "periods": int(n.get("holdout_periods", 0)),
                "holdout_mape": Pct(n.get("holdout_mape", float("nan")), 1), "ratio": number(n.get("mape_ratio"), 1)}
    if name == "baseline":
        return {"share": Pct(n["baseline_share"]), "negative": Pct(n["negative_share"]), "min": number(n["min_baseline"], 0)}
    if name == "consistency":
        disagree = (render("mmm", "disagree", "some", channels=channels) if flagged else render("mmm", "disagree", "none"))
        return {"disagree": disagree, "channels": channels, "factor": number(cfg["last_touch_factor"], 0),
                "z": number(cfg["lift_z_review"], 0)}
    rows = _rows(check["rows"], lambda r: f"R² {number(r['calendar_r2'], 2)}, {number(r['sales_partial_r2'], 2)} "
                                          f"(p {r['sales_p_value']:.1g})")
    flagged_text = (render("mmm", "confounded", "some", channels=channels) if flagged
                    else render("mmm", "confounded", "none"))
    return {"flagged": flagged_text, "rows": rows, "channels": channels, "lags": cfg["granger_lags"],
            "r2": cfg["calendar_r2"], "partial": cfg["granger_partial_r2"], "p": cfg["granger_p"]}


def next_experiment_finding(a: MmmAnalysis) -> list[Finding]:
    """The geo holdout worth running next (``mmm.next_experiment``); none without regional sales."""
    plan = a.next_experiment_
    if not plan or "design" not in plan:
        return []
    d = plan["design"]
    top = next(r for r in plan["ranking"] if r["channel"] == d["channel"])
    money = Money if a.kpi == "gmv" else Count
    v = {"channel": d["channel"], "n_control": len(d["control"]), "days": d["days"], "cooldown": d["cooldown_days"],
         "control": _names(d["control"]), "share": Pct(d["control_share"]), "start": d["start"],
         "withheld": Money(d["spend_withheld"]), "lift": money(d["expected_lift"]), "low": number(d["roi_low"]),
         "high": number(d["roi_high"]), "power": Pct(d["power"]), "voi": money(top["value_of_information"]),
         "moved": Money(top["budget_moved"]), "sd": number(top["roi_sd"]), "sd_after": number(top["roi_sd_after"])}
    t = lambda part: render("mmm", "next_experiment", part, **v)  # noqa: E731
    cols = ["channel", "spend", "roi", "roi_sd", "roi_sd_after", "study_se", "value_of_information", "budget_moved",
            "days", "power", "spend_withheld"]
    level: Level = "medium" if d["power"] >= plan["config"]["target_power"] else "low"
    return [Finding(
        id="mmm.next_experiment", analysis="mmm", title=t("title"), summary=t("summary"),
        action=t("action") if level == "medium" else t("action_low_power"),
        evidence=Evidence(numbers={k: d[k] for k in ("channel", "days", "control_share", "spend_withheld",
                                                     "expected_lift", "se_roi", "roi_low", "roi_high", "power")},
                          rows=[{c: r[c] for c in cols} for r in plan["ranking"]], columns=cols),
        confidence=Confidence(level, t("confidence"), "geo holdout, ratio estimator; placebo windows; posterior draws",
                              (float(d["roi_low"]), float(d["roi_high"])), float(top["roi"])),
        money_at_stake=float(top["budget_moved"] + d["spend_withheld"]),
    )]
