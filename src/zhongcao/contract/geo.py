"""Chinese provinces: canonical short names, full names, one-letter abbreviations,
macro-regions (华南, 西南, …), major cities and a tile-grid position for maps.

Reference data, declared once: ingestion normalises any spelling to the canonical
short name (广东省 / 广东 / 粤 / 深圳 → 广东), analyses group by `region_group`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    name: str  # canonical short name, e.g. 广东
    full: str  # 广东省
    abbr: str  # 粤
    group: str  # 华南
    english: str
    cities: tuple[str, ...]
    tile: tuple[int, int]  # (row, col) in a tile-grid map of China


PROVINCES: tuple[Province, ...] = (
    Province("北京", "北京市", "京", "华北", "Beijing", ("北京",), (2, 7)),
    Province("天津", "天津市", "津", "华北", "Tianjin", ("天津",), (3, 7)),
    Province("河北", "河北省", "冀", "华北", "Hebei", ("石家庄", "唐山", "保定", "廊坊"), (3, 6)),
    Province("山西", "山西省", "晋", "华北", "Shanxi", ("太原", "大同"), (3, 5)),
    Province("内蒙古", "内蒙古自治区", "蒙", "华北", "Inner Mongolia", ("呼和浩特", "包头"), (2, 5)),
    Province("辽宁", "辽宁省", "辽", "东北", "Liaoning", ("沈阳", "大连"), (2, 8)),
    Province("吉林", "吉林省", "吉", "东北", "Jilin", ("长春",), (1, 8)),
    Province("黑龙江", "黑龙江省", "黑", "东北", "Heilongjiang", ("哈尔滨", "大庆"), (0, 8)),
    Province("上海", "上海市", "沪", "华东", "Shanghai", ("上海",), (5, 8)),
    Province("江苏", "江苏省", "苏", "华东", "Jiangsu", ("南京", "苏州", "无锡", "常州"), (4, 7)),
    Province("浙江", "浙江省", "浙", "华东", "Zhejiang", ("杭州", "宁波", "温州", "义乌"), (5, 7)),
    Province("安徽", "安徽省", "皖", "华东", "Anhui", ("合肥", "芜湖"), (4, 6)),
    Province("福建", "福建省", "闽", "华东", "Fujian", ("福州", "厦门", "泉州"), (6, 7)),
    Province("江西", "江西省", "赣", "华东", "Jiangxi", ("南昌", "赣州"), (5, 6)),
    Province("山东", "山东省", "鲁", "华东", "Shandong", ("济南", "青岛", "烟台"), (3, 8)),
    Province("河南", "河南省", "豫", "华中", "Henan", ("郑州", "洛阳"), (4, 5)),
    Province("湖北", "湖北省", "鄂", "华中", "Hubei", ("武汉", "宜昌"), (5, 5)),
    Province("湖南", "湖南省", "湘", "华中", "Hunan", ("长沙", "株洲"), (6, 5)),
    Province("广东", "广东省", "粤", "华南", "Guangdong", ("广州", "深圳", "佛山", "东莞", "珠海"), (7, 6)),
    Province("广西", "广西壮族自治区", "桂", "华南", "Guangxi", ("南宁", "桂林", "柳州"), (7, 5)),
    Province("海南", "海南省", "琼", "华南", "Hainan", ("海口", "三亚"), (8, 5)),
    Province("重庆", "重庆市", "渝", "西南", "Chongqing", ("重庆",), (5, 4)),
    Province("四川", "四川省", "川", "西南", "Sichuan", ("成都", "绵阳", "乐山"), (5, 3)),
    Province("贵州", "贵州省", "贵", "西南", "Guizhou", ("贵阳", "遵义"), (6, 4)),
    Province("云南", "云南省", "云", "西南", "Yunnan", ("昆明", "大理", "丽江"), (7, 3)),
    Province("西藏", "西藏自治区", "藏", "西南", "Tibet", ("拉萨",), (5, 1)),
    Province("陕西", "陕西省", "陕", "西北", "Shaanxi", ("西安", "宝鸡"), (4, 4)),
    Province("甘肃", "甘肃省", "甘", "西北", "Gansu", ("兰州", "敦煌"), (4, 3)),
    Province("青海", "青海省", "青", "西北", "Qinghai", ("西宁",), (4, 2)),
    Province("宁夏", "宁夏回族自治区", "宁", "西北", "Ningxia", ("银川",), (3, 4)),
    Province("新疆", "新疆维吾尔自治区", "新", "西北", "Xinjiang", ("乌鲁木齐", "喀什"), (3, 1)),
    Province("香港", "香港特别行政区", "港", "港澳台", "Hong Kong", ("香港",), (8, 7)),
    Province("澳门", "澳门特别行政区", "澳", "港澳台", "Macau", ("澳门",), (8, 6)),
    Province("台湾", "台湾省", "台", "港澳台", "Taiwan", ("台北", "高雄"), (7, 8)),
)

REGION_GROUPS: tuple[str, ...] = ("华北", "东北", "华东", "华中", "华南", "西南", "西北", "港澳台")
REGION_GROUP_ENGLISH: dict[str, str] = {
    "华北": "North", "东北": "Northeast", "华东": "East", "华中": "Central",
    "华南": "South", "西南": "Southwest", "西北": "Northwest", "港澳台": "HK/Macau/Taiwan",
}

BY_NAME: dict[str, Province] = {p.name: p for p in PROVINCES}


def _spellings() -> dict[str, str]:
    table: dict[str, str] = {}
    for p in PROVINCES:
        for s in (p.name, p.full, p.english, p.english.lower(), *p.cities):
            table.setdefault(s, p.name)
        for city in p.cities:
            table.setdefault(city + "市", p.name)
    # One-letter abbreviations collide with ordinary words, so only exact matches count.
    for p in PROVINCES:
        table.setdefault(p.abbr, p.name)
    return table


SPELLINGS: dict[str, str] = _spellings()


def normalise_province(value: str | None) -> str | None:
    """Canonical short province name for any spelling, or None when unknown.

    Accepts 广东省, 广东, 粤, Guangdong, a major city (深圳, 深圳市), and IP-location
    strings such as ``IP属地：广东`` or ``中国 广东 深圳``.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    for prefix in ("IP属地：", "IP属地:", "ip属地：", "ip属地:", "中国", "中国·"):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    if text in SPELLINGS:
        return SPELLINGS[text]
    for part in text.replace("·", " ").replace("-", " ").split():
        if part in SPELLINGS:
            return SPELLINGS[part]
    # Longest known prefix, e.g. 广东省深圳市 → 广东.
    for length in range(min(len(text), 8), 1, -1):
        if text[:length] in SPELLINGS:
            return SPELLINGS[text[:length]]
    return None


def region_group(province: str | None) -> str | None:
    p = BY_NAME.get(province or "")
    return p.group if p else None


GROUP_ORDER: tuple[str, ...] = ("华北", "东北", "华东", "华中", "华南", "西南", "西北", "港澳台")


def region_sort_key(name: str | None) -> tuple[int, int, str]:
    """Order regions as a reader expects: macro-region (华北 … 西北), then province in the usual order
    within it; a macro-region's own name sorts first in its group, anything else (unknown) last."""
    text = name or ""
    if text in GROUP_ORDER:
        return (GROUP_ORDER.index(text), -1, text)
    p = BY_NAME.get(text)
    if p is None:
        return (len(GROUP_ORDER), 0, text)
    return (GROUP_ORDER.index(p.group), PROVINCES.index(p), text)
