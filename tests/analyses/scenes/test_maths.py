"""The pure maths behind scenes and lift, checked by hand on small inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zhongcao.analyses.scenes.discovery import cosine_distance, fit_scenes, npmi_coherence
from zhongcao.analyses.scenes.lift import detect_break, did, interrupted_time_series, synthetic_control
from zhongcao.analyses.scenes.measures import rate_ratio, share_trend, tgi
from zhongcao.analyses.scenes.strategy import LiftAnalysis
from zhongcao.errors import AnalysisError


def test_tgi_by_hand() -> None:
    value, lo, hi = tgi(30, 100, 100, 1000)
    assert value == pytest.approx(300.0)
    se = math.sqrt(1 / 30 - 1 / 100 + 1 / 100 - 1 / 1000)
    assert lo == pytest.approx(300 * math.exp(-1.6448536 * se), rel=1e-6)
    assert hi > value > lo
    wide = tgi(30, 100, 100, 1000, deff=4)
    assert wide[1] < lo and wide[2] > hi
    assert all(math.isnan(x) for x in tgi(0, 100, 10, 100))


def test_rate_ratio_and_trend() -> None:
    r, lo, hi = rate_ratio(20, 100, 10, 100)
    assert r == pytest.approx(2.0) and lo < 2 < hi
    rng = np.random.default_rng(0)
    t = rng.uniform(0, 2, 5000)
    y = rng.random(5000) < 1 / (1 + np.exp(-(-2 + 1.0 * t)))
    trend = share_trend(t, y.astype(float))
    assert trend["slope_low"] < 1.0 < trend["slope_high"]
    assert trend["growth"] > 1


def test_npmi_bounds_and_order() -> None:
    docs = [["a", "b"], ["a", "b"], ["c"], ["d"], ["c", "d"]]
    assert npmi_coherence(["a", "b"], docs) == pytest.approx(1.0)
    assert npmi_coherence(["a", "c"], docs) == -1.0
    assert cosine_distance(np.array([1.0, 0]), np.array([0, 1.0])) == 1.0
    assert cosine_distance(np.array([1.0, 1]), np.array([2.0, 2])) == pytest.approx(0.0)


def test_nmf_separates_two_vocabularies() -> None:
    docs = [["登山", "徒步", "抓地"]] * 30 + [["citywalk", "透气", "轻便"]] * 30
    m = fit_scenes(docs, 2, min_df=2, max_df=0.9)
    a = m.assignment()
    assert len(set(a[:30])) == 1 and len(set(a[30:])) == 1 and a[0] != a[-1]


def test_did_recovers_a_planted_lift_and_flags_a_diverging_pretrend() -> None:
    rng = np.random.default_rng(1)
    weeks = 100
    post = np.arange(weeks) >= 70
    base = 200 * (1 + 0.3 * np.sin(np.arange(weeks) / 8))
    control = rng.poisson(base * 3)
    treated = rng.poisson(base * np.where(post, 1.25, 1.0))
    r = did(treated, control, post, draws=500)
    assert r["low"] <= 0.25 <= r["high"] and abs(r["estimate"] - 0.25) < 0.05
    assert r["pre_trend_ok"]
    drifting = rng.poisson(base * np.exp(0.01 * np.arange(weeks)))
    assert not did(drifting, control, post, draws=200)["pre_trend_ok"]
    donors = np.column_stack([rng.poisson(base * k) for k in (1, 2, 3, 4)])
    s = synthetic_control(treated, donors, post)
    assert abs(s["estimate"] - 0.25) < 0.08 and abs(sum(s["weights"]) - 1) < 1e-6
    k, z = detect_break(treated, control, np.arange(20, 90, 5))
    assert k == 70 and z > 5


def test_its_recovers_a_cost_drop() -> None:
    rng = np.random.default_rng(2)
    spend = rng.uniform(8000, 12000, 104)
    post = np.arange(104) >= 60
    leads = rng.poisson(spend / 600 * np.where(post, 3.0, 1.0))
    r = interrupted_time_series(leads, spend, post)
    assert r["cost_ratio_low"] <= 1 / 3 <= r["cost_ratio_high"]
    assert r["level_low"] <= 2.0 <= r["level_high"]


def test_bad_parameters_raise() -> None:
    with pytest.raises(AnalysisError):
        LiftAnalysis(min_z=-1.0)._validate_params()
    with pytest.raises(AnalysisError):
        LiftAnalysis(treated="华南")._validate_params()  # type: ignore[arg-type]


def test_tiny_workspace_fails_cleanly(tiny_ws) -> None:  # type: ignore[no-untyped-def]
    from zhongcao.analyses.scenes import RegionAnalysis, SceneAnalysis
    from zhongcao.engine import Workspace
    from zhongcao.errors import InsufficientDataError

    ws = Workspace(tiny_ws)
    with pytest.raises(InsufficientDataError):
        SceneAnalysis().fit(ws)
    with pytest.raises(InsufficientDataError):
        RegionAnalysis().fit(ws)
    lift = LiftAnalysis().fit(ws)
    assert lift.regional_.get("status") in ("none", None) or lift.regional_ == {}
    with pytest.raises(AnalysisError):
        LiftAnalysis(treated=["火星"], start="2025-01-01").fit(ws)


def test_a_cell_of_a_few_heavy_readers_is_suppressed_however_many_reads() -> None:
    """Three people reading thirty notes of a scene make 90 reads but a group of three."""
    import pandas as pd

    from zhongcao.analyses.scenes.analysis import segment_tgi

    few = ["00000001", "00000002", "00000003"]
    many = [f"{i:08x}" for i in range(100, 400)]
    notes = pd.DataFrame({"note_id": [f"n{i}" for i in range(30)], "scene": 0})
    rows = []
    for i in range(30):
        readers = many[i * 10:(i + 1) * 10]
        rows += [{"note_id": f"n{i}", "attribute": "gender", "value": "f", "readers": 3, "buyers": 0,
                  "people_sketch": few},
                 {"note_id": f"n{i}", "attribute": "gender", "value": "m", "readers": 10, "buyers": 0,
                  "people_sketch": readers},
                 {"note_id": f"n{i}", "attribute": "all", "value": "all", "readers": 13, "buyers": 0,
                  "people_sketch": sorted(few + readers)}]
    out = segment_tgi(notes, pd.DataFrame(rows), {("gender", "f"): 500.0, ("gender", "m"): 500.0}, 50, ("gender",))
    cells = out.set_index("value")
    assert bool(cells.loc["f", "suppressed"]) and math.isnan(cells.loc["f", "tgi"])  # 90 reads, 3 people
    assert not bool(cells.loc["m", "suppressed"]) and cells.loc["m", "reads"] == 300  # 300 reads, 300 people
