"""墨小笔: an online handwriting course for primary-school children; users are parents.

Planted: lost leads drift to copybooks (字帖) and offline classes (线下班), not to other
online courses; grade 1–2 parents worry about pen grip and posture, grade 4–6 parents about
exam neatness (卷面分) and speed; a content-strategy change on 2025-03-01 triples leads.
"""

from __future__ import annotations

import numpy as np

from zhongcao.simulate.spec import Product, Topic, Window, WorldSpec

BRAND = "墨小笔"
ONLINE_RIVALS = ("练字宝", "一笔一画在线", "字里行间")

SLOTS: dict[str, tuple[str, ...]] = {
    "grade": ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级"),
    "low": ("一年级", "二年级", "刚上一年级", "幼小衔接阶段"),
    "high": ("四年级", "五年级", "六年级", "马上小升初"),
    "sp": ("名师直播带练", "AI逐字批改", "每天15分钟", "控笔到结构循序渐进", "老师一对一点评"),
    "minus": ("价格不算便宜", "需要家长盯着", "课程排期有点紧", "app偶尔卡"),
    "grip": ("握笔姿势", "握笔姿势不对", "坐姿", "写字趴着坐姿歪", "握笔太用力"),
    "exam": ("卷面分", "考试卷面", "写字速度", "考试时间不够", "卷面不整洁"),
    "kid": ("娃", "孩子", "我家崽", "小朋友", "闺女", "儿子"),
    "city": ("成都", "杭州", "广州", "北京", "武汉", "西安", "南京", "长沙"),
    "copy": ("田字格字帖", "控笔字帖", "同步字帖", "描红字帖", "楷书字帖"),
    "offline": ("线下班", "线下书法班", "少儿书法馆", "周末练字班"),
    "online": ("在线练字课", "练字网课", "直播练字课", "AI练字课"),
}

OWN = Topic(
    "own_course", "墨小笔练字课", "own", 0.30,
    titles=("{kid}跟{brand}练字{time}，字真的变了", "{brand}练字课真实体验", "练字到底有没有用？说说{brand}",
            "{sp}｜{brand}上课记录", "{grade}练字打卡第30天"),
    bodies=("{kid}上{brand}的练字课{time}了，{feel}", "老师{sp}，{kid}每天愿意自己打开练", "最明显的是{kid}的字从歪歪扭扭到工整",
            "{brand}的课{sp}，对不太有耐心的{kid}挺友好", "对比了好几家最后选了{brand}，主要是{sp}",
            "前后对比图放最后一张，{feel}", "{grade}的{kid}练了一个学期，老师都夸了"),
    tags=("练字", "小学生练字", "{brand}", "硬笔书法", "家长必看"),
    comments=("{brand}怎么报名", "我家也在学{brand}，{praise}", "体验课多少钱呀", "{ask}", "老师是真人直播吗",
              "练了多久有效果呀", "{praise}，前后对比好明显"),
    conv_mult=1.0,
)
COPYBOOK = Topic(
    "copybook", "字帖", "competitor", 0.14, brands=("墨香字帖", "华夏字帖坊", "一笔好字帖"),
    titles=("小学生字帖怎么选？{brand}真香", "{copy}测评｜{brand}", "不报班！一本字帖练出好字", "{grade}字帖推荐"),
    bodies=("自己在家用{brand}的{copy}，一天一页{feel}", "字帖比报班便宜太多了，{kid}练了{time}", "{copy}选对了事半功倍",
            "推荐{brand}，纸张好不洇墨，{kid}很喜欢描红", "家长陪着练字帖，坚持下来效果也不错"),
    tags=("字帖推荐", "练字", "{copy}", "小学生"),
    comments=("字帖叫什么名字", "{ask}", "我家也在练字帖", "字帖要练多久呀", "{praise}，字帖已下单"),
)
OFFLINE = Topic(
    "offline_class", "线下班", "competitor", 0.10, brands=("翰墨书院", "童笔书法馆", "小楷堂"),
    titles=("{city}少儿书法班探店", "线下练字班值得报吗｜{brand}", "报了{brand}线下班{time}", "附近练字班怎么选"),
    bodies=("周末送{kid}去{brand}的{offline}，老师手把手纠正", "{offline}有老师盯着效果确实快", "{city}这家{offline}环境不错",
            "线下书法班一节课两小时，{kid}回来还挺开心", "比起网课，{offline}能当面纠正握笔"),
    tags=("线下书法班", "少儿书法", "练字班", "{city}"),
    comments=("在{city}哪里呀", "{offline}多少钱一节", "{ask}", "线下班求地址", "我们也在上线下班"),
)
ONLINE = Topic(
    "online_course", "在线课", "competitor", 0.16, brands=ONLINE_RIVALS,
    titles=("{brand}在线练字课测评", "网课练字有用吗？{brand}", "在线练字课横评｜{brand}", "{brand}上了{time}的感受"),
    bodies=("{brand}的{online}{feel}", "在线练字课看了好几家，{brand}价格比较友好", "{online}省去接送，{kid}在家就能上",
            "{brand}的{online}老师点评有点慢", "对比下来{brand}的课程体系还算完整"),
    tags=("在线练字课", "练字网课", "{brand}", "练字"),
    comments=("在线课效果怎么样", "{ask}", "网课能纠正握笔吗", "我家在上{brand}", "价格多少呀"),
)
PARENTING = Topic(
    "parenting", "育儿学习", "neutral", 0.30,
    titles=("{grade}家长必看", "小学学习习惯怎么养", "开学准备清单", "{kid}写作业拖拉怎么办", "幼小衔接经验分享"),
    bodies=("{kid}上{grade}以后作业越来越多", "分享几个小学学习习惯的小方法", "写作业拖拉真的愁人",
            "{grade}是打基础的关键期", "老师说书写习惯很重要"),
    tags=("育儿", "小学生", "家长", "学习方法"),
    comments=("{praise}", "同款{kid}", "太真实了", "{ask}", "学到了，谢谢分享"),
)

GRIP_COMMENTS = ("{kid}{low}，{grip}愁死了", "{low}的{kid}握笔姿势怎么纠正啊", "坐姿太差，写字趴在桌上",
                 "{kid}写字老是歪着头，坐姿说了也不改", "握笔姿势不对会不会影响以后", "有没有纠正握笔姿势的方法",
                 "{low}，握笔太用力手都红了")
EXAM_COMMENTS = ("{high}了，卷面分老被扣", "考试写字速度跟不上，作文写不完", "卷面不整洁扣了好几分",
                 "字一写快就乱，考试时间不够", "{high}还来得及练吗？卷面分太重要了", "中考卷面分听说很看重",
                 "写字速度和卷面怎么兼顾")

SPEC = WorldSpec(
    key="writing-course",
    brand={
        "name": BRAND, "category": "education",
        "selling_points": ["名师直播带练", "AI逐字批改", "30天见效"],
        "known_competitors": list(ONLINE_RIVALS),
        "lexicon": [BRAND, "握笔姿势", "坐姿", "卷面分", "字帖", "线下班", "线下书法班", "控笔", "描红", "田字格",
                    *ONLINE_RIVALS],
        "target": {"gender": "f", "age_band": ["30-34", "35-39"]},
        "scenes": {"幼小衔接": ["幼小衔接", "一年级", "握笔"], "考试提分": ["卷面分", "考试", "作文"]},
        "products": ["墨小笔 硬笔书法课(30节)", "墨小笔 控笔训练营", "墨小笔 暑期集训营", "墨小笔 练字礼盒"],
    },
    creator_category="教育",
    products=(Product("墨小笔 硬笔书法课(30节)", "MXB-30", 699.0, 3.0), Product("墨小笔 控笔训练营", "MXB-KB", 199.0, 3.0),
              Product("墨小笔 暑期集训营", "MXB-SUM", 999.0, 1.0), Product("墨小笔 练字礼盒", "MXB-BOX", 129.0, 2.0)),
    topics=(OWN, COPYBOOK, OFFLINE, ONLINE, PARENTING),
    slots={**SLOTS, "brand": (BRAND,)},
    segments=("1-2", "3", "4-6"),
    segment_of=lambda g, a, grp, x: np.where(x["child_grade"] <= 2, 0, np.where(x["child_grade"] == 3, 1, 2)),
    user_extras=lambda rng, n: {"child_grade": rng.integers(1, 7, n).astype(np.int64)},
    affinity={"1-2": {"own_course": 1.2}, "4-6": {"online_course": 1.1}},
    segment_comments={"1-2": GRIP_COMMENTS, "3": ("三年级开始写作文了，字太潦草", "{kid}三年级，字写得东倒西歪"),
                      "4-6": EXAM_COMMENTS},
    segment_queries={
        "1-2": ("握笔姿势纠正", "一年级握笔姿势", "孩子坐姿不正确怎么办", "幼小衔接 练字", "控笔训练 一年级",
                "握笔器有用吗", "写字坐姿 矫正"),
        "3": ("三年级 练字", "小学生 字潦草", "钢笔字 小学生", "三年级作文 书写"),
        "4-6": ("卷面分 怎么提高", "小学考试卷面", "写字速度慢怎么办", "六年级 练字 考试", "卷面整洁 练字",
                "小升初 卷面分", "考试写字快又好"),
    },
    brand_queries=("墨小笔", "墨小笔 练字课", "墨小笔 怎么样", "墨小笔 体验课", "墨小笔 课程价格", "墨小笔 老师"),
    lead_remarks={
        "1-2": ("{low}，家长说握笔姿势不对想纠正", "孩子坐姿差，写字趴桌子，想了解体验课", "幼小衔接，想先练控笔和握笔姿势",
                "家长关注握笔姿势和坐姿，约周末试听"),
        "3": ("三年级，字比较潦草，想系统练", "家长想提升书写工整度"),
        "4-6": ("{high}，考试卷面分被扣，想提高", "关注写字速度，考试作文写不完", "家长说卷面不整洁，想冲刺小升初",
                "想兼顾卷面分和书写速度"),
    },
    gender_f=0.8,
    age_weights=(0.02, 0.12, 0.38, 0.33, 0.15),
    base_orders=0.02,
    segment_order_mult={"1-2": 1.1, "3": 1.0, "4-6": 0.9},
    platforms={"red": 0.5, "tmall": 0.3, "jd": 0.2},
    monthly_season=(0.9, 1.1, 1.2, 1.0, 0.95, 0.95, 1.2, 1.25, 1.2, 0.95, 0.9, 0.85),
    lead_rate=0.01,
    lead_rate_after=3.0,
    strategy_date="2025-03-01",
    negative_window=Window("2025-09-08", "2025-09-12"),
    holdout=Window("2025-10-20", "2025-11-11"),
    holdout_campaign="信息流-双11拉新实验",
    nps_mean={"1-2": 8.6, "3": 7.8, "4-6": 6.9},
    soft_ad_slogan=("墨小笔，30天写出一手好字", "名师直播带练，AI逐字批改", "孩子的字，是家长的面子"),
    post_lead={
        "lost": {"copybook": 0.33, "offline_class": 0.30, "online_course": 0.12, "own_course": 0.07, "parenting": 0.18},
        "won": {"copybook": 0.04, "offline_class": 0.03, "online_course": 0.12, "own_course": 0.50, "parenting": 0.31},
        "other": {"copybook": 0.10, "offline_class": 0.08, "online_course": 0.12, "own_course": 0.35, "parenting": 0.35},
    },
    post_lead_queries={
        "copybook": ("字帖推荐", "小学生字帖哪个好", "{grade}字帖推荐", "控笔字帖", "田字格字帖 练字", "字帖 自己练"),
        "offline_class": ("附近练字班", "线下书法班 多少钱", "{city}少儿书法班", "附近硬笔书法培训", "线下练字班靠谱吗"),
        "online_course": ("在线练字课哪家好", "在线练字课 对比", "网课练字有用吗", "练字宝 在线课", "AI练字课 测评"),
    },
    truth_static={
        "lost_leads": {
            "competitors_over_indexed": ["字帖", "线下班"],
            "competitors_not_over_indexed": ["在线课"],
            "topics": {"字帖": "copybook", "线下班": "offline_class", "在线课": "online_course"},
            "words": {"字帖": ["字帖", "描红"], "线下班": ["线下班", "线下书法班", "练字班", "书法馆"],
                      "在线课": ["在线练字课", "网课", "在线课"]},
            "measure": "share of leads with read/collect/comment on the topic's notes or a matching search after created_at; TGI lost vs won",
            "expected_tgi": {"字帖": ">= 200", "线下班": ">= 200", "在线课": "about 100"},
        },
        "pain_points": {"1-2": ["握笔姿势", "坐姿", "握笔"], "4-6": ["卷面分", "考试", "写字速度"]},
        "strategy_change": {"content": "from brand introductions to grade-specific pain-point notes (握笔/卷面分)"},
    },
    user_extra_columns=("child_grade",),
    lead_extra_columns=("child_grade",),
)
