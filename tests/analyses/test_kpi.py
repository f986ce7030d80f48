"""KPIs on the tiny fixture, checked against values computed by hand (see the comments)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from zhongcao.analyses.kpi import KpiAnalysis
from zhongcao.engine import Workspace
from zhongcao.errors import AnalysisError


@pytest.fixture
def kpi(tiny_ws: Path) -> KpiAnalysis:
    return KpiAnalysis(min_group_size=2).fit(Workspace(tiny_ws))


def test_totals_match_hand_computation(kpi: KpiAnalysis) -> None:
    t = kpi.totals_
    assert t["spend"] == pytest.approx(2200.0)  # 1000 + 500 + 500 + 200
    assert t["impressions"] == 55_000
    assert t["cpm"] == pytest.approx(2200 / 55_000 * 1000)  # 40
    assert t["reads"] == 2  # u1 on kol, u2 on feeds
    assert t["engagements"] == 3  # collect (u1), like (u2), share (u3)
    assert t["cpe"] == pytest.approx(2200 / 3)
    assert t["leads"] == 3
    assert t["cpl"] == pytest.approx(2200 / 3)
    assert t["orders"] == 4
    assert t["gmv"] == pytest.approx(799.5)  # 300 + 99.5 + 300 + 100
    assert t["roi"] == pytest.approx(799.5 / 2200)
    assert t["repurchase_rate"] == pytest.approx(1 / 3)  # u1 bought twice, u3 and u4 once
    assert t["nps"] == pytest.approx(25.0)  # promoters 2, detractors 1, of 4


def test_by_channel(kpi: KpiAnalysis) -> None:
    c = kpi.by_channel_.set_index("channel")
    assert c.loc["kol", "cpe"] == pytest.approx(1000.0)  # 1000 / one collect
    assert c.loc["feeds", "cpe"] == pytest.approx(500.0)  # 1000 / like + share
    assert math.isnan(c.loc["search", "cpe"])  # spend but no engagement
    # Last touch within 30 days: o1, o2 ← search (u1 searched at 11:00); o3 ← feeds; o4 ← none (too old).
    assert c.loc["search", "last_touch_orders"] == 2
    assert c.loc["search", "last_touch_gmv"] == pytest.approx(399.5)
    assert c.loc["feeds", "last_touch_gmv"] == pytest.approx(300.0)
    assert c.loc["none", "last_touch_orders"] == 1


def test_by_platform_and_repurchase(kpi: KpiAnalysis) -> None:
    p = kpi.by_platform_.set_index("platform")
    assert p.loc["tmall", "gmv"] == pytest.approx(199.5)
    assert p.loc["red", "orders"] == 1
    assert bool(p.loc["red", "closed_loop"]) and not bool(p.loc["jd", "closed_loop"])
    r = kpi.repurchase_.set_index("platform")
    assert r.loc["all", "buyers"] == 3 and r.loc["all", "repeat_buyers"] == 1
    assert r.loc["tmall", "repeat_buyers"] == 0  # u1's repeat is across platforms


def test_aips_funnel(kpi: KpiAnalysis) -> None:
    f = dict(zip(kpi.funnel_["stage"], kpi.funnel_["users"], strict=True))
    # aware: all 4; interested: u1, u2, u3; deep (read + collect/search/share): u1;
    # purchased: u1, u3, u4; shared (buyer who shared/commented or is a promoter): u1 (NPS 10), u3 (share).
    assert f == {"aware": 4, "interested": 3, "deeply_interested": 1, "purchased": 3, "shared": 2}


def test_small_segments_are_suppressed(tiny_ws: Path) -> None:
    kpi = KpiAnalysis().fit(Workspace(tiny_ws))  # default minimum group of 50
    seg = kpi.nps_by_segment_
    assert seg["suppressed"].all()
    assert seg["nps"].isna().all()


def test_parameters_are_validated(tiny_ws: Path) -> None:
    with pytest.raises(AnalysisError, match="min_group_size"):
        KpiAnalysis(min_group_size=0).fit(Workspace(tiny_ws))
    assert KpiAnalysis(recent_days=14).get_params()["recent_days"] == 14


def test_unfitted_analysis_says_so() -> None:
    with pytest.raises(AnalysisError, match="not fitted"):
        KpiAnalysis().check_is_fitted()
