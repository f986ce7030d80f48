"""Planted accounts: genuine users, soft-ad creators, fake-engagement creators and the
competitor's coordinated negative burst. Their ids end up in truth.json.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from zhongcao.contract.geo import PROVINCES
from zhongcao.simulate import calendar as cal
from zhongcao.simulate.population import PROVINCE_P
from zhongcao.simulate.spec import WorldSpec
from zhongcao.simulate.text import TextMaker

if TYPE_CHECKING:
    from zhongcao.simulate.media import Media

GENUINE_TITLES = ("用了{time}的{product}，说点真心话", "自用{time}｜{brand}到底值不值", "回购过的{product}，真实感受",
                  "不是广告！{brand}一直在用", "{time}长期使用报告：{product}")
GENUINE_BODIES = (
    "{product}我已经用了{time}了，{feel}，不是广告纯自用分享",
    "回购第二次了，{brand}一直在用，{sp}这点真的没话说",
    "用了{time}说点真实感受：优点是{sp}，缺点是{minus}",
    "自己花钱买的，用了{time}{feel}，身边朋友都被我安利了",
    "一直在用{brand}，中间也试过别家，最后还是回购了",
    "刚开始也犹豫过，用了{time}以后发现{sp}是真的",
    "记录一下，{product}一直在用，陪了我{time}，已经是第二单了",
)
SOFT_TITLES = ("{hardsell}！{product}", "全网最低｜{brand}{product}手慢无", "{hardsell}的{product}，{hardsell}",
               "挖到宝了！{brand}{hardsell}", "不允许还有人不知道{brand}")
SOFT_BODIES = (
    "{hardsell}！！{slogan}，{code}",
    "真的{hardsell}，{product}{sp}，{code}，{hardsell}",
    "{slogan}！今天{hardsell}，{code}",
    "不允许还有人不知道{brand}！{slogan}",
    "{hardsell}{hardsell}，{sp}，全网最低价，手慢无",
    "链接在评论区，{code}，{slogan}",
)
NEG_TITLES = ("避雷{brand}！", "{brand}{neg}", "踩雷了！{brand}{product}", "千万别买{brand}", "{brand}智商税实锤")
NEG_BODIES = (
    "{brand}的{product}{neg}，用了一周就出问题，{neg}",
    "避雷！{brand}真的{neg}，大家别再交智商税了",
    "{neg}！！{brand}就是智商税，已退货",
    "姐妹们千万别买{brand}，质量差，客服还推脱",
    "踩雷{brand}，{neg}，申请退货还要自己出运费",
)
NEG_COMMENTS = ("{brand}{neg}，我也踩雷了", "同款{neg}，已退货", "智商税无疑了", "{neg}+1", "质量差到离谱，退货了",
                "别买{brand}，踩雷", "幸好看到，差点交智商税")
BOT_COMMENTS = ("好美啊", "求链接", "已入手", "太好看了吧", "姐妹冲", "好喜欢", "种草了", "👍👍👍", "爱了爱了",
                "马上下单", "绝了", "蹲链接")


SPECIAL_TEXT: dict[str, tuple[str, ...]] = {
    "genuine_titles": GENUINE_TITLES, "genuine_bodies": GENUINE_BODIES, "soft_titles": SOFT_TITLES,
    "soft_bodies": SOFT_BODIES, "neg_titles": NEG_TITLES, "neg_bodies": NEG_BODIES, "neg_comments": NEG_COMMENTS,
    "bot_comments": BOT_COMMENTS,
}


def special_text(spec: WorldSpec, key: str) -> tuple[str, ...]:
    """The world's text for one kind of planted note or comment (the demo templates unless the spec gives its own)."""
    return tuple(spec.special_text.get(key, SPECIAL_TEXT[key]))


class _Rows:
    """Accumulates planted creators and notes before they are appended in one go."""

    def __init__(self, media: Media, spec: WorldSpec) -> None:
        self.media, self.spec = media, spec
        self.c: dict[str, list] = {k: [] for k in ("followers", "province", "young_f", "eff", "registered",
                                                  "activity", "quote")}
        self.c_kind: list[str] = []
        self.n: dict[str, list] = {k: [] for k in ("creator", "pub", "topic", "sponsored", "cost", "soft_ad",
                                                  "undisclosed", "fake", "negative", "genuine")}
        self.t: dict[str, list] = {k: [] for k in ("title", "body", "tags", "brand", "product")}
        self.base_c = len(media.creator["followers"])

    def creator(self, rng: np.random.Generator, kind: str, followers: float, eff: float, registered: int) -> int:
        self.c["followers"].append(int(followers))
        self.c["province"].append(int(rng.choice(len(PROVINCES), p=PROVINCE_P)))
        self.c["young_f"].append(bool(rng.random() < 0.5))
        self.c["eff"].append(eff)
        self.c["registered"].append(registered)
        self.c["activity"].append(0.0)
        self.c["quote"].append(float(np.round(followers * rng.uniform(0.06, 0.12) + 300, -1)))
        self.c_kind.append(kind)
        return self.base_c + len(self.c_kind) - 1

    def note(self, tm: TextMaker, creator: int, pub: int, topic: int, titles: tuple[str, ...],
             bodies: tuple[str, ...], tags: tuple[str, ...], sponsored: bool, cost: float, **flags: bool) -> int:
        brand = str(self.spec.brand["name"])
        product = tm.rnd.choice(self.spec.products).name
        self.n["creator"].append(creator)
        self.n["pub"].append(pub)
        self.n["topic"].append(topic)
        self.n["sponsored"].append(sponsored)
        self.n["cost"].append(cost)
        for k in ("soft_ad", "undisclosed", "fake", "negative", "genuine"):
            self.n[k].append(flags.get(k, False))
        self.t["title"].append(tm.line(titles, 0.3, brand=brand, product=product))
        self.t["body"].append(tm.body(bodies, tags, (2, 4), brand=brand, product=product))
        self.t["tags"].append(tm.tags(tags))
        self.t["brand"].append(brand)
        self.t["product"].append(product)
        return len(self.media.note["pub"]) + len(self.n["pub"]) - 1

    def commit(self) -> None:
        m = self.media
        for k, v in self.c.items():
            m.creator[k] = np.concatenate([m.creator[k], np.asarray(v, dtype=m.creator[k].dtype)])
        m.creator_kind.extend(self.c_kind)
        m.creator_names.extend(_burst_names(len(self.c_kind)))
        for k, v in self.n.items():
            m.note[k] = np.concatenate([m.note[k], np.asarray(v, dtype=m.note[k].dtype)])
        for k, v in self.t.items():
            m.note_text[k].extend(v)


def _burst_names(n: int) -> list[str]:
    # Planted accounts get plain platform-default style names (用户 + digits), as fresh accounts do.
    return [f"用户{(7919 * (i + 13)) % 99991:05d}" if i % 3 else f"小红薯{(104729 * (i + 7)) % 999983:06X}"
            for i in range(n)]


def _secs(rng: np.random.Generator, day: int) -> int:
    return int(cal.draw_seconds(rng, np.array([day]))[0])


def plant(rng: np.random.Generator, spec: WorldSpec, tm: TextMaker, media: Media) -> None:
    own = next(i for i, t in enumerate(spec.topics) if t.kind == "own")
    own_t = spec.topics[own]
    neg_topic = len(spec.topics)
    rows = _Rows(media, spec)
    slogan = {"slogan": spec.soft_ad_slogan}
    tm.slots.update(slogan)
    planted: dict[str, object] = {}

    genuine = []
    for _ in range(8):
        c = rows.creator(rng, "genuine", rng.lognormal(8.5, 0.8), float(rng.uniform(2.5, 3.5)), int(rng.integers(-900, -200)))
        genuine.append(c)
        for _ in range(int(rng.integers(2, 4))):
            rows.note(tm, c, _secs(rng, int(rng.integers(20, 260))), own, special_text(spec, "genuine_titles"),
                      special_text(spec, "genuine_bodies"),
                      own_t.tags, False, np.nan, genuine=True)
        for _ in range(int(rng.integers(1, 3))):
            rows.note(tm, c, _secs(rng, int(rng.integers(320, cal.N_DAYS - 5))), own, own_t.titles, own_t.bodies,
                      own_t.tags, True, float(rows.c["quote"][-1]))
    soft, undisclosed = [], []
    soft_creators = []
    for _ in range(10):
        c = rows.creator(rng, "soft_ad", rng.lognormal(9.0, 0.9), 0.3, int(rng.integers(-900, -60)))
        soft_creators.append(c)
        for _ in range(3):
            hidden = bool(rng.random() < 0.4)
            nid = rows.note(tm, c, _secs(rng, int(rng.integers(0, cal.N_DAYS))), own, special_text(spec, "soft_titles"),
                            special_text(spec, "soft_bodies"),
                            own_t.tags, not hidden, np.nan if hidden else float(rows.c["quote"][-1]),
                            soft_ad=True, undisclosed=hidden)
            soft.append(nid)
            if hidden:
                undisclosed.append(nid)
    fakes = []
    for _ in range(6):
        c = rows.creator(rng, "fake_engagement", rng.lognormal(11.3, 0.4), 0.08, int(rng.integers(-700, -100)))
        fakes.append(c)
        for _ in range(4):
            rows.note(tm, c, _secs(rng, int(rng.integers(0, cal.N_DAYS - 3))), own, own_t.titles, own_t.bodies,
                      own_t.tags, True, float(rows.c["quote"][-1]), fake=True)
    w0, w1 = cal.day_of(spec.negative_window.start), cal.day_of(spec.negative_window.end)
    neg_accounts, neg_notes = [], []
    for _ in range(24):
        c = rows.creator(rng, "negative_burst", rng.integers(0, 150), 0.0, w0 - int(rng.integers(1, 8)))
        neg_accounts.append(c)
        for _ in range(int(rng.integers(1, 3))):
            neg_notes.append(rows.note(tm, c, _secs(rng, int(rng.integers(w0, w1 + 1))), neg_topic,
                                       special_text(spec, "neg_titles"), special_text(spec, "neg_bodies"), ("避雷", "踩雷", "真实测评"), False, np.nan, negative=True))
    rows.commit()
    planted.update(genuine=genuine, soft_creators=soft_creators, soft=soft, undisclosed=undisclosed, fakes=fakes,
                   neg_accounts=neg_accounts, neg_notes=neg_notes)
    media.planted = planted
