from __future__ import annotations

import warnings

import numpy as np
import pytest

from zhongcao.analyses.mmm.diagnostics import (
    CollinearityWarning,
    Convergence,
    check_media,
    ess,
    min_periods,
    split_rhat,
)
from zhongcao.errors import AnalysisError, InsufficientDataError


def test_rhat_is_one_for_mixed_chains_and_large_for_stuck_ones() -> None:
    rng = np.random.default_rng(0)
    assert split_rhat(rng.normal(size=(4, 1000))) == pytest.approx(1.0, abs=0.01)
    stuck = rng.normal(size=(4, 1000)) + np.arange(4)[:, None] * 3
    assert split_rhat(stuck) > 1.5


def test_ess_of_iid_and_ar1_draws() -> None:
    rng = np.random.default_rng(1)
    iid = rng.normal(size=(4, 2000))
    assert ess(iid) == pytest.approx(8000, rel=0.15)
    rho = 0.8
    ar = np.zeros((4, 4000))
    for t in range(1, 4000):
        ar[:, t] = rho * ar[:, t - 1] + rng.normal(size=4)
    expected = 16000 * (1 - rho) / (1 + rho)  # ESS of an AR(1): N (1 - ρ) / (1 + ρ)
    assert ess(ar) == pytest.approx(expected, rel=0.25)


def test_reported_rois_need_the_strict_limit_curve_parameters_the_classic_one() -> None:
    def conv(half: float, roi: float, ess_roi: float = 500.0) -> Convergence:
        return Convergence({"kol.saturation.half": half, "kol.roi": roi}, {"kol.saturation.half": 400.0, "kol.roi": ess_roi},
                           frozenset({"kol.roi"}))

    assert conv(1.08, 1.02).ok()  # a slow ridge in the curve, ROIs agreeing across walkers
    assert conv(1.08, 1.02).max_rhat == 1.08 and conv(1.08, 1.02).max_rhat_roi == 1.02
    assert not conv(1.12, 1.02).ok()  # a parameter past 1.1
    assert not conv(1.02, 1.06).ok()  # a reported ROI past 1.05
    assert not conv(1.02, 1.02, ess_roi=80.0).ok()
    unnamed = Convergence({"kol.saturation.half": 1.08, "kol.roi": 1.02}, {"kol.saturation.half": 400.0, "kol.roi": 500.0})
    assert unnamed.max_rhat_roi == 1.08 and not unnamed.ok()  # nothing named reported: every quantity is held to 1.05
    with pytest.raises(ValueError, match=r"kol\.roi"):
        Convergence({"a": 1.0}, {"a": 500.0}, frozenset({"kol.roi"}))  # a renamed quantity is loud


def test_bad_media_inputs_are_refused_with_reasons() -> None:
    rng = np.random.default_rng(2)
    good = rng.gamma(2, 1, (60, 2))
    with pytest.raises(InsufficientDataError, match=f"at least {min_periods(10)} weeks"):
        check_media(good[:10], ["a", "b"], 10)
    zero = good.copy()
    zero[:, 1] = 0
    with pytest.raises(AnalysisError, match="'b' has zero spend"):
        check_media(zero, ["a", "b"], 10)
    const = good.copy()
    const[:, 0] = 5.0
    with pytest.raises(AnalysisError, match="'a' spends the same amount"):
        check_media(const, ["a", "b"], 10)
    twin = np.column_stack([good[:, 0], good[:, 0] * 2 + rng.normal(0, 0.05, 60)])
    with pytest.warns(CollinearityWarning, match=r"correlation (0\.9\d|1\.00)"):
        pairs = check_media(twin, ["a", "b"], 10)
    assert pairs[0][:2] == ("a", "b")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_media(good, ["a", "b"], 10) == []
