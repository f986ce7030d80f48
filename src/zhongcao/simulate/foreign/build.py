"""A foreign world's :class:`WorldSpec`, built from a :class:`Vocabulary` drawn from real text.

The templates here are only sentence structure ("{brand}的{prod}{pos}"); every word and clause that fills
them comes from the shared data at run time (vocab.py), and the seed picks which of them carry the planted
truths: the competitors lost leads turn to, the pain points of each lead-form answer, the scene each of
three regions leads with, the unplanned use, the long-use clauses of genuine users and the brand copy of
soft ads. Brand and competitor names are invented from the category's characters (a bigram no review uses).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

import numpy as np

from zhongcao.contract.geo import PROVINCES, REGION_GROUPS
from zhongcao.simulate.foreign.vocab import Vocabulary
from zhongcao.simulate.spec import AGE_BANDS, Product, Topic, Window, WorldSpec

# Lead-form questions per category: (column, answers). The answers are the form's options, not text to mine.
FORMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "clothing": ("body_shape", ("梨形", "苹果形", "沙漏形")),
    "haircare": ("hair_type", ("油性发质", "干性发质", "混合发质")),
    "electronics": ("budget", ("2000元以下", "2000-4000元", "4000元以上")),
    "food-delivery": ("party_size", ("1人", "2-3人", "4人以上")),
    "fruit": ("household", ("独居", "两口之家", "有孩家庭")),
}
# Long use and repurchase as people write it in reviews (the genuine users' notes are real clauses matching it).
LONG_USE_CLAUSE = re.compile(r"回购|一直(?:在)?用|一直买|用了(?:很久|好久|[一二两三四五六七八九十几\d]+(?:个)?(?:月|年))|"
                             r"第[二三四五六七八九十\d]+次(?:买|购买|回购)|又买了|再次购买|老顾客|囤")
_YOUNG = (AGE_BANDS.index("18-24"), AGE_BANDS.index("25-29"))
_SYLLABLES = ("ka", "lo", "mi", "ra", "ve", "no", "si", "ta", "lu", "be", "ro", "na", "qi", "zo", "fe", "ya")


@dataclass(frozen=True)
class Plan:
    """What the seed drew: names and the words of every planted truth."""

    brand: str
    latin: str
    competitors: tuple[str, str, str]  # over-indexed A, B; C the tracked rival lost leads do not favour
    competitor_latin: tuple[str, str, str]
    competitor_products: tuple[str, str, str]
    products: tuple[str, ...]
    regions: tuple[str, str, str]
    scenes: tuple[tuple[str, ...], ...]  # three words per region's scene
    unplanned: tuple[str, ...]
    form: tuple[str, tuple[str, ...]]
    pains: dict[str, tuple[str, ...]]  # form answer → pain words (two answers planted, the third none)
    slogans: tuple[str, ...]


def _name(rnd: random.Random, chars: str, taken: set[str], corpus: str, k: int) -> str:
    for _ in range(10_000):
        name = "".join(rnd.choice(chars) for _ in range(k))
        if len(set(name)) == k and name not in corpus and name not in taken and not any(name in t for t in taken):
            taken.add(name)
            return name
    raise RuntimeError("could not invent a brand name")


def _latin(rnd: random.Random) -> str:
    return "".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(2, 3))).capitalize()


def plan(v: Vocabulary, seed: int) -> Plan:
    rnd = random.Random(f"plan:{v.category}:{seed}")
    corpus = "".join(v.positive[:3000]) + "".join(v.negative[:3000])
    taken: set[str] = set()
    brand = _name(rnd, v.chars, taken, corpus, rnd.choice((2, 3)))
    comps = tuple(_name(rnd, v.chars, taken, corpus, rnd.choice((2, 3))) for _ in range(3))
    head, tail = list(v.nouns[:12]), list(v.nouns[12:45])  # the most distinctive nouns name products
    rnd.shuffle(head)
    rnd.shuffle(tail)
    nouns = head + tail
    products, comp_products = tuple(head[:3]), tuple(head[3:6])
    pain_pool = [w for w in head[6:] + tail if sum(w in c for c in v.positive + v.negative) >= 3]
    column, answers = FORMS[v.category]
    pains = {answers[0]: tuple(pain_pool[:3]), answers[1]: tuple(pain_pool[3:6])}
    tags = [t for t in v.tags if not any(t in n or n in t for n in nouns)]
    rnd.shuffle(tags)
    scenes = tuple(tuple(tags[3 * i: 3 * i + 3]) for i in range(3))
    groups = [g for g in REGION_GROUPS if g != "港澳台"]
    regions = tuple(rnd.sample(groups, 3))
    foreign = [w for w in v.foreign_nouns[:30]]
    rnd.shuffle(foreign)
    slogans = tuple(rnd.sample([c for c in v.positive if 8 <= len(c) <= 18 and "我" not in c], 3))
    return Plan(brand, _latin(rnd), comps, tuple(_latin(rnd) for _ in range(3)), comp_products, products,  # type: ignore[arg-type]
                regions, scenes, tuple(foreign[:3]), (column, answers), pains, slogans)  # type: ignore[arg-type]


def _containing(clauses: tuple[str, ...], words: tuple[str, ...], k: int, rnd: random.Random) -> tuple[str, ...]:
    hits = [c for c in clauses if any(w in c for w in words)]
    rnd.shuffle(hits)
    return tuple(hits[:k])


def spec(v: Vocabulary, p: Plan, seed: int) -> WorldSpec:
    rnd = random.Random(f"spec:{v.category}:{seed}")
    pos = [c for c in v.positive if c not in p.slogans]
    rnd.shuffle(pos)
    column, answers = p.form
    ca, cb, cc = p.competitors
    long_use = tuple(c for c in v.positive if LONG_USE_CLAUSE.search(c))
    slots: dict[str, tuple[str, ...]] = {
        # Whole pools: a clause is reused by few notes, as in real text (brand copy is what many notes share).
        "prod": p.products, "noun": tuple(v.nouns[:40]), "pos": tuple(pos[:-50]), "neg": tuple(v.negative),
        "xs": tuple(v.sentences), "xc": tuple(v.comments) or ("好看",), "xt": tuple(v.titles),
        "alias": (p.latin, p.latin.lower(), p.latin.upper()), "u": p.unplanned,
        "ca": (ca,), "cb": (cb,), "cc": (cc,), "cpa": (p.competitor_products[0],), "cpb": (p.competitor_products[1],),
        "cpc": (p.competitor_products[2],), "lu": long_use[:60] or ("回购",), "slogan": p.slogans,
        "fcode": ("福利码 {codeword}", "专属口令 {codeword}", "券码 {codeword}", "下单暗号 {codeword}"),
        "minus": tuple(v.negative[:50]), "negr": v.complaints, "sp": tuple(pos[-50:]),
    }
    for i, words in enumerate(p.scenes):
        slots[f"s{i}"] = words
    for k, ans in enumerate(answers[:2]):
        slots[f"pain{k}"] = p.pains[ans]
        slots[f"painc{k}"] = _containing(v.positive + v.negative, p.pains[ans], 40, rnd) or p.pains[ans]
    own = Topic("own_general", "品牌日常", "own", 0.16,
                titles=("{brand}{prod}｜{pos}", "{pos}｜{brand}", "说说{brand}的{prod}", "{brand}{prod}上手"),
                bodies=("{brand}的{prod}{pos}", "{pos}，{pos}", "{noun}这点{pos}", "{xs}", "入手{brand}{prod}，{pos}"),
                tags=("{brand}", "{prod}", "好物分享"), comments=("{xc}", "{ask}", "{brand}的{noun}怎么样", "{praise}"))
    scenes = tuple(Topic(
        f"scene_{i}", p.scenes[i][0], "own", 0.08, author_groups=(p.regions[i],),
        titles=(f"{{s{i}}}｜{{brand}}{{prod}}", f"{{s{i}}}{{s{i}}}", f"{{s{i}}}｜{{pos}}"),
        bodies=(f"{{s{i}}}的时候{{brand}}{{pos}}", f"{{s{i}}}，{{s{i}}}，{{prod}}{{pos}}", f"今天{{s{i}}}，{{xs}}",
                f"{{s{i}}}{{pos}}"),
        tags=(f"{{s{i}}}", f"{{s{i}}}", "{prod}"), comments=(f"{{s{i}}}好用吗", "{ask}", "{xc}"),
    ) for i in range(3))
    unplanned = Topic("unplanned", p.unplanned[0], "own", 0.04, growth=6.0, author_young_women=True,
                      collect_rate=0.10, conv_mult=2.2,
                      titles=("{brand}{prod}拿来{u}也太好用", "{u}的新用法｜{brand}", "谁懂！{u}靠它"),
                      bodies=("{brand}{prod}拿来{u}，{pos}", "{u}、{u}都靠它", "没想到{u}也能用{prod}", "{u}的时候{xs}"),
                      tags=("{u}", "{u}", "好物分享"), comments=("{u}怎么弄", "求{u}教程", "{xc}", "{ask}"))
    comps = tuple(Topic(
        f"competitor_{k}", name, "competitor", share, brands=(name,),
        titles=(f"{{brand}}{{{cp}}}测评", "{brand}和别家对比", "{brand}用了{time}", f"{{{cp}}}推荐｜{{brand}}"),
        bodies=(f"{{brand}}的{{{cp}}}{{pos}}", f"{{brand}}{{{cp}}}，{{pos}}", "{xs}", "换成{brand}以后{pos}"),
        # Tags are filled from the world's slots, where {brand} is the world's own brand: name the rival's slot.
        tags=(f"{{{cn}}}", f"{{{cp}}}"), comments=(f"{{brand}}的{{{cp}}}怎么样", "{ask}", "{xc}"),
    ) for k, (name, cn, cp, share) in enumerate(((ca, "ca", "cpa", 0.06), (cb, "cb", "cpb", 0.06),
                                                  (cc, "cc", "cpc", 0.08))))
    neutral = Topic("neutral", "日常分享", "neutral", 0.30, titles=("{xt}",), bodies=("{xs}", "{xs}，{xs}", "{noun}{pos}"),
                    tags=("好物分享", "日常"), comments=("{xc}", "{praise}", "{ask}"))
    topics = (own, *scenes, unplanned, *comps, neutral)
    labels = [f"{r}|{a}|{y}" for r in (*p.regions, "其他") for a in answers for y in ("yf", "o")]
    form_p = np.array([0.34, 0.33, 0.33])
    region_idx = [REGION_GROUPS.index(r) for r in p.regions]

    def extras(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
        k = rng.choice(3, size=n, p=form_p)
        return {column: np.array(answers, dtype=object)[k], "_form": k}

    def segment_of(g: np.ndarray, a: np.ndarray, grp: np.ndarray, x: dict[str, np.ndarray]) -> np.ndarray:
        r = np.full(len(g), 3)
        for i, gi in enumerate(region_idx):
            r = np.where(grp == gi, i, r)
        yf = ~((g == 0) & np.isin(a, _YOUNG))
        return (r * 3 + x["_form"]) * 2 + yf.astype(int)

    affinity, seg_comments, seg_queries, remarks, nps = {}, {}, {}, {}, {}
    for label in labels:
        r, a, y = label.split("|")
        ri = p.regions.index(r) if r in p.regions else -1
        aff = {f"scene_{i}": (5.0 if i == ri else 0.35) for i in range(3)}
        aff["unplanned"] = 4.0 if y == "yf" else 0.25
        affinity[label] = aff
        k = answers.index(a)
        pain_c: tuple[str, ...] = ()
        pain_q: tuple[str, ...] = ("{prod} 推荐", "{noun} 怎么选", "{prod} 测评")
        if k < 2:
            pain_c = (f"{{painc{k}}}", f"{{pain{k}}}怎么办", f"最在意{{pain{k}}}", f"{{pain{k}}}有人懂吗")
            pain_q = (f"{{pain{k}}}", f"{{pain{k}}} 怎么办", f"{{prod}} {{pain{k}}}", f"{{pain{k}}} 推荐")
        scene_q = (f"{{s{ri}}}", f"{{s{ri}}} {{prod}}") if ri >= 0 else ()
        seg_comments[label] = pain_c or ("{xc}", "{ask}")
        seg_queries[label] = pain_q + scene_q
        remarks[label] = (f"{{pain{k}}}，想了解{{prod}}",) if k < 2 else ("想了解{prod}", "问价格")
        nps[label] = (8.3, 7.5, 6.9)[k]
    provinces = {r: [pr.name for pr in PROVINCES if pr.group == r] for r in p.regions}
    brand_toml = {
        "name": p.brand, "category": v.category, "aliases": [p.latin],
        "selling_points": list(p.products[:2]), "known_competitors": [cc],
        "target": {"gender": "f", "age_band": ["25-29", "30-34"]},
        "scenes": {"日常使用": list(p.products[:2])},
        "products": [f"{p.brand} {w}" for w in p.products],
    }
    truth = {
        "lost_leads": {
            "competitors_over_indexed": [ca, cb], "competitors_not_over_indexed": [cc],
            "topics": {ca: "competitor_0", cb: "competitor_1", cc: "competitor_2"},
            "words": {ca: [ca, p.competitor_products[0]], cb: [cb, p.competitor_products[1]],
                      cc: [cc, p.competitor_products[2]]},
            "measure": "share of post-lead touches on the competitor's notes or searches; TGI lost vs won",
        },
        "pain_points": {a: list(p.pains[a]) for a in answers[:2]},
        "pain_point_attribute": {"table": "leads", "column": column, "values": list(answers)},
        "regional_scenes": {**{r: p.scenes[i][0] for i, r in enumerate(p.regions)},
                            "words": {r: list(p.scenes[i]) for i, r in enumerate(p.regions)}, "provinces": provinces},
        "unplanned_use": {"scene": p.unplanned[0], "topic": "unplanned", "words": list(p.unplanned),
                          "segment": {"gender": "f", "age_band": ["18-24", "25-29"]}, "collect_rate": 0.10,
                          "conversion_multiplier": 2.2, "known_to_brand": False},
    }
    code = ("{fcode}",)
    special = {
        "genuine_titles": ("{lu}｜{brand}{prod}", "{brand}{prod}，{lu}", "说说{brand}：{lu}"),
        "genuine_bodies": ("{lu}，{pos}", "{brand}的{prod}{lu}", "{lu}", "{pos}，{lu}"),
        "soft_titles": ("{slogan}｜{brand}{prod}", "{brand}{prod}：{slogan}"),
        "soft_bodies": ("{slogan}，" + code[0], "{slogan}！{slogan}", "{brand}{prod}{slogan}，" + code[0],
                        "{slogan}，{slogan}，" + code[0]),
        # The attack writes whole short complaints (a clause of a negative review may be praise of the courier).
        "neg_titles": ("{brand}{negr}", "别买{brand}", "{brand}{prod}：{negr}"),
        "neg_bodies": ("{brand}的{prod}，{negr}", "{negr}！{brand}", "{brand}{negr}"),
        "neg_comments": ("{brand}{negr}", "{negr}", "同款，{negr}"),
        "bot_comments": tuple(c for c in v.comments if len(c) <= 8)[:12] or ("好看",),
    }
    return WorldSpec(
        key=f"foreign-{v.category}", brand=brand_toml, creator_category=v.creator_category,
        products=tuple(Product(f"{p.brand} {w}", f"F{i}", float(99 + 100 * i), 3.0 - i) for i, w in enumerate(p.products)),
        topics=topics, slots={**slots, "brand": (p.brand,)}, segments=tuple(labels), segment_of=segment_of,
        user_extras=extras, affinity=affinity, segment_comments=seg_comments, segment_queries=seg_queries,
        brand_queries=("{brand}", "{brand} {prod}", "{alias} 怎么样", "{brand}{prod} 测评"),
        lead_remarks=remarks, gender_f=0.6, age_weights=(0.28, 0.3, 0.22, 0.12, 0.08), base_orders=0.1,
        segment_order_mult={}, platforms={"red": 0.3, "tmall": 0.4, "jd": 0.3},
        monthly_season=(1.0, 0.9, 1.0, 1.0, 1.05, 1.1, 1.0, 1.0, 1.0, 1.05, 1.2, 1.1), lead_rate=0.012,
        negative_window=Window("2025-07-07", "2025-07-11"), holdout=Window("2025-09-01", "2025-09-25"),
        holdout_campaign="信息流-拉新实验", nps_mean=nps, soft_ad_slogan=p.slogans,
        post_lead={
            "lost": {"competitor_0": 0.30, "competitor_1": 0.26, "competitor_2": 0.10, "own_general": 0.10, "neutral": 0.24},
            "won": {"competitor_0": 0.04, "competitor_1": 0.04, "competitor_2": 0.10, "own_general": 0.50, "neutral": 0.32},
            "other": {"competitor_0": 0.10, "competitor_1": 0.10, "competitor_2": 0.10, "own_general": 0.35,
                      "neutral": 0.35},
        },
        post_lead_queries={"competitor_0": ("{ca}", "{ca} {cpa}", "{ca}怎么样", "{cpa} {ca}"),
                           "competitor_1": ("{cb}", "{cb} {cpb}", "{cb}怎么样", "{cpb} {cb}"),
                           "competitor_2": ("{cc}", "{cc} {cpc}", "{cc}怎么样", "{cpc} {cc}")},
        truth_static=truth, lead_extra_columns=(column,), special_text=special, fake_comment_hours=30.0,
    )


__all__ = ["FORMS", "Plan", "plan", "spec"]
