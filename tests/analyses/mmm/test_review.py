"""The model review: each check's verdict on worlds where the answer is known (synthetic weekly arrays)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zhongcao.analyses.mmm.diagnostics import Convergence
from zhongcao.analyses.mmm.model import BayesianMMM, LiftStudy
from zhongcao.analyses.mmm.review import (
    ReviewConfig,
    baseline_check,
    confounding_check,
    consistency_check,
    convergence_check,
    fit_check,
    prior_shift_check,
    review_model,
)
from zhongcao.analyses.mmm.transforms import default_chain
from zhongcao.findings.mmm_review import adjust_level, caveat

from .synthetic import CHANNELS, world

CFG = ReviewConfig()


def _fit(w, roi_prior="data", lift_studies=()) -> BayesianMMM:
    model = BayesianMMM(default_chain("geometric", "hill", 8), roi_prior=roi_prior, events=False, yearly_order=1,
                        spend_scale="mean", steps=800, burn=400, restarts=0, seed=0)
    return model.fit(w.y, w.spend, w.dates, CHANNELS, lift_studies=lift_studies)


@pytest.fixture(scope="module")
def clean():
    w = world(seed=1)
    return w, _fit(w)


def test_spend_that_follows_hidden_demand_is_flagged_and_independent_flights_are_not(clean) -> None:
    """Channel a's budget follows a persistent demand driver seen a week late: its ROI comes out several
    times the truth with a tight interval, and only the confounding check tells (docs/mmm.md "Model review")."""
    w = world(seed=1, confounded=0.5)
    model = _fit(w)
    s = model.summary().set_index("channel")
    print("confounded a:", s.loc["a", ["roi", "roi_low", "roi_high"]].round(2).tolist(), "truth", round(w.roi["a"], 2))
    assert s.loc["a", "roi_low"] > w.roi["a"]  # confidently wrong: what the check is for
    check = confounding_check(model, CFG)
    rows = {r["channel"]: r for r in check.rows}
    print({ch: (round(r["sales_partial_r2"], 3), r["sales_p_value"]) for ch, r in rows.items()})
    assert check.verdict == "review" and check.flagged == ("a",)
    assert rows["a"]["sales_partial_r2"] > 0.3  # measured 0.61 (seeds 1-3: 0.50-0.61)
    clean_check = confounding_check(clean[1], CFG)
    assert clean_check.verdict == "pass", clean_check.rows  # measured partial R² at most 0.08 (seeds 1-3)


def test_a_clean_world_passes_fit_baseline_and_prior_shift(clean) -> None:
    _w, model = clean
    rng = np.random.default_rng(0)
    fit = fit_check(model, CFG, rng)
    print(fit.numbers)
    assert fit.verdict == "pass" and fit.numbers["holdout_periods"] == 16  # 10% of 156 weeks, rounded up
    assert len(fit.rows) == 16
    assert baseline_check(model, CFG).verdict == "pass"
    shift = prior_shift_check(model, CFG, rng)
    assert shift.verdict == "pass" and all(r["sd_ratio"] < 0.5 for r in shift.rows)


def test_a_break_in_the_held_out_stretch_fails_the_forecast() -> None:
    w = world(seed=1)
    y = w.y.copy()
    y[-16:] *= 1.3  # a launch the model does not know about, in the final stretch
    model = _fit(w._replace(y=y))
    fit = fit_check(model, CFG, np.random.default_rng(0))
    print(fit.numbers)
    assert fit.verdict == "fail" and fit.numbers["holdout_coverage"] < CFG.coverage_fail


def test_a_prior_too_tight_for_the_data_to_move_is_named(clean) -> None:
    w, _ = clean
    model = _fit(w, roi_prior=(2.0, 0.01))
    check = prior_shift_check(model, CFG, np.random.default_rng(0))
    assert check.verdict == "review" and set(check.flagged) == set(CHANNELS)
    assert caveat({"hardly_moved": list(check.flagged)}, hardly_moved=True).en.startswith("The data hardly moved")


def test_consistency_flags_last_touch_far_off_and_fails_on_a_contradicting_lift_study(clean) -> None:
    w, model = clean
    roi = model.summary().set_index("channel")["roi"]
    near = consistency_check(model, CFG, {"a": float(roi["a"]) * 2, "b": float(roi["b"]) / 2})
    assert near.verdict == "pass"
    far = consistency_check(model, CFG, {"a": float(roi["a"]) * 10})
    assert far.verdict == "review" and far.flagged == ("a",)
    # A study as precise as the data, at four times their ROI: the posterior sits between, far from both.
    # (A study far more precise than the data takes the posterior with it and leaves no conflict to see.)
    contradicted = _fit(w, lift_studies=[LiftStudy("b", 4 * w.roi["b"], 0.3 * w.roi["b"])])
    check = consistency_check(contradicted, CFG, {})
    print(check.rows)
    assert check.verdict == "fail" and "b" in check.flagged


def test_convergence_verdicts_follow_the_declared_limits(clean) -> None:
    _w, model = clean
    good = Convergence({"a.roi": 1.01, "x": 1.05}, {"a.roi": 900.0, "x": 300.0}, frozenset({"a.roi"}))
    slow = Convergence({"a.roi": 1.08, "x": 1.05}, {"a.roi": 900.0, "x": 300.0}, frozenset({"a.roi"}))
    stuck = Convergence({"a.roi": 1.3, "x": 1.6}, {"a.roi": 20.0, "x": 10.0}, frozenset({"a.roi"}))
    verdicts = []
    for conv in (good, slow, stuck):
        model.convergence_, saved = conv, model.convergence_
        verdicts.append(convergence_check(model, CFG).verdict)
        model.convergence_ = saved
    assert verdicts == ["pass", "review", "fail"]


def test_review_is_json_ready_and_drives_the_cards_confidence(clean) -> None:
    _w, model = clean
    review = review_model(model, {"a": 2.0, "b": 1.5})
    doc = json.loads(json.dumps(review.to_dict()))
    assert [c["name"] for c in doc["checks"]] == ["convergence", "prior_shift", "fit", "baseline", "consistency",
                                                  "confounding"]
    assert doc["config"]["granger_lags"] == CFG.granger_lags  # the thresholds travel with the verdicts
    assert adjust_level("high", {"calibrated": True, "confounded": []}) == "high"
    assert adjust_level("high", {"calibrated": True, "confounded": ["a"]}) == "medium"
    assert adjust_level("medium", {"calibrated": True, "confounded": ["a"]}) == "low"
    assert adjust_level("high", {"calibrated": False, "confounded": [], "checks": []}) == "low"
    text = caveat({"calibrated": False, "confounded": ["a"], "checks": [{"name": "fit", "verdict": "fail"}]})
    assert "uncalibrated" in text.en and "(fit)" in text.en and "confounded" in text.en and "未经校准" in text.zh
