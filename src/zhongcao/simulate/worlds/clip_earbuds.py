"""声夹: open-ear clip earbuds sold on sound, battery and comfort.

Planted: young women (18–29) increasingly wear them as ear jewellery (耳饰/耳夹, 穿搭, DIY,
贴钻): high save rates, higher conversion, and a growing share of notes — a scene the
brand's own brand.toml does not know about.
"""

from __future__ import annotations

import numpy as np

from zhongcao.simulate.spec import AGE_BANDS, Product, Topic, Window, WorldSpec

BRAND = "声夹"
RIVALS = ("耳语", "悦夹", "听澜")
JEWEL_WORDS = ["耳饰", "耳夹", "穿搭", "DIY", "改造", "贴钻", "珍珠", "氛围感"]

SLOTS: dict[str, tuple[str, ...]] = {
    "brand": (BRAND,),
    "sp": ("音质通透", "续航8小时", "戴一天不痛", "舒适不压耳", "通话清楚", "不漏音"),
    "minus": ("低音一般", "充电盒有点大", "颜色选择少", "价格小贵"),
    "scene": ("通勤", "跑步", "健身房", "骑行", "办公室"),
    "look": ("珍珠", "金属风", "奶油色", "银色", "小众设计"),
    "outfit": ("法式穿搭", "通勤穿搭", "约会穿搭", "小香风", "甜酷风", "新中式"),
    "diy": ("贴钻", "DIY改造", "加了珍珠链", "贴了小钻", "绑了丝带"),
}

OWN = Topic(
    "own_sound", "音质续航舒适", "own", 0.34,
    titles=("{brand}耳夹耳机测评：{sp}", "{scene}党必看｜{brand}", "用了{time}的开放式耳机", "{brand}值不值得买"),
    bodies=("{brand}{sp}，{scene}的时候戴着刚好", "开放式不入耳，{sp}", "续航能撑一整天{scene}", "对比了几款夹耳式，{brand}{sp}",
            "缺点是{minus}，整体{feel}", "戴眼镜也不冲突，{sp}"),
    tags=("开放式耳机", "夹耳式耳机", "{brand}", "数码好物", "{scene}"),
    comments=("续航真的有8小时吗", "跑步会掉吗", "漏音严重吗", "{ask}", "音质怎么样", "{praise}"),
)
JEWEL = Topic(
    "ear_jewelry", "耳饰", "own", 0.05, growth=7.0, author_young_women=True, collect_rate=0.10, conv_mult=2.2,
    titles=("谁懂！耳机当耳饰戴也太美了", "{brand}耳夹｜{outfit}的点睛之笔", "耳机{diy}教程", "不打耳洞也能戴的耳饰✨",
            "被问爆的耳夹其实是耳机"),
    bodies=("{brand}{look}款当耳饰戴，配{outfit}绝了", "给耳机{diy}，出门被问链接", "不打耳洞的姐妹冲，耳夹式戴着不痛",
            "今天的{outfit}就靠这个耳夹点睛", "DIY改造了一下，{diy}，像首饰一样", "听歌顺便当耳饰，氛围感拉满"),
    tags=("耳饰", "耳夹", "穿搭", "DIY", "配饰分享", "{outfit}"),
    comments=("这是耳机？？我以为是耳饰", "求{diy}教程", "配{outfit}也太好看", "{ask}", "已收藏，马上去买", "耳夹会痛吗"),
)
RIVAL = Topic(
    "rival", "竞品耳机", "competitor", 0.24, brands=RIVALS,
    titles=("{brand}开放式耳机体验", "{brand}和别家对比", "{brand}值得买吗"),
    bodies=("{brand}的耳机{sp}", "{brand}价格便宜一些，{feel}", "用了{time}{brand}，{minus}"),
    tags=("开放式耳机", "{brand}", "耳机推荐"),
    comments=("{ask}", "{brand}和声夹哪个好", "音质怎么样", "{praise}"),
)
LIFE = Topic(
    "lifestyle", "数码生活", "neutral", 0.37,
    titles=("{scene}装备分享", "打工人{scene}好物", "我的桌面好物清单", "一周{scene}vlog"),
    bodies=("最近{scene}离不开这几样", "分享一下我的{scene}装备", "{scene}的时候听播客很解压", "打工人的小确幸"),
    tags=("数码好物", "{scene}", "生活方式"),
    comments=("{ask}", "{praise}", "同款", "求清单"),
)

_YOUNG = [AGE_BANDS.index("18-24"), AGE_BANDS.index("25-29")]

SPEC = WorldSpec(
    key="clip-earbuds",
    brand={
        "name": BRAND, "category": "consumer electronics",
        "selling_points": ["音质", "续航", "舒适"],
        "known_competitors": list(RIVALS),
        "lexicon": [BRAND, "夹耳式", "开放式耳机", "耳夹", "续航", *RIVALS],
        "target": {"gender": "m", "age_band": ["25-29", "30-34"]},
        "scenes": {"通勤": ["通勤", "地铁", "办公室"], "运动": ["跑步", "健身", "骑行"]},
        "products": ["声夹 Clip 1", "声夹 Clip Air", "声夹 Clip Pro"],
    },
    creator_category="数码",
    products=(Product("声夹 Clip 1", "SJ-C1", 399.0, 3.0), Product("声夹 Clip Air", "SJ-AIR", 299.0, 2.0),
              Product("声夹 Clip Pro", "SJ-PRO", 599.0, 1.0)),
    topics=(OWN, JEWEL, RIVAL, LIFE),
    slots=SLOTS,
    segments=("18-29女", "其他"),
    segment_of=lambda g, a, grp, x: np.where((g == 0) & np.isin(a, _YOUNG), 0, 1),
    user_extras=lambda rng, n: {},
    affinity={"18-29女": {"ear_jewelry": 4.0, "own_sound": 0.8}, "其他": {"ear_jewelry": 0.25}},
    segment_comments={"18-29女": ("这个当耳饰也太好看了吧", "耳夹款配什么穿搭呀", "求贴钻教程", "不打耳洞能戴吗",
                                  "颜色好温柔，想买来配{outfit}"),
                      "其他": ("续航怎么样", "跑步会不会掉", "漏音严重吗", "通话降噪行不行")},
    segment_queries={"18-29女": ("耳夹耳机 穿搭", "耳饰 耳机", "耳机 贴钻 DIY", "耳夹 不痛", "耳机当耳饰", "开放式耳机 好看"),
                     "其他": ("开放式耳机 推荐", "夹耳式耳机 续航", "运动耳机 不掉", "骨传导 对比", "通勤耳机")},
    brand_queries=("声夹", "声夹 耳机", "声夹 Clip", "声夹 怎么样", "声夹 续航", "声夹 耳夹"),
    lead_remarks={"18-29女": ("咨询耳夹戴久了会不会痛", "问有没有珍珠色", "想买来送闺蜜，问包装"),
                  "其他": ("问续航和充电时间", "咨询跑步会不会掉", "问能不能连两台设备")},
    gender_f=0.62,
    age_weights=(0.30, 0.30, 0.20, 0.12, 0.08),
    base_orders=0.08,
    segment_order_mult={"18-29女": 1.1, "其他": 1.0},
    platforms={"red": 0.35, "tmall": 0.4, "jd": 0.25},
    monthly_season=(1.0, 0.9, 1.0, 1.0, 1.05, 1.1, 1.0, 1.0, 1.0, 1.05, 1.2, 1.1),
    lead_rate=0.0015,
    negative_window=Window("2025-05-12", "2025-05-16"),
    holdout=Window("2025-05-25", "2025-06-18"),
    holdout_campaign="信息流-618拉新实验",
    nps_mean={"18-29女": 8.4, "其他": 7.2},
    soft_ad_slogan=("声夹，耳朵零负担", "开放不入耳，音质不妥协", "一夹就稳，一听就爱"),
    truth_static={
        "unplanned_use": {
            "scene": "耳饰", "topic": "ear_jewelry", "words": JEWEL_WORDS,
            "segment": {"gender": "f", "age_band": ["18-24", "25-29"]},
            "collect_rate": 0.10, "collect_rate_other_notes": 0.03, "conversion_multiplier": 2.2,
            "known_to_brand": False,
        },
    },
)
