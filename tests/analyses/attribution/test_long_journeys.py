"""First-order Markov and the heuristics stay exact at any path length through `zhongcao run`.

ChannelAttribution's own Data.csv has 252 of its 10,000 paths longer than the 20 touches the
journeys mart keeps (the longest 89). Before the long-journey marts the Markov credit that came
out of `zhongcao run` was up to 5.9% off the exact absorbing-chain answer and first touch 41%.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.analyses.attribution.channelattribution_world import write_world
from tests.conftest import shared_data
from zhongcao.analyses.attribution import heuristic, markov, path_table


@pytest.fixture(scope="module")
def run_channels(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    from zhongcao.cli.main import app

    root = tmp_path_factory.mktemp("channelattribution")
    data = write_world(shared_data("channelattribution", "Data.csv"), root / "input")
    result = CliRunner().invoke(app, ["run", str(root / "input"), "--out", str(root / "out"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    doc = json.loads((root / "out" / "findings.json").read_text(encoding="utf-8"))
    att = doc["analyses"]["attribution"]["results"]
    return data, pd.DataFrame(att["channels"]), att["journeys"][0]


def test_data_csv_has_long_paths_the_mart_truncates(run_channels) -> None:  # type: ignore[no-untyped-def]
    data, _, journeys = run_channels
    long = data["path"].str.count(">") + 1 > 20
    assert long.sum() == 252
    # every journey of those paths, converting or not, is truncated in the 30-day lookback
    assert journeys["truncated"] == data.loc[long, "total_conversions"].sum()


def test_markov_through_zhongcao_run_is_the_exact_answer(run_channels) -> None:  # type: ignore[no-untyped-def]
    data, channels, _ = run_channels
    paths = path_table(data.rename(columns={"total_conversions": "conversions", "total_null": "nulls",
                                            "total_conversion_value": "revenue"}))
    exact = markov(paths, 1)[0].set_index("channel")
    got = channels[channels["model"] == "markov"].set_index("channel")
    assert set(got.index) == set(exact.index)
    for col in ("conversions", "revenue"):
        rel = (got.loc[exact.index, col] - exact[col]).abs() / exact[col]
        assert rel.max() < 1e-4, (col, rel.idxmax(), rel.max())  # 0.01%; measured 1.2e-12
    # the bootstrap interval is around the exact point, not the truncated one
    assert ((got["conversions_low"] <= got["conversions"]) & (got["conversions"] <= got["conversions_high"])).all()


@pytest.mark.parametrize("model", ["first_touch", "last_touch", "linear", "position_based"])
def test_heuristics_through_zhongcao_run_are_exact(run_channels, model: str) -> None:  # type: ignore[no-untyped-def]
    data, channels, _ = run_channels
    paths = path_table(data.rename(columns={"total_conversions": "conversions", "total_null": "nulls",
                                            "total_conversion_value": "revenue"}))
    exact = heuristic(paths, model).set_index("channel")
    got = channels[channels["model"] == model].set_index("channel").reindex(exact.index)
    for col in ("conversions", "revenue"):
        assert got[col].to_numpy() == pytest.approx(exact[col].to_numpy(), rel=1e-9), col
    assert ((got["conversions_low"] <= got["conversions"] + 1e-9)
            & (got["conversions"] <= got["conversions_high"] + 1e-9)).all()


def test_higher_orders_still_see_the_last_20_touches(tmp_path: Path) -> None:
    """Order 2 is fitted from the kept paths (documented): it runs, and credits every conversion."""
    from zhongcao import pipeline
    from zhongcao.analyses.attribution import AttributionAnalysis
    from zhongcao.engine import Workspace

    data = write_world(shared_data("channelattribution", "Data.csv"), tmp_path / "input")
    pipeline.ingest(tmp_path / "input", tmp_path / "ws", marts=AttributionAnalysis.marts)
    fitted = AttributionAnalysis(markov_order=2, bootstrap_draws=20).fit(Workspace(tmp_path / "ws"))
    ch = fitted.channels_
    total = ch.loc[ch["model"] == "markov", "conversions"].sum()
    assert total == pytest.approx(data["total_conversions"].sum())
