"""Burst detection over weekly counts: a planted rising scene is found; the digest is a finding."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from zhongcao.analyses.trends import TrendAnalysis
from zhongcao.findings.creators import trend_findings


@pytest.mark.slow
def test_clip_earbuds_ear_jewellery_rises(trend_worlds: dict[str, tuple[Any, dict[str, Any]]]) -> None:
    ws, truth = trend_worlds["clip-earbuds"]
    a = TrendAnalysis(min_z=2.0, min_count=3).fit(ws)
    words = set(truth["unplanned_use"]["words"]) | {truth["unplanned_use"]["scene"]}
    rising = a.rising_[a.rising_["source"] == "term"]
    assert rising["item"].isin(words).any(), rising.head(20)
    first = pd.to_datetime(rising.loc[rising["item"].isin(words), "week"]).min()
    assert first < pd.Timestamp("2025-12-31")
    (finding,) = trend_findings(a)
    assert finding.id in ("trends.digest", "trends.quiet")


def test_bursts_on_a_hand_made_series() -> None:
    counts = pd.DataFrame({"week": pd.date_range("2025-01-06", periods=12, freq="W-MON").repeat(1),
                           "source": "term", "item": "耳夹", "count": [2] * 10 + [30, 3]})
    out = TrendAnalysis(baseline_weeks=8)._bursts(counts)
    assert list(out["week"]) == [pd.Timestamp("2025-03-17")]
    assert out["z"].iloc[0] > 10
