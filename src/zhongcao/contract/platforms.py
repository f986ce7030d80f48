"""Sales platforms: one canonical code each, and the spellings exports use for them.

Orders come back from many places, each export spelling the platform its own way (天猫, 淘宝,
Tmall, 京东商城 …). Like provinces, every ``platform`` column is mapped to one code at ingest,
so the same platform never appears under two names. docs/data-contract.md lists the mapping;
an unknown platform is kept as written (lower-cased) and warned about once per file.
"""

from __future__ import annotations

import re

PLATFORMS: dict[str, tuple[str, ...]] = {
    "red": ("小红书", "红书", "rednote", "xiaohongshu", "xhs", "小红书商城", "小红书店铺", "薯店"),
    "tmall": ("天猫", "天猫商城", "天猫旗舰店", "tmall", "淘宝", "淘宝网", "taobao", "淘系", "tb"),
    "jd": ("京东", "京东商城", "京东自营", "jd", "jingdong", "jd.com"),
    "douyin": ("抖音", "抖音商城", "抖店", "抖音小店", "douyin", "tiktok", "抖音电商"),
    "pdd": ("拼多多", "pdd", "pinduoduo", "多多"),
    "kuaishou": ("快手", "快手小店", "kuaishou"),
    "wechat": ("微信", "微信小程序", "小程序", "视频号", "wechat", "weixin", "有赞", "youzan"),
    "vip": ("唯品会", "vip", "vipshop"),
    "offline": ("线下", "门店", "实体店", "offline", "store"),
}
"""Canonical code → spellings (matched case-insensitively, ignoring spaces and punctuation).
Taobao and Tmall are one code: a seller's order report covers both storefronts of one shop."""

_SQUEEZE = re.compile(r"[\s_\-·.()（）]+")
_LOOKUP: dict[str, str] = {}
for _code, _names in PLATFORMS.items():
    for _name in (_code, *_names):
        _LOOKUP[_SQUEEZE.sub("", _name.casefold())] = _code
    _LOOKUP[_SQUEEZE.sub("", "redbook")] = "red"


def normalise_platform(value: str | None) -> str | None:
    """The canonical code of a platform spelling (``天猫`` → ``tmall``), or None if unknown."""
    if value is None:
        return None
    key = _SQUEEZE.sub("", str(value).casefold())
    if key in _LOOKUP:
        return _LOOKUP[key]
    return _LOOKUP.get(key.replace(".com", ""))
