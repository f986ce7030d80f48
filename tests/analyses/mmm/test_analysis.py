"""The mmm, budget and repurchase analyses on a workspace: bad input and findings (recovery: test_demo_worlds.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhongcao import pipeline
from zhongcao.analyses.budget import BudgetAnalysis
from zhongcao.analyses.mmm import MmmAnalysis
from zhongcao.engine import Workspace
from zhongcao.errors import AnalysisError, InsufficientDataError
from zhongcao.findings import validate_document


def test_too_few_periods_is_a_clear_error(tiny_ws: Path) -> None:
    with pytest.raises(InsufficientDataError, match=r"needs at least \d+ days"):
        MmmAnalysis().fit(Workspace(tiny_ws))
    with pytest.raises(InsufficientDataError, match=r"needs at least \d+ weeks"):
        MmmAnalysis(period="week").fit(Workspace(tiny_ws))


def test_parameters_are_validated(tiny_ws: Path) -> None:
    with pytest.raises(AnalysisError, match="kpi"):
        MmmAnalysis(kpi="profit").fit(Workspace(tiny_ws))


def test_declared_changes_become_step_controls() -> None:
    import numpy as np
    import pandas as pd

    from zhongcao.analyses.mmm.analysis import change_steps
    from zhongcao.contract.tables import BrandConfig

    class Source:
        brand = BrandConfig(changes=({"date": "2025-06-04", "regions": ["华南"]}, {"date": "2030-01-01"}))

    weeks = pd.date_range("2025-05-19", periods=5, freq="7D")  # Mondays; 2025-06-04 is a Wednesday
    steps, names = change_steps(Source(), weeks, 7)  # type: ignore[arg-type]
    assert names == ["change 2025-06-04 (华南)"]  # the change after the data has no column
    assert steps is not None and np.allclose(steps[:, 0], [0, 0, 5 / 7, 1, 1])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, dict]:
    from zhongcao.simulate import simulate

    root = tmp_path_factory.mktemp("mmm-world")
    simulate("hiking-shoes", root / "input", users=20_000, seed=0)
    pipeline.ingest(root / "input", root / "ws")
    return Workspace(root / "ws"), json.loads((root / "input" / "truth.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_findings_document_carries_mmm_budget_and_repurchase(world) -> None:
    ws, _ = world
    doc = pipeline.findings(ws, ["mmm", "budget", "repurchase"])
    validate_document(doc)
    ids = {f["id"] for f in doc["findings"]}
    assert {"mmm.long_term_roi", "mmm.diagnostics", "budget.plan", "budget.scenarios",
            "repurchase.customer_value", "mmm.next_experiment"} <= ids
    checks = ("convergence", "prior_shift", "fit", "baseline", "consistency", "confounding")
    assert {f"mmm.review.{c}" for c in checks} <= ids
    review = doc["analyses"]["mmm"]["results"]["review"]
    print({c["name"]: c["verdict"] for c in review["checks"]})
    assert review["calibrated"] and not review["confounded"]  # measured: every check passes on this world
    assert doc["analyses"]["budget"]["results"]["review"]["verdict"] == review["verdict"]
    assert doc["analyses"]["mmm"]["results"]["lift_studies"] == []  # the demo world's brand.toml declares none
    diagnostics = next(f for f in doc["findings"] if f["id"] == "mmm.diagnostics")
    assert "Not calibrated with lift studies" in diagnostics["summary"]["en"]
    lt = doc["analyses"]["mmm"]["results"]["long_term"]
    for row in lt:  # long-term = short-term + carry-over + repeat, per channel
        assert row["long_term_roi"] == pytest.approx(row["short_term_roi"] + row["carry_over_roi"] + row["repeat_roi"])
    plan = doc["analyses"]["budget"]["results"]["plan"]
    assert sum(r["optimal"] for r in plan) == pytest.approx(sum(r["current"] for r in plan), rel=1e-6)
    assert all(0.7 - 1e-6 <= r["optimal"] / r["current"] <= 1.3 + 1e-6 for r in plan)


@pytest.mark.slow
def test_budget_reuses_the_mmm_fit(world) -> None:
    ws, _ = world
    mmm = MmmAnalysis().fit(ws)
    budget = BudgetAnalysis().fit(ws)
    assert set(budget.plan_["channel"]) == set(mmm.channels_["channel"])


def test_lift_studies_come_from_the_parameter_else_brand_toml() -> None:
    from zhongcao.contract.tables import BrandConfig
    from zhongcao.errors import AnalysisError

    class Source:
        brand = BrandConfig.from_mapping({"lift_studies": [{"channel": "kol", "roi": 2.0, "se": 0.4}]})

    a = MmmAnalysis()
    assert [(s.channel, s.roi, s.se) for s in a._calibration(Source(), ["kol", "feeds"])] == [("kol", 2.0, 0.4)]
    assert a.lift_studies_[0]["source"] == "brand.toml"
    b = MmmAnalysis(lift_studies={"feeds": (1.2, 0.2)})  # the parameter wins over brand.toml
    assert [(s.channel, s.roi) for s in b._calibration(Source(), ["kol", "feeds"])] == [("feeds", 1.2)]
    assert b.lift_studies_[0]["source"] == "parameter"
    with pytest.raises(AnalysisError, match="`se` must be above 0"):  # the parameter is checked as brand.toml is
        MmmAnalysis(lift_studies={"feeds": (1.2, 0.0)})._calibration(Source(), ["kol", "feeds"])
    with pytest.warns(UserWarning, match="GMV per CNY"):
        assert MmmAnalysis(kpi="orders")._calibration(Source(), ["kol"]) == []


@pytest.mark.slow
def test_a_precise_lift_study_pulls_its_channel_to_the_truth(world) -> None:
    """kol is the least certain channel (docs/mmm.md "Demo worlds"); a lift study that measured its
    ROI to ±5% must move the estimate there and narrow the interval, the other channels staying put."""
    ws, truth = world
    planted = truth["channels"]["kol"]["roi"]
    quick = {"review": False, "experiment": False}
    free = MmmAnalysis(**quick).fit(ws).channels_.set_index("channel")
    calibrated = MmmAnalysis(lift_studies={"kol": (planted, 0.05 * planted)}, **quick).fit(ws).channels_.set_index(
        "channel")
    width = lambda fit: fit.loc["kol", "roi_high"] - fit.loc["kol", "roi_low"]  # noqa: E731
    print("kol free", free.loc["kol", "roi"], "calibrated", calibrated.loc["kol", "roi"], "truth", planted)
    assert abs(calibrated.loc["kol", "roi"] / planted - 1) <= 0.06
    assert width(calibrated) < 0.5 * width(free)
    moved = (calibrated["roi"] / free["roi"] - 1).drop("kol").abs()
    print("other channels moved", moved.round(3).to_dict())
    assert moved.max() <= 0.15, moved  # measured: 2.4% at most (douyin)


def _weekly_input(root: Path, weeks: int = 104) -> Path:
    """Weekly figures entered as contract rows: each week's spend on its Monday, its sales as one order on Sunday."""
    import pandas as pd

    from .synthetic import world

    w = world(weeks=weeks, seed=0)
    root.mkdir(parents=True)
    spend = [(d.date(), ch, round(float(w.spend[i, k]), 2)) for i, d in enumerate(w.dates)
             for k, ch in enumerate(("kol", "feeds"))]
    pd.DataFrame(spend, columns=["date", "channel", "amount"]).to_csv(root / "spend.csv", index=False)
    orders = [(f"o{i}", "week-total", f"{(d + pd.Timedelta(days=6)).date()} 12:00:00", "tmall", round(float(w.y[i]), 2))
              for i, d in enumerate(w.dates)]
    pd.DataFrame(orders, columns=["order_id", "user_id", "ordered_at", "platform", "amount"]).to_csv(
        root / "orders.csv", index=False)
    return root


def test_weekly_data_in_contract_tables_is_modelled_weekly_without_a_setting(tmp_path: Path) -> None:
    pipeline.ingest(_weekly_input(tmp_path / "in"), tmp_path / "ws")
    ws = Workspace(tmp_path / "ws")
    fit = MmmAnalysis(steps=400, repeat_horizon_weeks=0).fit(ws)
    assert fit.period_ == {"period": "week", "source": "data kept by week"}
    assert fit.totals_["periods"] == 104  # every week, the last one included
    assert fit.fitted_model().period_ == "week"


def test_the_period_parameter_forces_the_period() -> None:
    """brand.toml's ``[analyses.mmm] period`` sets this parameter (tests/analyses/test_settings.py)."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from zhongcao.analyses.mmm.analysis import resolve_period
    from zhongcao.contract.tables import BrandConfig

    days = pd.date_range("2025-01-01", periods=120, freq="D")
    marts = {"channel_daily": pa.table({"day": days.date, "channel": ["kol"] * 120, "spend": np.ones(120),
                                        "leads": np.zeros(120)}),
             "platform_daily": pa.table({"day": days.date, "platform": ["red"] * 120, "gmv": np.ones(120),
                                         "orders": np.ones(120)})}

    class Source:
        def __init__(self, brand: BrandConfig) -> None:
            self.brand = brand

        def mart(self, name: str) -> pa.Table:
            return marts[name]

    daily = Source(BrandConfig())
    assert resolve_period(daily, None, "gmv", "all") == {"period": "day", "source": "default"}  # type: ignore[arg-type]
    assert resolve_period(daily, "week", "gmv", "all") == {"period": "week", "source": "parameter"}  # type: ignore[arg-type]
