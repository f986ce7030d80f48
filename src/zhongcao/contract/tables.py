"""The declared input tables: grain, columns, types, keys and one line per column.

This module is the single source of truth for what a brand's input folder may hold.
Ingestion validates against it, the simulator writes it, docs/data-contract.md is
checked against it by a test, and every analysis reads the staged form of it.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

ColumnType = Literal["str", "int", "count", "float", "money", "bool", "timestamp", "date", "tags"]
"""Logical column types.

- ``count``: integer >= 0; Chinese display forms such as ``1.2万`` or ``10w+`` are accepted.
- ``money``: CNY amount with decimals.
- ``timestamp``: ISO 8601; naive values are Asia/Shanghai.
- ``tags``: ``#``-separated text or a JSON list of strings, staged as a list of strings.
"""

TIMEZONE = "Asia/Shanghai"
CURRENCY = "CNY"


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    required: bool = False  # must be present in the file and non-null in every row
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    aliases: tuple[str, ...] = ()  # header spellings seen in real exports (mostly Chinese)


@dataclass(frozen=True)
class Reference:
    """A soft foreign key: broken references are warnings, never errors."""

    column: str
    table: str
    target: str


@dataclass(frozen=True)
class Table:
    name: str
    grain: str  # "one row per ..."
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    keeps_extra: bool = False  # extra columns are kept as attributes
    references: tuple[Reference, ...] = ()
    accepts_phone: bool = False  # may carry `phone` instead of `user_id`; hashed at ingestion

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


ACTIONS = ("view", "read", "like", "collect", "comment", "share", "search", "click", "follow")
LEAD_STATUSES = ("new", "contacted", "trial", "won", "lost")

C = Column

NOTES = Table(
    name="notes",
    grain="one row per note",
    description="Notes (笔记) published on the content platform, the brand's own, creators' and competitors'.",
    key=("note_id",),
    keeps_extra=True,
    references=(Reference("creator_id", "creators", "creator_id"),),
    columns=(
        C("note_id", "str", "Platform note id.", required=True, aliases=("笔记ID", "笔记id", "笔记 ID")),
        C("creator_id", "str", "Author of the note.", required=True, aliases=("博主ID", "达人ID", "用户id", "作者ID")),
        C("published_at", "timestamp", "When the note was published.", required=True,
          aliases=("发布时间", "发布日期", "上传时间")),
        C("title", "str", "Note title.", aliases=("标题", "笔记标题")),
        C("body", "str", "Note text (正文).", required=True, aliases=("正文", "内容", "描述", "笔记内容")),
        C("tags", "tags", "Hashtags, `#`-separated or a JSON list.", aliases=("标签", "话题")),
        C("note_type", "str", "Format of the note.", choices=("image", "video"), aliases=("笔记类型", "类型")),
        C("region", "str", "Province of the author's IP location.", aliases=("省份", "地域", "ip归属地", "IP属地")),
        C("sponsored", "bool", "A reported brand cooperation (报备).", required=True,
          aliases=("是否报备", "报备", "合作笔记")),
        C("brand", "str", "Brand the note is about, if any.", aliases=("品牌",)),
        C("product", "str", "Product the note is about, if any.", aliases=("产品", "商品", "对应SPU")),
        C("views", "count", "Reads/impressions of the note.", minimum=0, aliases=("阅读", "阅读量", "曝光", "浏览量")),
        C("likes", "count", "Likes.", minimum=0, aliases=("点赞", "点赞数", "点赞数量")),
        C("collects", "count", "Saves (收藏).", minimum=0, aliases=("收藏", "收藏数", "收藏数量")),
        C("comments", "count", "Comment count.", minimum=0, aliases=("评论", "评论数", "评论数量")),
        C("shares", "count", "Shares.", minimum=0, aliases=("分享", "分享数", "分享数量")),
        C("cost", "money", "Fee paid for the note (CNY).", minimum=0, aliases=("费用", "内容实际消耗", "报价")),
    ),
)

CREATORS = Table(
    name="creators",
    grain="one row per creator",
    description="Creators (博主/达人) who publish notes.",
    key=("creator_id",),
    keeps_extra=True,
    columns=(
        C("creator_id", "str", "Platform creator id.", required=True, aliases=("博主ID", "达人ID", "小红书号")),
        C("name", "str", "Display name.", aliases=("博主昵称", "达人名称", "昵称")),
        C("followers", "count", "Follower count.", minimum=0, aliases=("粉丝数", "粉丝量")),
        C("region", "str", "Province the creator is based in.", aliases=("省份", "地域")),
        C("category", "str", "Content category.", aliases=("内容类目", "类目")),
        C("quote", "money", "Price quoted for one sponsored note (CNY).", minimum=0, aliases=("报价", "图文报价")),
    ),
)

USERS = Table(
    name="users",
    grain="one row per platform user in the audience panel",
    description="Platform users with segment attributes; extra columns are kept as segment attributes.",
    key=("user_id",),
    keeps_extra=True,
    accepts_phone=True,
    columns=(
        C("user_id", "str", "Pseudonymous user key shared by platform and brand data.", required=True,
          aliases=("用户ID", "用户id")),
        C("gender", "str", "Gender.", choices=("f", "m"), aliases=("性别",)),
        C("age_band", "str", "Age band such as `18-24`.", aliases=("年龄段", "年龄")),
        C("region", "str", "Province.", aliases=("省份", "地域")),
        C("city_tier", "int", "City tier 1–5.", minimum=1, maximum=5, aliases=("城市等级", "城市线级")),
        C("holdout_group", "str", "Randomized lift-study assignment: `exposed`, `holdout`, or empty (not eligible).",
          choices=("exposed", "holdout"), aliases=("实验分组", "对照组")),
    ),
)

EXPOSURES = Table(
    name="exposures",
    grain="one row per touch (a user's contact with a channel at a moment)",
    description="Touches: views, reads, engagement, searches and clicks on any channel.",
    references=(Reference("user_id", "users", "user_id"), Reference("note_id", "notes", "note_id")),
    accepts_phone=True,
    columns=(
        C("user_id", "str", "Who was touched.", required=True, aliases=("用户ID", "用户id")),
        C("ts", "timestamp", "When.", required=True, aliases=("时间", "时间戳")),
        C("channel", "str", "Channel such as kol, feeds, search, brand_zone, douyin, tmall_ad.", required=True,
          aliases=("渠道",)),
        C("action", "str", "What the user did.", required=True, choices=ACTIONS, aliases=("行为",)),
        C("note_id", "str", "Note involved, if any.", aliases=("笔记ID", "笔记id")),
        C("query", "str", "Search text, for action = search.", aliases=("搜索词", "关键词")),
    ),
)

COMMENTS = Table(
    name="comments",
    grain="one row per comment",
    description="Comments under notes.",
    key=("comment_id",),
    references=(Reference("note_id", "notes", "note_id"), Reference("user_id", "users", "user_id")),
    columns=(
        C("comment_id", "str", "Comment id.", required=True, aliases=("评论ID", "评论id")),
        C("note_id", "str", "Note commented on.", required=True, aliases=("笔记ID", "笔记id")),
        C("user_id", "str", "Commenter.", aliases=("用户ID", "用户id")),
        C("created_at", "timestamp", "When the comment was written.", required=True,
          aliases=("评论时间", "上传时间")),
        C("text", "str", "Comment text.", required=True, aliases=("评论内容", "内容")),
        C("region", "str", "Commenter's IP province.", aliases=("省份", "ip归属地", "IP属地")),
        C("likes", "count", "Likes on the comment.", minimum=0, aliases=("点赞", "点赞数量")),
    ),
)

LEADS = Table(
    name="leads",
    grain="one row per lead (留资)",
    description="Leads left by users (phone, form, DM); extra columns such as `child_grade` are kept.",
    key=("lead_id",),
    keeps_extra=True,
    accepts_phone=True,
    references=(Reference("user_id", "users", "user_id"), Reference("note_id", "notes", "note_id")),
    columns=(
        C("lead_id", "str", "Lead id.", required=True, aliases=("线索ID", "线索id")),
        C("user_id", "str", "Who left the lead.", required=True, aliases=("用户ID", "用户id")),
        C("created_at", "timestamp", "When the lead was left.", required=True, aliases=("留资时间", "创建时间")),
        C("channel", "str", "Channel that brought the lead.", aliases=("渠道", "来源")),
        C("note_id", "str", "Note that brought the lead.", aliases=("笔记ID", "笔记id")),
        C("status", "str", "Current lead status.", required=True, choices=LEAD_STATUSES, aliases=("状态", "线索状态")),
    ),
)

ORDERS = Table(
    name="orders",
    grain="one row per order, including orders flowing back from other platforms",
    description="Orders on any platform: red (the content platform's shop), tmall, jd, douyin, pdd, offline ….",
    key=("order_id",),
    keeps_extra=True,
    accepts_phone=True,
    references=(Reference("user_id", "users", "user_id"),),
    columns=(
        C("order_id", "str", "Order id.", required=True, aliases=("订单编号", "订单号", "订单ID")),
        C("user_id", "str", "Buyer.", required=True, aliases=("用户ID", "买家ID")),
        C("ordered_at", "timestamp", "When the order was placed.", required=True,
          aliases=("下单时间", "订单创建时间", "付款时间")),
        C("platform", "str", "Where it was bought: red, tmall, jd, douyin, pdd, offline, ….", required=True,
          aliases=("平台", "渠道平台")),
        C("product", "str", "Product name.", aliases=("商品名称", "产品")),
        C("sku", "str", "SKU.", aliases=("SKU", "商品编码")),
        C("quantity", "count", "Units.", minimum=0, aliases=("数量", "购买数量")),
        C("amount", "money", "Amount paid (CNY).", required=True, minimum=0, aliases=("实付金额", "买家实际支付金额", "金额")),
        C("region", "str", "Delivery province.", aliases=("省份", "收货省份")),
    ),
)

SPEND = Table(
    name="spend",
    grain="one row per day × channel × item (campaign, note or creator)",
    description="Marketing spend by day and channel; optional campaign, note and creator detail.",
    references=(Reference("note_id", "notes", "note_id"), Reference("creator_id", "creators", "creator_id")),
    columns=(
        C("date", "date", "Day of the spend.", required=True, aliases=("日期", "时间")),
        C("channel", "str", "Channel.", required=True, aliases=("渠道",)),
        C("amount", "money", "Spend (CNY).", required=True, minimum=0, aliases=("消费", "花费", "金额")),
        C("campaign", "str", "Campaign or plan name.", aliases=("计划名称", "计划")),
        C("note_id", "str", "Note promoted, if any.", aliases=("笔记ID", "笔记id")),
        C("creator_id", "str", "Creator paid, if any.", aliases=("博主ID", "达人ID")),
        C("impressions", "count", "Impressions bought.", minimum=0, aliases=("展现量", "曝光量")),
        C("clicks", "count", "Clicks.", minimum=0, aliases=("点击量",)),
    ),
)

SURVEYS = Table(
    name="surveys",
    grain="one row per survey answer",
    description="NPS survey answers; extra columns are kept as survey attributes.",
    keeps_extra=True,
    accepts_phone=True,
    references=(Reference("user_id", "users", "user_id"),),
    columns=(
        C("user_id", "str", "Respondent.", required=True, aliases=("用户ID", "用户id")),
        C("answered_at", "timestamp", "When answered.", required=True, aliases=("答题时间", "提交时间")),
        C("nps", "int", "Likelihood to recommend, 0–10.", required=True, minimum=0, maximum=10,
          aliases=("推荐意愿", "NPS")),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (NOTES, CREATORS, USERS, EXPOSURES, COMMENTS, LEADS, ORDERS, SPEND, SURVEYS)
}
"""Every input table, by name, in load order (parents before children)."""

FILE_SUFFIXES: tuple[str, ...] = (".csv", ".csv.gz", ".parquet", ".jsonl", ".xlsx")


@dataclass(frozen=True)
class BrandSetting:
    name: str
    type: str
    description: str
    default: object = None


BRAND_SETTINGS: tuple[BrandSetting, ...] = (
    BrandSetting("name", "str", "Brand name shown in reports.", "unnamed brand"),
    BrandSetting("category", "str", "Product category, e.g. `education` or `outdoor`.", ""),
    BrandSetting("selling_points", "list[str]", "The positioning the brand believes in.", []),
    BrandSetting("aliases", "list[str]",
                 "Other names the brand goes by in text (a Latin name, a nickname); notes naming any of them, the "
                 "name or a product count as about the brand.", []),
    BrandSetting("known_competitors", "list[str]", "Competitors the brand already tracks.", []),
    BrandSetting("lexicon", "list[str]", "Extra words for the tokenizer (products, slang, places).", []),
    BrandSetting("ban_words", "list[str]",
                 "Words the tokenizer must never keep as one token, even when learned from the brand's text or "
                 "in a dictionary (`zhongcao words WS` lists what it learned).", []),
    BrandSetting("target", "table", "Target segment, e.g. `{gender = \"f\", age_band = [\"18-24\"]}`.", {}),
    BrandSetting("scenes", "table", "Scene name → words the brand associates with it.", {}),
    BrandSetting("products", "list[str]", "The brand's product names.", []),
    BrandSetting(
        "changes", "list[table]",
        "Content-strategy changes to measure: `[[changes]]` with `date` (ISO), optional `regions` "
        "(provinces or groups such as 华南; omit for a brand-wide change) and `description`.", [],
    ),
    BrandSetting(
        "lift_studies", "list[table]",
        "Experiment results that calibrate the marketing-mix model: `[[lift_studies]]` with `channel`, "
        "`roi` (incremental GMV per unit of spend the experiment measured, in `units`), `se` (its standard error, > 0) and "
        "optional `description`.", [],
    ),
    BrandSetting(
        "units", "table",
        "Units the money columns are in, shown on the cards: `[units]` with `spend` (spend.amount) and `gmv` "
        "(orders.amount), each a short label such as `\"CNY\"` or `\"万元\"` (default CNY). ROIs and lift "
        "studies are in gmv units per spend unit.", {},
    ),
    BrandSetting(
        "settings", "table",
        "Brand-wide run settings, e.g. `[settings] min_group_size = 60` (docs/settings.md lists them; checked "
        "when a run starts).", {},
    ),
    BrandSetting(
        "analyses", "table",
        "Per-analysis parameters, `[analyses.<name>]`, e.g. `[analyses.attribution] lookback_days = 15` or "
        "`[analyses.mmm] period = \"week\"` (docs/settings.md lists them; checked against each analysis's "
        "declared ranges when a run starts).", {},
    ),
)

UNIT_KEYS = ("spend", "gmv")


def _units(raw: object) -> dict[str, str]:
    """``[units]`` checked: known keys, each a short printable label (it is rendered on every money card)."""
    if not isinstance(raw, dict):
        raise ValueError("brand.toml `units` must be a table, e.g. [units] spend = \"CNY\"")
    unknown = sorted(set(raw) - set(UNIT_KEYS))
    if unknown:
        raise ValueError(f"brand.toml units: unknown keys {unknown}; known keys are {list(UNIT_KEYS)}")
    out = {k: CURRENCY for k in UNIT_KEYS}
    for key, value in raw.items():
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > 12 or not value.isprintable():
            raise ValueError(f"brand.toml units.{key} must be a short label (1-12 printable characters), got {value!r}")
        out[key] = value.strip()
    return out



def _tables(key: str, raw: object, depth: int) -> dict[str, Any]:
    """A brand.toml table kept as written (``depth`` 2: a table of tables); its values are checked
    by the run-settings resolution (``analyses/settings.py``), which knows each analysis's ranges."""
    if not isinstance(raw, dict) or (depth == 2 and not all(isinstance(v, dict) for v in raw.values())):
        example = "[analyses.attribution] lookback_days = 15" if depth == 2 else "[settings] min_group_size = 60"
        raise ValueError(f"brand.toml `{key}` must be a table{' of tables' if depth == 2 else ''}, e.g. {example}")
    return {str(k): dict(v) if depth == 2 else v for k, v in raw.items()}


@dataclass(frozen=True)
class LiftStudy:
    """A measured incremental ROI for one channel (a holdout or geo experiment), in gmv units per spend unit.

    The one shape brand.toml's ``[[lift_studies]]``, ``MmmAnalysis(lift_studies=...)`` and
    ``BayesianMMM.fit(lift_studies=...)`` share, checked once, here, when it is made (a name, a
    finite ROI, a positive standard error); whether the channel has spend only the model can say.
    """

    channel: str
    roi: float
    se: float
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.channel, str) or not self.channel.strip():
            raise ValueError("needs `channel` (e.g. channel = \"kol\")")
        for key in ("roi", "se"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"`{key}` must be a number, got {value!r}")
        if self.se <= 0:
            raise ValueError(f"`se` must be above 0 (a standard error), got {self.se}")
        object.__setattr__(self, "channel", self.channel.strip().lower())
        object.__setattr__(self, "roi", float(self.roi))
        object.__setattr__(self, "se", float(self.se))
        object.__setattr__(self, "description", str(self.description))


def _lift_studies(raw: object) -> tuple[LiftStudy, ...]:
    """``[[lift_studies]]``: an array of tables with known keys, each a :class:`LiftStudy`."""
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise ValueError("brand.toml `lift_studies` must be an array of tables ([[lift_studies]])")
    out = []
    for i, study in enumerate(raw, 1):
        unknown = sorted(set(study) - {"channel", "roi", "se", "description"})
        if unknown:
            raise ValueError(f"brand.toml lift_studies #{i}: unknown keys {unknown}")
        try:
            out.append(LiftStudy(study.get("channel"), study.get("roi"), study.get("se"),  # type: ignore[arg-type]
                                 study.get("description", "")))
        except ValueError as exc:
            raise ValueError(f"brand.toml lift_studies #{i} {exc}") from exc
    return tuple(out)


@dataclass(frozen=True)
class BrandConfig:
    """`brand.toml`, parsed. Every field has a default so the file is optional."""

    name: str = "unnamed brand"
    category: str = ""
    selling_points: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    known_competitors: tuple[str, ...] = ()
    lexicon: tuple[str, ...] = ()
    ban_words: tuple[str, ...] = ()
    target: dict[str, object] = field(default_factory=dict)
    scenes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    products: tuple[str, ...] = ()
    changes: tuple[dict[str, object], ...] = ()
    lift_studies: tuple[LiftStudy, ...] = ()
    units: dict[str, str] = field(default_factory=lambda: {k: CURRENCY for k in UNIT_KEYS})
    settings: dict[str, Any] = field(default_factory=dict)
    # [analyses.<name>] tables as written; analyses/settings.py checks them against each analysis's parameters
    analyses: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: dict[str, object]) -> BrandConfig:
        known = {s.name for s in BRAND_SETTINGS}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"brand.toml has unknown keys {unknown}; known keys are {sorted(known)}")

        def strings(key: str) -> tuple[str, ...]:
            value = data.get(key, [])
            if isinstance(value, str):
                return (value,)
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"brand.toml `{key}` must be a list of strings")
            return tuple(value)

        scenes_raw = data.get("scenes", {})
        if not isinstance(scenes_raw, dict):
            raise ValueError("brand.toml `scenes` must be a table of name = [words]")
        target = data.get("target", {})
        if not isinstance(target, dict):
            raise ValueError("brand.toml `target` must be a table")
        changes = data.get("changes", [])
        if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
            raise ValueError("brand.toml `changes` must be an array of tables ([[changes]])")
        for i, change in enumerate(changes, 1):
            if not isinstance(change.get("date"), str | date):
                raise ValueError(f"brand.toml changes #{i} needs `date` (e.g. date = \"2025-06-01\")")
            regions = change.get("regions", [])
            if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
                raise ValueError(f"brand.toml changes #{i}: `regions` must be a list of strings")
        return cls(
            name=str(data.get("name", "unnamed brand")),
            category=str(data.get("category", "")),
            selling_points=strings("selling_points"),
            aliases=strings("aliases"),
            known_competitors=strings("known_competitors"),
            lexicon=strings("lexicon"),
            ban_words=strings("ban_words"),
            target=dict(target),
            scenes={str(k): tuple(v) for k, v in scenes_raw.items()},
            products=strings("products"),
            changes=tuple({**c, "date": str(c["date"])} for c in changes),
            lift_studies=_lift_studies(data.get("lift_studies", [])),
            units=_units(data.get("units", {})),
            settings=_tables("settings", data.get("settings", {}), 1),
            analyses=_tables("analyses", data.get("analyses", {}), 2),
        )

    def to_mapping(self) -> dict[str, object]:
        return {
            "name": self.name,
            "category": self.category,
            "selling_points": list(self.selling_points),
            "aliases": list(self.aliases),
            "known_competitors": list(self.known_competitors),
            "lexicon": list(self.lexicon),
            "ban_words": list(self.ban_words),
            "target": dict(self.target),
            "scenes": {k: list(v) for k, v in self.scenes.items()},
            "products": list(self.products),
            "changes": [dict(c) for c in self.changes],
            "lift_studies": [asdict(s) for s in self.lift_studies],
            "units": dict(self.units),
            "settings": dict(self.settings),
            "analyses": {k: dict(v) for k, v in self.analyses.items()},
        }
