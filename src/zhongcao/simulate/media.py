"""Creators, notes and the spend plan: everything that exists once per world, not per user.

Notes are few (sub-linear in users), so they are built eagerly with per-note text; the
per-topic pools built here let chunks pick "a recent note of topic X" fully vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from zhongcao.contract.geo import PROVINCES, REGION_GROUPS
from zhongcao.simulate import calendar as cal
from zhongcao.simulate import specials
from zhongcao.simulate.population import PROVINCE_GROUP, PROVINCE_P
from zhongcao.simulate.scenario import DRIVER_DEMAND, confounded_level, demand_driver
from zhongcao.simulate.spec import CHANNELS, WorldSpec
from zhongcao.simulate.text import TextMaker, fill

# Share of a user's touches by channel, and the true response parameters per channel.
CHANNEL_SHARE = np.array([0.42, 0.20, 0.10, 0.06, 0.12, 0.10])
ROI = np.array([2.4, 1.3, 3.0, 1.8, 0.8, 1.6])  # planted ROI (orders × mean price ÷ spend), before truncation
DECAY = np.array([0.70, 0.35, 0.10, 0.30, 0.50, 0.20])  # daily geometric lag from touch to order
KOL_REACH_DECAY = 0.85  # daily geometric carry-over of sponsored notes' reach (kol spend's adstock)
KOL_SPONSORED = 0.55  # mean share of the brand's own notes that are sponsored (kol waves move it, at most 0.95)
KOL_OFF_WAVE = 0.25  # kol level between campaign waves, relative to an average wave
KOL_ORGANIC = 1.0  # organic kol reads, as a multiple of the mean paid reads
SATURATION = 2.0  # half-saturation K = SATURATION × the channel's mean daily drive (spend or reach) when on
SPEND_PER_USER = np.array([0.0, 48.0, 12.0, 12.0, 24.0, 12.0])  # CNY per panel user over the period
CAMPAIGN = {"eligible_share": 0.3, "holdout_share": 0.2, "touches": 3.0, "effect": 0.012, "roi": 1.5}
KOL_PER_USER = 20.0  # CNY of sponsored-note fees per panel user over the period
MAX_AGE_DAYS = 120  # a touched note is at most this old (recency of the feed)
PROMO_BOOST = 1.3  # a day whose demand boost exceeds this is a promotion day (retail events)
DISCOUNT = {"promo": (0.78, 0.88), "regular": (0.92, 1.0)}  # price paid ÷ list price, drawn uniform


def mean_discount(boost: np.ndarray) -> np.ndarray:
    """Expected price paid ÷ list price on each day of ``boost`` (the mean of its uniform discount)."""
    return np.where(boost > PROMO_BOOST, sum(DISCOUNT["promo"]) / 2, sum(DISCOUNT["regular"]) / 2)


@dataclass
class Media:
    creator_ids: list[str]
    creator: dict[str, np.ndarray]  # followers, province, quote, registered, eff, young_f
    creator_names: list[str]
    creator_kind: list[str]
    note_ids: list[str]
    note: dict[str, np.ndarray]  # creator, pub, topic, sponsored, cost, popularity, views, likes, …
    note_text: dict[str, list]  # title, body, tags, brand, product, note_type
    pools: list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # per topic: (note idx, pub, cum popularity)
    spend: np.ndarray  # (channels, days) planned non-kol spend; kol row from notes
    touch_cdf: list[np.ndarray]  # per channel, cumulative day profile of touches
    effect: np.ndarray  # (channels, days) expected incremental orders per touch (before multipliers)
    price: float
    saturation_k: np.ndarray
    base_cdf: np.ndarray = field(default_factory=lambda: np.zeros(0))  # baseline demand by day
    boost: np.ndarray = field(default_factory=lambda: np.zeros(0))  # retail-event multiplier by day
    planted: dict[str, object] = field(default_factory=dict)
    paid_share: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (channels, days) touches bought by spend
    lag_value: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (2, channels, days) GMV per expected order
    lead_value: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (2, days) expected won-lead GMV per lead


def scale_counts(users: int) -> tuple[int, int]:
    notes = int(np.clip(round(2500 * (users / 20_000) ** 0.7), 800, 1_000_000))
    creators = int(np.clip(round(300 * (users / 20_000) ** 0.45), 120, 60_000))
    return notes, creators


# One creator's title template over a run of notes, as real accounts post them (《关于我买到超满意的…这件事》):
# the analyses must count such a series once, not read it as a scene carried by many people.
SERIES_TITLES: tuple[str, ...] = ("关于我买到超满意的{tag}这件事", "前来报道｜{tag}打卡第{n}天", "言出必行·{tag}日记{n}",
                                  "{tag}｜第{n}期 碎碎念")
SERIES_CREATORS = 3


def _template_series(tm: TextMaker, author: np.ndarray, topic: np.ndarray, spec: WorldSpec,
                     titles: list[str | None]) -> None:
    """The most prolific creators title most of their notes from one template each (drawn from the noise stream)."""
    if not len(author):
        return
    busiest = np.argsort(-np.bincount(author), kind="stable")[:SERIES_CREATORS]
    for k, c in enumerate(busiest.tolist()):
        template = SERIES_TITLES[k % len(SERIES_TITLES)]
        for n, i in enumerate(np.flatnonzero(author == c).tolist(), 1):
            tags = spec.topics[int(topic[i])].tags
            if tm.noise.random() < 0.7 and tags:
                tag = fill(tags[0], tm.slots, tm.noise)
                titles[i] = template.format(tag=tag, n=n)


def _names(tm: TextMaker, n: int) -> list[str]:
    pre = ("小", "阿", "是", "爱吃", "一只", "今天也", "努力的", "不吃香菜的", "会飞的", "")
    core = ("鱼", "桃子", "卷卷", "Momo", "糖糖", "大橙子", "小满", "Lily", "七七", "木子", "芝士", "团子",
            "山野", "阿June", "Coco", "豆包", "狸猫", "白白", "安安", "Kiki")
    post = ("", "呀", "酱", "同学", "妈妈", "的日常", "在路上", "_", "2023", "🌿", "爱分享")
    r = tm.rnd
    return [r.choice(pre) + r.choice(core) + r.choice(post) for _ in range(n)]


def build(rng: np.random.Generator, spec: WorldSpec, tm: TextMaker, users: int, confounded: str | None = None) -> Media:
    n_notes, n_creators = scale_counts(users)
    follower_scale = (users / 20_000) ** 0.3
    # --- regular creators -------------------------------------------------------------
    followers = np.round(rng.lognormal(9.3, 1.3, n_creators) * follower_scale).astype(np.int64) + 50
    province = rng.choice(len(PROVINCES), size=n_creators, p=PROVINCE_P).astype(np.int16)
    young_f = rng.random(n_creators) < 0.45
    # True per-creator conversion effect, deliberately unrelated to reach.
    eff = rng.lognormal(-0.35, 0.85, n_creators)
    order = np.argsort(-followers)
    eff[order[:3]] = 0.05  # the three biggest accounts barely move anyone
    small = order[n_creators // 2:]
    eff[rng.choice(small, size=4, replace=False)] = 4.0  # small accounts whose readers really buy
    registered = rng.integers(-900, -30, n_creators)  # day index relative to period start
    activity = rng.lognormal(0, 0.8, n_creators)
    kinds = ["regular"] * n_creators
    creator: dict[str, np.ndarray] = {
        "followers": followers, "province": province, "young_f": young_f, "eff": eff,
        "registered": registered, "activity": activity,
    }
    names = _names(tm, n_creators)
    # Spend flighting comes from its own stream (spawning does not advance ``rng``), so every other
    # draw of the world is the same whatever the flighting.
    flights = flighting(rng.spawn(1)[0], spec)
    driver = np.zeros(cal.N_DAYS)
    if confounded is not None:  # its own stream: the rest of the world is drawn as without it
        drng = rng.spawn(1)[0]
        driver = demand_driver(drng, cal.N_DAYS)
        flights[CHANNELS.index(confounded)] = confounded_level(driver, drng)

    # --- ordinary notes -----------------------------------------------------------------
    posting = np.linspace(1.0, 1.8, cal.N_DAYS)  # notes per day grow over the period
    t_days = cal.draw_days(rng, cal.cdf(posting), n_notes)
    frac = t_days / (cal.N_DAYS - 1)
    shares = np.array([t.share for t in spec.topics])
    growth = np.array([t.growth for t in spec.topics])
    probs = shares[None, :] * (1 + (growth[None, :] - 1) * frac[:, None])
    probs /= probs.sum(1, keepdims=True)
    topic = (rng.random(n_notes)[:, None] > np.cumsum(probs, 1)).sum(1).clip(0, len(shares) - 1)
    author = np.empty(n_notes, dtype=np.int64)
    cgroup = PROVINCE_GROUP[province]
    for ti, t in enumerate(spec.topics):
        idx = np.flatnonzero(topic == ti)
        ok = np.ones(n_creators, dtype=bool)
        if t.author_groups:
            ok &= np.isin(cgroup, [REGION_GROUPS.index(g) for g in t.author_groups])
        if t.author_young_women:
            ok &= young_f
        cand = np.flatnonzero(ok)
        if len(cand) == 0:
            cand = np.arange(n_creators)
        w = activity[cand] / activity[cand].sum()
        author[idx] = rng.choice(cand, size=len(idx), p=w)
    pub = cal.draw_seconds(rng, t_days)
    kind = np.array([t.kind for t in spec.topics])[topic]
    # Own-brand notes are sponsored in the brand's creator campaigns (kol waves from ``flights``).
    # The share sponsored falls as posting grows, so every quarter gets about the same kol budget
    # like the other channels (a kol budget growing with the trend could not be told from it).
    p_own = np.minimum(KOL_SPONSORED * flights[0][t_days] * posting.mean() / posting[t_days], 0.95)
    sponsored = np.where(kind == "own", rng.random(n_notes) < p_own,
                         np.where(kind == "competitor", rng.random(n_notes) < 0.35, rng.random(n_notes) < 0.02))
    quote = np.round(followers * rng.uniform(0.06, 0.12, n_creators) + 300, -1)
    creator["quote"] = quote
    cost = np.where(sponsored & (kind == "own"), np.round(quote[author] * rng.uniform(0.8, 1.1, n_notes), 2), np.nan)
    note: dict[str, np.ndarray] = {
        "creator": author, "pub": pub, "topic": topic.astype(np.int16), "sponsored": sponsored, "cost": cost,
        "soft_ad": np.zeros(n_notes, bool), "undisclosed": np.zeros(n_notes, bool),
        "fake": np.zeros(n_notes, bool), "negative": np.zeros(n_notes, bool), "genuine": np.zeros(n_notes, bool),
    }
    text: dict[str, list] = {"title": [], "body": [], "tags": [], "brand": [], "product": []}
    brand_name = str(spec.brand["name"])
    for i in range(n_notes):
        t = spec.topics[topic[i]]
        if t.kind == "own":
            brand, product = brand_name, tm.rnd.choice(spec.products).name
        elif t.kind == "competitor":
            brand, product = tm.rnd.choice(t.brands), None
        else:
            brand, product = None, None
        fixed = {"brand": brand} if brand else {}
        if product:
            fixed["product"] = product
        title = tm.line(t.titles, 0.3, **fixed)
        text["title"].append(None if tm.rnd.random() < 0.03 else title)
        text["body"].append(tm.body(t.bodies, t.tags, **fixed))
        text["tags"].append(tm.tags(t.tags))
        text["brand"].append(brand)
        text["product"].append(product)
    _template_series(tm, author, topic, spec, text["title"])

    # --- planted special accounts and notes (genuine users, soft ads, fakes, negative burst)
    media = Media([], creator, names, kinds, [], note, text, [], np.zeros(0), [], np.zeros(0), 0.0, np.zeros(0))
    specials.plant(rng, spec, tm, media)
    # Quotes are rescaled so the kol budget is about KOL_PER_USER CNY per panel user, like other channels.
    paid = media.note["sponsored"] & (media.note["cost"] > 0)
    factor = KOL_PER_USER * users / max(float(media.note["cost"][paid].sum()), 1.0)
    media.creator["quote"] = np.round(media.creator["quote"] * factor, 0)
    media.note["cost"] = np.round(media.note["cost"] * factor, 2)
    n_notes = len(media.note["pub"])
    n_creators = len(media.creator["followers"])
    media.creator_ids = [f"c{i:05d}" for i in range(1, n_creators + 1)]
    media.note_ids = [f"n{i:07d}" for i in range(1, n_notes + 1)]

    # --- platform metrics (panel touches are drawn ∝ popularity) -------------------------
    n = media.note
    fol = media.creator["followers"][n["creator"]]
    pop = rng.lognormal(0, 1.0, n_notes) * (fol / 1e4) ** 0.4
    n["popularity"] = pop
    views = np.round(pop * 4000 * rng.uniform(0.7, 1.3, n_notes)).astype(np.int64) + 20
    like_rate = rng.lognormal(np.log(0.04), 0.35, n_notes)
    collect_rate = np.array([t.collect_rate for t in spec.topics] + [0.005])[n["topic"]] * rng.lognormal(0, 0.3, n_notes)
    likes = views * like_rate
    collects = views * collect_rate
    # Bought engagement: likes far above what views support, saves far below likes.
    likes = np.where(n["fake"], views * rng.uniform(0.25, 0.45, n_notes), likes)
    collects = np.where(n["fake"], likes * rng.uniform(0.01, 0.03, n_notes), collects)
    n["views"], n["likes"] = views, np.round(likes).astype(np.int64)
    n["collects"] = np.round(collects).astype(np.int64)
    n["shares"] = np.round(views * rng.lognormal(np.log(0.006), 0.4, n_notes)).astype(np.int64)
    n["video"] = rng.random(n_notes) < 0.35
    n["region"] = np.where(rng.random(n_notes) < 0.05, -1, media.creator["province"][n["creator"]])

    # --- per-topic pools of touchable notes (negative-burst notes are never served) ------
    media.pools = []
    for ti in range(len(spec.topics)):
        idx = np.flatnonzero((n["topic"] == ti) & ~n["negative"])
        idx = idx[np.argsort(n["pub"][idx], kind="stable")]
        media.pools.append((idx, n["pub"][idx], np.cumsum(n["popularity"][idx])))
    _plan_spend(spec, media, users, flights, driver)
    media.planted["driver"] = driver
    return media


def flighting(rng: np.random.Generator, spec: WorldSpec) -> np.ndarray:
    """Relative spend level per channel and day (mean 1): flights of 1–4 weeks on, 1–3 weeks off.

    Levels vary from flight to flight and are drawn independently per channel, and every quarter
    gets the same budget, so spend follows neither baseline demand, retail events, the trend nor
    the other channels: the planted returns can be told apart from the baseline (docs/mmm.md).
    Regular feeds stay on around the holdout campaign. The kol row is the brand's creator
    campaigns: how many of the brand's own notes are sponsored (``KOL_SPONSORED`` on average,
    ``KOL_OFF_WAVE`` of a wave's level between waves; with fewer, ordinary creators post unpaid
    for months before their first sponsored note and read as genuine users). Without waves kol
    spend would follow the growth of posting and no model could tell it from the trend.
    """
    days = cal.N_DAYS
    weeks = np.arange(days) // 7
    out = np.zeros((len(CHANNELS), days))
    h0, h1 = cal.day_of(spec.holdout.start), cal.day_of(spec.holdout.end)
    for c in range(1, len(CHANNELS)):
        hold = np.arange(h0 // 7, h1 // 7 + 1) if c == 1 else None
        out[c] = _flights(rng, weeks, off=0.0, keep_on=hold)
    out[0] = _flights(rng, weeks, off=KOL_OFF_WAVE)  # drawn last: the other channels' flights stay as they were
    return out


def _flights(rng: np.random.Generator, weeks: np.ndarray, off: float, keep_on: np.ndarray | None = None) -> np.ndarray:
    """One channel's daily level: weekly on/off flights, daily jitter, the same total every quarter, mean 1."""
    days = len(weeks)
    n_weeks = days // 7 + 1
    n_quarters = max(days // 91, 1)  # the last quarter takes the leftover days
    quarter = np.minimum(np.arange(days) // 91, n_quarters - 1)
    level = np.zeros(n_weeks)
    w, on = -int(rng.integers(0, 3)), bool(rng.random() < 0.6)
    while w < n_weeks:
        span = int(rng.integers(1, 5)) if on else int(rng.integers(1, 4))
        level[max(w, 0): w + span] = rng.lognormal(0.0, 0.4) if on else off
        w += span
        on = not on
    if keep_on is not None:
        level[keep_on] = np.where(level[keep_on] > 0, level[keep_on], 1.0)
    x = level[weeks] * rng.lognormal(0.0, 0.08, days)
    for q in range(n_quarters):
        m = quarter == q
        total = x[m].sum()
        x[m] = x[m] / total * m.sum() if total > 0 else 1.0
    return x / x.mean()


def _plan_spend(spec: WorldSpec, media: Media, users: int, flights: np.ndarray, driver: np.ndarray) -> None:
    """Daily spend per channel and the per-touch effect it buys.

    Each channel's expected incremental orders on a touch day are a planted response of its own
    spend only: ``κ_c · d / (1 + d / K_c)`` with d the day's spend (kol: the reach of sponsored
    notes, their fees adstocked at ``KOL_REACH_DECAY``). Touch volume follows d (kol: plus organic
    reads), and the per-touch effect is the response divided by the day's expected touches, so
    the response holds whatever the touch volume. Orders land after a geometric lag (``DECAY``).
    """
    days = cal.N_DAYS
    boost = cal.event_boost()
    demand = cal.demand_profile(spec.monthly_season) * (1 + DRIVER_DEMAND * driver).clip(0.2, None)
    spend = np.zeros((len(CHANNELS), days))
    for c in range(1, len(CHANNELS)):
        spend[c] = flights[c] * SPEND_PER_USER[c] * users / days
    n = media.note
    own_sponsored = n["sponsored"] & (n["cost"] > 0)
    kol_days = cal.day_index(n["pub"][own_sponsored])
    spend[0] = np.bincount(kol_days, weights=n["cost"][own_sponsored], minlength=days)[:days]
    media.spend = np.round(spend, 2)
    media.base_cdf = cal.cdf(demand)
    media.boost = boost
    price = float(np.average([p.price for p in spec.products], weights=[p.weight for p in spec.products]))
    media.price = price

    drive = media.spend.copy()
    reach = np.zeros(days)
    acc = 0.0
    for d in range(days):
        acc = acc * KOL_REACH_DECAY + (1 - KOL_REACH_DECAY) * media.spend[0, d]
        reach[d] = acc
    drive[0] = reach
    on = drive > 1e-9 * drive.max(1, keepdims=True)
    k = np.array([SATURATION * drive[c][on[c]].mean() for c in range(len(CHANNELS))])
    media.saturation_k = k
    response = drive / (1 + drive / k[:, None])
    profiles = drive.copy()
    profiles[0] = reach + KOL_ORGANIC * reach.mean()
    profiles = profiles + 1e-9 * profiles.max(1, keepdims=True)
    media.touch_cdf = [cal.cdf(p) for p in profiles]
    media.paid_share = drive / profiles  # share of a day's touches bought by spend (kol: < 1)
    expected = users * 20 * CHANNEL_SHARE
    _value_tables(spec, media)
    effect = np.zeros_like(spend)
    for c in range(len(CHANNELS)):
        touches_d = expected[c] * profiles[c] / profiles[c].sum()
        kappa = ROI[c] * media.spend[c].sum() / (response[c].sum() * price)
        effect[c] = kappa * response[c] / touches_d  # kol: divided by the mean creator multiplier later
    media.effect = effect


ORDER_VALUE = 1.1  # expected quantity per order (10% buy two)
WON_P = 0.24  # share of leads won (touches.STATUS_P); leads in the last 12 days are still open


def _value_tables(spec: WorldSpec, media: Media) -> None:
    """Expected in-period GMV per expected order of a touch on each day, for truth.json.

    Row 0: users outside a regional-lift region; row 1: inside (from its start their orders are
    duplicated with probability ``lift``). An order is worth the mean price × quantity, less the
    promotion discount of the day it lands; orders landing after the period are not counted.
    """
    days = cal.N_DAYS
    value = media.price * ORDER_VALUE * mean_discount(media.boost)
    rows = np.stack([value, value.copy()])
    if spec.regional_lift:
        _groups, date, lift = spec.regional_lift
        rows[1, cal.day_of(date):] *= 1 + lift
    tail = 400
    ext = np.concatenate([rows, np.zeros((2, tail))], axis=1)
    lags = np.arange(tail)
    lag_value = np.zeros((2, len(CHANNELS), days))
    for c in range(len(CHANNELS)):
        pmf = (1 - DECAY[c]) * DECAY[c] ** lags
        for r in range(2):
            lag_value[r, c] = np.lib.stride_tricks.sliding_window_view(ext[r], tail)[:days] @ pmf
    media.lag_value = lag_value
    lead = np.lib.stride_tricks.sliding_window_view(ext, 10, axis=1)[:, 1: days + 1].mean(-1) * WON_P
    lead[:, days - 12:] = 0.0
    media.lead_value = lead
