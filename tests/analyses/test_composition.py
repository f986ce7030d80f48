"""Analyses composed by parameters (issue #24): get_params(deep)/set_params/clone, and a run fits each once."""

from __future__ import annotations

from typing import Any

import pytest

from zhongcao import pipeline
from zhongcao.analyses.base import Analysis, clone
from zhongcao.analyses.budget import BudgetAnalysis
from zhongcao.analyses.mmm import MmmAnalysis
from zhongcao.analyses.registry import REGISTRY, fit_order
from zhongcao.analyses.repurchase import RepurchaseAnalysis
from zhongcao.analyses.scenes import RegionAnalysis, SceneAnalysis
from zhongcao.errors import AnalysisError


def test_nested_parameters_read_and_set_like_scikit_learn() -> None:
    budget = BudgetAnalysis(mmm=MmmAnalysis(steps=400, repurchase=RepurchaseAnalysis(horizon_weeks=26)))
    deep = budget.get_params(deep=True)
    assert deep["mmm__steps"] == 400 and deep["mmm__repurchase__horizon_weeks"] == 26
    assert "mmm__steps" not in budget.get_params(deep=False)
    budget.set_params(mmm__steps=600, mmm__repurchase__horizon_weeks=52, lower=0.5)
    assert (budget.mmm.steps, budget.mmm.repurchase.horizon_weeks, budget.lower) == (600, 52, 0.5)
    with pytest.raises(AnalysisError, match="no parameter 'mmmm'"):
        budget.set_params(mmmm__steps=1)
    with pytest.raises(AnalysisError, match="not an analysis"):
        budget.set_params(lower__x=1)


def test_clone_copies_parameters_not_fits() -> None:
    regions = RegionAnalysis(scenes=SceneAnalysis(n_scenes=5), words=4)
    regions.scenes.scenes_ = "a fitted attribute"
    copy = clone(regions)
    assert copy is not regions and copy.scenes is not regions.scenes
    assert copy.get_params(deep=True) == {**regions.get_params(deep=True), "scenes": copy.scenes}
    assert not copy.scenes.is_fitted() and regions.scenes.is_fitted()


def test_dependencies_are_fitted_first_and_the_order_asked_is_kept_otherwise() -> None:
    assert fit_order(["budget", "kpi", "mmm", "repurchase"]) == ["repurchase", "mmm", "budget", "kpi"]
    assert fit_order(["regions", "scenes"]) == ["scenes", "regions"]
    assert fit_order(["budget"]) == ["budget"]  # alone, budget fits its own MMM
    for name, entry in REGISTRY.items():  # every composed parameter names a registered analysis of that class
        for param, dep in entry.uses.items():
            assert REGISTRY[dep].factory in entry.factory._parameter_constraints[param], (name, param)


def _count_fits(monkeypatch: pytest.MonkeyPatch, classes: tuple[type[Analysis], ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for cls in classes:
        original = cls.fit

        def counting(self: Any, source: Any, _original: Any = original, _name: str = cls.name) -> Any:
            counts[_name] = counts.get(_name, 0) + 1
            return _original(self, source)

        monkeypatch.setattr(cls, "fit", counting)
    return counts


@pytest.mark.slow
def test_a_run_fits_each_analysis_once_and_hands_it_to_those_built_on_it(
        demo_worlds: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: the MMM fitted its own repurchase model (the repurchase analysis then fitted it again),
    and the regional matrix mined the scenes again (NMF twice per run)."""
    counts = _count_fits(monkeypatch, (MmmAnalysis, RepurchaseAnalysis, SceneAnalysis, BudgetAnalysis, RegionAnalysis))
    ws, _ = demo_worlds["hiking-shoes"]
    fast = pipeline.settings(ws, {"mmm.period": "week", "mmm.steps": 400})
    fitted, errors = pipeline.analyze(ws, ["budget", "mmm", "repurchase", "regions", "scenes"], run_settings=fast)
    assert not errors, errors
    assert counts == {"repurchase": 1, "mmm": 1, "budget": 1, "scenes": 1, "regions": 1}
    assert list(fitted) == ["budget", "mmm", "repurchase", "regions", "scenes"]  # the order asked for
    assert fitted["budget"].mmm is fitted["mmm"] and fitted["mmm"].repurchase is fitted["repurchase"]
    assert fitted["regions"].scenes is fitted["scenes"]
    assert fitted["mmm"].repeat_["repeat_gmv_per_new_customer"] == fitted["repurchase"].value_["repeat_gmv"]
