"""The mmm, budget and repurchase analyses on a workspace: bad input, findings, and recovery on a demo world."""

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
    with pytest.raises(InsufficientDataError, match=r"needs at least \d+ weeks"):
        MmmAnalysis().fit(Workspace(tiny_ws))


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


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="known gap, docs/mmm.md 'Demo worlds': weekly data do not pin down the "
                   "carry-over of fast, weak channels (douyin, brand_zone) and their ROI rises with it (+101%/+52% on "
                   "hiking-shoes at 200k users); kol's spend follows the growth of posting and repeat buying ramps up from "
                   "zero, two ramps the trend competes for; at 20k users "
                   "(this world) the 90% intervals span tens to hundreds of percent")
def test_demo_world_planted_rois_recovered_within_15pct_and_in_90pct_interval(world) -> None:
    ws, truth = world
    s = MmmAnalysis().fit(ws).channels_.set_index("channel")
    for ch, t in truth["channels"].items():
        if t["roi"] is None or ch not in s.index:
            continue
        assert abs(s.loc[ch, "roi"] / t["roi"] - 1) <= 0.15, (ch, s.loc[ch, "roi"], t["roi"])
        assert s.loc[ch, "roi_low"] <= t["roi"] <= s.loc[ch, "roi_high"], (ch, t["roi"])
