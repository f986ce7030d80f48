"""Burst detection over weekly counts: a planted rising scene is found; the digest is a finding."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
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


class _Marts:
    """Marts as a clean room would hand them over: no user rows, no ``staged``."""

    def __init__(self, searchers_in_burst: int) -> None:
        from zhongcao.contract.tables import BrandConfig

        self.brand = BrandConfig()
        weeks = pd.date_range("2025-01-06", periods=12, freq="W-MON")
        self._tables = {
            "note_text": pd.DataFrame({"note_id": ["n1"], "title": ["耳机"], "body": [""]}),
            "note_metrics": pd.DataFrame({"note_id": ["n1"], "day": [weeks[0].date()]}),
            "query_weekly": pd.DataFrame({"day": [w.date() for w in weeks], "query": "耳夹耳机",
                                          "searches": [2] * 10 + [60, 2], "searchers": [2] * 10 + [searchers_in_burst, 2]}),
        }

    def mart(self, name: str) -> pa.Table:
        return pa.Table.from_pandas(self._tables[name], preserve_index=False)


@pytest.mark.parametrize("searchers, reported", [(60, True), (1, False)])
def test_a_query_is_reported_only_when_enough_distinct_people_searched_it(searchers: int, reported: bool) -> None:
    """Sixty searches in a week: a trend when sixty people made them, not when one person did."""
    a = TrendAnalysis(baseline_weeks=8).fit(_Marts(searchers))  # type: ignore[arg-type]
    queries = a.rising_[a.rising_["source"] == "query"]
    assert (list(queries["item"]) == ["耳夹耳机"]) is reported, queries
    if reported:
        assert queries["count"].iloc[0] == 60 and queries["week"].iloc[0] == pd.Timestamp("2025-03-17")
