"""One chunk of users: their touches, leads, orders, comments and survey answers.

Everything is vectorised over the chunk's touches. Orders are generated causally:
each touch carries an expected number of incremental orders (channel effect × saturation
× creator effect), realised as Poisson draws that land after a geometric lag (the carry-over).
Expected values are accumulated so truth.json can state exactly what was planted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from zhongcao.contract.geo import REGION_GROUPS
from zhongcao.simulate import calendar as cal
from zhongcao.simulate.media import CAMPAIGN, CHANNEL_SHARE, DECAY, DISCOUNT, MAX_AGE_DAYS, PROMO_BOOST, Media
from zhongcao.simulate.population import PROVINCE_NAMES, make_users, user_ids
from zhongcao.simulate.scenario import GeoHoldout
from zhongcao.simulate.spec import CHANNELS, Population, WorldSpec
from zhongcao.simulate.writer import take

ACTIONS = ("view", "read", "like", "collect", "comment", "share", "search", "click", "follow")
A = {a: i for i, a in enumerate(ACTIONS)}
# Action mix per channel (rows follow CHANNELS).
ACTION_P = np.array([
    [0.42, 0.33, 0.09, 0.06, 0.03, 0.02, 0.00, 0.03, 0.02],  # kol
    [0.70, 0.08, 0.02, 0.01, 0.00, 0.00, 0.00, 0.19, 0.00],  # feeds
    [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.62, 0.38, 0.00],  # search
    [0.60, 0.05, 0.00, 0.00, 0.00, 0.00, 0.00, 0.35, 0.00],  # brand_zone
    [0.80, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.20, 0.00],  # douyin
    [0.72, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.28, 0.00],  # tmall_ad
])
LEAD_STATUS = ("new", "contacted", "trial", "won", "lost")
STATUS_P = np.array([0.06, 0.12, 0.14, 0.24, 0.44])
REPURCHASE_P = 0.17


@dataclass
class TextPools:
    queries: pa.Array
    segment_queries: np.ndarray  # (segments, 2) ranges into queries
    brand_queries: tuple[int, int]
    post_queries: dict[int, tuple[int, int]]  # topic index → range
    comments: pa.Array
    comment_ranges: np.ndarray  # (topics, segments, 2)
    remarks: pa.Array
    remark_ranges: np.ndarray  # (segments, 2)
    lost_reasons: pa.Array


@dataclass
class Acc:
    """Running totals across chunks for truth.json and the spend table."""

    creator_expected: np.ndarray
    channel_expected: np.ndarray = field(default_factory=lambda: np.zeros(len(CHANNELS)))
    channel_orders: np.ndarray = field(default_factory=lambda: np.zeros(len(CHANNELS)))
    channel_revenue: np.ndarray = field(default_factory=lambda: np.zeros(len(CHANNELS)))
    channel_value: np.ndarray = field(default_factory=lambda: np.zeros(len(CHANNELS)))  # expected in-period GMV
    lead_value: np.ndarray = field(default_factory=lambda: np.zeros(len(CHANNELS)))  # expected won-lead GMV
    campaign_value: float = 0.0
    holdout_value: float = 0.0  # expected in-period GMV a geo holdout took away (scenario.GeoHoldout)
    campaign_touch_days: np.ndarray = field(default_factory=lambda: np.zeros(cal.N_DAYS))
    eligible: int = 0
    holdout: int = 0
    campaign_expected: float = 0.0
    campaign_orders: int = 0
    campaign_revenue: float = 0.0
    lead_days: np.ndarray = field(default_factory=lambda: np.zeros(cal.N_DAYS))
    regional_extra: int = 0
    buyers: int = 0
    repeat_buyers: int = 0
    nps: dict[str, list[int]] = field(default_factory=dict)  # segment → [n, promoters, detractors]
    comment_touches: np.ndarray | None = None  # panel comments per note
    touches_per_note: np.ndarray | None = None
    counters: dict[str, int] = field(default_factory=lambda: {"order": 0, "lead": 0, "comment": 0})


def _draw(rng: np.random.Generator, ranges: np.ndarray) -> np.ndarray:
    lo, hi = ranges[..., 0], ranges[..., 1]
    return lo + (rng.random(lo.shape) * (hi - lo)).astype(np.int64)


def pick_notes(rng: np.random.Generator, media: Media, topic: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A popular, recent note of each touch's topic, published before the touch."""
    note = np.full(len(t), -1, dtype=np.int64)
    t = t.copy()
    for ti in np.unique(topic):
        m = np.flatnonzero(topic == ti)
        idx, pub, cum = media.pools[ti]
        if len(idx) == 0:
            continue
        tt = t[m]
        hi = np.searchsorted(pub, tt, side="right")
        lo = np.searchsorted(pub, tt - MAX_AGE_DAYS * cal.DAY, side="left")
        lo = np.where(hi - lo < 1, np.maximum(hi - 5, 0), lo)
        none = hi == 0  # nothing published yet: the touch happens just after an early note
        hi = np.where(none, min(5, len(idx)), hi)
        lo = np.where(none, 0, lo)
        base = np.where(lo > 0, cum[np.maximum(lo - 1, 0)], 0.0)
        x = base + rng.random(len(m)) * (cum[hi - 1] - base)
        k = np.searchsorted(cum, x, side="right").clip(lo, hi - 1)
        note[m] = idx[k]
        t[m] = np.where(none, pub[k] + rng.integers(600, 3 * cal.DAY, len(m)), tt)
    return note, np.minimum(t, cal.END_EXCL - 1)


def topic_tables(spec: WorldSpec) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative topic choice per (segment, month): all topics, and own-brand topics only."""
    months = 24
    frac = (np.arange(months) + 0.5) / months
    share = np.array([t.share for t in spec.topics])
    growth = np.array([t.growth for t in spec.topics])
    own = np.array([t.kind == "own" for t in spec.topics])
    base = share[None, :] * (1 + (growth[None, :] - 1) * frac[:, None])  # (months, topics)
    aff = np.array([[spec.affinity.get(s, {}).get(t.key, 1.0) for t in spec.topics] for s in spec.segments])
    p = aff[:, None, :] * base[None, :, :]
    p_own = p * own
    out = []
    for q in (p, p_own):
        q = q / q.sum(-1, keepdims=True)
        out.append(np.cumsum(q, -1).astype(np.float32))
    return out[0], out[1]


def _choose(rng: np.random.Generator, cum: np.ndarray) -> np.ndarray:
    return (rng.random(len(cum), dtype=np.float32)[:, None] > cum).sum(1).clip(0, cum.shape[1] - 1)


def own_topics(spec: WorldSpec) -> np.ndarray:
    """Per topic index (the negative-burst topic last): whether its notes are about the brand."""
    return np.array([tp.kind == "own" for tp in spec.topics] + [False])


def kol_multiplier(spec: WorldSpec, media: Media, note: np.ndarray) -> np.ndarray:
    """Per kol touch: the read note's creator effect × topic conversion multiplier × is-own-brand."""
    nt = media.note
    own_topic = own_topics(spec)
    conv = np.array([tp.conv_mult for tp in spec.topics] + [0.0])
    out = np.zeros(len(note))
    m = np.flatnonzero(note >= 0)
    tp = nt["topic"][note[m]]
    out[m] = media.creator["eff"][nt["creator"][note[m]]] * conv[tp] * own_topic[tp]
    return out


def calibrate_kol(rng: np.random.Generator, spec: WorldSpec, media: Media, tables: tuple[np.ndarray, np.ndarray],
                  n: int = 400_000) -> np.ndarray:
    """Divide the kol per-touch effect by the month's mean creator × topic multiplier.

    The multiplier of a read depends on which notes are read (creators, topics growing over time);
    a pilot draw of reads through the same machinery estimates its monthly mean, so expected kol
    orders follow the planted response of kol spend while readers of effective creators still buy more.
    """
    pop = make_users(rng, spec, 0, 20_000)
    user = rng.integers(0, len(pop), n)
    t = cal.draw_seconds(rng, cal.draw_days(rng, media.touch_cdf[0], n))
    month = cal.month_index(t)
    topic = _choose(rng, tables[0][pop.segment[user], month])
    note, t = pick_notes(rng, media, topic, t)
    mult = kol_multiplier(spec, media, note)
    month = cal.month_index(t)
    mean = np.bincount(month, mult, cal.N_MONTHS) / np.maximum(np.bincount(month, minlength=cal.N_MONTHS), 1)
    mean = np.where(mean > 0, mean, mult.mean())
    day_month = cal.month_index(cal.START + np.arange(cal.N_DAYS) * cal.DAY)
    media.effect[0] = media.effect[0] / mean[day_month]
    return mean


def run_chunk(rng: np.random.Generator, spec: WorldSpec, media: Media, pools: TextPools, pop: Population,
              acc: Acc, width: int, tables: tuple[np.ndarray, np.ndarray],
              holdout: GeoHoldout | None = None) -> dict[str, dict[str, object]]:
    n = len(pop)
    cum_all, cum_own = tables
    # --- ordinary touches ----------------------------------------------------------------
    k = rng.poisson(pop.activity)
    user = np.repeat(np.arange(n), k)
    total = len(user)
    ch = np.searchsorted(np.cumsum(CHANNEL_SHARE), rng.random(total), side="right").clip(0, 5).astype(np.int8)
    day = np.empty(total, dtype=np.int64)
    action = np.empty(total, dtype=np.int8)
    for c in range(len(CHANNELS)):
        m = np.flatnonzero(ch == c)
        day[m] = cal.draw_days(rng, media.touch_cdf[c], len(m))
        action[m] = np.searchsorted(np.cumsum(ACTION_P[c]), rng.random(len(m)), side="right").clip(0, 8)
    t = cal.draw_seconds(rng, day)
    month = cal.month_index(t)
    seg = pop.segment[user]
    needs = (ch == 0) | ((ch == 2) & (action == A["click"])) | (((ch == 1) | (ch == 3)) & (rng.random(total) < 0.8))
    topic = np.full(total, -1, dtype=np.int64)
    m_all = np.flatnonzero(needs & ((ch == 0) | (ch == 2)))
    topic[m_all] = _choose(rng, cum_all[seg[m_all], month[m_all]])
    m_own = np.flatnonzero(needs & ((ch == 1) | (ch == 3)))
    topic[m_own] = _choose(rng, cum_own[seg[m_own], month[m_own]])
    note = np.full(total, -1, dtype=np.int64)
    m = np.flatnonzero(topic >= 0)
    note[m], t[m] = pick_notes(rng, media, topic[m], t[m])
    day = cal.day_index(t)
    if holdout is not None:  # the channel's paid touches do not happen in the control provinces
        keep = _held_out(rng, spec, media, holdout, pop.province[user], ch, day, note, acc)
        user, ch, day, action, t, seg, note, topic = (a[keep] for a in (user, ch, day, action, t, seg, note, topic))
        total = len(user)
    # Topics people save (ear-jewellery looks) turn more plain views into collects.
    save = np.array([tp.collect_rate for tp in spec.topics] + [0.0]) >= 0.06
    sv = np.flatnonzero((ch == 0) & (note >= 0) & (action == A["view"]))
    sv = sv[save[media.note["topic"][note[sv]]] & (rng.random(len(sv)) < 0.4)]
    action[sv] = A["collect"]
    query = np.full(total, -1, dtype=np.int64)
    ms = np.flatnonzero(action == A["search"])
    brandq = rng.random(len(ms)) < 0.4
    rng_q = np.where(brandq[:, None], np.array(pools.brand_queries)[None, :], pools.segment_queries[seg[ms]])
    query[ms] = _draw(rng, rng_q)

    # --- incremental orders from touches ---------------------------------------------------
    lam = media.effect[ch, day]
    nt = media.note
    kol = ch == 0
    own_topic = own_topics(spec)
    has = note >= 0
    km = np.flatnonzero(kol & has)
    kol_at = np.flatnonzero(kol)
    lam[kol_at] *= kol_multiplier(spec, media, note[kol_at])  # lam is a gathered copy, not media.effect
    acc.creator_expected += np.bincount(nt["creator"][note[km]], weights=lam[km], minlength=len(acc.creator_expected))
    acc.channel_expected += np.bincount(ch, weights=lam, minlength=len(CHANNELS))
    # Users in a regional-lift region see their orders duplicated from its start (value row 1).
    lifted = np.zeros(n, dtype=np.int64)
    if spec.regional_lift:
        lifted = np.isin(pop.group, [REGION_GROUPS.index(g) for g in spec.regional_lift[0]]).astype(np.int64)
    acc.channel_value += np.bincount(ch, weights=lam * media.lag_value[lifted[user], ch, day], minlength=len(CHANNELS))
    # Media orders are drawn from their own stream (spawning leaves ``rng`` where it is), so the
    # planted media response can change without re-drawing baseline orders, the campaign or leads.
    orng = rng.spawn(1)[0]
    n_inc = orng.poisson(lam)
    src_touch = np.repeat(np.arange(total), n_inc)
    lag = orng.geometric(1 - DECAY[ch[src_touch]]) - 1
    o_user = [user[src_touch]]
    o_t = [t[src_touch] + lag * cal.DAY + orng.integers(0, 6 * 3600, len(src_touch))]
    o_src = [ch[src_touch].astype(np.int64) + 1]  # 1..6 = channel; 0 base; 7 campaign; 8 lead; 9 regional; 10 repeat

    # --- baseline orders --------------------------------------------------------------------
    mult = np.array([spec.segment_order_mult.get(s, 1.0) for s in spec.segments])[pop.segment]
    # At most one baseline order per user: repeat buying comes from the explicit repurchase step.
    nb = (rng.random(n) < -np.expm1(-spec.base_orders * mult)).astype(np.int64)
    bu = np.repeat(np.arange(n), nb)
    o_user.append(bu)
    o_t.append(cal.draw_seconds(rng, cal.draw_days(rng, media.base_cdf, len(bu))))
    o_src.append(np.zeros(len(bu), dtype=np.int64))

    # --- randomized holdout campaign -------------------------------------------------------
    eligible = rng.random(n) < CAMPAIGN["eligible_share"]
    holdout = eligible & (rng.random(n) < CAMPAIGN["holdout_share"])
    exposed = np.flatnonzero(eligible & ~holdout)
    acc.eligible += int(eligible.sum())
    acc.holdout += int(holdout.sum())
    kc = rng.poisson(CAMPAIGN["touches"], len(exposed)) + 1
    cu = np.repeat(exposed, kc)
    h0, h1 = cal.day_of(spec.holdout.start), cal.day_of(spec.holdout.end)
    cday = rng.integers(h0, h1 + 1, len(cu))
    ct = cal.draw_seconds(rng, cday)
    cmonth = cal.month_index(ct)
    ctopic = _choose(rng, cum_own[pop.segment[cu], cmonth])
    cnote, ct = pick_notes(rng, media, ctopic, ct)
    caction = np.where(rng.random(len(cu)) < 0.3, A["click"], A["view"]).astype(np.int8)
    acc.campaign_touch_days += np.bincount(cal.day_index(ct), minlength=cal.N_DAYS)[: cal.N_DAYS]
    clam = np.full(len(cu), CAMPAIGN["effect"])
    acc.campaign_expected += float(clam.sum())
    acc.campaign_value += float((clam * media.lag_value[lifted[cu], 1, cal.day_index(ct)]).sum())
    cn = rng.poisson(clam)
    cs = np.repeat(np.arange(len(cu)), cn)
    o_user.append(cu[cs])
    o_t.append(ct[cs] + (rng.geometric(1 - DECAY[1], len(cs)) - 1) * cal.DAY + rng.integers(0, 6 * 3600, len(cs)))
    o_src.append(np.full(len(cs), 7))
    group_label = np.full(n, None, dtype=object)
    group_label[eligible] = "exposed"
    group_label[holdout] = "holdout"

    # --- leads -----------------------------------------------------------------------------
    qual = ((kol & has & own_topic[np.where(has, nt["topic"][np.maximum(note, 0)], -1)]
             & np.isin(action, [A["read"], A["collect"], A["comment"], A["follow"]]))
            | (np.isin(ch, [1, 2, 3]) & (action == A["click"])))
    lrate = np.full(total, spec.lead_rate)
    if spec.strategy_date:
        lrate = np.where(day >= cal.day_of(spec.strategy_date), lrate * spec.lead_rate_after, lrate)
    hit = np.flatnonzero(qual & (rng.random(total) < lrate))
    hit = hit[np.lexsort((t[hit], user[hit]))]
    first = hit[np.r_[True, user[hit][1:] != user[hit][:-1]]] if len(hit) else hit
    l_user = user[first]
    l_t = np.minimum(t[first] + rng.integers(60, 7200, len(first)), cal.END_EXCL - 1)
    status = np.searchsorted(np.cumsum(STATUS_P), rng.random(len(first)), side="right").clip(0, 4)
    recent = l_t > cal.END_EXCL - 12 * cal.DAY
    status = np.where(recent, rng.integers(0, 2, len(first)), status)
    acc.lead_days += np.bincount(cal.day_index(l_t), minlength=cal.N_DAYS)[: cal.N_DAYS]
    # Expected GMV of won leads, credited to the lead touch's channel for the share of touches bought by spend.
    acc.lead_value += np.bincount(ch[first], weights=media.paid_share[ch[first], day[first]]
                                  * media.lead_value[lifted[l_user], cal.day_index(l_t)], minlength=len(CHANNELS))
    won = np.flatnonzero(status == 3)
    o_user.append(l_user[won])
    o_t.append(l_t[won] + rng.integers(cal.DAY, 10 * cal.DAY, len(won)))
    o_src.append(np.full(len(won), 8))
    leads = {
        "user": l_user, "t": l_t, "status": status, "channel": ch[first], "note": note[first],
        "remark": _draw(rng, pools.remark_ranges[pop.segment[l_user]]),
        "lost_reason": np.where(status == 4, rng.integers(0, len(pools.lost_reasons), len(first)), -1),
    }

    # --- post-lead browsing (who lost leads go to next) --------------------------------------
    pu, pt, pc, pa_, pn, pq_ = _post_lead(rng, spec, media, pools, pop, l_user, l_t, status)

    # --- assemble orders: regional strategy, repurchases, attributes --------------------------
    ou, ot, osrc = np.concatenate(o_user), np.concatenate(o_t), np.concatenate(o_src)
    if spec.regional_lift:
        groups, date, lift = spec.regional_lift
        gi = [REGION_GROUPS.index(g) for g in groups]
        south = np.isin(pop.group[ou], gi) & (ot >= cal.START + cal.day_of(date) * cal.DAY) & (ot < cal.END_EXCL)
        dup = np.flatnonzero(south & (rng.random(len(ou)) < lift))
        acc.regional_extra += len(dup)
        ou = np.r_[ou, ou[dup]]
        ot = np.r_[ot, ot[dup] + rng.integers(-2 * cal.DAY, 2 * cal.DAY, len(dup)).clip(0, None)]
        osrc = np.r_[osrc, np.full(len(dup), 9)]
    keep = ot < cal.END_EXCL
    ou, ot, osrc = ou[keep], ot[keep], osrc[keep]
    rep = np.flatnonzero(rng.random(len(ou)) < REPURCHASE_P)
    rt = ot[rep] + rng.integers(20, 150, len(rep)) * cal.DAY
    # A repeat due after the period lands as far into its start instead: the brand had customers
    # before the data begin, so repeat buying runs at a steady level rather than rising from zero
    # over the first months (a ramp any trending channel would be credited with).
    rt = np.where(rt < cal.END_EXCL, rt, rt - (cal.END_EXCL - cal.START))
    ou, ot, osrc = np.r_[ou, ou[rep]], np.r_[ot, rt], np.r_[osrc, np.full(len(rep), 10)]
    order = np.lexsort((ot, ou))
    ou, ot, osrc = ou[order], ot[order], osrc[order]
    prices = np.array([p.price for p in spec.products])
    pw = np.array([p.weight for p in spec.products])
    prod = rng.choice(len(prices), size=len(ou), p=pw / pw.sum())
    qty = np.where(rng.random(len(ou)) < 0.1, 2, 1)
    oday = cal.day_index(ot)
    promo = media.boost[oday] > PROMO_BOOST
    disc = np.where(promo, rng.uniform(*DISCOUNT["promo"], len(ou)), rng.uniform(*DISCOUNT["regular"], len(ou)))
    amount = np.round(prices[prod] * qty * disc, 2)
    plat_names = list(spec.platforms)
    pp = np.array(list(spec.platforms.values()))
    plat = rng.choice(len(plat_names), size=len(ou), p=pp / pp.sum())
    for c in range(len(CHANNELS)):
        sel = osrc == c + 1
        acc.channel_orders[c] += sel.sum()
        acc.channel_revenue[c] += amount[sel].sum()
    acc.campaign_orders += int((osrc == 7).sum())
    acc.campaign_revenue += float(amount[osrc == 7].sum())
    buyers, per = np.unique(ou, return_counts=True)
    acc.buyers += len(buyers)
    acc.repeat_buyers += int((per > 1).sum())
    oprov = np.where(rng.random(len(ou)) < 0.03, rng.integers(0, len(PROVINCE_NAMES), len(ou)), pop.province[ou])
    oprov = np.where(rng.random(len(ou)) < 0.02, -1, oprov)

    # --- comments from comment touches ------------------------------------------------------
    allu = np.r_[user, pu, cu]
    allt = np.r_[t, pt, ct]
    allc = np.r_[ch, pc, np.full(len(cu), 1, np.int8)]
    alla = np.r_[action, pa_, caction]
    alln = np.r_[note, pn, cnote]
    allq = np.r_[query, pq_, np.full(len(cu), -1)]
    cm = np.flatnonzero((alla == A["comment"]) & (alln >= 0))
    ctop = nt["topic"][alln[cm]].clip(0, len(spec.topics) - 1)
    ctext = _draw(rng, pools.comment_ranges[ctop, pop.segment[allu[cm]]])
    acc.comment_touches += np.bincount(alln[cm], minlength=len(acc.comment_touches))
    acc.touches_per_note += np.bincount(alln[alln >= 0], minlength=len(acc.touches_per_note))

    # --- surveys: a share of buyers and of non-buying leads answer NPS ----------------------
    first_o = np.r_[True, ou[1:] != ou[:-1]] if len(ou) else np.zeros(0, bool)
    s_user = [ou[first_o]]
    s_t = [ot[first_o] + rng.integers(5, 40, first_o.sum()) * cal.DAY]
    lm = ~np.isin(l_user, buyers)
    s_user.append(l_user[lm])
    s_t.append(l_t[lm] + rng.integers(3, 30, lm.sum()) * cal.DAY)
    su, st = np.concatenate(s_user), np.concatenate(s_t)
    pick = (rng.random(len(su)) < 0.2) & (st < cal.END_EXCL)
    su, st = su[pick], st[pick]
    mean = np.array([spec.nps_mean[s] for s in spec.segments])[pop.segment[su]]
    bought = np.isin(su, buyers)
    score = np.clip(np.round(rng.normal(mean - np.where(bought, 0, 1.5), 2.0)), 0, 10).astype(np.int64)
    for si, s in enumerate(spec.segments):
        ss = score[pop.segment[su] == si]
        tot = acc.nps.setdefault(s, [0, 0, 0])
        tot[0] += len(ss)
        tot[1] += int((ss >= 9).sum())
        tot[2] += int((ss <= 6).sum())

    # --- to Arrow ---------------------------------------------------------------------------
    uid = user_ids(pop.first, n, width)
    order_x = np.lexsort((allt, allu))
    ex = {
        "user_id": take(uid, allu[order_x]), "ts": allt[order_x], "channel": allc[order_x],
        "action": alla[order_x], "note": alln[order_x], "query": allq[order_x],
    }
    cc = acc.counters
    out: dict[str, dict[str, object]] = {
        "exposures": ex,
        "orders": {"start": cc["order"], "user_id": take(uid, ou), "ts": ot, "platform": plat,
                   "platform_names": plat_names, "product": prod, "qty": qty, "amount": amount, "province": oprov},
        "leads": {"start": cc["lead"], "user_id": take(uid, l_user), **leads},
        "comments": {"start": cc["comment"], "note": alln[cm], "user_id": take(uid, allu[cm]), "ts": allt[cm],
                     "text": ctext, "province": np.where(rng.random(len(cm)) < 0.05, -1, pop.province[allu[cm]]),
                     "likes": rng.geometric(0.5, len(cm)) - 1},
        "surveys": {"user_id": take(uid, su), "ts": st, "nps": score, "segment": pop.segment[su]},
        "users": {"user_id": uid, "holdout_group": group_label},
    }
    cc["order"] += len(ou)
    cc["lead"] += len(l_user)
    cc["comment"] += len(cm)
    return out


def _held_out(rng: np.random.Generator, spec: WorldSpec, media: Media, holdout: GeoHoldout, province: np.ndarray,
              ch: np.ndarray, day: np.ndarray, note: np.ndarray, acc: Acc) -> np.ndarray:
    """Touches to keep: a paid touch of the held-out channel in a control province within the window goes.

    kol touches are paid with probability ``paid_share`` (organic reads stay). The expected GMV the
    dropped touches would have brought is added to ``acc.holdout_value`` for truth.json.
    """
    c = CHANNELS.index(holdout.channel)
    d0, d1 = cal.day_of(holdout.start), cal.day_of(holdout.end)
    hit = (ch == c) & np.isin(province, holdout.province_index()) & (day >= d0) & (day <= d1)
    hit &= rng.random(len(ch)) < media.paid_share[c, day]
    idx = np.flatnonzero(hit)
    lam = media.effect[c, day[idx]]
    if c == 0:
        lam = lam * kol_multiplier(spec, media, note[idx])
    acc.holdout_value += float((lam * media.lag_value[0, c, day[idx]]).sum())
    return ~hit


def _post_lead(rng: np.random.Generator, spec: WorldSpec, media: Media, pools: TextPools, pop: Population,
               l_user: np.ndarray, l_t: np.ndarray, status: np.ndarray) -> tuple[np.ndarray, ...]:
    """Extra touches after a lead: lost leads drift to the substitutes the brand doesn't track."""
    empty = np.zeros(0, dtype=np.int64)
    if not spec.post_lead or len(l_user) == 0:
        return empty, empty, empty.astype(np.int8), empty.astype(np.int8), empty, empty
    keys = [tp.key for tp in spec.topics]
    mix = np.zeros((len(LEAD_STATUS), len(keys)))
    for si, s in enumerate(LEAD_STATUS):
        shares = spec.post_lead.get(s, spec.post_lead["other"])
        for k, v in shares.items():
            mix[si, keys.index(k)] = v
    mix = np.cumsum(mix / mix.sum(1, keepdims=True), 1)
    k = rng.poisson(5.0, len(l_user))
    idx = np.repeat(np.arange(len(l_user)), k)
    u = l_user[idx]
    t = l_t[idx] + rng.integers(3600, 60 * cal.DAY, len(idx))
    live = t < cal.END_EXCL
    idx, u, t = idx[live], u[live], t[live]
    topic = (rng.random(len(idx))[:, None] > mix[status[idx]]).sum(1).clip(0, len(keys) - 1)
    query = np.full(len(idx), -1, dtype=np.int64)
    searchable = np.isin(topic, list(pools.post_queries))
    srch = searchable & (rng.random(len(idx)) < 0.3)
    for ti, (lo, hi) in pools.post_queries.items():
        m = np.flatnonzero(srch & (topic == ti))
        query[m] = lo + rng.integers(0, hi - lo, len(m))
    action = np.searchsorted(np.cumsum([0.55, 0.3, 0.15]), rng.random(len(idx)), side="right").clip(0, 2)
    action = np.array([A["read"], A["collect"], A["comment"]], dtype=np.int8)[action]
    action = np.where(srch, A["search"], action).astype(np.int8)
    note = np.full(len(idx), -1, dtype=np.int64)
    m = np.flatnonzero(~srch)
    note[m], t[m] = pick_notes(rng, media, topic[m], t[m])
    ch = np.where(srch, 2, 0).astype(np.int8)
    return u, t, ch, action, note, query
