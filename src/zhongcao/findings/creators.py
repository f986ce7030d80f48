"""Findings from the creators, safety and trends analyses; prose from catalogue/{creators,safety,trends}.toml."""

from __future__ import annotations

from typing import Any

import pandas as pd

from zhongcao.analyses.creators import CreatorAnalysis
from zhongcao.analyses.safety import SafetyAnalysis
from zhongcao.analyses.trends import TrendAnalysis
from zhongcao.findings.model import Chart, Confidence, Evidence, Finding, Text
from zhongcao.findings.text import Count, Money, Pct, number, render

_AOV_FALLBACK = 300.0  # CNY per order when no order value is known: only orders the cards


def _rows(frame: pd.DataFrame, cols: list[str], n: int = 50) -> list[dict[str, Any]]:
    f = frame[cols].head(n).copy()
    for c in f.columns:
        f[c] = f[c].map(lambda v: "、".join(map(str, v)) if isinstance(v, list | tuple) else v)
    return f.to_dict(orient="records")


def _name(row: pd.Series) -> str:
    """A creator's display name, else its id (a creator missing from the creator list has no name)."""
    name = row.get("name")
    return str(name) if isinstance(name, str) and name.strip() else str(row["creator_id"])


def creator_findings(a: CreatorAnalysis) -> list[Finding]:
    a.check_is_fitted()
    out = [f for f in (_incremental(a), _genuine(a), _soft(a), _fake(a), _shortlist(a)) if f is not None]
    return out


def _t(name: str, part: str, **v: Any) -> Text:
    return render("creators", name, part, **v)


def _incremental(a: CreatorAnalysis) -> Finding | None:
    p = a.profiles_[a.profiles_["incremental"].notna()]
    shown = p[~p["suppressed"]].sort_values("incremental", ascending=False)
    if shown.empty:
        return None
    top = shown.iloc[0]
    big = shown.sort_values("followers", ascending=False).iloc[0]
    v = {"top": _name(top), "top_inc": number(top["incremental"], 0),
         "total": number(shown["incremental"].clip(lower=0).sum(), 0), "shown": len(shown),
         "biggest": _name(big), "biggest_inc": number(big["incremental"], 0),
         "suppressed": int(p["suppressed"].sum()), "min_group": a.min_group_size,
         "low": number(top["incremental_low"], 0), "high": number(top["incremental_high"], 0)}
    cols = ["creator_id", "name", "tier", "followers", "readers", "orders", "expected", "incremental",
            "incremental_low", "incremental_high", "attributed_orders", "organic_median_engagement",
            "sponsored_median_engagement", "cpe_quoted", "cpm_quoted", "cpe_paid", "cpm_paid", "tgi", "genuine"]
    return Finding(
        id="creators.incremental", analysis="creators",
        title=_t("incremental", "title", **v), summary=_t("incremental", "summary", **v),
        action=_t("incremental", "action", **v),
        evidence=Evidence(numbers={"top_incremental": float(top["incremental"]),
                                   "total_incremental": float(shown["incremental"].clip(lower=0).sum())},
                          rows=_rows(shown, cols), columns=cols),
        confidence=Confidence("medium", _t("incremental", "confidence", **v), "matched comparison, EB shrinkage, 90%",
                              (float(top["incremental_low"]), float(top["incremental_high"])), float(top["incremental"])),
        money_at_stake=float(shown["paid"].sum()),
        chart=Chart("scatter", "followers", ["incremental", "name"],
                    Text("粉丝数 vs 读者增量订单", "Followers vs incremental orders of readers")),
    )


def _genuine(a: CreatorAnalysis) -> Finding | None:
    g = a.genuine_[a.genuine_["genuine"]]
    if g.empty:
        return None
    names = dict(zip(a.profiles_["creator_id"], a.profiles_["name"].fillna(a.profiles_["creator_id"]), strict=True))
    phrases = "、".join(dict.fromkeys(x for p in g["phrases"] for x in p.split("、") if x))
    v = {"n": len(g), "phrases": "、".join(phrases.split("、")[:4]),
         "names": ", ".join(str(names.get(c, c)) for c in g["creator_id"])}
    cols = ["creator_id", "score", "long_use_notes", "months_spanned", "strong_markers", "sponsored_notes",
            "evidence_notes", "phrases"]
    return Finding(
        id="creators.genuine", analysis="creators",
        title=_t("genuine", "title", **v), summary=_t("genuine", "summary", **v), action=_t("genuine", "action", **v),
        evidence=Evidence(numbers={"genuine_creators": len(g)}, rows=_rows(g, cols), columns=cols),
        confidence=Confidence("descriptive", _t("genuine", "confidence", **v), "rule over note text"),
        money_at_stake=float(a.profiles_.loc[a.profiles_["genuine"], "quote"].fillna(0).sum()),
    )


def _soft(a: CreatorAnalysis) -> Finding | None:
    s = a.soft_ads_
    if s.empty:
        return None
    v = {"n": len(s), "undisclosed": int(s["undisclosed"].sum()), "creators": ", ".join(a.soft_ad_creators_[:10]),
         "threshold": number(a.soft_ad_threshold, 1)}
    cols = ["note_id", "creator_id", "sponsored", "undisclosed", "score", "hard_sell", "codes", "superlatives",
            "shared_copy", "personal", "phrases"]
    paid = a.profiles_.set_index("creator_id")["paid"]
    return Finding(
        id="creators.soft_ad", analysis="creators",
        title=_t("soft_ad", "title", **v), summary=_t("soft_ad", "summary", **v), action=_t("soft_ad", "action", **v),
        evidence=Evidence(numbers={"notes": len(s), "undisclosed": int(s["undisclosed"].sum())},
                          rows=_rows(s, cols), columns=cols),
        confidence=Confidence("descriptive", _t("soft_ad", "confidence", **v), "rule-based score"),
        money_at_stake=float(paid.reindex(a.soft_ad_creators_).fillna(0).sum()),
    )


def _fake(a: CreatorAnalysis) -> Finding | None:
    f = a.fake_engagement_[a.fake_engagement_["probability"] >= a.fake_threshold]
    if f.empty:
        return None
    top = f.iloc[0]
    v = {"n": len(f), "top": str(top["creator_id"]), "p": number(top["probability"], 2), "burst": Pct(top["burst"]),
         "templated": Pct(top["templated"]), "captive": Pct(top["captive"])}
    cols = ["creator_id", "probability", "score", "burst", "templated", "fresh", "captive", "ratio_z", "notes",
            "comments_exported"]
    paid = a.profiles_.set_index("creator_id")["paid"]
    return Finding(
        id="creators.fake_engagement", analysis="creators",
        title=_t("fake", "title", **v), summary=_t("fake", "summary", **v), action=_t("fake", "action", **v),
        evidence=Evidence(numbers={"flagged": len(f), "top_probability": float(top["probability"])},
                          rows=_rows(f, cols), columns=cols),
        confidence=Confidence("low", _t("fake", "confidence", **v), "rule-based score, logistic scale"),
        money_at_stake=float(paid.reindex(f["creator_id"]).fillna(0).sum()),
        chart=Chart("bar", "creator_id", ["probability"], Text("疑似刷量概率", "Fake-engagement probability")),
    )


def _shortlist(a: CreatorAnalysis) -> Finding | None:
    plans = a.plans_.set_index("plan") if len(a.plans_) else None
    if plans is None or "optimal" not in plans.index or a.shortlist_.empty:
        return None
    opt, big, cheap = (plans.loc[k] for k in ("optimal", "biggest_accounts", "cheapest_cpe"))
    names = a.shortlist_["name"].fillna(a.shortlist_["creator_id"]).astype(str)
    v = {"budget": Money(a.budget_), "orders": number(opt["expected_orders"], 0), "n": int(opt["creators"]),
         "spend": Money(float(opt["spend"])), "big": number(big["expected_orders"], 0),
         "cheap": number(cheap["expected_orders"], 0),
         "vs_big": number(opt["expected_orders"] / big["expected_orders"], 1) if big["expected_orders"] > 0 else "∞",
         "names": ", ".join(names.head(12))}
    rows = a.plans_.drop(columns=["booked"]).to_dict(orient="records")
    # Every booked creator (the export used to stop at 50 while the plan booked more), with its own
    # expected orders under the plan's column name.
    booked = a.shortlist_.rename(columns={"value": "expected_orders"})
    return Finding(
        id="creators.shortlist", analysis="creators",
        title=_t("shortlist", "title", **v), summary=_t("shortlist", "summary", **v),
        action=_t("shortlist", "action", **v),
        evidence=Evidence(numbers={"budget": a.budget_, "expected_orders": float(opt["expected_orders"]),
                                   "biggest_accounts_orders": float(big["expected_orders"]),
                                   "cheapest_cpe_orders": float(cheap["expected_orders"])},
                          rows=rows + _rows(booked, list(booked.columns), n=len(booked)),
                          columns=list(dict.fromkeys(["plan", "creators", "spend", "expected_orders",
                                                      *booked.columns]))),
        confidence=Confidence("medium", _t("shortlist", "confidence", **v), "integer program (HiGHS) over estimates"),
        money_at_stake=a.budget_,
        chart=Chart("bar", "plan", ["expected_orders"], Text("同预算三种方案的预计增量", "Expected orders of three plans")),
        charts=[Chart("bar", "creator_id", ["expected_orders"], Text("入选达人的预计增量订单", "Booked creators' expected orders"),
                      label="name", where={"plan": None}, top=15)],
    )


def safety_findings(a: SafetyAnalysis) -> list[Finding]:
    a.check_is_fitted()
    out = []
    t = a.totals_
    v = {"share": Pct(t["negative_share"], 1), "negative": Count(t["negative"]), "mentions": Count(t["mentions"]),
         "windows": len(a.windows_)}
    daily = a.daily_.assign(day=a.daily_["day"].dt.strftime("%Y-%m-%d"))
    out.append(Finding(
        id="safety.negative_volume", analysis="safety",
        title=render("safety", "volume", "title", **v), summary=render("safety", "volume", "summary", **v),
        action=render("safety", "volume", "action", **v),
        evidence=Evidence(numbers=dict(t), rows=daily.to_dict(orient="records"), columns=list(daily.columns)),
        confidence=Confidence("descriptive", render("safety", "volume", "confidence", **v), "lexicon + negation rules"),
        money_at_stake=0.0,
        chart=Chart("line", "day", ["negative"], Text("每日负面提及", "Negative mentions per day")),
    ))
    for row in a.attacks_.itertuples():
        # The accounts themselves are not published: `zhongcao evidence safety.attack` exports them on request.
        v = {"start": row.start, "end": row.end, "accounts": int(row.accounts), "mentions": row.negative_mentions,
             "fresh": Pct(row.fresh_share), "dup": Pct(row.duplicate_share), "fresh_days": number(a.fresh_days, 0),
             "examples": "；".join(row.examples[:3]), "k": number(a.k, 0)}
        rows = [{"kind": "note", "id": x} for x in row.notes]
        out.append(Finding(
            id="safety.attack", analysis="safety",
            title=render("safety", "attack", "title", **v), summary=render("safety", "attack", "summary", **v),
            action=render("safety", "attack", "action", **v),
            evidence=Evidence(numbers={"start": row.start, "end": row.end, "accounts": int(row.accounts),
                                       "negative_mentions": row.negative_mentions, "fresh_share": row.fresh_share,
                                       "duplicate_share": row.duplicate_share},
                              rows=rows, columns=["kind", "id"]),
            confidence=Confidence("medium", render("safety", "attack", "confidence", **v), "robust burst + MinHash"),
            money_at_stake=float(row.negative_mentions) * _AOV_FALLBACK,
        ))
    return out


def trend_findings(a: TrendAnalysis) -> list[Finding]:
    a.check_is_fitted()
    d = a.digest_
    v = {"weeks": a.digest_weeks, "baseline": a.baseline_weeks, "n": len(d) if len(d) else len(a.rising_),
         "min_z": number(a.min_z, 1),
         "items": "、".join(dict.fromkeys(d.sort_values("z", ascending=False)["item"].astype(str).head(6)))}
    key = "digest" if len(d) else "quiet"
    frame = (d if len(d) else a.rising_.tail(50)).copy()
    frame["week"] = pd.to_datetime(frame["week"]).dt.strftime("%Y-%m-%d")
    return [Finding(
        id=f"trends.{key}", analysis="trends",
        title=render("trends", key, "title", **v), summary=render("trends", key, "summary", **v),
        action=render("trends", key, "action", **v),
        evidence=Evidence(numbers={"rising": len(d), "bursts_all_period": len(a.rising_)},
                          rows=frame.to_dict(orient="records"), columns=list(frame.columns)),
        confidence=Confidence("descriptive", render("trends", key, "confidence", **v), "Poisson burst z"),
        money_at_stake=0.0,
        chart=Chart("bar", "item", ["z"], Text("上升词的突增分数", "Burst score of rising items")) if len(d) else None,
    )]
