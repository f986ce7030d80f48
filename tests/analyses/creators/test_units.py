"""Small hand-checked pieces: tiers, CPE/CPM, near-duplicates, soft-ad phrases; real 新红 table."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from tests.conftest import shared_data
from zhongcao.analyses.creators import near_duplicate_groups
from zhongcao.analyses.creators.content import soft_ad_scores
from zhongcao.analyses.creators.profile import cpe, cpm, tier


def test_tiers_at_the_boundaries() -> None:
    t = tier(pd.Series([500_000, 499_999, 50_000, 5_000, 4_999, None]))
    assert t.tolist() == ["头部", "腰部", "腰部", "初级", "素人", "素人"]


def test_cpe_cpm_by_hand() -> None:
    assert cpe(1000, 60, 30, 10) == 10.0
    assert cpm(1000, 50_000) == 20.0
    assert np.isnan(cpe(1000, 0, 0, 0))


def test_near_duplicates_ignore_emoji_and_particles() -> None:
    g = near_duplicate_groups(["好美啊👍👍", "好美啊！！", "今天去爬山了风景很好呀", "今天去爬山了风景很好",
                               "完全无关的一句评论内容"])
    assert g[0] == g[1] and g[2] == g[3] and g[0] != g[2] and g[4] not in (g[0], g[2])


def test_soft_ad_phrases_fire() -> None:
    notes = pd.DataFrame({"note_id": ["n1", "n2"], "creator_id": ["c1", "c2"], "sponsored": [False, True],
                          "title": ["闭眼入！全网最低", "用了三个月的真实感受"],
                          "body": ["手慢无，优惠码 GOOD50", "我自己花钱买的，一直在用"]})
    s = soft_ad_scores(notes).set_index("note_id")
    assert s.loc["n1", "score"] >= 3 and s.loc["n1", "codes"] == 1 and not s.loc["n1", "personal"]
    assert s.loc["n2", "score"] < 0


def test_xinhong_cpe_cpm_against_the_tables_own_columns() -> None:
    """Our quoted CPE = quote ÷ sponsored-note engagement, CPM = quote ÷ reads × 1000, vs 新红's columns.

    They do NOT agree row for row: 新红 computes its CPE/CPM from data not in the table (only 28%
    of rows are within ±25% using 商业笔记平均互动量, the closest column) and its CPM is on another
    scale (ours ≈ 438× theirs). What holds is the ordering of creators (Spearman) and, for CPE, the
    scale; docs/creators.md reports the numbers printed here.
    """
    path = shared_data("xhs", "xinhong_kol_stats_redacted.csv")
    cols = ["平均点赞", "平均收藏", "平均评论数", "平均预估阅读", "图文报价", "图文CPE", "图文CPM", "商业笔记平均互动量"]
    d = pd.read_csv(path, usecols=cols)
    d = d.apply(pd.to_numeric, errors="coerce")
    both = d[(d["图文CPE"] > 0) & (d["图文报价"] > 0)].dropna()
    # 商业笔记平均互动量 is the sponsored notes' engagement, what our profile's quoted CPE divides by.
    ours_cpe = [cpe(q, e, 0, 0) for q, e in zip(both["图文报价"], both["商业笔记平均互动量"], strict=True)]
    all_cpe = [cpe(q, lk, co, cm) for q, lk, co, cm in zip(both["图文报价"], both["平均点赞"], both["平均收藏"],
                                                            both["平均评论数"], strict=True)]
    ours_cpm = [cpm(q, v) for q, v in zip(both["图文报价"], both["平均预估阅读"], strict=True)]
    rho_cpe = spearmanr(ours_cpe, both["图文CPE"]).statistic
    rho_cpm = spearmanr(ours_cpm, both["图文CPM"]).statistic
    ratio = float(np.median(np.asarray(ours_cpe) / both["图文CPE"]))
    rho_all = spearmanr(all_cpe, both["图文CPE"]).statistic
    print(f"xinhong rows with both: {len(both)}; Spearman CPE {rho_cpe:.3f} (all-note engagement {rho_all:.3f}), "
          f"CPM {rho_cpm:.3f}; median ours/theirs CPE {ratio:.2f}")
    assert len(both) > 500
    assert rho_cpe > 0.6 and rho_cpm > 0.55
    assert 0.1 < ratio < 10
