"""The source kinds Zhongcao imports, declared as data (see ``spec.py``).

Header spellings are the ones in circulation in real exports; add a spelling to a
field's ``names`` rather than writing code. docs/importing.md documents every kind.
"""

from __future__ import annotations

import hashlib

import pandas as pd

from zhongcao.ingest.importers.spec import Derive, Drop, Field, Output, Rule, SourceKind
from zhongcao.ingest.importers.values import id_times

F = Field


def col(frame: pd.DataFrame, name: str) -> pd.Series:
    """A parsed field, or an all-missing column when the export lacks it."""
    return frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)


def num(frame: pd.DataFrame, name: str) -> pd.Series:
    return pd.to_numeric(col(frame, name), errors="coerce")


def first_of(*names: str) -> Rule:
    def rule(frame: pd.DataFrame) -> pd.Series:
        out = pd.Series(None, index=frame.index, dtype=object)
        for name in names:
            out = out.where(out.notna(), col(frame, name))
        return out
    return rule


def constant(value: object) -> Rule:
    return lambda frame: pd.Series(value, index=frame.index, dtype=object)


def _label(*names: str) -> Rule:
    """`plan / unit / creative / keyword`: the most specific item a spend row is about."""
    def rule(frame: pd.DataFrame) -> pd.Series:
        parts = [col(frame, n).astype("string") for n in names]
        joined = pd.concat(parts, axis=1).apply(lambda r: " / ".join(v for v in r if isinstance(v, str) and v),
                                                axis=1) if len(frame) else pd.Series(dtype=object)
        return joined.where(joined.astype(bool), None) if len(frame) else joined
    return rule


def _creator_from_name(frame: pd.DataFrame) -> pd.Series:
    """A stable id from the nickname when the table has no creator id (`nick:<sha1 prefix>`)."""
    names = col(frame, "creator_name")
    return names.map(lambda n: None if n is None or pd.isna(n) else
                     "nick:" + hashlib.sha1(str(n).encode()).hexdigest()[:16])


def _order_user(frame: pd.DataFrame) -> pd.Series:
    """Hashed phone, else hashed buyer name, else one anonymous buyer per order (`order:<id>`)."""
    fallback = col(frame, "order_id").map(lambda o: None if o is None or pd.isna(o) else f"order:{o}")
    return first_of("phone_user", "buyer_user")(frame).where(lambda s: s.notna(), fallback)


_DAILY = F(("时间", "日期", "date", "统计日期", "数据日期"), "day", "str")
_NOTE_ENGAGEMENT = (
    F(("点赞", "点赞数", "点赞量", "点赞数量"), "likes", "count", keep_raw=True),
    F(("收藏", "收藏数", "收藏量", "收藏数量"), "collects", "count", keep_raw=True),
    F(("评论", "评论数", "评论量", "评论数量"), "comments", "count", keep_raw=True),
    F(("分享", "分享数", "分享量", "分享数量"), "shares", "count", keep_raw=True),
)
_RATIO = "a ratio or unit cost the export computes from other columns; recompute it from the counts"
_NO_SPEND_COLUMN = "spend keeps date, channel, amount, campaign, note_id, creator_id, impressions, clicks"


JUGUANG = SourceKind(
    name="juguang-report",
    description="Ad-platform (聚光-style) report export at note, creative, unit, campaign or keyword level.",
    sample="时间,计划名称,单元名称,笔记ID,消费,展现量,点击量,点击率,平均点击成本,点赞,评论,收藏,关注,分享,互动量",
    signature=(("消费", "花费"), ("展现量", "展现数"), ("点击量", "点击数"), ("时间", "日期")),
    fields=(
        _DAILY,
        F(("消费", "花费", "消耗"), "amount", "money"),
        F(("展现量", "展现数"), "impressions", "count"),
        F(("点击量", "点击数"), "clicks", "count"),
        F(("计划名称", "计划"), "plan", "str"), F(("计划ID", "计划id"), "plan_id", "str"),
        F(("单元名称", "单元"), "unit", "str"), F(("单元ID", "单元id"), "unit_id", "str"),
        F(("创意名称", "创意"), "creative", "str"), F(("创意ID", "创意id"), "creative_id", "str"),
        F(("关键词", "搜索词"), "keyword", "str"),
        F(("笔记ID", "笔记id", "笔记 ID"), "note_id", "str"),
        *_NOTE_ENGAGEMENT,
        F(("关注", "关注数", "新增关注"), "ad_follows", "count"),
        F(("互动量", "互动"), "ad_engagements", "count"),
        F(("渠道", "广告类型", "投放位置"), "channel_raw", "str"),
    ),
    derived=(
        Derive("date", "the day of 时间; rows whose 时间 is a range (a summary line) are dropped",
               lambda f: pd.to_datetime(col(f, "day").where(~col(f, "day").astype("string").str.contains(
                   "~|至|-\\s*\\d{4}", regex=True, na=False)), errors="coerce", format="mixed").dt.date),
        Derive("campaign", "计划 / 单元 / 创意 / 关键词 names (ids when names are absent), most specific last",
               _label("plan", "plan_id", "unit", "unit_id", "creative", "creative_id", "keyword")),
        Derive("channel", "信息流 → feeds, 搜索 → search; otherwise `juguang`",
               lambda f: col(f, "channel_raw").astype("string").str.contains("搜索", na=False).map(
                   {True: "search", False: "feeds"}).where(col(f, "channel_raw").notna(), "juguang"),
               only_if_missing=False),
    ),
    drops=(
        Drop("时间 is not a single day (a period summary line)", lambda f: col(f, "date").isna()),
    ),
    outputs=(
        Output("spend", {"date": "date", "channel": "channel", "amount": "amount", "campaign": "campaign",
                         "note_id": "note_id", "impressions": "impressions", "clicks": "clicks"}),
        # Engagement the ads bought, per note over the report period: kept beside the note as
        # ad_* attributes, only for notes already known (the report lacks author, time, text).
        Output("notes", {"note_id": "note_id", "ad_likes": "likes", "ad_collects": "collects",
                         "ad_comments": "comments", "ad_shares": "shares", "ad_follows": "ad_follows",
                         "ad_engagements": "ad_engagements", "ad_impressions": "impressions",
                         "ad_clicks": "clicks", "ad_spend": "amount"},
               primary=False, aggregate=True, where=lambda f: col(f, "note_id").notna()),
    ),
    ignored={**{h: _RATIO for h in ("点击率", "平均点击成本", "平均千次展现费用", "平均互动成本", "投入产出比",
                                    "表单成本", "新增种草人群成本", "新增深度种草人群成本", "互动率")},
             **{h: _NO_SPEND_COLUMN for h in ("行动按钮点击量", "加入购物车次数", "下单订单数", "成交订单数", "rgmv",
                                              "商品访问量", "表单提交", "有效表单", "私信咨询数", "新增种草人群",
                                              "新增深度种草人群")}},
)

PUGONGYING = SourceKind(
    name="pugongying-creators",
    description="Creator-marketplace (蒲公英-style) creator list.",
    sample="达人名称,小红书号,内容类目,地域,粉丝量,获赞与收藏,图文报价,视频报价,女性粉丝占比,日常笔记曝光中位数,合作笔记曝光中位数",
    signature=(("小红书号", "达人ID"), ("粉丝量", "粉丝数"), ("图文报价", "图文报价(万)", "视频报价", "视频报价(万)")),
    fields=(
        F(("小红书号", "达人ID", "博主ID"), "creator_id", "str"),
        F(("达人名称", "达人昵称", "昵称"), "name", "str"),
        F(("内容类目", "类目", "内容标签"), "category", "str"),
        F(("地域", "地区", "所在地"), "region", "province"),
        F(("粉丝量", "粉丝数"), "followers", "count", keep_raw=True),
        F(("获赞与收藏", "赞藏", "获赞与收藏数"), "likes_and_collects", "count", keep_raw=True),
        F(("图文报价",), "quote", "money"), F(("图文报价(万)", "图文报价/万", "图文报价（万元）"), "quote", "money", 1e4),
        F(("视频报价",), "video_quote", "money"), F(("视频报价(万)", "视频报价/万"), "video_quote", "money", 1e4),
        F(("女性粉丝占比", "女粉占比"), "female_share", "percent"),
        F(("日常笔记曝光中位数",), "organic_impressions_median", "count"),
        F(("日常笔记阅读中位数",), "organic_reads_median", "count"),
        F(("日常笔记点赞中位数",), "organic_likes_median", "count"),
        F(("日常笔记互动中位数",), "organic_engagements_median", "count"),
        F(("合作笔记曝光中位数",), "sponsored_impressions_median", "count"),
        F(("合作笔记阅读中位数",), "sponsored_reads_median", "count"),
        F(("合作笔记点赞中位数",), "sponsored_likes_median", "count"),
        F(("合作笔记互动中位数",), "sponsored_engagements_median", "count"),
    ),
    outputs=(Output("creators", {c: c for c in (
        "creator_id", "name", "category", "region", "followers", "quote", "video_quote", "likes_and_collects",
        "female_share", "organic_impressions_median", "organic_reads_median", "organic_likes_median",
        "organic_engagements_median", "sponsored_impressions_median", "sponsored_reads_median",
        "sponsored_likes_median", "sponsored_engagements_median")}),),
)

XINHONG = SourceKind(
    name="xinhong-creators",
    description="新红-style creator statistics table (creator analytics export).",
    sample="序号,poster_id,性别,账号一级分类,属地,粉丝数,赞藏总量,平均点赞,平均预估阅读,图文报价,视频报价,图文CPE,图文CPM",
    signature=(("poster_id", "小红书号", "达人ID"), ("赞藏总量",), ("粉丝数",), ("图文报价",)),
    fields=(
        F(("poster_id", "小红书号", "达人ID"), "creator_id", "str"),
        F(("昵称", "达人名称"), "name", "str"),
        F(("账号一级分类", "账号类别"), "category", "str"),
        F(("账号二级分类",), "subcategory", "str"),
        F(("属地", "地域"), "region", "province"),
        F(("粉丝数",), "followers", "count", keep_raw=True),
        F(("赞藏总量",), "likes_and_collects", "count", keep_raw=True),
        F(("图文报价",), "quote", "money"), F(("视频报价",), "video_quote", "money"),
        F(("性别",), "gender", "str"), F(("账号属性",), "tier", "str"),
        F(("笔记数",), "note_count", "count"),
        F(("平均点赞",), "avg_likes", "float"), F(("平均收藏",), "avg_collects", "float"),
        F(("平均评论数",), "avg_comments", "float"), F(("平均预估阅读",), "avg_reads", "float"),
        F(("图文CPE",), "image_cpe", "float"), F(("视频CPE",), "video_cpe", "float"),
        F(("图文CPM",), "image_cpm", "float"), F(("视频CPM",), "video_cpm", "float"),
        F(("粉丝主要年龄",), "follower_age", "str"),
        F(("粉丝性别分布",), "follower_gender", "str"),
        F(("粉丝兴趣标签",), "follower_interests", "str"),
        F(("爆文数",), "viral_notes", "count"), F(("新增作品",), "new_notes", "count"),
        F(("删文数",), "deleted_notes", "count"), F(("新增粉丝数",), "new_followers", "float"),
        F(("近期商业笔记数",), "commercial_notes", "count"),
        F(("商业笔记平均互动量",), "commercial_avg_engagement", "float"),
        F(("关注数",), "following", "count"), F(("上周新榜指数",), "newrank_index", "float"),
        F(("最近发文时间",), "last_post_at", "str"), F(("数据周期",), "data_period", "str"),
        F(("账号类别",), "account_type", "str"), F(("定位",), "location", "str"),
    ),
    outputs=(Output("creators", {c: c for c in (
        "creator_id", "name", "category", "subcategory", "region", "followers", "quote", "video_quote",
        "likes_and_collects", "gender", "tier", "note_count", "avg_likes", "avg_collects", "avg_comments",
        "avg_reads", "image_cpe", "video_cpe", "image_cpm", "video_cpm", "follower_age", "follower_gender",
        "follower_interests", "viral_notes", "new_notes", "deleted_notes", "new_followers", "commercial_notes",
        "commercial_avg_engagement", "following", "newrank_index", "last_post_at", "data_period", "account_type",
        "location")}),),
    zero_is_missing=("quote", "video_quote", "image_cpe", "video_cpe", "image_cpm", "video_cpm", "avg_reads"),
    ignored={"粉丝主要地域": "one top follower region per creator cannot weigh an audience across regions; "
                         "follower regions come from the user panel (users.region)", "序号": "row number"},
)

AGENCY = SourceKind(
    name="agency-recap",
    description="Agency post-campaign (复盘) table: one row per sponsored note with fees, boosting and results.",
    sample="博主昵称,粉丝量,笔记链接,发布时间,合作形式,是否报备,内容方向,对应SPU,内容实际消耗,投流实际消耗,曝光,阅读,互动,点赞,收藏,评论,分享,回搜数,回搜率",
    signature=(("博主昵称", "达人昵称"), ("笔记链接", "笔记ID"), ("内容实际消耗", "投流实际消耗")),
    fields=(
        F(("笔记ID", "笔记id"), "note_id", "str"),
        F(("笔记链接", "链接"), "note_id", "note_id_from_url"),
        F(("博主昵称", "达人昵称"), "creator_name", "str"),
        F(("小红书号", "博主ID", "达人ID"), "creator_id", "str"),
        F(("粉丝量", "粉丝数"), "followers", "count", keep_raw=True),
        F(("发布时间", "发布日期", "上线时间"), "published_at", "timestamp"),
        F(("笔记标题", "标题"), "title", "str"),
        F(("笔记内容", "正文"), "text", "str"),
        F(("合作形式", "合作方式"), "cooperation", "str"),
        F(("是否报备", "报备"), "sponsored", "bool"),
        F(("内容方向", "内容类型"), "content_angle", "str"),
        F(("对应SPU", "SPU", "产品"), "product", "str"),
        F(("内容实际消耗", "内容费用", "达人费用"), "content_cost", "money"),
        F(("投流实际消耗", "投流费用", "加热费用"), "boost_cost", "money"),
        F(("曝光", "曝光量"), "impressions", "count", keep_raw=True),
        F(("阅读", "阅读量"), "views", "count", keep_raw=True),
        F(("互动", "互动量"), "engagements", "count", keep_raw=True),
        *_NOTE_ENGAGEMENT,
        F(("回搜数", "回搜量"), "search_backs", "count"),
    ),
    derived=(
        Derive("creator_id", "`nick:` + a hash of 博主昵称 when the table has no creator id", _creator_from_name),
        Derive("body", "笔记内容, else 笔记标题, else 内容方向 (the recap has no note text)",
               first_of("text", "title", "content_angle")),
        Derive("sponsored", "true when 是否报备 is absent: every note in a recap is a paid cooperation",
               constant(True)),
        Derive("spend_date", "the publish day", lambda f: pd.to_datetime(col(f, "published_at")).dt.date),
    ),
    outputs=(
        Output("notes", {"note_id": "note_id", "creator_id": "creator_id", "published_at": "published_at",
                         "title": "title", "body": "body", "sponsored": "sponsored", "product": "product",
                         "views": "views", "likes": "likes", "collects": "collects", "comments": "comments",
                         "shares": "shares", "cost": "content_cost", "impressions": "impressions",
                         "engagements": "engagements", "search_backs": "search_backs", "boost_cost": "boost_cost",
                         "cooperation": "cooperation", "content_angle": "content_angle"}),
        Output("spend", {"date": "spend_date", "amount": "content_cost", "note_id": "note_id",
                         "creator_id": "creator_id"}, constants={"channel": "kol"}, primary=False,
               where=lambda f: num(f, "content_cost") > 0),
        Output("spend", {"date": "spend_date", "amount": "boost_cost", "note_id": "note_id",
                         "creator_id": "creator_id"}, constants={"channel": "feeds"}, primary=False,
               where=lambda f: num(f, "boost_cost") > 0),
        Output("creators", {"creator_id": "creator_id", "name": "creator_name", "followers": "followers"},
               primary=False),
    ),
    ignored={"回搜率": _RATIO, "CPE": _RATIO, "CPM": _RATIO, "序号": "row number"},
)

_CRAWLED = "crawled public note: not known to be a reported cooperation"
_MEDIACRAWLER_NOTE_FIELDS = (
    F(("note_id",), "note_id", "str"),
    F(("user_id", "creator_hash"), "creator_id", "str"),
    F(("nickname",), "creator_name", "str"),
    F(("time", "last_update_time"), "published_at", "timestamp"),
    F(("title",), "title", "str"),
    F(("desc",), "desc", "str"),
    F(("type",), "note_type", "note_type"),
    F(("tag_list",), "tags", "tags_list"),
    F(("ip_location",), "region", "province"),
    F(("liked_count",), "likes", "count", keep_raw=True),
    F(("collected_count",), "collects", "count", keep_raw=True),
    F(("comment_count",), "comments", "count", keep_raw=True),
    F(("share_count",), "shares", "count", keep_raw=True),
    F(("note_url",), "url", "str"),
)
_NOTE_COLUMNS = {c: c for c in ("note_id", "creator_id", "published_at", "title", "body", "note_type", "tags",
                                "region", "sponsored", "likes", "collects", "comments", "shares")}
_NOTE_DERIVED = (
    Derive("body", "desc (描述), else the title", first_of("desc", "title")),
    Derive("sponsored", f"false: {_CRAWLED}", constant(False)),
)

MEDIACRAWLER_NOTES = SourceKind(
    name="mediacrawler-notes",
    description="MediaCrawler export of public notes (jsonl by default; csv and json too).",
    sample="note_id,type,title,desc,time,last_update_time,user_id,nickname,liked_count,collected_count,comment_count,share_count,ip_location,tag_list,note_url",
    signature=(("note_id",), ("liked_count",), ("time", "last_update_time"), ("desc", "title")),
    fields=_MEDIACRAWLER_NOTE_FIELDS,
    derived=_NOTE_DERIVED,
    outputs=(Output("notes", _NOTE_COLUMNS | {"url": "url"}),
             Output("creators", {"creator_id": "creator_id", "name": "creator_name"}, primary=False)),
    ignored={h: "crawler bookkeeping or media URLs, not note content" for h in (
        "avatar", "image_list", "video_url", "last_modify_ts", "xsec_token", "source_keyword")},
)

MEDIACRAWLER_COMMENTS = SourceKind(
    name="mediacrawler-comments",
    description="MediaCrawler export of comments under notes.",
    sample="comment_id,create_time,ip_location,note_id,content,user_id,nickname,like_count,sub_comment_count,parent_comment_id",
    signature=(("comment_id",), ("create_time",), ("note_id",), ("content",)),
    fields=(
        F(("comment_id",), "comment_id", "str"), F(("note_id",), "note_id", "str"),
        F(("user_id", "creator_hash"), "user_id", "str"), F(("create_time",), "created_at", "timestamp"),
        F(("content",), "text", "str"), F(("ip_location",), "region", "province"),
        F(("like_count",), "likes", "count"),
    ),
    outputs=(Output("comments", {c: c for c in ("comment_id", "note_id", "user_id", "created_at", "text",
                                                "region", "likes")}),),
    ignored={"parent_comment_id": "the comments table has no reply structure (comments keep no extra columns)",
             "sub_comment_count": "the comments table keeps no extra columns",
             "nickname": "commenter names are not kept", "avatar": "not needed",
             "last_modify_ts": "crawler bookkeeping", "pictures": "media URLs"},
)

SPIDER_XHS_NOTES = SourceKind(
    name="spider-xhs-notes",
    description="Spider_XHS-style xlsx of notes with Chinese headers.",
    sample="笔记id,笔记url,笔记类型,用户id,用户主页url,昵称,标题,描述,点赞数量,收藏数量,评论数量,分享数量,标签,上传时间,ip归属地",
    signature=(("笔记id",), ("用户id",), ("上传时间",), ("点赞数量",)),
    fields=(
        F(("笔记id",), "note_id", "str"), F(("用户id",), "creator_id", "str"), F(("昵称",), "creator_name", "str"),
        F(("上传时间",), "published_at", "timestamp"), F(("标题",), "title", "str"), F(("描述",), "desc", "str"),
        F(("笔记类型",), "note_type", "note_type"), F(("标签",), "tags", "tags_list"),
        F(("ip归属地",), "region", "province"),
        F(("点赞数量",), "likes", "count", keep_raw=True), F(("收藏数量",), "collects", "count", keep_raw=True),
        F(("评论数量",), "comments", "count", keep_raw=True), F(("分享数量",), "shares", "count", keep_raw=True),
        F(("笔记url",), "url", "str"),
    ),
    derived=_NOTE_DERIVED,
    outputs=(Output("notes", _NOTE_COLUMNS | {"url": "url"}),
             Output("creators", {"creator_id": "creator_id", "name": "creator_name"}, primary=False)),
    ignored={h: "media URLs, not note content" for h in ("用户主页url", "头像url", "视频封面url", "视频地址url",
                                                          "图片地址url列表", "笔记封面url")},
)

SPIDER_XHS_COMMENTS = SourceKind(
    name="spider-xhs-comments",
    description="Spider_XHS-style comment sheet with Chinese headers.",
    sample="笔记id,评论id,用户id,昵称,评论内容,点赞数量,上传时间,ip归属地",
    signature=(("评论id",), ("评论内容",), ("上传时间",)),
    fields=(
        F(("评论id",), "comment_id", "str"), F(("笔记id",), "note_id", "str"), F(("用户id",), "user_id", "str"),
        F(("评论内容",), "text", "str"), F(("上传时间",), "created_at", "timestamp"),
        F(("ip归属地",), "region", "province"), F(("点赞数量",), "likes", "count"),
    ),
    outputs=(Output("comments", {c: c for c in ("comment_id", "note_id", "user_id", "created_at", "text",
                                                "region", "likes")}),),
    ignored={"昵称": "commenter names are not kept", "用户主页url": "not needed", "头像url": "not needed",
             "二级评论数量": "the comments table keeps no extra columns"},
)

XHS_RESEARCH = SourceKind(
    name="xhs-research-notes",
    description="Research dataset of Xiaohongshu notes (poster_id, post_id, post_title, post_content, post_like …).",
    sample="poster_id,post_id,post_title,post_date,post_content,post_tag,post_comments,post_like,post_collect",
    signature=(("poster_id",), ("post_id",)),
    fields=(
        F(("post_id",), "note_id", "str"), F(("poster_id",), "creator_id", "str"),
        F(("post_date",), "published_at", "month_day"), F(("post_title",), "title", "str"),
        F(("post_content",), "content", "str"), F(("summary",), "summary", "str"),
        F(("post_tag",), "tags", "tags_list"), F(("post_location",), "region", "province"),
        F(("post_like",), "likes", "count", keep_raw=True), F(("post_collect",), "collects", "count", keep_raw=True),
        F(("post_comments",), "comments", "count", keep_raw=True),
        F(("nums_category_img", "num_category_text"), "category_code", "str"),
        F(("post_url",), "url", "str"),
        F(("post_fetch_time",), "fetched_at", "month_day"),
        F(("post_comment_content",), "comment_texts", "text_list"),
    ),
    derived=(
        Derive("body", "post_content, else summary, else post_title", first_of("content", "summary", "title")),
        Derive("sponsored", f"false: {_CRAWLED}", constant(False)),
        Derive("published_at", "where post_date is absent: the creation time in the note id (Xiaohongshu note ids "
               "are ObjectIds whose first 8 hex digits are Unix seconds)", lambda f: id_times(col(f, "note_id"))),
        Derive("comment_time", "the crawl time (post_fetch_time; the export has no comment times), else the "
               "publish time: comments count in text analyses, not in timing", first_of("fetched_at", "published_at"),
               only_if_missing=False),
    ),
    outputs=(Output("notes", {c: c for c in ("note_id", "creator_id", "published_at", "title", "body", "tags",
                                             "region", "sponsored", "likes", "collects", "comments",
                                             "category_code", "url", "fetched_at")}),
             Output("creators", {"creator_id": "creator_id"}, primary=False),
             # post_comment_content holds a note's comment texts joined by ##: one comments row each,
             # with id <note_id>#<position>; no commenter id (the export has none).
             Output("comments", {"comment_id": "comment_id", "note_id": "note_id", "created_at": "comment_time",
                                 "text": "comment_texts"}, primary=False, explode="comment_texts",
                    ids={"comment_id": "note_id"})),
    ignored={"post_time": "mostly empty; post_date is used", "post_img": "media URL",
             "summary_cleaned": "derived text", "rake_keywords": "derived keywords", "filter_label": "derived labels"},
    file_formats="csv",
)

_ORDER_RULE = ("unpaid orders (no payment time) and fully refunded orders (nothing kept after refunds) are "
               "dropped and counted; a partly refunded order is kept with the amount the buyer kept paid")
_BUYER = (
    F(("手机", "手机号", "联系手机", "收货人手机号", "收货人手机", "联系电话", "电话"), "phone_user", "phone_hash"),
    F(("买家会员名", "买家昵称", "买家账号", "客户账号", "用户账号", "客户姓名"), "buyer_user", "pseudonym"),
)


def _not_paid(frame: pd.DataFrame) -> pd.Series:
    if "paid_at" in frame:
        return frame["paid_at"].isna()
    return num(frame, "amount").fillna(0) <= 0


def _refunded(frame: pd.DataFrame) -> pd.Series:
    return (num(frame, "amount").fillna(0) <= 0) & (num(frame, "refund_amount").fillna(0) > 0)


def _cancelled(frame: pd.DataFrame) -> pd.Series:
    return col(frame, "status").astype("string").str.contains("取消|关闭|未付款|等待付款", na=False)


_ORDER_OUTPUT = {c: c for c in ("order_id", "user_id", "ordered_at", "product", "sku", "quantity",
                                "amount", "region", "paid_at", "list_amount", "refund_amount", "status")}

TMALL_ORDERS = SourceKind(
    name="tmall-orders",
    description="Tmall/Taobao seller order export (订单报表).",
    sample="订单编号,总金额,买家实际支付金额,收货地址,订单创建时间,订单付款时间,退款金额,商品名称,数量",
    signature=(("订单编号",), ("买家实际支付金额",), ("订单创建时间",)),
    fields=(
        F(("订单编号",), "order_id", "str"),
        F(("订单创建时间", "下单时间"), "ordered_at", "timestamp"),
        F(("订单付款时间", "付款时间"), "paid_at", "timestamp"),
        F(("买家实际支付金额", "实付金额"), "amount", "money"),
        F(("总金额", "订单金额"), "list_amount", "money"),
        F(("退款金额",), "refund_amount", "money"),
        F(("收货地址", "收货省份", "省份"), "region", "province"),
        F(("商品名称", "宝贝标题", "宝贝名称"), "product", "str"),
        F(("商家编码", "SKU", "商品编码"), "sku", "str"),
        F(("数量", "宝贝总数量", "购买数量"), "quantity", "count"),
        F(("订单状态",), "status", "str"),
        *_BUYER,
    ),
    derived=(
        Derive("user_id", "hashed phone, else hashed buyer account, else `order:<订单编号>` (one anonymous "
               "buyer per order: repurchase cannot be measured)", _order_user),
    ),
    drops=(
        Drop("cancelled or closed (订单状态)", _cancelled),
        Drop("unpaid (no 订单付款时间)", _not_paid),
        Drop("fully refunded (买家实际支付金额 0 after a refund)", _refunded),
    ),
    outputs=(Output("orders", _ORDER_OUTPUT, constants={"platform": "tmall"}),),
    ignored={"收货人姓名": "names are never imported", "详细地址": "only the province is kept"},
)

JD_ORDERS = SourceKind(
    name="jd-orders",
    description="JD (京东) merchant order export.",
    sample="订单号,商品名称,订购数量,下单时间,付款确认时间,应付金额,订单金额,订单状态,省份,联系电话",
    signature=(("订单号",), ("应付金额", "订单金额"), ("下单时间",), ("订购数量", "商品数量")),
    fields=(
        F(("订单号",), "order_id", "str"),
        F(("下单时间",), "ordered_at", "timestamp"),
        F(("付款确认时间", "付款时间"), "paid_at", "timestamp"),
        F(("应付金额", "实付金额"), "amount", "money"),
        F(("订单金额",), "list_amount", "money"),
        F(("退款金额",), "refund_amount", "money"),
        F(("省份", "收货省份", "客户地址", "收货地址"), "region", "province"),
        F(("商品名称",), "product", "str"), F(("商品ID", "SKU"), "sku", "str"),
        F(("订购数量", "商品数量"), "quantity", "count"),
        F(("订单状态",), "status", "str"),
        *_BUYER,
    ),
    derived=TMALL_ORDERS.derived,
    drops=(
        Drop("cancelled or unpaid (订单状态)", _cancelled),
        Drop("fully refunded (nothing paid after a refund)", _refunded),
    ),
    outputs=(Output("orders", _ORDER_OUTPUT, constants={"platform": "jd"}),),
    ignored={"客户姓名": "names are never imported (hashed as buyer id)"},
)

KINDS: dict[str, SourceKind] = {k.name: k for k in (
    JUGUANG, PUGONGYING, XINHONG, AGENCY, MEDIACRAWLER_NOTES, MEDIACRAWLER_COMMENTS, SPIDER_XHS_NOTES,
    SPIDER_XHS_COMMENTS, XHS_RESEARCH, TMALL_ORDERS, JD_ORDERS)}
"""Every source kind, by name (the SOURCE_KIND argument of `zhongcao import`)."""
ORDER_RULE = _ORDER_RULE
