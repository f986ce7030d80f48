"""The mmm, budget and repurchase analyses on a workspace: bad input, findings, and recovery on a demo world."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
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
            "repurchase.customer_value"} <= ids
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


DEMO_USERS = 200_000  # 13 s to simulate and ingest each; at 20k the 90% intervals span tens of percent


@pytest.fixture(scope="module")
def demo_fits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, pd.DataFrame, pd.DataFrame]]:
    """Per demo world: planted channel truth, the default (daily) fit's ROIs and the weekly fit's."""
    from zhongcao.simulate import simulate

    out = {}
    for name in ("hiking-shoes", "writing-course", "clip-earbuds"):
        root = tmp_path_factory.mktemp(name)
        simulate(name, root / "input", users=DEMO_USERS, seed=0)
        pipeline.ingest(root / "input", root / "ws")
        truth = json.loads((root / "input" / "truth.json").read_text(encoding="utf-8"))["channels"]
        ws = Workspace(root / "ws")
        out[name] = (truth, MmmAnalysis().fit(ws).channels_.set_index("channel"),
                     MmmAnalysis(period="week").fit(ws).channels_.set_index("channel"))
    return out


def _errors(truth: dict, fit: pd.DataFrame) -> dict[str, float]:
    return {ch: float(fit.loc[ch, "roi"] / t["roi"] - 1) for ch, t in truth.items() if t["roi"] and ch in fit.index}


@pytest.mark.slow
def test_daily_default_recovers_planted_rois_where_the_weekly_control_does_not(demo_fits) -> None:
    """Planted ROIs of six channels in three worlds: the daily default lands near them, weekly data do not.

    Weekly sums hide how fast douyin and brand_zone act, and their ROI rises with the carry-over the
    fit settles on (docs/mmm.md "Demo worlds"); the weekly fit is the control that must do worse.
    """
    daily, weekly = [], []
    for name, (truth, day_fit, week_fit) in demo_fits.items():
        d, w = _errors(truth, day_fit), _errors(truth, week_fit)
        print(name, "daily", {k: f"{v:+.0%}" for k, v in d.items()}, "weekly", {k: f"{v:+.0%}" for k, v in w.items()})
        daily += d.values()
        weekly += w.values()
    daily_err, weekly_err = np.abs(daily), np.abs(weekly)
    assert len(daily_err) == 18
    # Measured at seed 0: median 7.5%, worst 23% (hiking-shoes tmall_ad); weekly worst 86% (hiking-shoes douyin).
    assert np.median(daily_err) <= 0.10 and np.max(daily_err) <= 0.30, sorted(daily_err)
    assert np.max(weekly_err) > 2 * np.max(daily_err)
    for name, (truth, day_fit, week_fit) in demo_fits.items():  # the fast, weak channel, world by world
        day, week = _errors(truth, day_fit)["douyin"], _errors(truth, week_fit)["douyin"]
        assert week > 0.15 and abs(day) < week, (name, day, week)  # measured: +86/+24/+21% weekly, +5/-4/+10% daily


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="known gap, docs/mmm.md 'Demo worlds': at 200k users, seed 0, 17 of 18 "
                   "channel ROIs are within ±15% and 15 of 18 truths inside the 90% interval (hiking-shoes tmall_ad "
                   "+23%; writing-course search -9% and tmall_ad -12% just outside tight intervals); 18 of 18 "
                   "inside a calibrated 90% interval happens one time in seven")
def test_demo_world_planted_rois_recovered_within_15pct_and_in_90pct_interval(demo_fits) -> None:
    misses = []
    for name, (truth, fit, _weekly) in demo_fits.items():
        for ch, err in _errors(truth, fit).items():
            inside = fit.loc[ch, "roi_low"] <= truth[ch]["roi"] <= fit.loc[ch, "roi_high"]
            if abs(err) > 0.15 or not inside:
                misses.append((name, ch, round(err, 3), inside))
    assert not misses, misses
