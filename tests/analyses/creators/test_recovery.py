"""Planted creators recovered from truth.json on every demo world (15k users)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from scipy.stats import spearmanr

from zhongcao.analyses.creators import CreatorAnalysis, shortlist
from zhongcao.errors import AnalysisError

pytestmark = pytest.mark.slow


def _pr(predicted: set[str], truth: set[str]) -> tuple[float, float]:
    tp = len(predicted & truth)
    return tp / max(len(predicted), 1), tp / max(len(truth), 1)


def creator_checks(a: CreatorAnalysis, truth: dict[str, Any]) -> dict[str, tuple[set[str], list[str]]]:
    """Each creator verdict as (predicted ids, planted ids): the demo and the foreign recovery tests share it."""
    return {
        "genuine": (set(a.genuine_.loc[a.genuine_["genuine"], "creator_id"]), truth["creators"]["genuine_users"]),
        "soft_ad_notes": (set(a.soft_ads_["note_id"]), truth["soft_ad_notes"]["all"]),
        "undisclosed": (set(a.soft_ads_.loc[a.soft_ads_["undisclosed"], "note_id"]),
                        truth["soft_ad_notes"]["undisclosed"]),
        "soft_ad_creators": (set(a.soft_ad_creators_), truth["creators"]["soft_ad_creators"]),
        "fake": (set(a.fake_engagement_.loc[a.fake_engagement_["flagged"], "creator_id"]),
                 truth["creators"]["fake_engagement"]),
    }


@pytest.fixture(scope="module")
def fitted(creator_worlds: dict[str, tuple[Any, dict[str, Any]]]) -> dict[str, tuple[CreatorAnalysis, dict[str, Any]]]:
    return {w: (CreatorAnalysis().fit(ws), truth) for w, (ws, truth) in creator_worlds.items()}


def test_genuine_soft_ad_and_fake_recovered(fitted: dict[str, tuple[CreatorAnalysis, dict[str, Any]]]) -> None:
    for world, (a, truth) in fitted.items():
        checks = creator_checks(a, truth)
        for name, (pred, true) in checks.items():
            p, r = _pr(pred, set(true))
            assert p >= 0.9 and r >= 0.9, f"{world} {name}: precision {p:.2f}, recall {r:.2f}"


def test_incremental_ranking_matches_truth(fitted: dict[str, tuple[CreatorAnalysis, dict[str, Any]]]) -> None:
    for world, (a, truth) in fitted.items():
        t = pd.Series(truth["creators"]["incremental_orders"])
        est = a.profiles_.set_index("creator_id")["incremental"].reindex(t.index).fillna(0)
        rho = spearmanr(t, est).statistic
        assert rho >= 0.8, f"{world}: Spearman {rho:.3f}"


def test_shortlist_beats_naive_plans_on_planted_orders(fitted: dict[str, tuple[CreatorAnalysis, dict[str, Any]]]) -> None:
    for world, (a, truth) in fitted.items():
        p = a.profiles_.set_index("creator_id")
        true_value = pd.Series(truth["creators"]["incremental_orders"]) / p["brand_notes"].clip(lower=1)
        plans = a.plans_.set_index("plan")
        worth = {k: float(true_value.reindex(plans.loc[k, "booked"]).fillna(0).sum()) for k in plans.index}
        spend = {k: float(plans.loc[k, "spend"]) for k in plans.index}
        assert all(s <= a.budget_ + 1e-6 for s in spend.values())
        assert worth["optimal"] > worth["biggest_accounts"], (world, worth)
        assert worth["optimal"] > worth["cheapest_cpe"], (world, worth)
        assert not set(plans.loc["optimal", "booked"]) & set(truth["creators"]["fake_engagement"])


def test_shortlist_constraints() -> None:
    c = pd.DataFrame({
        "creator_id": list("abcdef"), "quote": [100, 100, 100, 300, 50, 50.0],
        "value": [5, 4, 3, 20, 1, 1.0], "tier": ["腰部", "腰部", "初级", "头部", "素人", "素人"],
        "region": ["广东", "广东", "四川", "上海", "广东", "四川"], "tgi": [150, 90, 120, 200, 80, 130.0],
        "followers": [1e5, 8e4, 1e4, 1e6, 1e3, 2e3], "cpe_quoted": [1, 2, 3, 4, 0.5, 0.6],
    })
    book = lambda f: set(f.loc[f["book"], "creator_id"])  # noqa: E731
    assert book(shortlist.solve(c, 300)) == {"d"}  # 20 beats a + b + c (12) for the same 300
    assert book(shortlist.solve(c, 400)) == {"a", "d"}
    assert book(shortlist.solve(c, 400, max_per_tier={"头部": 0})) == {"a", "b", "c", "e", "f"}
    assert book(shortlist.solve(c, 300, min_per_tier={"初级": 1})) == {"a", "b", "c"}
    assert book(shortlist.solve(c, 1000, regions=["四川"])) == {"c", "f"}
    assert book(shortlist.solve(c, 1000, min_tgi=125)) == {"a", "d", "f"}
    assert "d" not in book(shortlist.solve(c, 1000, exclude={"d"}))
    with pytest.raises(AnalysisError, match="no shortlist"):
        shortlist.solve(c, 100, min_per_tier={"头部": 1})
