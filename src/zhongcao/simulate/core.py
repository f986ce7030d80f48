"""Orchestration: build media, stream user chunks to Parquet, then write the small tables,
brand.toml and truth.json.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from zhongcao.simulate import calendar as cal
from zhongcao.simulate import finish
from zhongcao.simulate.media import Media, build
from zhongcao.simulate.population import AGES, GENDERS, PROVINCE_NAMES, PROVINCE_P, id_width, make_users
from zhongcao.simulate.scenario import DRIVER_DEMAND, DRIVER_PERSISTENCE, DRIVER_SPEND, GeoHoldout, Scenario
from zhongcao.simulate.spec import CHANNELS, WorldSpec
from zhongcao.simulate.text import TextMaker
from zhongcao.simulate.touches import (
    ACTIONS,
    LEAD_STATUS,
    Acc,
    TextPools,
    calibrate_kol,
    run_chunk,
    topic_tables,
)
from zhongcao.simulate.writer import Writers, ids, schema, take, ts

CHUNK = 100_000
LOST_REASONS = ("价格原因", "时间不合适", "孩子/家人不配合", "联系不上", "考虑其他方案", "暂时不需要", "其他")


def _pools(spec: WorldSpec, tm: TextMaker) -> TextPools:
    queries: list[str] = []

    def add(target: list[str], items: list[str]) -> tuple[int, int]:
        lo = len(target)
        target.extend(items)
        return lo, len(target)

    brand = str(spec.brand["name"])
    seg_q = np.array([add(queries, tm.pool(spec.segment_queries[s], 60, 0.1, brand=brand)) for s in spec.segments])
    brand_q = add(queries, tm.pool(spec.brand_queries, 60, 0.1, brand=brand))
    keys = [t.key for t in spec.topics]
    post = {keys.index(k): add(queries, tm.pool(v, 40, 0.1)) for k, v in spec.post_lead_queries.items()}
    comments: list[str] = []
    ranges = np.zeros((len(spec.topics), len(spec.segments), 2), dtype=np.int64)
    for ti, t in enumerate(spec.topics):
        for si, s in enumerate(spec.segments):
            lo = len(comments)
            for _ in range(80):
                b = brand if t.kind == "own" else (tm.rnd.choice(t.brands) if t.brands else brand)
                seg_lines = spec.segment_comments.get(s, ())
                src = seg_lines if seg_lines and tm.rnd.random() < 0.4 else t.comments
                comments.append(tm.line(src, 0.4, brand=b))
            ranges[ti, si] = (lo, len(comments))
    remarks: list[str] = []
    rr = np.array([add(remarks, tm.pool(spec.lead_remarks[s], 40, 0.15, brand=brand)) for s in spec.segments])
    return TextPools(pa.array(queries, pa.string()), seg_q, brand_q, post, pa.array(comments, pa.string()), ranges,
                     pa.array(remarks, pa.string()), rr, pa.array(list(LOST_REASONS), pa.string()))


def schemas(spec: WorldSpec) -> dict[str, pa.Schema]:
    s, i64 = pa.string(), pa.int64()
    user_x = tuple((c, i64 if c == "child_grade" else s) for c in spec.user_extra_columns)
    lead_x = tuple((c, i64 if c == "child_grade" else s) for c in spec.lead_extra_columns)
    return {
        "users": schema("users", user_x),  # holdout_group is a contract column
        "exposures": schema("exposures"),
        "orders": schema("orders"),
        "leads": schema("leads", (*lead_x, ("remark", s), ("lost_reason", s))),
        "comments": schema("comments"),
        "surveys": schema("surveys", (("segment", s),)),
        "notes": schema("notes", (("topic", s),)),
        "creators": schema("creators", (("registered_at", pa.date32()),)),
        "spend": schema("spend"),
    }


def run(spec: WorldSpec, world_index: int, out: Path, users: int, seed: int,
        progress: Callable[[str, float], None], scenario: Scenario | None = None) -> Path:
    scenario = scenario or Scenario()
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, world_index, 0])
    tm = TextMaker(spec.slots, seed * 1009 + world_index)
    progress("media", 0.0)
    media = build(rng, spec, tm, users, confounded=scenario.confounded)
    pools = _pools(spec, tm)
    tables = topic_tables(spec)
    calibrate_kol(np.random.default_rng([seed, world_index, 500]), spec, media, tables)
    if scenario.geo_holdout is not None:
        withhold_spend(media, scenario.geo_holdout)
    n_notes = len(media.note_ids)
    acc = Acc(np.zeros(len(media.creator_ids)))
    acc.comment_touches = np.zeros(n_notes)
    acc.touches_per_note = np.zeros(n_notes)
    w = Writers(out, schemas(spec))
    width = id_width(users)
    note_ids = pa.array(media.note_ids, pa.string())
    ch_names = pa.array(list(CHANNELS), pa.string())
    act_names = pa.array(list(ACTIONS), pa.string())
    status_names = pa.array(list(LEAD_STATUS), pa.string())
    seg_names = pa.array(list(spec.segments), pa.string())
    prod_names = pa.array([p.name for p in spec.products], pa.string())
    skus = pa.array([p.sku for p in spec.products], pa.string())
    n_chunks = max(1, -(-users // CHUNK))
    for ci in range(n_chunks):
        first = ci * CHUNK
        n = min(CHUNK, users - first)
        crng = np.random.default_rng([seed, world_index, 1000 + ci])
        pop = make_users(crng, spec, first, n)
        r = run_chunk(crng, spec, media, pools, pop, acc, width, tables, scenario.geo_holdout)
        u = r["users"]
        extras = {c: pop.extras[c] for c in spec.user_extra_columns}
        w.write("users", {"user_id": u["user_id"], "gender": take(GENDERS, pop.gender), "age_band": take(AGES, pop.age),
                          "region": take(PROVINCE_NAMES, pop.province), "city_tier": pop.tier.astype(np.int64),
                          **extras, "holdout_group": list(u["holdout_group"])})
        e = r["exposures"]
        w.write("exposures", {"user_id": e["user_id"], "ts": ts(e["ts"]), "channel": take(ch_names, e["channel"]),
                              "action": take(act_names, e["action"]), "note_id": take(note_ids, e["note"]),
                              "query": take(pools.queries, e["query"])})
        o = r["orders"]
        n_o = len(o["ts"])
        w.write("orders", {"order_id": ids("o", o["start"], n_o, 9), "user_id": o["user_id"], "ordered_at": ts(o["ts"]),
                           "platform": take(pa.array(o["platform_names"], pa.string()), o["platform"]),
                           "product": take(prod_names, o["product"]), "sku": take(skus, o["product"]),
                           "quantity": o["qty"].astype(np.int64), "amount": o["amount"],
                           "region": take(PROVINCE_NAMES, o["province"])})
        ld = r["leads"]
        lx = {c: pop.extras[c][ld["user"]] for c in spec.lead_extra_columns}
        w.write("leads", {"lead_id": ids("l", ld["start"], len(ld["t"]), 8), "user_id": ld["user_id"],
                          "created_at": ts(ld["t"]), "channel": take(ch_names, ld["channel"]),
                          "note_id": take(note_ids, ld["note"]), "status": take(status_names, ld["status"]), **lx,
                          "remark": take(pools.remarks, ld["remark"]),
                          "lost_reason": take(pools.lost_reasons, ld["lost_reason"])})
        cm = r["comments"]
        w.write("comments", {"comment_id": ids("m", cm["start"], len(cm["ts"]), 9), "note_id": take(note_ids, cm["note"]),
                             "user_id": cm["user_id"], "created_at": ts(cm["ts"]),
                             "text": take(pools.comments, cm["text"]), "region": take(PROVINCE_NAMES, cm["province"]),
                             "likes": cm["likes"].astype(np.int64)})
        sv = r["surveys"]
        w.write("surveys", {"user_id": sv["user_id"], "answered_at": ts(sv["ts"]), "nps": sv["nps"],
                            "segment": take(seg_names, sv["segment"])})
        progress("users", (ci + 1) / n_chunks)
    progress("notes", 0.0)
    truth_parts = finish.write_small_tables(spec, media, pools, acc, w, tm, seed, users)
    w.close()
    (out / "brand.toml").write_text(finish.brand_toml({**spec.brand, "changes": _changes(spec)}), encoding="utf-8")
    truth = finish.truth(spec, media, acc, users, seed, truth_parts)
    truth.update(scenario_truth(scenario, media, acc))
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2), encoding="utf-8")
    progress("done", 1.0)
    return out


def withhold_spend(media: Media, holdout: GeoHoldout) -> None:
    """The spend a geo holdout does not make: the control provinces' share of the channel's spend in the window.

    Touches are drawn per user whatever their province, so a province's share of a channel's touches
    is its share of panel users; its share of the spend is taken to be the same. The planted
    effects were set from the full plan (build), so only the written spend changes.
    """
    c = CHANNELS.index(holdout.channel)
    share = float(PROVINCE_P[holdout.province_index()].sum())
    d0, d1 = cal.day_of(holdout.start), cal.day_of(holdout.end)
    if c == 0:  # kol: the fees of sponsored notes published in the window
        n = media.note
        pub = cal.day_index(n["pub"])
        inside = (pub >= d0) & (pub <= d1) & (n["cost"] > 0)
        withheld = float(np.nansum(n["cost"][inside]) * share)
        n["cost"] = np.where(inside, np.round(n["cost"] * (1 - share), 2), n["cost"])
    else:
        before = media.spend[c, d0: d1 + 1].copy()
        media.spend[c, d0: d1 + 1] = np.round(before * (1 - share), 2)
        withheld = float((before - media.spend[c, d0: d1 + 1]).sum())
    media.planted["holdout"] = {"share": share, "spend_withheld": withheld}


def scenario_truth(scenario: Scenario, media: Media, acc: Acc) -> dict[str, object]:
    """truth.json entries of a scenario: the hidden driver and its channel, the holdout and its true ROI."""
    out: dict[str, object] = {}
    if scenario.confounded is not None:
        z = media.planted["driver"]
        c = CHANNELS.index(scenario.confounded)
        weeks = len(z) // 7 * 7
        zw, sw = z[:weeks:7], media.spend[c, :weeks].reshape(-1, 7).sum(1)
        out["confounded"] = {"channel": scenario.confounded, "driver_weekly": [round(float(v), 4) for v in zw],
                             "driver_persistence": DRIVER_PERSISTENCE, "demand_per_sd": DRIVER_DEMAND,
                             "log_spend_per_sd": DRIVER_SPEND,
                             "spend_driver_corr": round(float(np.corrcoef(sw, zw)[0, 1]), 3),
                             "spend_lagged_driver_corr": round(float(np.corrcoef(sw[1:], zw[:-1])[0, 1]), 3)}
    if scenario.geo_holdout is not None:
        h = scenario.geo_holdout
        planted = media.planted["holdout"]
        out["geo_holdout"] = {"channel": h.channel, "provinces": list(h.provinces), "start": h.start, "end": h.end,
                              "population_share": round(planted["share"], 4),
                              "spend_withheld": round(planted["spend_withheld"], 2),
                              "gmv_lost_expected": round(acc.holdout_value, 2),
                              "roi": round(acc.holdout_value / planted["spend_withheld"], 4)
                              if planted["spend_withheld"] else None}
    return out


def _changes(spec: WorldSpec) -> list[dict[str, object]]:
    """The content changes a brand would declare in brand.toml (the analyses measure their effect)."""
    changes: list[dict[str, object]] = []
    if spec.strategy_date:
        changes.append({"date": spec.strategy_date, "description": "brand-wide content strategy change"})
    if spec.regional_lift:
        groups, start, _lift = spec.regional_lift
        changes.append({"date": start, "regions": list(groups), "description": "regional content strategy"})
    return changes


__all__ = ["cal", "run"]
