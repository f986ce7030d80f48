"""The planted truths are visible in the raw tables, measured with plain pandas."""

from __future__ import annotations

import pandas as pd

from tests.simulate.simworld import World

ENGAGE = {"read", "collect", "comment", "search"}


def _post_lead_reach(w: World, topic: str, words: str) -> pd.Series:
    """Per lead: did the user engage with the topic's notes or search for it after the lead?"""
    leads = w["leads"][["user_id", "created_at", "status"]]
    ex = w["exposures"]
    ex = ex[ex.action.isin(ENGAGE)].merge(w["notes"][["note_id", "topic"]], on="note_id", how="left")
    hit = (ex.topic == topic) | ex["query"].fillna("").str.contains(words)
    ex = ex[hit].merge(leads, on="user_id")
    ex = ex[ex.ts > ex.created_at]
    return leads.user_id.isin(ex.user_id)


def _tgi(w: World, topic: str, words: str) -> float:
    leads = w["leads"]
    reached = _post_lead_reach(w, topic, words)
    lost = reached[leads.status == "lost"].mean()
    won = reached[leads.status == "won"].mean()
    return 100 * lost / won


def test_lost_leads_go_to_copybooks_and_offline_classes(worlds: dict[str, World]) -> None:
    w = worlds["writing-course"]
    assert _tgi(w, "copybook", "字帖") >= 150
    assert _tgi(w, "offline_class", "练字班|书法班|书法培训") >= 150
    assert _tgi(w, "online_course", "在线练字课|网课|AI练字课") < 130
    assert w.truth["lost_leads"]["competitors_over_indexed"] == ["字帖", "线下班"]
    assert not {"字帖", "线下班"} & set(w.truth["brand"]["known_competitors"])


def test_pain_points_differ_by_grade(worlds: dict[str, World]) -> None:
    w = worlds["writing-course"]
    grade = w["users"].set_index("user_id").child_grade
    texts = pd.concat([
        w["comments"][["user_id", "text"]],
        w["exposures"].dropna(subset=["query"]).rename(columns={"query": "text"})[["user_id", "text"]],
        w["leads"].rename(columns={"remark": "text"})[["user_id", "text"]],
    ]).dropna(subset=["user_id"])
    texts["grade"] = texts.user_id.map(grade)
    low, high = texts[texts.grade <= 2].text, texts[texts.grade >= 4].text
    grip, exam = "握笔|坐姿", "卷面"
    assert low.str.contains(grip).mean() > 2 * high.str.contains(grip).mean()
    assert high.str.contains(exam).mean() > 2 * low.str.contains(exam).mean()
    assert "child_grade" in w["leads"].columns


def test_strategy_change_triples_leads(worlds: dict[str, World]) -> None:
    w = worlds["writing-course"]
    day = w["leads"].created_at.dt.normalize()
    cut = pd.Timestamp("2025-03-01")
    before = (day < cut).sum() / (cut - pd.Timestamp("2024-01-01")).days
    after = (day >= cut).sum() / (pd.Timestamp("2026-01-01") - cut).days
    assert 2.2 < after / before < 4.0
    sc = w.truth["strategy_change"]
    assert sc["cpl_after"] < sc["cpl_before"] / 2


def test_nps_differs_by_segment(worlds: dict[str, World]) -> None:
    s = worlds["writing-course"]["surveys"]
    nps = s.groupby("segment").nps.apply(lambda x: 100 * ((x >= 9).mean() - (x <= 6).mean()))
    assert nps["1-2"] > nps["4-6"] + 20


def test_ear_jewellery_scene_grows_and_belongs_to_young_women(worlds: dict[str, World]) -> None:
    w = worlds["clip-earbuds"]
    notes = w["notes"]
    jewel = notes.title.fillna("").str.contains("耳饰|耳夹") | notes.body.str.contains("耳饰|穿搭|贴钻|DIY")
    q = notes.published_at.dt.to_period("Q")
    share = jewel.groupby(q).mean()
    assert share[pd.Period("2025Q4")] > 2 * share[pd.Period("2024Q1")]
    users = w["users"].set_index("user_id")
    young_f = (users.gender == "f") & users.age_band.isin(["18-24", "25-29"])
    ex = w["exposures"].merge(notes[["note_id"]].assign(jewel=jewel.values), on="note_id")
    ex["young_f"] = ex.user_id.map(young_f)
    assert ex[ex.jewel].young_f.mean() > ex[~ex.jewel].young_f.mean() + 0.2
    # Readers save those notes far more often.
    collect = ex.action.eq("collect").groupby(ex.jewel).mean()
    assert collect[True] > 1.5 * collect[False]
    assert "耳饰" not in w.truth["brand"]["scenes"]


def test_regional_scenes(worlds: dict[str, World]) -> None:
    w = worlds["hiking-shoes"]
    notes = w["notes"].dropna(subset=["region"])
    text = notes.title.fillna("") + notes.body
    sw = notes.region.isin(["四川", "重庆", "云南", "贵州"])
    south = notes.region.isin(["广东", "广西", "海南"])
    mountain = text.str.contains("登山|徒步|抓地|支撑|四姑娘山|贡嘎|峨眉山|稻城亚丁")
    city = text.str.contains("citywalk|城市漫步|透气|不闷脚|轻便")
    assert mountain[sw].mean() > 1.5 * mountain[south].mean()
    assert city[south].mean() > 1.5 * city[sw].mean()


def test_southern_orders_rise_after_strategy(hiking_50k: World) -> None:
    w = hiking_50k
    o = w["orders"].merge(w["users"][["user_id", "region"]].rename(columns={"region": "home"}), on="user_id")
    south = o.home.isin(["广东", "广西", "海南"])
    start = pd.Timestamp("2025-06-01")
    window = pd.Timestamp("2024-06-01")

    def ratio(mask: pd.Series, value: str | None) -> float:
        x = o[mask]
        agg = (lambda d: d.amount.sum()) if value else len
        return agg(x[x.ordered_at >= start]) / agg(x[(x.ordered_at >= window) & (x.ordered_at < start)])

    assert ratio(south, None) / ratio(~south, None) > 1.1
    assert ratio(south, "gmv") / ratio(~south, "gmv") > 1.1
    # Parallel pre-trends: 2024H2 vs 2024H1 growth is alike in both groups.
    def pre(mask: pd.Series) -> float:
        x = o[mask]
        return ((x.ordered_at >= window) & (x.ordered_at < start)).sum() / (x.ordered_at < window).sum()

    assert abs(pre(south) / pre(~south) - 1) < 0.2


def test_fake_engagement_comments_are_duplicated(worlds: dict[str, World]) -> None:
    for w in worlds.values():
        fakes = set(w.truth["creators"]["fake_engagement"])
        c = w["comments"].merge(w["notes"][["note_id", "creator_id"]], on="note_id")
        c["fake"] = c.creator_id.isin(fakes)
        # Within one note, bought comments repeat the same few lines.
        c["dup"] = c.duplicated(["note_id", "text"])
        dup = c.groupby("fake").dup.mean()
        assert dup[True] > dup[False] + 0.3
        # Commenters on those notes appear nowhere else.
        fresh = c[c.fake].user_id.dropna()
        assert (~fresh.isin(w["users"].user_id) & ~fresh.isin(w["exposures"].user_id)).mean() > 0.8
        notes = w["notes"]
        ratio = (notes.likes / notes.collects.clip(lower=1)).groupby(notes.creator_id.isin(fakes)).median()
        assert ratio[True] > 5 * ratio[False]


def test_negative_burst_falls_in_window(worlds: dict[str, World]) -> None:
    for w in worlds.values():
        nb = w.truth["negative_burst"]
        notes = w["notes"]
        neg = notes[(notes.brand == w.truth["brand"]["name"]) & notes.body.str.contains("质量差|踩雷|智商税|退货|避雷")]
        day = neg.published_at.dt.normalize().value_counts()
        peak = day.idxmax()
        assert pd.Timestamp(nb["start"]) <= peak <= pd.Timestamp(nb["end"])
        inside = neg.published_at.between(pd.Timestamp(nb["start"]), pd.Timestamp(nb["end"]) + pd.Timedelta(days=1))
        assert inside.mean() > 0.8
        accounts = w["creators"].set_index("creator_id").loc[nb["accounts"]]
        assert (accounts.registered_at <= pd.Timestamp(nb["start"]).date()).all()
        assert (pd.to_datetime(accounts.registered_at) > pd.Timestamp(nb["start"]) - pd.Timedelta(days=10)).all()


def test_holdout_converts_less(worlds: dict[str, World]) -> None:
    for w in worlds.values():
        h = w.truth["holdout"]
        users = w["users"]
        o = w["orders"]
        lo, hi = pd.Timestamp(h["start"]), pd.Timestamp(h["end"]) + pd.Timedelta(days=14)
        buyers = set(o[(o.ordered_at >= lo) & (o.ordered_at < hi)].user_id)
        conv = users.assign(b=users.user_id.isin(buyers)).groupby("holdout_group").b.mean()
        assert conv["exposed"] > conv["holdout"] * 1.3
        assert (users.holdout_group == "holdout").sum() == h["holdout_users"]


def test_genuine_users_posted_before_sponsorship(worlds: dict[str, World]) -> None:
    for w in worlds.values():
        notes = w["notes"]
        for cid in w.truth["creators"]["genuine_users"]:
            mine = notes[notes.creator_id == cid]
            organic = mine[~mine.sponsored]
            paid = mine[mine.sponsored]
            assert len(organic) and organic.body.str.contains("用了|回购|一直在用|长期").any()
            if len(paid):
                assert organic.published_at.min() < paid.published_at.min()


def test_soft_ads_use_hard_sell_language(worlds: dict[str, World]) -> None:
    for w in worlds.values():
        notes = w["notes"].set_index("note_id")
        soft = notes.loc[w.truth["soft_ad_notes"]["all"]]
        text = soft.title.fillna("") + soft.body
        hard = "闭眼入|绝绝子|全网最低|优惠码|手慢无|口令|暗号|冲就完了|yyds|谁买谁夸|不买后悔|按头安利|立减"
        assert text.str.contains(hard).mean() > 0.8
        assert not notes.loc[w.truth["soft_ad_notes"]["undisclosed"]].sponsored.any()


def test_creator_effects_are_not_reach(worlds: dict[str, World]) -> None:
    w = worlds["writing-course"]
    inc = pd.Series(w.truth["creators"]["incremental_orders"])
    fol = w["creators"].set_index("creator_id").followers
    for big in w.truth["creators"]["big_but_useless"]:
        assert fol[big] > fol.median() and inc[big] < inc[inc > 0].median()
    # Readers of the truly effective creators buy more within 30 days of reading than readers of the big ones.
    notes = w["notes"][["note_id", "creator_id"]]
    reads = w["exposures"][w["exposures"].channel == "kol"].merge(notes, on="note_id")
    orders = w["orders"][["user_id", "ordered_at"]]

    def conv(creators: list[str]) -> float:
        r = reads[reads.creator_id.isin(creators)].groupby("user_id").ts.min().rename("read").reset_index()
        m = r.merge(orders, on="user_id", how="left")
        hit = (m.ordered_at > m.read) & (m.ordered_at <= m.read + pd.Timedelta(days=30))
        return float(hit.groupby(m.user_id).any().mean())

    top = list(inc.sort_values().index[-10:])
    assert conv(top) > 1.3 * conv(w.truth["creators"]["big_but_useless"])


def test_notes_and_comments_read_like_a_platform_export(worlds: dict[str, World]) -> None:
    """Stickers, shortcodes, mentions, slang, [话题] hashtags, traditional script and one-creator title series."""
    from zhongcao.simulate.text import SLANG, TRADITIONAL
    from zhongcao.text import tokenise

    w = worlds["clip-earbuds"]
    notes = w["notes"]
    text = notes["title"].fillna("") + " " + notes["body"].fillna("")
    comments = w["comments"]["text"].fillna("")
    for texts in (text, comments):
        assert texts.str.contains(r"\[[^\[\]]{1,6}R\]|\[doge\]").mean() > 0.05  # platform stickers
        assert texts.str.contains("|".join(SLANG)).mean() > 0.02
        assert texts.str.contains("[" + "".join(set(TRADITIONAL.values()) - set(TRADITIONAL)) + "]").mean() > 0.01
    assert text.str.contains(r":[a-z_]+:").any() and text.str.contains("@").any()
    assert text.str.contains(r"\[话题\]#").mean() > 0.1
    # The busiest creator titles most notes from one template.
    top = notes["creator_id"].value_counts().index[0]
    titles = notes.loc[notes["creator_id"] == top, "title"].fillna("")
    assert titles.str.contains("这件事|打卡第|日记|碎碎念").mean() > 0.5
    # The text layer reads through it: no sticker or shortcode debris among the tokens.
    tokens = {t for doc in tokenise(text.head(3000).tolist()) for t in doc}
    assert not {t for t in tokens if "[" in t or "]" in t or ":" in t or t in ("哭r", "笑哭r", "teddy")}
