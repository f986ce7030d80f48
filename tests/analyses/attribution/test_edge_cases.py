"""Edge cases of journey assembly and credit, on a hand-made workspace."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import FIXTURES
from zhongcao import pipeline
from zhongcao.analyses.attribution import AttributionAnalysis
from zhongcao.engine import Workspace
from zhongcao.findings.attribution import attribution_findings


@pytest.fixture(scope="module")
def edge_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    tmp_path = tmp_path_factory.mktemp("edge")
    tiny_dir = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", tiny_dir)
    rows = [
        # u1: two touches in the same second just before the order, one touch after it.
        ("u1", "2025-01-01 10:00:00", "feeds", "view", ""),
        ("u1", "2025-01-01 11:59:59", "feeds", "click", ""),
        ("u1", "2025-01-01 11:59:59", "kol", "read", "n1"),
        ("u1", "2025-01-01 13:00:00", "tmall_ad", "view", ""),
        # u4: touched, never converts.
        ("u4", "2025-01-01 09:00:00", "douyin", "view", ""),
    ]
    # u3: 500 touches in the 20 days before the order.
    start = datetime(2025, 1, 1, 0, 0, 0)
    for i in range(500):
        ts = start + timedelta(minutes=55 * i)
        rows.append(("u3", ts.strftime("%Y-%m-%d %H:%M:%S"), "kol" if i % 2 else "search", "view", ""))
    pd.DataFrame(rows, columns=["user_id", "ts", "channel", "action", "note_id"]).to_csv(
        tiny_dir / "exposures.csv", index=False)
    orders = pd.DataFrame({
        "order_id": ["o1", "o2", "o3"], "user_id": ["u1", "u2", "u3"],
        "ordered_at": ["2025-01-01 12:00:00", "2025-01-03 12:00:00", "2025-01-21 12:00:00"],
        "platform": ["red", "tmall", "jd"], "amount": ["300.55", "¥99.99", "1,234.01"],
    })
    orders.to_csv(tiny_dir / "orders.csv", index=False)
    spend = pd.DataFrame({
        "date": ["2025-01-01", "2025-01-01", "2025-01-02"], "channel": ["kol", "feeds", "brand_zone"],
        "amount": ["1000.10", "500.25", "250.50"], "campaign": ["c-kol", "c-feeds", "c-bz"],
        "note_id": ["n1", "", ""], "creator_id": ["c1", "", ""],
    })
    spend.to_csv(tiny_dir / "spend.csv", index=False)
    (tiny_dir / "leads.csv").write_text("lead_id,user_id,created_at,channel,note_id,status\n", encoding="utf-8")
    ws = tmp_path / "edge_ws"
    pipeline.ingest(tiny_dir, ws)
    return Workspace(ws)


@pytest.fixture(scope="module")
def fitted(edge_ws: Workspace) -> AttributionAnalysis:
    return AttributionAnalysis(min_group_size=1, bootstrap_draws=20).fit(edge_ws)


def _orders(a: AttributionAnalysis, model: str) -> pd.Series:
    c = a.channels_
    return c[(c["conversion"] == "orders") & (c["model"] == model)].set_index("channel")["conversions"]


def test_user_without_touches_is_an_untouched_conversion(fitted: AttributionAnalysis) -> None:
    j = fitted.journeys_.set_index("conversion_type")
    assert j.loc["order_tmall", "untouched"] == 1
    assert j.loc["order_tmall", "untouched_revenue"] == pytest.approx(99.99)
    # Credit covers touched conversions only: u1 and u3.
    for model in ("first_touch", "last_touch", "linear", "position_based", "time_decay", "markov", "shapley"):
        assert _orders(fitted, model).sum() == pytest.approx(2.0), model


def test_touches_after_the_conversion_are_ignored(fitted: AttributionAnalysis) -> None:
    assert "tmall_ad" not in set(fitted.channels_["channel"])


def test_same_second_touches_are_ordered_deterministically(fitted: AttributionAnalysis,
                                                         edge_ws: Workspace) -> None:
    # Ties on ts are broken by channel (descending when walking back from the conversion): kol is last.
    last = _orders(fitted, "last_touch")
    assert last["kol"] == pytest.approx(2.0)  # u1 (tie) and u3 (its last touch is kol)
    again = AttributionAnalysis(min_group_size=1, bootstrap_draws=20).fit(edge_ws)
    pd.testing.assert_frame_equal(fitted.channels_, again.channels_)


def test_a_conversion_with_500_touches_is_truncated_to_the_last_20(fitted: AttributionAnalysis,
                                                                  edge_ws: Workspace) -> None:
    j = fitted.journeys_.set_index("conversion_type")
    assert j.loc["order_jd", "truncated"] == 1
    paths = edge_ws.mart("attribution_journeys").to_pandas()
    jd = paths[(paths["conversion_type"] == "order_jd") & (paths["lookback_days"] == 30)]
    assert len(jd) == 1
    assert len(jd["path"].iloc[0].split(" > ")) == 20
    assert int(jd["touches"].iloc[0]) == 500
    lin = fitted.channels_[(fitted.channels_["model"] == "linear")].set_index("channel")["conversions"]
    assert lin["kol"] + lin["search"] == pytest.approx(1.0 + 1 / 3)  # u3: 10/20 each; u1: kol 1/3 of 3 touches
    assert lin["kol"] - lin["search"] == pytest.approx(1 / 3)


def test_channel_present_only_in_spend(fitted: AttributionAnalysis) -> None:
    c = fitted.channels_
    assert "brand_zone" not in set(c["channel"])  # no touches, so no credit rows
    costs = fitted.midfunnel_
    assert not costs.empty
    findings = attribution_findings(fitted)  # does not fail on a paid channel without journeys
    assert all(f.id.startswith("attribution.") for f in findings)


def test_currency_with_decimals(fitted: AttributionAnalysis) -> None:
    lin = fitted.channels_[(fitted.channels_["conversion"] == "orders") & (fitted.channels_["model"] == "linear")]
    assert lin["revenue"].sum() == pytest.approx(300.55 + 1234.01, abs=1e-9)
    kol = lin.set_index("channel").loc["kol"]
    assert kol["cost"] == pytest.approx(1000.10)
    assert kol["roi"] == pytest.approx(kol["revenue"] / 1000.10)


def test_orders_without_any_touch_raise_a_clear_error(tmp_path: Path) -> None:
    from zhongcao.errors import InsufficientDataError

    folder = tmp_path / "in"
    shutil.copytree(FIXTURES / "tiny", folder)
    (folder / "exposures.csv").write_text("user_id,ts,channel,action,note_id,query\n", encoding="utf-8")
    pipeline.ingest(folder, tmp_path / "ws")
    with pytest.raises(InsufficientDataError, match="no won lead or order has a touch"):
        AttributionAnalysis(bootstrap_draws=20).fit(Workspace(tmp_path / "ws"))


def test_each_lookback_keeps_the_tail_of_the_path_with_chinese_channel_names(tmp_path: Path) -> None:
    """A shorter lookback's path is the tail of the 60-day one, cut by characters: names of any length."""
    folder = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", folder)
    order_at = datetime(2025, 3, 1, 12, 0, 0)
    ages = {"小红书信息流": 40, "kol": 20, "搜索": 10, "品牌专区🔍": 1}  # days before the order
    rows = [("u1", (order_at - timedelta(days=d)).strftime("%Y-%m-%d %H:%M:%S"), ch, "view", "")
            for ch, d in ages.items()]
    # u2: 25 touches in the last 5 days (truncated to 20 in every lookback), one 50 days back.
    rows += [("u2", (order_at - timedelta(hours=4 * i + 1)).strftime("%Y-%m-%d %H:%M:%S"),
              "信息流" if i % 2 else "kol", "view", "") for i in range(25)]
    rows.append(("u2", (order_at - timedelta(days=50)).strftime("%Y-%m-%d %H:%M:%S"), "搜索", "view", ""))
    pd.DataFrame(rows, columns=["user_id", "ts", "channel", "action", "note_id"]).to_csv(
        folder / "exposures.csv", index=False)
    pd.DataFrame({"order_id": ["o1", "o2"], "user_id": ["u1", "u2"], "ordered_at": [str(order_at)] * 2,
                  "platform": ["tmall", "jd"], "amount": ["10", "20"]}).to_csv(folder / "orders.csv", index=False)
    (folder / "leads.csv").write_text("lead_id,user_id,created_at,channel,note_id,status\n", encoding="utf-8")
    pipeline.ingest(folder, tmp_path / "ws", marts=("attribution_journeys",))
    j = Workspace(tmp_path / "ws").mart("attribution_journeys").to_pandas().set_index(
        ["conversion_type", "lookback_days"])
    u1 = j.loc["order_tmall"]
    assert u1.loc[60, "path"] == "小红书信息流 > kol > 搜索 > 品牌专区🔍"
    assert u1.loc[30, "path"] == "kol > 搜索 > 品牌专区🔍"
    assert u1.loc[15, "path"] == "搜索 > 品牌专区🔍"
    assert u1.loc[7, "path"] == "品牌专区🔍"
    u2 = j.loc["order_jd"]
    last20 = " > ".join("信息流" if i % 2 else "kol" for i in reversed(range(20)))
    assert set(u2["path"]) == {last20}
    assert u2.loc[60, "touches"] == 26 and u2.loc[7, "touches"] == 25 and set(u2["truncated"]) == {1}
