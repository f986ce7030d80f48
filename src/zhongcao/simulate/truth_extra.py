"""World-specific truth.json keys; every key is present in every world (null when not planted)."""

from __future__ import annotations

from zhongcao.simulate import calendar as cal
from zhongcao.simulate.media import Media
from zhongcao.simulate.spec import WorldSpec
from zhongcao.simulate.touches import Acc

WORLD_KEYS = ("lost_leads", "pain_points", "strategy_change", "unplanned_use", "regional_scenes", "regional_lift")


def _quarter_share(media: Media, spec: WorldSpec, key: str) -> dict[str, float]:
    ti = spec.topic_index(key)
    nt = media.note
    q = ((cal.day_index(nt["pub"]) // 91.5).astype(int)).clip(0, 7)
    out = {}
    for i in range(8):
        m = q == i
        out[f"{2024 + i // 4}Q{i % 4 + 1}"] = round(float((nt["topic"][m] == ti).mean()), 3) if m.any() else 0.0
    return out


def world_truth(spec: WorldSpec, media: Media, acc: Acc, parts: dict[str, object]) -> dict[str, object]:
    static = dict(spec.truth_static)
    out: dict[str, object] = {k: static.get(k) for k in WORLD_KEYS}
    if spec.strategy_date:
        d = cal.day_of(spec.strategy_date)
        on_platform = media.spend[:4].sum(0)
        leads = acc.lead_days
        before, after = leads[:d].sum(), leads[d:].sum()
        cpl_b = on_platform[:d].sum() / max(before, 1)
        cpl_a = on_platform[d:].sum() / max(after, 1)
        out["strategy_change"] = {
            **(static.get("strategy_change") or {}),
            "date": spec.strategy_date,
            "planted_lead_multiplier": spec.lead_rate_after,
            "leads_before": int(before), "leads_after": int(after),
            "leads_per_day_before": round(float(before / d), 2),
            "leads_per_day_after": round(float(after / (cal.N_DAYS - d)), 2),
            "lead_multiplier": round(float((after / (cal.N_DAYS - d)) / max(before / d, 1e-9)), 2),
            "cpl_before": round(float(cpl_b), 2), "cpl_after": round(float(cpl_a), 2),
            "cpl_spend_channels": ["kol", "feeds", "search", "brand_zone"],
        }
    uu = static.get("unplanned_use")
    if isinstance(uu, dict):
        shares = _quarter_share(media, spec, str(uu["topic"]))
        out["unplanned_use"] = {**uu, "note_share_by_quarter": shares,
                                "growth": round(shares["2025Q4"] / max(shares["2024Q1"], 1e-9), 2)}
    if spec.regional_lift:
        groups, date, lift = spec.regional_lift
        out["regional_lift"] = {"regions": list(groups), "start": date, "lift": lift, "measure": "orders and GMV",
                                "control": "all other region groups (parallel pre-trends)",
                                "extra_orders_realized": acc.regional_extra}
    return out
