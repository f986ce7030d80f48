"""Users of the audience panel, generated chunk by chunk with index-coded attributes."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from zhongcao.contract.geo import PROVINCES, REGION_GROUPS
from zhongcao.simulate.spec import AGE_BANDS, Population, WorldSpec

# Rough share of Xiaohongshu-style users by province: coastal and big-city heavy.
PROVINCE_WEIGHT: dict[str, float] = {
    "北京": 5.5, "天津": 1.4, "河北": 3.5, "山西": 1.8, "内蒙古": 1.0, "辽宁": 2.4, "吉林": 1.2,
    "黑龙江": 1.5, "上海": 6.0, "江苏": 7.0, "浙江": 7.0, "安徽": 3.0, "福建": 3.5, "江西": 2.0,
    "山东": 5.0, "河南": 4.2, "湖北": 3.6, "湖南": 3.2, "广东": 11.0, "广西": 2.4, "海南": 0.8,
    "重庆": 2.6, "四川": 5.0, "贵州": 1.5, "云南": 1.9, "西藏": 0.1, "陕西": 2.4, "甘肃": 0.9,
    "青海": 0.2, "宁夏": 0.3, "新疆": 0.8, "香港": 0.3, "澳门": 0.05, "台湾": 0.1,
}
PROVINCE_P = np.array([PROVINCE_WEIGHT[p.name] for p in PROVINCES])
PROVINCE_P = PROVINCE_P / PROVINCE_P.sum()
PROVINCE_GROUP = np.array([REGION_GROUPS.index(p.group) for p in PROVINCES], dtype=np.int8)
PROVINCE_NAMES = pa.array([p.name for p in PROVINCES], pa.string())
GENDERS = pa.array(["f", "m"], pa.string())
AGES = pa.array(list(AGE_BANDS), pa.string())
# Big coastal cities skew to tier 1–2.
TIER1 = {"北京", "上海", "广东", "浙江", "江苏"}


def id_width(users: int) -> int:
    return max(7, len(str(users)))


def user_ids(first: int, n: int, width: int) -> pa.Array:
    return pa.array([f"u{i:0{width}d}" for i in range(first + 1, first + n + 1)], pa.string())


def make_users(rng: np.random.Generator, spec: WorldSpec, first: int, n: int) -> Population:
    gender = (rng.random(n) >= spec.gender_f).astype(np.int8)
    aw = np.asarray(spec.age_weights, dtype=float)
    age = rng.choice(len(AGE_BANDS), size=n, p=aw / aw.sum()).astype(np.int8)
    province = rng.choice(len(PROVINCES), size=n, p=PROVINCE_P).astype(np.int16)
    group = PROVINCE_GROUP[province]
    big = np.isin(province, [i for i, p in enumerate(PROVINCES) if p.name in TIER1])
    tier_p_big = np.array([0.35, 0.3, 0.2, 0.1, 0.05])
    tier_p_small = np.array([0.05, 0.2, 0.3, 0.25, 0.2])
    u = rng.random(n)
    tier = np.where(big, np.searchsorted(np.cumsum(tier_p_big), u), np.searchsorted(np.cumsum(tier_p_small), u))
    tier = (tier.clip(0, 4) + 1).astype(np.int8)
    # Heterogeneous activity: gamma-Poisson gives the long tail of heavy users (mean 20 touches).
    activity = rng.gamma(1.6, 20 / 1.6, n)
    extras = spec.user_extras(rng, n)
    segment = spec.segment_of(gender, age, group, extras).astype(np.int8)
    return Population(first, gender, age, province, group, tier, activity, segment, extras)
