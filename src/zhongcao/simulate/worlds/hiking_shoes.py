"""岭行: hiking shoes. The same shoe lives two lives: mountain trekking in the south-west
(稳定/支撑/抓地, 四姑娘山, 贡嘎 …) and citywalk in the south (透气/轻便/不闷脚).

Planted: a regional content strategy from 2025-06-01 lifts 华南 orders and GMV by 25%
against the other regions, whose trends run in parallel before the start.
"""

from __future__ import annotations

import numpy as np

from zhongcao.contract.geo import REGION_GROUPS
from zhongcao.simulate.spec import Product, Topic, Window, WorldSpec

BRAND = "岭行"
RIVALS = ("山野客", "途峰", "北坡")
MOUNTAIN_WORDS = ["登山", "徒步", "稳定", "支撑", "抓地", "四姑娘山", "贡嘎", "峨眉山", "稻城亚丁"]
CITY_WORDS = ["citywalk", "城市漫步", "透气", "轻便", "不闷脚"]
SW, SOUTH = REGION_GROUPS.index("西南"), REGION_GROUPS.index("华南")

SLOTS: dict[str, tuple[str, ...]] = {
    "brand": (BRAND,),
    "mountain": ("四姑娘山", "贡嘎", "峨眉山", "稻城亚丁", "梅里雪山", "青城山"),
    "trail": ("碎石坡", "泥泞路段", "湿滑栈道", "长下坡", "乱石滩"),
    "street": ("骑楼老街", "东山口", "沙面", "海边栈道", "老城区", "西关"),
    "sp": ("防滑抓地", "脚踝支撑好", "轻便透气", "不闷脚", "防水", "缓震舒服"),
    "minus": ("鞋带容易松", "颜色有点显脏", "鞋头偏窄", "价格不算便宜"),
}

MOUNTAIN = Topic(
    "mountain", "登山徒步", "own", 0.20, author_groups=("西南",),
    titles=("{mountain}徒步装备分享｜{brand}", "穿{brand}走完{mountain}", "{mountain}登山攻略+鞋子测评", "重装徒步鞋怎么选"),
    bodies=("走{mountain}{trail}特别多，{brand}抓地很稳", "下撤长下坡的时候脚踝支撑很关键，这双稳定", "登山一天下来脚不累，{sp}",
            "{trail}也不打滑，抓地力{feel}", "徒步{time}，鞋底磨损还好，支撑性在线", "川西徒步推荐，稳定性比上一双好太多"),
    tags=("徒步", "登山", "{mountain}", "户外装备", "川西徒步"),
    comments=("{mountain}几月去合适", "防滑真的可以吗", "脚踝支撑怎么样", "{ask}", "徒步新手求推荐"),
)
CITY = Topic(
    "citywalk", "citywalk", "own", 0.20, author_groups=("华南",),
    titles=("广州citywalk穿什么鞋", "{street}城市漫步｜{brand}", "夏天不闷脚的徒步鞋", "citywalk一天两万步也不累"),
    bodies=("在{street}citywalk一整天，{brand}轻便透气", "南方夏天太热了，这双不闷脚", "城市漫步两万步，脚一点不酸",
            "透气网面，下雨天走{street}也不怕", "轻便到忘了穿着徒步鞋，{sp}", "citywalk穿搭也很百搭"),
    tags=("citywalk", "城市漫步", "穿搭", "{street}", "夏日出行"),
    comments=("闷脚吗", "夏天穿热不热", "{ask}", "配什么裤子好看", "{praise}"),
)
OWN = Topic(
    "own_general", "岭行产品", "own", 0.12,
    titles=("{brand}新款上脚", "{brand}徒步鞋开箱", "{brand}值不值得买"),
    bodies=("{brand}{sp}，{feel}", "开箱{brand}，做工扎实", "缺点是{minus}", "日常通勤也能穿"),
    tags=("{brand}", "徒步鞋", "开箱"),
    comments=("{ask}", "尺码正吗", "{praise}", "多少钱"),
)
RIVAL = Topic(
    "rival", "竞品户外鞋", "competitor", 0.20, brands=RIVALS,
    titles=("{brand}徒步鞋测评", "{brand}和别家对比", "{brand}用了{time}"),
    bodies=("{brand}{sp}", "{brand}价格更低，{feel}", "{brand}缺点是{minus}"),
    tags=("徒步鞋", "{brand}", "户外"),
    comments=("{ask}", "{brand}耐穿吗", "{praise}"),
)
TRAVEL = Topic(
    "travel", "旅行户外", "neutral", 0.28,
    titles=("周末去哪儿玩", "露营装备清单", "旅行vlog", "夏季出行攻略"),
    bodies=("周末出去走走真的很治愈", "分享一下我的露营装备", "旅行路线放最后", "下次还想再来"),
    tags=("旅行", "户外", "周末去哪儿"),
    comments=("{ask}", "{praise}", "收藏了", "求路线"),
)

SPEC = WorldSpec(
    key="hiking-shoes",
    brand={
        "name": BRAND, "category": "outdoor",
        "selling_points": ["防水", "耐磨", "专业户外"],
        "known_competitors": list(RIVALS),
        "lexicon": [BRAND, *MOUNTAIN_WORDS, *CITY_WORDS, *RIVALS],
        "target": {"gender": "m", "age_band": ["25-29", "30-34", "35-39"]},
        "scenes": {"登山徒步": ["登山", "徒步", "防滑"], "日常通勤": ["通勤", "百搭"]},
        "products": ["岭行 山脊Mid防水登山鞋", "岭行 城迹轻量徒步鞋", "岭行 溪谷溯溪鞋"],
    },
    creator_category="户外",
    products=(Product("岭行 山脊Mid防水登山鞋", "LX-MID", 899.0, 2.0), Product("岭行 城迹轻量徒步鞋", "LX-CITY", 499.0, 3.0),
              Product("岭行 溪谷溯溪鞋", "LX-RIVER", 399.0, 1.0)),
    topics=(MOUNTAIN, CITY, OWN, RIVAL, TRAVEL),
    slots=SLOTS,
    segments=("西南", "华南", "其他"),
    segment_of=lambda g, a, grp, x: np.where(grp == SW, 0, np.where(grp == SOUTH, 1, 2)),
    user_extras=lambda rng, n: {},
    affinity={"西南": {"mountain": 5.0, "citywalk": 0.3}, "华南": {"citywalk": 5.0, "mountain": 0.3},
              "其他": {"mountain": 0.8, "citywalk": 0.8}},
    segment_comments={"西南": ("下周去{mountain}，这双能行吗", "川西徒步抓地够不够", "重装走{trail}支撑够吗"),
                      "华南": ("广州夏天穿会不会闷脚", "citywalk穿这个轻便吗", "回南天会不会发霉")},
    segment_queries={"西南": ("{mountain} 徒步鞋", "登山鞋 防滑", "川西徒步 装备", "徒步鞋 支撑", "{mountain} 攻略"),
                     "华南": ("citywalk 鞋子", "透气 徒步鞋", "广州citywalk 路线", "夏天 不闷脚 鞋", "轻便 徒步鞋"),
                     "其他": ("徒步鞋 推荐", "户外鞋 男", "登山鞋 女", "防水 徒步鞋")},
    brand_queries=("岭行", "岭行 徒步鞋", "岭行 登山鞋", "岭行 怎么样", "岭行 尺码", "岭行 门店"),
    lead_remarks={"西南": ("预约试穿，计划去{mountain}", "咨询重装徒步选哪款"),
                  "华南": ("咨询夏天穿会不会闷脚", "想买来citywalk，问尺码"),
                  "其他": ("咨询门店地址", "问防水等级", "问尺码偏大还是偏小")},
    gender_f=0.48,
    age_weights=(0.2, 0.28, 0.25, 0.15, 0.12),
    base_orders=0.5,
    segment_order_mult={"西南": 1.1, "华南": 1.0, "其他": 1.0},
    platforms={"red": 0.25, "tmall": 0.35, "jd": 0.3, "offline": 0.1},
    monthly_season=(0.8, 0.8, 1.1, 1.3, 1.2, 0.9, 0.9, 0.9, 1.1, 1.3, 1.1, 0.8),
    lead_rate=0.002,
    negative_window=Window("2025-03-17", "2025-03-21"),
    holdout=Window("2025-09-20", "2025-10-20"),
    holdout_campaign="信息流-秋季徒步实验",
    nps_mean={"西南": 8.1, "华南": 7.8, "其他": 7.3},
    soft_ad_slogan=("岭行，每一步都稳", "专业户外，城市也能穿", "一双鞋走遍山野和街巷"),
    regional_lift=(("华南",), "2025-06-01", 0.25),
    truth_static={
        "regional_scenes": {
            "西南": "登山徒步", "华南": "citywalk",
            "words": {"西南": MOUNTAIN_WORDS, "华南": CITY_WORDS},
            "provinces": {"西南": ["四川", "重庆", "云南", "贵州"], "华南": ["广东", "广西", "海南"]},
        },
    },
)
