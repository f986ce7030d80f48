"""After the user chunks: notes, creators, spend, non-panel comments, brand.toml, truth.json."""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from zhongcao.simulate import calendar as cal
from zhongcao.simulate import specials
from zhongcao.simulate.media import CAMPAIGN, DECAY, KOL_REACH_DECAY, ROI, Media
from zhongcao.simulate.population import PROVINCE_NAMES, id_width
from zhongcao.simulate.spec import CHANNELS, PERIOD_END, PERIOD_START, WorldSpec
from zhongcao.simulate.text import TextMaker
from zhongcao.simulate.touches import Acc, TextPools
from zhongcao.simulate.writer import Writers, ids, take, ts

CAMPAIGN_NAMES = {
    "feeds": "信息流-日常投放", "search": "搜索-品类词", "brand_zone": "品牌专区", "douyin": "抖音-巨量千川",
    "tmall_ad": "天猫-万相台",
}


OUTSIDE_IDS = 5_000_000  # ids users + 1 … users + 5M belong to platform users outside the panel


def _outside_ids(rng: np.random.Generator, n: int, users: int) -> list[str]:
    # Accounts outside the audience panel get ids of the panel's own shape (a real export gives
    # no hint either): bought-engagement and burst accounts must be found by behaviour.
    width = id_width(users)
    return [f"u{x:0{width}d}" for x in rng.choice(OUTSIDE_IDS, size=n, replace=False) + users + 1]


def write_small_tables(spec: WorldSpec, media: Media, pools: TextPools, acc: Acc, w: Writers, tm: TextMaker,
                       seed: int, users: int) -> dict[str, object]:
    rng = np.random.default_rng([seed, 77])
    nt = media.note
    n_notes = len(media.note_ids)
    planted = media.planted
    note_ids = pa.array(media.note_ids, pa.string())
    creator_ids = pa.array(media.creator_ids, pa.string())
    start = acc.counters["comment"]
    c_note: list[np.ndarray] = []
    c_user: list[object] = []
    c_t: list[np.ndarray] = []
    c_text: list[str] = []
    # Bought comments: bursts within hours of publishing, few templates, throwaway accounts.
    bots_by_creator: dict[int, list[str]] = {}
    for c in planted["fakes"]:
        bots_by_creator[c] = _outside_ids(rng, 40, users)
    fake_notes = np.flatnonzero(nt["fake"])
    for i in fake_notes:
        k = int(rng.integers(25, 60))
        c_note.append(np.full(k, i))
        c_user.extend(rng.choice(bots_by_creator[int(nt["creator"][i])], size=k))
        c_t.append(nt["pub"][i] + rng.integers(120, int(spec.fake_comment_hours * 3600), k))
        c_text.extend(tm.line(specials.special_text(spec, "bot_comments"), 0.05) for _ in range(k))
    # The competitor's burst: similar negative comments under the brand's notes, inside the window.
    w0, w1 = cal.day_of(spec.negative_window.start), cal.day_of(spec.negative_window.end)
    neg_users = _outside_ids(rng, 60, users)
    own = np.flatnonzero((np.array([t.kind == "own" for t in spec.topics] + [False])[nt["topic"]])
                         & (nt["pub"] < cal.START + w0 * cal.DAY) & ~nt["fake"])
    targets = rng.choice(own, size=min(len(own), 40), replace=False, p=nt["popularity"][own] / nt["popularity"][own].sum())
    k_neg = 150
    neg_t = cal.draw_seconds(rng, rng.integers(w0, w1 + 1, k_neg))
    c_note.append(rng.choice(targets, size=k_neg))
    c_user.extend(rng.choice(neg_users, size=k_neg))
    c_t.append(neg_t)
    brand = str(spec.brand["name"])
    c_text.extend(tm.line(specials.special_text(spec, "neg_comments"), 0.15, brand=brand) for _ in range(k_neg))
    n_special = len(c_text)
    neg_comment_ids = [f"m{start + n_special - k_neg + j + 1:09d}" for j in range(k_neg)]
    # Ordinary public comments from outside the panel (no user id in the export).
    k_pub = rng.poisson(1.0, n_notes) * ~nt["negative"]
    pub_note = np.repeat(np.arange(n_notes), k_pub)
    pub_t = np.minimum(nt["pub"][pub_note] + rng.exponential(2 * cal.DAY, len(pub_note)).astype(np.int64),
                       cal.END_EXCL - 1)
    topic = nt["topic"][pub_note].clip(0, len(spec.topics) - 1)
    seg = rng.integers(0, len(spec.segments), len(pub_note))
    pub_text = take(pools.comments, pools.comment_ranges[topic, seg, 0]
                    + (rng.random(len(pub_note)) * (pools.comment_ranges[topic, seg, 1]
                                                    - pools.comment_ranges[topic, seg, 0])).astype(np.int64))
    # Negative-burst notes draw their own small pile of agreeing comments.
    all_note = np.concatenate([*c_note, pub_note])
    all_t = np.concatenate([*c_t, pub_t])
    n_all = len(all_note)
    text = pa.concat_arrays([pa.array(c_text, pa.string()), pub_text.cast(pa.string())])
    # Ordinary commenters outside the panel: most exports carry their id, some do not.
    planted_ids = {str(u) for u in c_user}
    pub_pool = np.asarray([u for u in _outside_ids(rng, max(1, len(pub_note) // 3), users) if u not in planted_ids]
                          or ["u0"], dtype=object)
    pub_user = np.where(rng.random(len(pub_note)) < 0.7, pub_pool[rng.integers(0, len(pub_pool), len(pub_note))], None)
    user = pa.array([*c_user, *pub_user.tolist()], pa.string())
    region = np.where(rng.random(n_all) < 0.2, -1, rng.integers(0, len(PROVINCE_NAMES), n_all))
    w.write("comments", {"comment_id": ids("m", start, n_all, 9), "note_id": take(note_ids, all_note), "user_id": user,
                         "created_at": ts(all_t), "text": text, "region": take(PROVINCE_NAMES, region),
                         "likes": (rng.geometric(0.6, n_all) - 1).astype(np.int64)})
    # Notes: platform counts at least cover the rows we exported.
    comment_rows = acc.comment_touches + np.bincount(all_note, minlength=n_notes)
    comments = (comment_rows + rng.poisson(np.maximum(nt["views"] * 0.002, 0.5))).astype(np.int64)
    views = np.maximum(nt["views"], acc.touches_per_note.astype(np.int64))
    topic_names = pa.array([t.key for t in spec.topics] + ["negative"], pa.string())
    w.write("notes", {
        "note_id": note_ids, "creator_id": take(creator_ids, nt["creator"]), "published_at": ts(nt["pub"]),
        "title": media.note_text["title"], "body": media.note_text["body"], "tags": media.note_text["tags"],
        "note_type": np.where(nt["video"], "video", "image").tolist(), "region": take(PROVINCE_NAMES, nt["region"]),
        "sponsored": nt["sponsored"], "brand": media.note_text["brand"], "product": media.note_text["product"],
        "views": views, "likes": nt["likes"], "collects": nt["collects"], "comments": comments,
        "shares": nt["shares"], "cost": pa.array(nt["cost"], pa.float64(), from_pandas=True),
        "topic": take(topic_names, nt["topic"]),
    })
    cr = media.creator
    reg = (np.datetime64(PERIOD_START, "D") + cr["registered"].astype("timedelta64[D]"))
    w.write("creators", {
        "creator_id": creator_ids, "name": media.creator_names, "followers": cr["followers"].astype(np.int64),
        "region": take(PROVINCE_NAMES, cr["province"]), "category": [spec.creator_category] * len(creator_ids),
        "quote": cr["quote"].astype(float), "registered_at": pa.array(reg, pa.date32()),
    })
    spend_total = _write_spend(spec, media, acc, w, note_ids, creator_ids)
    return {
        "bots": sorted({str(u) for c in bots_by_creator.values() for u in c}),
        "neg_users": neg_users, "neg_comment_ids": neg_comment_ids, "spend_total": spend_total,
    }


def campaign_daily_spend(media: Media, acc: Acc) -> np.ndarray:
    """The holdout campaign's spend per day: its touches at the cost that buys ``CAMPAIGN["roi"]``."""
    return acc.campaign_touch_days * (CAMPAIGN["effect"] * media.price / CAMPAIGN["roi"])


def _write_spend(spec: WorldSpec, media: Media, acc: Acc, w: Writers, note_ids: pa.Array,
                 creator_ids: pa.Array) -> np.ndarray:
    nt = media.note
    kol = np.flatnonzero(nt["sponsored"] & (nt["cost"] > 0))
    kday = cal.day_index(nt["pub"][kol])
    cols: dict[str, list] = {k: [] for k in ("date", "channel", "amount", "campaign", "note_id", "creator_id",
                                              "impressions", "clicks")}
    months = np.datetime_as_string(cal.DATES[kday], unit="M")
    cols["date"].append(cal.DATES[kday])
    cols["channel"].append(np.full(len(kol), "kol", dtype=object))
    cols["amount"].append(nt["cost"][kol])
    cols["campaign"].append(np.array(["达人合作-" + m.replace("-", "") for m in months], dtype=object))
    cols["note_id"].append(np.asarray(take(note_ids, kol).to_pylist(), dtype=object))
    cols["creator_id"].append(np.asarray(take(creator_ids, nt["creator"][kol]).to_pylist(), dtype=object))
    cols["impressions"].append(nt["views"][kol])
    cols["clicks"].append(np.round(nt["views"][kol] * 0.04).astype(np.int64))
    total = np.zeros(len(CHANNELS))
    total[0] = nt["cost"][kol].sum()
    cpm = {"feeds": 30.0, "search": 60.0, "brand_zone": 40.0, "douyin": 25.0, "tmall_ad": 50.0}
    ctr = {"feeds": 0.012, "search": 0.06, "brand_zone": 0.05, "douyin": 0.01, "tmall_ad": 0.03}
    rows: list[tuple[str, str, np.ndarray]] = []
    for c in range(1, len(CHANNELS)):
        name = CHANNELS[c]
        amount = media.spend[c]
        if name == "search":
            rows.append((name, "搜索-品牌词", np.round(amount * 0.4, 2)))
            rows.append((name, "搜索-品类词", np.round(amount * 0.6, 2)))
        else:
            rows.append((name, CAMPAIGN_NAMES[name], amount))
    rows.append(("feeds", spec.holdout_campaign, np.round(campaign_daily_spend(media, acc), 2)))
    for name, campaign, amount in rows:
        d = np.flatnonzero(amount > 0)
        total[CHANNELS.index(name)] += amount[d].sum()
        imp = np.round(amount[d] / cpm[name] * 1000).astype(np.int64)
        cols["date"].append(cal.DATES[d])
        cols["channel"].append(np.full(len(d), name, dtype=object))
        cols["amount"].append(amount[d])
        cols["campaign"].append(np.full(len(d), campaign, dtype=object))
        cols["note_id"].append(np.full(len(d), None, dtype=object))
        cols["creator_id"].append(np.full(len(d), None, dtype=object))
        cols["impressions"].append(imp)
        cols["clicks"].append(np.round(imp * ctr[name]).astype(np.int64))
    out = {k: np.concatenate(v) for k, v in cols.items()}
    order = np.lexsort((out["channel"].astype(str), out["date"]))
    w.write("spend", {k: (pa.array(v[order], pa.date32()) if k == "date" else v[order].tolist())
                      for k, v in out.items()})
    return total


def brand_toml(brand: Mapping[str, object]) -> str:
    def val(v: object) -> str:
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list | tuple):
            return "[" + ", ".join(val(x) for x in v) + "]"
        raise TypeError(type(v))

    lines = ["# Fictional brand generated by zhongcao.simulate"]
    tables = []
    arrays = []
    for k, v in brand.items():
        if isinstance(v, list | tuple) and v and all(isinstance(x, Mapping) for x in v):
            arrays.append((k, v))
        elif isinstance(v, Mapping):
            tables.append((k, v))
        else:
            lines.append(f"{k} = {val(v)}")
    for k, v in tables:
        lines.append("")
        lines.append(f"[{k}]")
        for kk, vv in v.items():
            lines.append(f"{json.dumps(kk, ensure_ascii=False)} = {val(vv)}")
    for k, entries in arrays:
        for entry in entries:
            lines += ["", f"[[{k}]]"] + [f"{kk} = {val(vv)}" for kk, vv in entry.items()]
    return "\n".join(lines) + "\n"


def truth(spec: WorldSpec, media: Media, acc: Acc, users: int, seed: int, parts: dict[str, object]) -> dict[str, object]:
    from zhongcao.simulate import truth_extra

    price = media.price
    spend_total = parts["spend_total"]
    assert isinstance(spend_total, np.ndarray)
    campaign_spend = float(campaign_daily_spend(media, acc).sum())
    channels = {}
    for c, name in enumerate(CHANNELS):
        # Counterfactual ROI: expected in-period GMV lost were the channel's spend (its campaigns
        # included) zero, divided by that spend. Repeat purchases are not counted (docs/mmm.md).
        sp = float(spend_total[c])
        gmv = float(acc.channel_value[c] + acc.lead_value[c]) + (acc.campaign_value if name == "feeds" else 0.0)
        channels[name] = {
            "spend": round(sp, 2),
            "roi": round(gmv / sp, 4) if sp else None,
            "incremental_gmv_expected": round(gmv, 2),
            "incremental_gmv_from_leads": round(float(acc.lead_value[c]), 2),
            "planted_roi": float(ROI[c]),
            "adstock_decay": float(DECAY[c]),
            "half_saturation_daily_spend": round(float(media.saturation_k[c]), 2),
            "incremental_orders_expected": round(float(acc.channel_expected[c]), 1),
            "incremental_orders_realized": int(acc.channel_orders[c]),
            "incremental_revenue_realized": round(float(acc.channel_revenue[c]), 2),
        }
    channels["kol"]["reach_adstock_decay"] = KOL_REACH_DECAY
    channels["feeds"]["campaign_spend"] = round(campaign_spend, 2)
    channels["feeds"]["campaign_gmv_expected"] = round(acc.campaign_value, 2)
    p = media.planted
    cid = media.creator_ids
    nid = media.note_ids
    eff = media.creator["eff"]
    fol = media.creator["followers"]
    regular = np.array([k == "regular" for k in media.creator_kind])
    big = np.argsort(-np.where(regular, fol, -1))[:3]
    small_eff = np.flatnonzero(regular & (eff >= 4.0))
    nps = {s: {"n": v[0], "nps": round(100 * (v[1] - v[2]) / v[0], 1) if v[0] else None} for s, v in acc.nps.items()}
    out: dict[str, object] = {
        "world": spec.key,
        "seed": seed,
        "users": users,
        "period": {"start": PERIOD_START, "end": PERIOD_END, "events": cal.events()},
        "brand": dict(spec.brand),
        "channels": channels,
        "creators": {
            "incremental_orders": {cid[i]: round(float(acc.creator_expected[i]), 2) for i in range(len(cid))},
            "true_effect": {cid[i]: round(float(eff[i]), 3) for i in range(len(cid))},
            "big_but_useless": [cid[i] for i in big],
            "small_but_effective": [cid[i] for i in small_eff],
            "genuine_users": [cid[i] for i in p["genuine"]],
            "fake_engagement": [cid[i] for i in p["fakes"]],
            "fake_engagement_commenters": parts["bots"],
            "soft_ad_creators": [cid[i] for i in p["soft_creators"]],
        },
        "soft_ad_notes": {"all": [nid[i] for i in p["soft"]], "undisclosed": [nid[i] for i in p["undisclosed"]]},
        "negative_burst": {
            "start": spec.negative_window.start, "end": spec.negative_window.end,
            "accounts": [cid[i] for i in p["neg_accounts"]], "commenters": parts["neg_users"],
            "note_ids": [nid[i] for i in p["neg_notes"]], "comment_ids": parts["neg_comment_ids"],
            "words": ["质量差", "踩雷", "退货", "智商税", "避雷"],
        },
        "holdout": {
            "campaign": spec.holdout_campaign, "channel": "feeds", "start": spec.holdout.start, "end": spec.holdout.end,
            "assignment": "users.holdout_group (exposed | holdout | null = not eligible)",
            "eligible_users": acc.eligible, "holdout_users": acc.holdout, "exposed_users": acc.eligible - acc.holdout,
            "true_incremental_conversions": round(acc.campaign_expected, 1),
            "true_incremental_revenue": round(acc.campaign_expected * price, 2),
            "realized_campaign_orders": acc.campaign_orders,
            "realized_campaign_revenue": round(acc.campaign_revenue, 2),
        },
        "orders": {"platforms": dict(spec.platforms), "buyers": acc.buyers,
                   "repurchase_rate": round(acc.repeat_buyers / max(acc.buyers, 1), 3)},
        "leads": {"total": int(acc.lead_days.sum())},
        "nps_by_segment": nps,
    }
    out.update(truth_extra.world_truth(spec, media, acc, parts))
    return out
